// Connection profiles: where a cluster is and how to authenticate. Built from settings, from etcdctl's
// environment variables, or from a kubeadm etcd static pod manifest.
import { parse as parseYaml } from 'yaml';
import { redactUserinfo } from './advertised';
import type { Dialer } from './dial';

/** TLS material for talking to a cluster's client URLs (file paths). */
export interface TlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Overrides the name checked against the server certificate (etcdctl has no such flag; kubeadm needs it for IPs). */
  serverName?: string;
}

/** Everything needed to reach a cluster. One endpoint is enough: the rest are discovered. */
export interface ConnectionProfile {
  name: string;
  endpoints: string[];
  tls?: TlsFiles;
  /**
   * TLS material for the members' peer URLs (etcd's --peer-trusted-ca-file, and a certificate the peers
   * accept when they run with --peer-client-cert-auth): used only to read their clocks (GET /raft/probing).
   */
  peerTls?: TlsFiles;
  username?: string;
  /** Never logged, never written to settings: comes from SecretStorage or a prompt. */
  password?: string;
  /** Deadline for each member's probes, in milliseconds. */
  timeoutMs?: number;
  /**
   * Where each member's Prometheus /metrics are read: by default on the client URL probed; `port` (and
   * `scheme`) when the members serve them on --listen-metrics-urls instead (same host). false: not read on
   * every refresh (no figures, no metrics checks; the quota is still read every few minutes).
   */
  metrics?: MetricsSource | false;
  /**
   * Another route than a direct connection (an SSH tunnel, dial.ts): every connection of the inspector and
   * the actions opens through it. `route` says which, for messages and the tree ("via bastion-1").
   */
  dial?: Dialer;
  route?: string;
}

/** Where a cluster's members serve /metrics, when not on their client URLs. */
export interface MetricsSource {
  port?: number;
  scheme?: 'http' | 'https';
}

/** The base URL of a member's /metrics: its client URL, or the same host on the metrics port and scheme. */
export function metricsBaseUrl(clientUrl: string, source: MetricsSource | false | undefined): string {
  if (!source || (source.port === undefined && source.scheme === undefined)) return clientUrl;
  const url = new URL(clientUrl);
  if (source.scheme) url.protocol = `${source.scheme}:`;
  if (source.port !== undefined) url.port = String(source.port);
  return url.origin;
}

/** Default per-member deadline of a refresh. */
export const DEFAULT_TIMEOUT_MS = 2000;

/** Splits and validates an endpoint list (`a,b` or repeated values); throws a clear error on a bad URL. */
export function parseEndpoints(values: string | string[]): string[] {
  const items = (Array.isArray(values) ? values : [values])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (items.length === 0) throw new Error('no endpoints given');
  return items.map(normalizeEndpoint);
}

/** Accepts `host:port` (etcdctl style, http assumed) or an http(s) URL without a path. */
export function normalizeEndpoint(value: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  // Error messages quote the endpoint without any password it carries.
  const shown = redactUserinfo(value);
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`invalid endpoint "${shown}": expected a URL such as http://127.0.0.1:2379`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`invalid endpoint "${shown}": the scheme must be http or https`);
  }
  if (url.username || url.password) {
    throw new Error(
      `invalid endpoint "${shown}": credentials in the URL are not used by etcd; give the user with --user (or the cluster's username setting)`,
    );
  }
  if (!url.port) throw new Error(`invalid endpoint "${shown}": a port is required (etcd's client port is usually 2379)`);
  if (url.pathname !== '/' && url.pathname !== '') throw new Error(`invalid endpoint "${shown}": must not contain a path`);
  return `${url.protocol}//${url.host}`;
}

/**
 * Splits `NAME[:PASS]` as etcdctl's --user does. The password part is returned separately so callers can
 * keep it out of anything they print.
 */
export function parseUser(value: string): { username: string; password?: string } {
  const colon = value.indexOf(':');
  if (colon < 0) return { username: value };
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

/** A profile from etcdctl's environment (ETCDCTL_ENDPOINTS, _CACERT, _CERT, _KEY, _USER, _PASSWORD). */
export function profileFromEtcdctlEnv(env: Record<string, string | undefined>, name = 'etcdctl environment'): ConnectionProfile {
  const endpoints = env.ETCDCTL_ENDPOINTS ? parseEndpoints(env.ETCDCTL_ENDPOINTS) : ['http://127.0.0.1:2379'];
  const profile: ConnectionProfile = { name, endpoints };
  const tls: TlsFiles = {};
  if (env.ETCDCTL_CACERT) tls.caFile = env.ETCDCTL_CACERT;
  if (env.ETCDCTL_CERT) tls.certFile = env.ETCDCTL_CERT;
  if (env.ETCDCTL_KEY) tls.keyFile = env.ETCDCTL_KEY;
  if (Object.keys(tls).length > 0) profile.tls = tls;
  if (env.ETCDCTL_USER) {
    const user = parseUser(env.ETCDCTL_USER);
    profile.username = user.username;
    if (user.password !== undefined) profile.password = user.password;
  }
  if (env.ETCDCTL_PASSWORD && profile.username) profile.password = env.ETCDCTL_PASSWORD;
  return profile;
}

/**
 * A profile from a kubeadm etcd static pod manifest (/etc/kubernetes/manifests/etcd.yaml): the client
 * endpoint from --advertise-client-urls and, since kubeadm requires client certificates, the server's own
 * --trusted-ca-file/--cert-file/--key-file (readable on a control-plane node, where the manifest is), and
 * for the peer port (member clocks) its --peer-trusted-ca-file/--peer-cert-file/--peer-key-file.
 */
export function profileFromKubeadmManifest(text: string, name = 'kubeadm etcd'): ConnectionProfile {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new Error(`not a valid YAML manifest: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const containers = (doc as { spec?: { containers?: unknown } } | null)?.spec?.containers;
  if (!Array.isArray(containers)) throw new Error('not a pod manifest: spec.containers is missing');
  const objects = containers.filter((c): c is { name?: unknown; command?: unknown; args?: unknown } => typeof c === 'object' && c !== null);
  if (objects.length === 0)
    throw new Error('the manifest lists no containers: spec.containers is empty, so there is no etcd container to read');
  const container = objects.find((c) => c.name === 'etcd') ?? objects[0];
  const argv = [container.command, container.args].flatMap((v) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [],
  );
  if (argv.length === 0) {
    const which = typeof container.name === 'string' ? `container "${container.name}"` : 'the first container';
    throw new Error(`${which} has no command or args: cannot find etcd's flags in the manifest`);
  }
  const flag = (flagName: string): string | undefined => {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i];
      if (arg.startsWith(`--${flagName}=`)) return arg.slice(flagName.length + 3);
      if (arg === `--${flagName}` && i + 1 < argv.length) return argv[i + 1];
    }
    return undefined;
  };
  const advertised = flag('advertise-client-urls');
  if (!advertised) throw new Error('the manifest has no --advertise-client-urls flag');
  const profile: ConnectionProfile = { name, endpoints: parseEndpoints(advertised) };
  // The same three flags for the client port and, prefixed peer-, for the peer port (the member's own peer
  // certificate is a client certificate its peers accept).
  for (const [prefix, key] of [
    ['', 'tls'],
    ['peer-', 'peerTls'],
  ] as const) {
    const tls: TlsFiles = {};
    const ca = flag(`${prefix}trusted-ca-file`);
    const cert = flag(`${prefix}cert-file`);
    const keyFile = flag(`${prefix}key-file`);
    if (ca) tls.caFile = ca;
    if (cert) tls.certFile = cert;
    if (keyFile) tls.keyFile = keyFile;
    if (Object.keys(tls).length > 0) profile[key] = tls;
  }
  return profile;
}

/**
 * Reads `NAME=value` assignments from pasted shell text (`export ETCDCTL_ENDPOINTS=...; ETCDCTL_CACERT="..."`),
 * newline-, semicolon- or space-separated, quotes removed. Only ETCDCTL_* names are kept.
 */
export function parseEtcdctlAssignments(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  const pattern = /(?:^|[\s;])(?:export\s+)?(ETCDCTL_[A-Z_]+)=("([^"]*)"|'([^']*)'|[^\s;]*)/g;
  for (const match of text.matchAll(pattern)) env[match[1]] = match[3] ?? match[4] ?? match[2];
  return env;
}
