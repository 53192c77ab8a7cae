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

/** The new member's etcd.conf text: ETCD_NAME, ETCD_INITIAL_CLUSTER (with it), state existing, advertise URLs. */
export function generateMemberConfig(m: NewMember, from?: ConfigDocument): string {
  const ctx = from ? new RuleContext(from, '3.5') : undefined;
  const peer = m.peerUrl.trim();
  const parsed = checkEtcdUrl(peer).url;
  const host = parsed?.host.includes(':') ? `[${parsed.host}]` : (parsed?.host ?? 'localhost');
  const scheme = parsed?.scheme === 'https' ? 'https' : 'http';
  const client = m.clientUrl?.trim() || `${scheme}://${host}:2379`;
  const members = ctx?.isSet('initial-cluster') ? ctx.cluster().members.filter((x) => x.name.trim() !== m.name) : [];
  const cluster = [...members.map((x) => `${x.name.trim()}=${x.url}`), `${m.name}=${peer}`].join(',');
  const lines = [
    `# etcd member ${m.name}: joins a running cluster (runbook step 6).`,
    `# First, on a healthy member: etcdctl member add ${m.name} --peer-urls=${peer}`,
    `ETCD_NAME=${m.name}`,
    `ETCD_INITIAL_CLUSTER="${cluster}"`,
    'ETCD_INITIAL_CLUSTER_STATE=existing',
    `ETCD_INITIAL_ADVERTISE_PEER_URLS=${peer}`,
    `ETCD_LISTEN_PEER_URLS=${scheme}://${parsed && /^[\d.:]+$/.test(parsed.host) ? host : '0.0.0.0'}:${parsed?.port ?? '2380'}`,
    `ETCD_ADVERTISE_CLIENT_URLS=${client}`,
    `ETCD_LISTEN_CLIENT_URLS=${scheme}://0.0.0.0:${checkEtcdUrl(client).url?.port ?? '2379'}`,
  ];
  for (const flag of CARRIED) {
    // A value etcd would refuse in the source (reported there) is not copied into the new member's file.
    const e = ctx?.get(flag);
    if (e && !ctx?.check(e).ok) continue;
    const v = ctx?.value(flag);
    if (v !== undefined && v !== '') lines.push(`${ctx?.spec(flag)?.env}=${ctx?.quote(v)}`);
  }
  return `${lines.join('\n')}\n`;
}
