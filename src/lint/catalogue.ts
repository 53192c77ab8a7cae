// The catalogue of etcd's configuration flags: how each is spelled as an env var and as a YAML key, what
// kind of value it takes, and which versions know it. Rules and hover/completion read only this table.
import type { EtcdVersion } from '../shared/settings';
import { FLAG_HELP } from './flagHelp';

/** How etcd parses a flag's value. */
export type FlagKind = 'string' | 'uint' | 'int' | 'bool' | 'duration' | 'urls' | 'cluster' | 'enum' | 'list';

/** One etcd configuration flag. */
export interface FlagSpec {
  /** The command-line flag name without dashes, e.g. `election-timeout`. */
  name: string;
  env: string;
  /** The YAML key (top level, or `block.key` for the TLS blocks); undefined when YAML cannot set it. */
  yaml: string | undefined;
  kind: FlagKind;
  /** Allowed values of an enum, per version. */
  values?: Partial<Record<EtcdVersion, readonly string[]>>;
  unit?: string;
  versions: readonly EtcdVersion[];
  /** Versions in which etcd warns that the flag is deprecated, with what to use instead. */
  deprecated?: Partial<Record<EtcdVersion, string>>;
  default: string;
  description: string;
}

export const ALL_VERSIONS: readonly EtcdVersion[] = ['3.4', '3.5', '3.6'];
const V34 = ['3.4'] as const;
const V3435 = ['3.4', '3.5'] as const;
const V35UP = ['3.5', '3.6'] as const;
const V36 = ['3.6'] as const;

interface Extra {
  yaml?: string | null;
  values?: Partial<Record<EtcdVersion, readonly string[]>> | readonly string[];
  unit?: string;
  versions?: readonly EtcdVersion[];
  deprecated?: Partial<Record<EtcdVersion, string>>;
  default?: string;
  description?: string;
}

function flag(name: string, kind: FlagKind, extra: Extra = {}): FlagSpec {
  const help = FLAG_HELP[name];
  const values = Array.isArray(extra.values)
    ? { '3.4': extra.values, '3.5': extra.values, '3.6': extra.values }
    : (extra.values as FlagSpec['values']);
  return {
    name,
    env: 'ETCD_' + name.toUpperCase().replace(/-/g, '_'),
    yaml: extra.yaml === null ? undefined : (extra.yaml ?? name),
    kind,
    values,
    unit: extra.unit,
    versions: extra.versions ?? ALL_VERSIONS,
    deprecated: extra.deprecated,
    default: extra.default ?? help?.default ?? '',
    description: extra.description ?? help?.description ?? '',
  };
}

const V2_GONE = { '3.5': 'the v2 API is deprecated in etcd 3.5 and removed in 3.6' };
const PROXY_GONE = { '3.5': 'the v2 proxy is deprecated in etcd 3.5 and removed in 3.6' };
const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'dpanic', 'panic', 'fatal'];

const renamed36 = (experimental: string, kind: FlagKind, extra: Extra = {}): FlagSpec[] => [
  flag(experimental, kind, { ...extra, deprecated: { '3.6': `use --${experimental.replace(/^experimental-/, '')} in etcd 3.6` } }),
  flag(experimental.replace(/^experimental-/, ''), kind, {
    ...extra,
    versions: V36,
    description: extra.description ?? FLAG_HELP[experimental]?.description,
    default: extra.default ?? FLAG_HELP[experimental]?.default,
  }),
];

/** Every flag etcd 3.4, 3.5 or 3.6 accepts in a configuration file. */
export const FLAGS: readonly FlagSpec[] = [
  flag('config-file', 'string', {
    yaml: null,
    description: 'Path to the server configuration file; when set, every other flag and ETCD_* variable is ignored.',
  }),
  // Member
  flag('name', 'string'),
  flag('data-dir', 'string'),
  flag('wal-dir', 'string'),
  flag('snapshot-count', 'uint', {
    description: 'Number of committed transactions to trigger a snapshot to disk (0 means the default: 100000 before 3.6, 10000 in 3.6).',
  }),
  flag('heartbeat-interval', 'uint', { unit: 'milliseconds' }),
  flag('election-timeout', 'uint', { unit: 'milliseconds' }),
  flag('initial-election-tick-advance', 'bool'),
  flag('listen-peer-urls', 'urls'),
  flag('listen-client-urls', 'urls'),
  flag('listen-client-http-urls', 'urls'),
  flag('max-snapshots', 'uint'),
  flag('max-wals', 'uint'),
  flag('quota-backend-bytes', 'int', { unit: 'bytes' }),
  flag('backend-bbolt-freelist-type', 'enum', { values: ['map', 'array'], versions: V35UP }),
  flag('experimental-backend-bbolt-freelist-type', 'enum', {
    values: ['map', 'array'],
    versions: V34,
    default: 'map',
    description: 'The freelist type of the bbolt backend (map or array).',
  }),
  flag('backend-batch-interval', 'duration'),
  flag('backend-batch-limit', 'int'),
  flag('max-txn-ops', 'uint'),
  flag('max-request-bytes', 'uint', { unit: 'bytes' }),
  flag('max-concurrent-streams', 'uint'),
  flag('grpc-keepalive-min-time', 'duration'),
  flag('grpc-keepalive-interval', 'duration'),
  flag('grpc-keepalive-timeout', 'duration'),
  flag('socket-reuse-port', 'bool', { versions: V35UP }),
  flag('socket-reuse-address', 'bool', { versions: V35UP }),
  flag('raft-read-timeout', 'duration', { yaml: null, versions: V35UP }),
  flag('raft-write-timeout', 'duration', { yaml: null, versions: V35UP }),
  flag('unsafe-no-fsync', 'bool'),
  flag('max-learners', 'uint', { versions: V36, default: '1', description: 'The maximum number of learner members in the cluster.' }),
  // Clustering
  flag('initial-advertise-peer-urls', 'urls'),
  flag('initial-cluster', 'cluster'),
  flag('initial-cluster-state', 'enum', { values: ['new', 'existing'] }),
  flag('initial-cluster-token', 'string'),
  flag('advertise-client-urls', 'urls'),
  flag('discovery', 'string'),
  flag('discovery-fallback', 'enum', { values: { '3.4': ['proxy', 'exit'], '3.5': ['proxy', 'exit'], '3.6': ['exit'] } }),
  flag('discovery-proxy', 'string', { versions: V3435 }),
  flag('discovery-srv', 'string'),
  flag('discovery-srv-name', 'string'),
  ...['endpoints', 'token', 'user', 'password', 'cert', 'key', 'cacert'].map((k) =>
    flag(`discovery-${k}`, 'string', { versions: V36, default: '', description: `v3 discovery: ${k}.` }),
  ),
  ...['dial-timeout', 'request-timeout', 'keepalive-time', 'keepalive-timeout'].map((k) =>
    flag(`discovery-${k}`, 'duration', { versions: V36, default: '', description: `v3 discovery: ${k}.` }),
  ),
  ...['insecure-transport', 'insecure-skip-tls-verify'].map((k) =>
    flag(`discovery-${k}`, 'bool', { versions: V36, default: '', description: `v3 discovery: ${k}.` }),
  ),
  flag('strict-reconfig-check', 'bool'),
  flag('pre-vote', 'bool'),
  flag('auto-compaction-retention', 'string', { unit: 'hours, or a Go duration, or revisions' }),
  flag('auto-compaction-mode', 'enum', { values: ['periodic', 'revision'] }),
  flag('enable-v2', 'bool', { versions: V3435, deprecated: V2_GONE }),
  flag('experimental-enable-v2v3', 'string', { versions: V3435, deprecated: V2_GONE }),
  flag('v2-deprecation', 'enum', {
    values: { '3.5': ['not-yet', 'write-only', 'write-only-drop-data', 'gone'], '3.6': ['write-only', 'write-only-drop-data', 'gone'] },
    versions: V35UP,
  }),
  // Proxy (v2, gone in 3.6)
  flag('proxy', 'enum', { values: ['off', 'readonly', 'on'], versions: V3435, deprecated: PROXY_GONE }),
  flag('proxy-failure-wait', 'uint', { versions: V3435, unit: 'milliseconds', deprecated: PROXY_GONE }),
  flag('proxy-refresh-interval', 'uint', { versions: V3435, unit: 'milliseconds', deprecated: PROXY_GONE }),
  flag('proxy-dial-timeout', 'uint', { versions: V3435, unit: 'milliseconds', deprecated: PROXY_GONE }),
  flag('proxy-write-timeout', 'uint', { versions: V3435, unit: 'milliseconds', deprecated: PROXY_GONE }),
  flag('proxy-read-timeout', 'uint', { versions: V3435, unit: 'milliseconds', deprecated: PROXY_GONE }),
  // Security
  flag('cert-file', 'string', { yaml: 'client-transport-security.cert-file' }),
  flag('key-file', 'string', { yaml: 'client-transport-security.key-file' }),
  flag('client-cert-file', 'string', { yaml: 'client-transport-security.client-cert-file' }),
  flag('client-key-file', 'string', { yaml: 'client-transport-security.client-key-file' }),
  flag('client-cert-auth', 'bool', { yaml: 'client-transport-security.client-cert-auth' }),
  flag('client-crl-file', 'string', { yaml: null }),
  flag('client-cert-allowed-hostname', 'string', { yaml: 'client-transport-security.allowed-hostname' }),
  flag('trusted-ca-file', 'string', { yaml: 'client-transport-security.trusted-ca-file' }),
  flag('auto-tls', 'bool', { yaml: 'client-transport-security.auto-tls' }),
  flag('peer-cert-file', 'string', { yaml: 'peer-transport-security.cert-file' }),
  flag('peer-key-file', 'string', { yaml: 'peer-transport-security.key-file' }),
  flag('peer-client-cert-file', 'string', { yaml: 'peer-transport-security.client-cert-file' }),
  flag('peer-client-key-file', 'string', { yaml: 'peer-transport-security.client-key-file' }),
  flag('peer-client-cert-auth', 'bool', { yaml: 'peer-transport-security.client-cert-auth' }),
  flag('peer-trusted-ca-file', 'string', { yaml: 'peer-transport-security.trusted-ca-file' }),
  flag('peer-auto-tls', 'bool', { yaml: 'peer-transport-security.auto-tls' }),
  flag('peer-crl-file', 'string', { yaml: null }),
  flag('peer-cert-allowed-cn', 'string', { yaml: 'peer-transport-security.allowed-cn' }),
  flag('peer-cert-allowed-hostname', 'string', { yaml: 'peer-transport-security.allowed-hostname' }),
  ...renamed36('experimental-peer-skip-client-san-verification', 'bool', { yaml: 'peer-transport-security.skip-client-san-verification' }),
  flag('self-signed-cert-validity', 'uint', { unit: 'years' }),
  flag('cipher-suites', 'list'),
  flag('tls-min-version', 'enum', {
    values: ['TLS1.2', 'TLS1.3'],
    default: '',
    description: 'Minimum TLS version supported by etcd (TLS1.2 or TLS1.3).',
  }),
  flag('tls-max-version', 'enum', {
    values: ['TLS1.2', 'TLS1.3'],
    default: '',
    description: 'Maximum TLS version supported by etcd (empty: Go default).',
  }),
  flag('cors', 'string'),
  flag('host-whitelist', 'string'),
  // Auth
  flag('auth-token', 'string'),
  flag('bcrypt-cost', 'uint'),
  flag('auth-token-ttl', 'uint', { unit: 'seconds', default: '300' }),
  // Profiling, monitoring and logging
  flag('enable-pprof', 'bool'),
  flag('metrics', 'enum', { values: ['basic', 'extensive'] }),
  flag('listen-metrics-urls', 'urls'),
  flag('logger', 'enum', { values: { '3.4': ['capnslog', 'zap'], '3.5': ['zap'], '3.6': ['zap'] } }),
  flag('log-outputs', 'list'),
  flag('log-level', 'enum', { values: LOG_LEVELS }),
  flag('log-format', 'enum', { values: ['json', 'console'], versions: V36, default: 'json', description: 'Log format: json or console.' }),
  flag('enable-log-rotation', 'bool'),
  flag('log-rotation-config-json', 'string'),
  flag('debug', 'bool', { versions: V34, deprecated: { '3.4': 'use --log-level=debug' } }),
  flag('log-output', 'list', {
    versions: V34,
    deprecated: { '3.4': 'use --log-outputs' },
    default: 'default',
    description: 'Deprecated: use --log-outputs.',
  }),
  flag('log-package-levels', 'string', { versions: V34, deprecated: { '3.4': 'use --log-level' } }),
  flag('enable-grpc-gateway', 'bool'),
  flag('feature-gates', 'string', {
    versions: V36,
    default: '',
    description: 'Comma-separated key=true|false pairs that enable or disable features.',
  }),
  flag('next-cluster-version-compatible', 'bool', {
    versions: V34,
    default: 'false',
    description: 'Enable downgrade to the next minor version.',
  }),
  // Experimental (several renamed in 3.6)
  ...renamed36('experimental-initial-corrupt-check', 'bool'),
  ...renamed36('experimental-corrupt-check-time', 'duration'),
  flag('experimental-compact-hash-check-enabled', 'bool', { versions: V35UP }),
  ...renamed36('experimental-compact-hash-check-time', 'duration', { versions: V35UP }).map((f) =>
    f.name === 'compact-hash-check-time' ? { ...f, versions: V36 } : f,
  ),
  flag('experimental-enable-lease-checkpoint', 'bool'),
  flag('experimental-enable-lease-checkpoint-persist', 'bool'),
  ...renamed36('experimental-compaction-batch-limit', 'int'),
  ...renamed36('experimental-compaction-sleep-interval', 'duration', { versions: V35UP }).map((f) =>
    f.name === 'compaction-sleep-interval' ? { ...f, versions: V36 } : f,
  ),
  ...renamed36('experimental-watch-progress-notify-interval', 'duration'),
  ...renamed36('experimental-downgrade-check-time', 'duration', { versions: V35UP }).map((f) =>
    f.name === 'downgrade-check-time' ? { ...f, versions: V36 } : f,
  ),
  ...renamed36('experimental-warning-apply-duration', 'duration'),
  flag('warning-unary-request-duration', 'duration', {
    versions: V36,
    default: '300ms',
    description: 'Time an unary request may take before etcd logs a warning.',
  }),
  ...renamed36('experimental-memory-mlock', 'bool', { versions: V35UP }).map((f) =>
    f.name === 'memory-mlock' ? { ...f, versions: V36 } : f,
  ),
  flag('experimental-txn-mode-write-with-shared-buffer', 'bool', { versions: V35UP }),
  flag('experimental-stop-grpc-service-on-defrag', 'bool', { versions: V35UP }),
  ...renamed36('experimental-bootstrap-defrag-threshold-megabytes', 'uint', { versions: V35UP, unit: 'megabytes' }).map((f) =>
    f.name === 'bootstrap-defrag-threshold-megabytes' ? { ...f, versions: V36 } : f,
  ),
  ...renamed36('experimental-snapshot-catchup-entries', 'uint', { versions: V35UP, yaml: 'experimental-snapshot-catch-up-entries' }).map(
    (f) => (f.name === 'snapshot-catchup-entries' ? { ...f, versions: V36, yaml: 'snapshot-catchup-entries' } : f),
  ),
  ...renamed36('experimental-enable-distributed-tracing', 'bool', { versions: V35UP }).map((f) =>
    f.name === 'enable-distributed-tracing' ? { ...f, versions: V36 } : f,
  ),
  ...['address', 'service-name', 'instance-id'].flatMap((k) =>
    renamed36(`experimental-distributed-tracing-${k}`, 'string', { versions: V35UP }).map((f) =>
      f.name.startsWith('distributed') ? { ...f, versions: V36 } : f,
    ),
  ),
  ...renamed36('experimental-distributed-tracing-sampling-rate', 'int', { versions: V35UP, unit: 'samples per million spans' }).map((f) =>
    f.name.startsWith('distributed') ? { ...f, versions: V36 } : f,
  ),
  flag('force-new-cluster', 'bool'),
];

const BY_NAME = new Map(FLAGS.map((f) => [f.name, f]));
const BY_ENV = new Map(FLAGS.map((f) => [f.env, f]));
const BY_YAML = new Map(FLAGS.filter((f) => f.yaml !== undefined).map((f) => [f.yaml as string, f]));

/** Env names etcd reads outside flag parsing, or accepts and ignores (legacy v0.4/v2 names). */
export const LEGACY_ENV = new Set([
  'ETCD_CLUSTER_ACTIVE_SIZE',
  'ETCD_CLUSTER_REMOVE_DELAY',
  'ETCD_CLUSTER_SYNC_INTERVAL',
  'ETCD_CONFIG',
  'ETCD_FORCE',
  'ETCD_MAX_RESULT_BUFFER',
  'ETCD_MAX_RETRY_ATTEMPTS',
  'ETCD_PEER_HEARTBEAT_INTERVAL',
  'ETCD_PEER_ELECTION_TIMEOUT',
  'ETCD_RETRY_INTERVAL',
  'ETCD_SNAPSHOT',
  'ETCD_V',
  'ETCD_VV',
  'ETCD_VERSION',
]);

/** The flag behind an env name, CLI flag name or YAML key. */
export function flagByName(name: string): FlagSpec | undefined {
  return BY_NAME.get(name);
}
export function flagByEnv(env: string): FlagSpec | undefined {
  return BY_ENV.get(env);
}
export function flagByYaml(key: string): FlagSpec | undefined {
  return BY_YAML.get(key);
}

/** The key a document of the given format uses for a flag (env name, or YAML key inside its block). */
export function keyOf(spec: FlagSpec, format: 'env' | 'yaml'): string | undefined {
  if (format === 'env') return spec.env;
  return spec.yaml?.split('.').pop();
}

/** Whether a version of etcd knows a flag. */
export function knownIn(spec: FlagSpec, version: EtcdVersion): boolean {
  return spec.versions.includes(version);
}

/** Enum values of a flag for a version. */
export function enumValues(spec: FlagSpec, version: EtcdVersion): readonly string[] {
  return spec.values?.[version] ?? [];
}
