// "Generate member configuration" (runbook step 6): the env file for a member joining a running cluster,
// built from an existing member's config so the cluster-wide settings carry over.
import { RuleContext } from './context';
import type { ConfigDocument } from './document';
import { checkEtcdUrl } from './values';

/** What the operator types in: the new member's name and peer URL. */
export interface NewMember {
  name: string;
  peerUrl: string;
  clientUrl?: string;
  /** Every peer URL when there are several (peerUrl is then the first). */
  peerUrls?: string[];
  /** Every client URL when there are several (clientUrl is then the first). */
  clientUrls?: string[];
}

/**
 * A running cluster as its live member list describes it, for a member already added through the API (the
 * "Add member" action) rather than generated from another member's configuration file.
 */
export interface LiveCluster {
  /** Every current member except the new one. A member added but never started has no name: give its id. */
  members: Array<{ name: string; peerURLs: string[] }>;
  /** Whether the new member was added as a learner (said in the file's header). */
  learner?: boolean;
  dataDir?: string;
  token?: string;
}

const CARRIED = [
  'initial-cluster-token',
  'heartbeat-interval',
  'election-timeout',
  'data-dir',
  'quota-backend-bytes',
  'auto-compaction-mode',
  'auto-compaction-retention',
];

/** Problems with the input, or undefined when it is usable. */
export function validateNewMember(m: NewMember): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(m.name)) return 'A member name is letters, digits, ".", "_" or "-" (no spaces, no "=" or ",").';
  const peer = checkEtcdUrl(m.peerUrl.trim());
  if (peer.error) return peer.error;
  return undefined;
}

/**
 * The new member's etcd.conf text: ETCD_NAME, ETCD_INITIAL_CLUSTER (with it), state existing, advertise URLs;
 * the cluster-wide settings from an existing member's config, or the members, data dir and token of a live cluster.
 */
export function generateMemberConfig(m: NewMember, from?: ConfigDocument | LiveCluster): string {
  const live = from && 'members' in from ? from : undefined;
  const ctx = from && !('members' in from) ? new RuleContext(from, '3.5') : undefined;
  const peers = (m.peerUrls?.length ? m.peerUrls : [m.peerUrl]).map((u) => u.trim());
  const peer = peers[0];
  const parsed = checkEtcdUrl(peer).url;
  const host = parsed?.host.includes(':') ? `[${parsed.host}]` : (parsed?.host ?? 'localhost');
  const scheme = parsed?.scheme === 'https' ? 'https' : 'http';
  const clients = (m.clientUrls?.length ? m.clientUrls : [m.clientUrl?.trim() || `${scheme}://${host}:2379`]).map((u) => u.trim());
  const others = live
    ? live.members.filter((x) => x.name !== m.name).flatMap((x) => x.peerURLs.map((url) => ({ name: x.name, url })))
    : ctx?.isSet('initial-cluster')
      ? ctx.cluster().members.filter((x) => x.name.trim() !== m.name)
      : [];
  const cluster = [...others.map((x) => `${x.name.trim()}=${x.url}`), ...peers.map((p) => `${m.name}=${p}`)].join(',');
  const lines = [
    `# etcd member ${m.name}: joins a running cluster (runbook step 6).`,
    live
      ? `# Already added to the cluster${live.learner ? ' as a learner: promote it once it has caught up with the leader' : ' as a voting member'}.`
      : `# First, on a healthy member: etcdctl member add ${m.name} --peer-urls=${peers.join(',')}`,
    `ETCD_NAME=${m.name}`,
    `ETCD_INITIAL_CLUSTER="${cluster}"`,
    'ETCD_INITIAL_CLUSTER_STATE=existing',
    `ETCD_INITIAL_ADVERTISE_PEER_URLS=${peers.join(',')}`,
    `ETCD_LISTEN_PEER_URLS=${peers.map((p) => listenUrl(p)).join(',')}`,
    `ETCD_ADVERTISE_CLIENT_URLS=${clients.join(',')}`,
    `ETCD_LISTEN_CLIENT_URLS=${clients.map((c) => listenUrl(c, true)).join(',')}`,
  ];
  // An https listener needs its certificate and key or etcd refuses to start: the paths are where to put them.
  const tls = (prefix: string, kind: string): string[] => [
    `# TLS (${kind}): this member's own certificate and key, signed by the cluster's CA; change the paths to yours.`,
    `ETCD_${prefix}CERT_FILE=/etc/etcd/pki/${m.name}${kind === 'peer' ? '-peer' : ''}.crt`,
    `ETCD_${prefix}KEY_FILE=/etc/etcd/pki/${m.name}${kind === 'peer' ? '-peer' : ''}.key`,
    `ETCD_${prefix}TRUSTED_CA_FILE=/etc/etcd/pki/ca.crt`,
  ];
  if (peers.some((p) => p.startsWith('https:'))) lines.push(...tls('PEER_', 'peer'));
  if (clients.some((c) => c.startsWith('https:'))) lines.push(...tls('', 'clients'));
  // Quoted the way the env files this generator writes are (the document's own format does not matter).
  const env = new RuleContext({ format: 'env', lines: [], entries: [], syntax: [] }, '3.5');
  if (live?.dataDir) lines.push(`ETCD_DATA_DIR=${env.quote(live.dataDir)}`);
  if (live?.token) lines.push(`ETCD_INITIAL_CLUSTER_TOKEN=${env.quote(live.token)}`);
  for (const flag of CARRIED) {
    // A value etcd would refuse in the source (reported there) is not copied into the new member's file.
    const e = ctx?.get(flag);
    if (e && !ctx?.check(e).ok) continue;
    const v = ctx?.value(flag);
    if (v !== undefined && v !== '') lines.push(`${ctx?.spec(flag)?.env}=${ctx?.quote(v)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Where to listen for an advertised URL: its IP address, or every address for a host name (clients: always every address). */
function listenUrl(url: string, anyHost = false): string {
  const parsed = checkEtcdUrl(url).url;
  const scheme = parsed?.scheme === 'https' ? 'https' : 'http';
  const host = parsed?.host.includes(':') ? `[${parsed.host}]` : (parsed?.host ?? 'localhost');
  return `${scheme}://${!anyHost && parsed && /^[\d.:]+$/.test(parsed.host) ? host : '0.0.0.0'}:${parsed?.port ?? (anyHost ? '2379' : '2380')}`;
}
