// Shapes of the etcdInspector.* settings, shared by the extension host, the CLI and the tests, and the pure
// half of the extension's Settings object (src/extension/settings.ts): what each setting's change requires,
// the declared defaults and bounds read from package.json, checked readers, and edits of the clusters list.
import { normalizeEndpoint, type MetricsSource } from '../etcd/profile';
import { parseHostSpec, type CommandName, type SshOptions } from '../ssh/target';

/** The configuration section the extension owns. */
export const SECTION = 'etcdInspector';

/** TLS files of a cluster profile, as paths on the machine running VS Code. */
export interface TlsSetting {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
}

/**
 * One entry of the etcdInspector.clusters setting. The password is never here: it lives in SecretStorage, as
 * do SSH key passphrases and SSH passwords. The `ssh` block is honoured where the entry is (a workspace's
 * clusters only in a trusted workspace); the extension reads ~/.ssh/config only in a trusted workspace.
 */
export interface ClusterSetting {
  name: string;
  endpoints: string[];
  tls?: TlsSetting;
  /** TLS files for the members' peer URLs when they are https: used to read member clocks (GET /raft/probing). */
  peerTls?: TlsSetting;
  username?: string;
  /** Every mutating runbook action is refused on this cluster (production read-only, staging writable). */
  readOnly?: boolean;
  /** How to reach the member hosts over SSH (logs, clocks, connectivity, restarts). */
  ssh?: SshOptions;
  /** Where the members serve /metrics when not on their client URLs, or false to read them rarely (quota only). */
  metrics?: MetricsSource | false;
  /** Every connection to the cluster opens from this SSH host (a bastion, or a member host): src/ssh/tunnel.ts. */
  tunnel?: TunnelSetting;
}

/**
 * A cluster's `tunnel` block: the SSH host every connection of the inspector opens from, and how to log in.
 * What it leaves out (user, identityFile, knownHostsFile, sshConfig, timeoutMs) comes from the cluster's `ssh`
 * block, then ~/.ssh/config; `port` and `jumpHost` are the tunnel's own (the `ssh` block's reach member hosts).
 */
export interface TunnelSetting {
  /** `[user@]host[:port]` or an ~/.ssh/config alias. */
  via: string;
  user?: string;
  port?: number;
  identityFile?: string;
  /** ProxyJump hops to the tunnel host, in order: `[user@]host[:port]`, comma-separated, or an alias. */
  jumpHost?: string;
  knownHostsFile?: string;
}

/** The etcd versions whose configuration rules the linter knows. */
export type EtcdVersion = '3.4' | '3.5' | '3.6';

/**
 * What a change of a setting requires of the extension host. reconnect: connections are rebuilt from the
 * new value (for `clusters`, those of the entries that changed; for a connection setting, every
 * cluster's), then the clusters are refreshed; reschedule: only the auto-refresh timer restarts; relint:
 * nothing in the host, the language server (which is sent the section) lints again; rerender: the views
 * that depend on it (menus of the tree, the status panel's buttons) are drawn again, nothing reconnects.
 */
export type SettingEffect = 'reconnect' | 'reschedule' | 'relint' | 'rerender';

/** Every etcdInspector.* setting (without the section) and what its change requires; package.json declares exactly these. */
export const SETTING_EFFECTS = {
  clusters: 'reconnect',
  requestTimeoutMs: 'reconnect',
  refreshIntervalSeconds: 'reschedule',
  etcdVersion: 'relint',
  maxNumberOfProblems: 'relint',
  readOnly: 'rerender',
} as const satisfies Record<string, SettingEffect>;

/** The name of a setting within the section. */
export type SettingKey = keyof typeof SETTING_EFFECTS;

export const SETTING_KEYS = Object.keys(SETTING_EFFECTS) as SettingKey[];

/** The settings a configuration change touched, given VS Code's `affectsConfiguration`. */
export function changedSettings(affects: (qualifiedKey: string) => boolean): SettingKey[] {
  return SETTING_KEYS.filter((key) => affects(`${SECTION}.${key}`));
}

/** How package.json declares a setting: its default and, for numbers and enums, the values it allows. */
export interface SettingDeclaration {
  default: unknown;
  minimum?: number;
  enum?: readonly unknown[];
}

/**
 * The declarations of the etcdInspector.* settings in package.json's contributes.configuration, keyed
 * without the section; throws when a setting the extension reads is not declared with a default.
 */
export function declaredSettings(packageJson: unknown): Record<SettingKey, SettingDeclaration> {
  const contributes = (packageJson as { contributes?: { configuration?: unknown } } | null)?.contributes?.configuration;
  const sections = Array.isArray(contributes) ? contributes : [contributes];
  const properties: Record<string, unknown> = Object.assign(
    {},
    ...sections.map((c) => (c as { properties?: Record<string, unknown> } | undefined)?.properties ?? {}),
  );
  const declared = {} as Record<SettingKey, SettingDeclaration>;
  for (const key of SETTING_KEYS) {
    const property = properties[`${SECTION}.${key}`] as Record<string, unknown> | undefined;
    if (!property || !('default' in property)) throw new Error(`package.json declares no default for ${SECTION}.${key}`);
    declared[key] = {
      default: property.default,
      ...(typeof property.minimum === 'number' ? { minimum: property.minimum } : {}),
      ...(Array.isArray(property.enum) ? { enum: property.enum as unknown[] } : {}),
    };
  }
  return declared;
}

/**
 * A number setting as the user wrote it, checked against its declaration (VS Code does not enforce the
 * schema on reads): a non-number, or one below the declared minimum, gives the declared default and a
 * reason.
 */
export function readNumberSetting(key: SettingKey, value: unknown, declared: SettingDeclaration): { value: number; problem?: string } {
  const fallback = declared.default as number;
  if (value === undefined) return { value: fallback };
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return { value: fallback, problem: `${SECTION}.${key} must be a number: using ${fallback}` };
  }
  if (declared.minimum !== undefined && value < declared.minimum) {
    return { value: fallback, problem: `${SECTION}.${key} must be at least ${declared.minimum}: using ${fallback}` };
  }
  return { value };
}

/** An enum setting (etcdVersion) checked against its declared values; anything else gives the default and a reason. */
export function readEnumSetting<T extends string>(
  key: SettingKey,
  value: unknown,
  declared: SettingDeclaration,
): { value: T; problem?: string } {
  const fallback = declared.default as T;
  if (value === undefined) return { value: fallback };
  if (declared.enum?.includes(value)) return { value: value as T };
  return { value: fallback, problem: `${SECTION}.${key} must be one of ${(declared.enum ?? []).join(', ')}: using ${fallback}` };
}

/**
 * The raw clusters list of one settings scope with `cluster` in place of an entry of the same name, or
 * appended. The other entries are kept as they were written, including keys this version does not read.
 */
export function withCluster(raw: unknown, cluster: ClusterSetting): unknown[] {
  const list = Array.isArray(raw) ? raw : [];
  const index = list.findIndex((e) => nameOf(e) === cluster.name);
  return index < 0 ? [...list, cluster] : list.map((e, i) => (i === index ? cluster : e));
}

/** The raw clusters list of one settings scope without the entries named `name`. */
export function withoutCluster(raw: unknown, name: string): unknown[] {
  return (Array.isArray(raw) ? raw : []).filter((e) => nameOf(e) !== name);
}

/** Whether a raw clusters list has an entry named `name`. */
export function hasCluster(raw: unknown, name: string): boolean {
  return Array.isArray(raw) && raw.some((e) => nameOf(e) === name);
}

function nameOf(entry: unknown): unknown {
  return typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : undefined;
}

/** Checks an untrusted settings value and keeps only well-formed cluster entries, with a reason for each dropped one. */
export function parseClusterSettings(value: unknown): { clusters: ClusterSetting[]; problems: string[] } {
  const clusters: ClusterSetting[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) return { clusters, problems };
  if (!Array.isArray(value)) return { clusters, problems: ['etcdInspector.clusters must be an array'] };
  value.forEach((raw: unknown, index) => {
    const where = `etcdInspector.clusters[${index}]`;
    if (typeof raw !== 'object' || raw === null) {
      problems.push(`${where} is not an object`);
      return;
    }
    const entry = raw as Record<string, unknown>;
    if (typeof entry.name !== 'string' || entry.name.trim() === '') {
      problems.push(`${where} has no name`);
      return;
    }
    const given = Array.isArray(entry.endpoints)
      ? entry.endpoints.filter((e): e is string => typeof e === 'string' && e.trim() !== '')
      : [];
    // Each endpoint in the form the inspector compares and shows (scheme://host:port); a malformed one, or
    // one with a password in it, is dropped with the reason (the password is not repeated there).
    const endpoints: string[] = [];
    for (const e of given) {
      try {
        endpoints.push(normalizeEndpoint(e.trim()));
      } catch (error) {
        problems.push(`${where} ("${entry.name}"): ${(error as Error).message}`);
      }
    }
    if (endpoints.length === 0) {
      problems.push(`${where} ("${entry.name}") has no endpoints`);
      return;
    }
    const cluster: ClusterSetting = { name: entry.name, endpoints };
    for (const key of ['tls', 'peerTls'] as const) {
      if (typeof entry[key] !== 'object' || entry[key] === null) continue;
      const tls = entry[key] as Record<string, unknown>;
      const pick = (k: string): string | undefined => (typeof tls[k] === 'string' ? (tls[k] as string) : undefined);
      cluster[key] = { caFile: pick('caFile'), certFile: pick('certFile'), keyFile: pick('keyFile'), serverName: pick('serverName') };
    }
    if (typeof entry.username === 'string' && entry.username !== '') cluster.username = entry.username;
    if (entry.ssh !== undefined) {
      const ssh = parseSshSetting(entry.ssh, `${where} ("${entry.name}").ssh`, problems);
      if (ssh) cluster.ssh = ssh;
    }
    if (entry.tunnel !== undefined) {
      const tunnel = parseTunnelSetting(entry.tunnel, `${where} ("${entry.name}").tunnel`, problems, cluster.ssh);
      if (!tunnel) {
        problems.push(`${where} ("${entry.name}") is not shown: its tunnel cannot be used, and it is not connected to directly instead`);
        return;
      }
      cluster.tunnel = tunnel;
    }
    if (entry.metrics !== undefined) {
      const metrics = parseMetricsSetting(entry.metrics, `${where} ("${entry.name}").metrics`, problems);
      if (metrics !== undefined) cluster.metrics = metrics;
    }
    if (entry.readOnly === true) cluster.readOnly = true;
    else if (entry.readOnly !== undefined && entry.readOnly !== false) {
      // Anything but a boolean is taken as read-only: a typo must not make a production cluster writable.
      cluster.readOnly = true;
      problems.push(`${where} ("${entry.name}"): readOnly must be true or false: the cluster is treated as read-only`);
    }
    clusters.push(cluster);
  });
  return { clusters, problems };
}

/**
 * Whether a cluster is read-only: the etcdInspector.readOnly setting of any scope, or the cluster's own
 * `readOnly`, in the entry in effect or in the user's entry of the same name. A workspace may make a
 * cluster stricter, never looser: a cloned repository must not be able to turn read-only off.
 */
export function clusterIsReadOnly(globalValues: readonly unknown[], cluster: string, clusterLists: readonly unknown[]): boolean {
  if (globalValues.some((v) => v !== undefined && v !== false)) return true;
  return clusterLists.some(
    (list) =>
      Array.isArray(list) &&
      list.some((e) => {
        if (nameOf(e) !== cluster) return false;
        const value = (e as { readOnly?: unknown }).readOnly;
        return value !== undefined && value !== false;
      }),
  );
}

/** A block's `port`: a port number 1–65535, or undefined (a wrong one with a reason). */
function portSetting(value: unknown, where: string, problems: string[]): number | undefined {
  if (value === undefined) return undefined;
  if (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535) return value as number;
  problems.push(`${where}.port must be a port number (1-65535): ignored`);
  return undefined;
}

/**
 * A cluster's `metrics` block: false, or `{ port, scheme }` (a port 1–65535, http or https). A wrong value
 * is dropped with a reason and the default applies (/metrics on the client URLs).
 */
export function parseMetricsSetting(value: unknown, where: string, problems: string[]): MetricsSource | false | undefined {
  if (value === false) return false;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${where} must be false or an object { port, scheme }: ignored`);
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  const source: MetricsSource = {};
  const port = portSetting(raw.port, where, problems);
  if (port !== undefined) source.port = port;
  if (raw.scheme !== undefined) {
    if (raw.scheme === 'http' || raw.scheme === 'https') source.scheme = raw.scheme;
    else problems.push(`${where}.scheme must be "http" or "https": ignored`);
  }
  for (const key of Object.keys(raw))
    if (key !== 'port' && key !== 'scheme') problems.push(`${where}.${key} is not a metrics setting: ignored`);
  return source;
}

/**
 * A cluster's `tunnel` block: `"host"` (shorthand for `{ "via": "host" }`), `{ via, user, port, identityFile,
 * jumpHost, knownHostsFile }`, or `true`: through the `ssh` block's jumpHost (the bastion the member hosts are
 * reached by; its last hop is the SSH host, the hops before it its jump hosts). Without a usable `via` it is undefined, with a reason, and the caller drops the
 * cluster: its connections must never be made directly instead (the route is part of the setting). Other
 * wrong values are dropped with a reason.
 */
export function parseTunnelSetting(value: unknown, where: string, problems: string[], ssh?: SshOptions): TunnelSetting | undefined {
  if (value === true) {
    // Through the bastion the ssh block already names: its jumpHost's last hop, reached by the hops before it.
    const hops = (ssh?.jumpHost ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    const via = hops.pop();
    if (via === undefined) {
      problems.push(`${where}: true goes through the ssh block's jumpHost, and this cluster's ssh block has none`);
      return undefined;
    }
    return parseTunnelSetting(hops.length > 0 ? { via, jumpHost: hops.join(',') } : { via }, where, problems);
  }
  const raw: Record<string, unknown> | undefined =
    typeof value === 'string'
      ? { via: value }
      : typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
  if (!raw) {
    problems.push(`${where} must be an SSH host or an object { via, user, port, identityFile, jumpHost, knownHostsFile }`);
    return undefined;
  }
  if (typeof raw.via !== 'string' || raw.via.trim() === '') {
    problems.push(`${where}.via must name the SSH host ([user@]host[:port] or an ~/.ssh/config alias)`);
    return undefined;
  }
  try {
    parseHostSpec(raw.via);
  } catch (error) {
    problems.push(`${where}.via: ${(error as Error).message}`);
    return undefined;
  }
  const tunnel: TunnelSetting = { via: raw.via.trim() };
  for (const key of ['user', 'identityFile', 'jumpHost', 'knownHostsFile'] as const) {
    if (raw[key] === undefined) continue;
    if (typeof raw[key] === 'string' && raw[key] !== '') tunnel[key] = raw[key];
    else problems.push(`${where}.${key} must be a non-empty string: ignored`);
  }
  const port = portSetting(raw.port, where, problems);
  if (port !== undefined) tunnel.port = port;
  for (const key of Object.keys(raw)) if (!TUNNEL_KEYS.includes(key)) problems.push(`${where}.${key} is not a tunnel setting: ignored`);
  return tunnel;
}

const TUNNEL_KEYS = ['via', 'user', 'port', 'identityFile', 'jumpHost', 'knownHostsFile'];

/**
 * The SSH options of a cluster's tunnel: the tunnel's own, then the cluster's `ssh` block for the login
 * (user, identity file, known_hosts, ssh configuration, deadline); never the block's port or jump host, which
 * are for the member hosts.
 */
export function tunnelSshOptions(tunnel: TunnelSetting, ssh: SshOptions | undefined): SshOptions {
  const options: SshOptions = {};
  for (const key of ['user', 'identityFile', 'knownHostsFile', 'sshConfig', 'timeoutMs'] as const) {
    const value = ssh?.[key];
    if (value !== undefined) (options as Record<string, unknown>)[key] = value;
  }
  for (const key of ['user', 'port', 'identityFile', 'jumpHost', 'knownHostsFile'] as const) {
    const value = tunnel[key];
    if (value !== undefined) (options as Record<string, unknown>)[key] = value;
  }
  return options;
}

/** "via bastion-1" (as written in the setting) for the tree before the tunnel has resolved its host. */
export function tunnelLabel(tunnel: TunnelSetting): string {
  return `via ${tunnel.via}`;
}

/** The command templates an `ssh.commands` block may replace (src/ssh/commands.ts has their defaults). */
const SSH_COMMANDS: readonly CommandName[] = [
  'logs',
  'logsSince',
  'status',
  'restart',
  'start',
  'clock',
  'ntp',
  'portProbe',
  'dataDir',
  'configPath',
];

/**
 * A cluster's `ssh` block as written, checked: strings where strings belong, a port 1–65535, a positive
 * deadline, `hosts` and `commands` maps of strings (commands by their known names). A wrong value is dropped
 * with a reason (the default applies); a block that is not an object is dropped whole.
 */
export function parseSshSetting(value: unknown, where: string, problems: string[]): SshOptions | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${where} must be an object: SSH settings ignored`);
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  const ssh: SshOptions = {};
  for (const key of ['user', 'identityFile', 'jumpHost', 'knownHostsFile', 'unit', 'configFile', 'dataDir'] as const) {
    if (raw[key] === undefined) continue;
    if (typeof raw[key] === 'string' && raw[key] !== '') ssh[key] = raw[key];
    else problems.push(`${where}.${key} must be a non-empty string: ignored`);
  }
  const port = portSetting(raw.port, where, problems);
  if (port !== undefined) ssh.port = port;
  if (raw.timeoutMs !== undefined) {
    if (typeof raw.timeoutMs === 'number' && Number.isFinite(raw.timeoutMs) && raw.timeoutMs >= 100) ssh.timeoutMs = raw.timeoutMs;
    else problems.push(`${where}.timeoutMs must be a number of milliseconds (at least 100): ignored`);
  }
  if (raw.sshConfig !== undefined) {
    if (raw.sshConfig === false || (typeof raw.sshConfig === 'string' && raw.sshConfig !== '')) ssh.sshConfig = raw.sshConfig;
    else problems.push(`${where}.sshConfig must be a path or false: ignored`);
  }
  const stringMap = (key: 'hosts' | 'commands', allowed?: readonly string[]): Record<string, string> | undefined => {
    const map = raw[key];
    if (map === undefined) return undefined;
    if (typeof map !== 'object' || map === null || Array.isArray(map)) {
      problems.push(`${where}.${key} must be an object: ignored`);
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [name, v] of Object.entries(map)) {
      if (allowed && !allowed.includes(name)) problems.push(`${where}.${key}.${name} is not a known command: ignored`);
      // defineProperty: a member named "__proto__" is a key like any other, never the object's prototype.
      else if (typeof v === 'string' && v.trim() !== '')
        Object.defineProperty(out, name, { value: v, enumerable: true, writable: true, configurable: true });
      else problems.push(`${where}.${key}.${name} must be a non-empty string: ignored`);
    }
    return out;
  };
  const hosts = stringMap('hosts');
  if (hosts) ssh.hosts = hosts;
  const commands = stringMap('commands', SSH_COMMANDS);
  if (commands) ssh.commands = commands;
  return ssh;
}
