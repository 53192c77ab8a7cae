// Defaults and descriptions of etcd flags as printed by `etcd --help` (3.5.16, falling back to 3.4.23),
// kept as data so hover text matches what operators see in etcd itself. Regenerate rather than hand-edit.

/** Default and one-line description of a flag, from etcd --help. */
export interface FlagHelp {
  default: string;
  description: string;
}

export const FLAG_HELP: Readonly<Record<string, FlagHelp>> = {
  'advertise-client-urls': {
    default: 'http://localhost:2379',
    description:
      "List of this member's client URLs to advertise to the public. The client URLs advertised should be accessible to machines that talk to etcd cluster. etcd client libraries parse these URLs to connect to the cluster.",
  },
  'auth-token': { default: 'simple', description: "Specify a v3 authentication token type and its options ('simple' or 'jwt')." },
  'auth-token-ttl': { default: '', description: 'Time (in seconds) of the auth-token-ttl.' },
  'auto-compaction-mode': {
    default: 'periodic',
    description:
      "Interpret 'auto-compaction-retention' one of: periodic|revision. 'periodic' for duration based retention, defaulting to hours if no time unit is provided (e.g. '5m'). 'revision' for revision number based retention.",
  },
  'auto-compaction-retention': { default: '0', description: 'Auto compaction retention length. 0 means disable auto compaction.' },
  'auto-tls': { default: 'false', description: 'Client TLS using generated certificates.' },
  'backend-batch-interval': { default: '', description: 'BackendBatchInterval is the maximum time before commit the backend transaction.' },
  'backend-batch-limit': {
    default: '0',
    description: 'BackendBatchLimit is the maximum operations before commit the backend transaction.',
  },
  'backend-bbolt-freelist-type': {
    default: 'map',
    description: 'BackendFreelistType specifies the type of freelist that boltdb backend uses(array and map are supported types).',
  },
  'bcrypt-cost': {
    default: '',
    description: 'Specify the cost / strength of the bcrypt algorithm for hashing auth passwords. Valid values are between 4 and 31.',
  },
  'cert-file': { default: '', description: 'Path to the client server TLS cert file.' },
  'cipher-suites': {
    default: '',
    description:
      'Comma-separated list of supported TLS cipher suites between client/server and peers (empty will be auto-populated by Go).',
  },
  'client-cert-allowed-hostname': { default: '', description: 'Comma-separated list of SAN hostnames for client cert authentication.' },
  'client-cert-auth': { default: 'false', description: 'Enable client cert authentication.' },
  'client-cert-file': {
    default: '',
    description: 'Path to an explicit peer client TLS cert file otherwise cert file will be used when client auth is required.',
  },
  'client-crl-file': { default: '', description: 'Path to the client certificate revocation list file.' },
  'client-key-file': {
    default: '',
    description: 'Path to an explicit peer client TLS key file otherwise key file will be used when client auth is required.',
  },
  cors: {
    default: '*',
    description: 'Comma-separated whitelist of origins for CORS, or cross-origin resource sharing, (empty or * means allow all).',
  },
  'data-dir': { default: '${name}.etcd', description: 'Path to the data directory.' },
  debug: {
    default: 'false',
    description: "Enable debug-level logging for etcd. [WARN] Will be deprecated in v3.5. Use '--log-level=debug' instead.",
  },
  discovery: { default: '', description: 'Discovery URL used to bootstrap the cluster.' },
  'discovery-fallback': {
    default: 'proxy',
    description: "Expected behavior ('exit' or 'proxy') when discovery services fails. \"proxy\" supports v2 API only.",
  },
  'discovery-proxy': { default: '', description: 'HTTP proxy to use for traffic to discovery service.' },
  'discovery-srv': { default: '', description: 'DNS srv domain used to bootstrap the cluster.' },
  'discovery-srv-name': { default: '', description: 'Suffix to the dns srv name queried when bootstrapping.' },
  'election-timeout': {
    default: '1000',
    description: 'Time (in milliseconds) for an election to timeout. See tuning documentation for details.',
  },
  'enable-grpc-gateway': { default: '', description: 'Enable GRPC gateway.' },
  'enable-log-rotation': { default: 'false', description: 'Enable log rotation of a single log-outputs file target.' },
  'enable-pprof': {
    default: 'false',
    description: 'Enable runtime profiling data via HTTP server. Address is at client URL + "/debug/pprof/"',
  },
  'enable-v2': { default: 'false', description: 'Accept etcd V2 client requests. Deprecated and to be decommissioned in v3.6.' },
  'experimental-backend-bbolt-freelist-type': {
    default: 'array',
    description:
      'ExperimentalBackendFreelistType specifies the type of freelist that boltdb backend uses(array and map are supported types).',
  },
  'experimental-bootstrap-defrag-threshold-megabytes': {
    default: '',
    description:
      'Enable the defrag during etcd server bootstrap on condition that it will free at least the provided threshold of disk space. Needs to be set to non-zero value to take effect.',
  },
  'experimental-compact-hash-check-enabled': {
    default: 'false',
    description: 'Enable leader to periodically check followers compaction hashes.',
  },
  'experimental-compact-hash-check-time': {
    default: '1m',
    description: 'Duration of time between leader checks followers compaction hashes.',
  },
  'experimental-compaction-batch-limit': {
    default: '',
    description: 'ExperimentalCompactionBatchLimit sets the maximum revisions deleted in each compaction batch.',
  },
  'experimental-compaction-sleep-interval': {
    default: '10ms',
    description: 'ExperimentalCompactionSleepInterval sets the sleep interval between each compaction batch.',
  },
  'experimental-corrupt-check-time': { default: '0s', description: 'Duration of time between cluster corruption check passes.' },
  'experimental-distributed-tracing-address': { default: 'localhost:4317', description: 'Distributed tracing collector address.' },
  'experimental-distributed-tracing-instance-id': {
    default: '',
    description: 'Distributed tracing instance ID, must be unique per each etcd instance.',
  },
  'experimental-distributed-tracing-sampling-rate': {
    default: '0',
    description: 'Number of samples to collect per million spans for distributed tracing. Disabled by default.',
  },
  'experimental-distributed-tracing-service-name': {
    default: 'etcd',
    description: 'Distributed tracing service name, must be same across all etcd instances.',
  },
  'experimental-downgrade-check-time': { default: '', description: 'Duration of time between two downgrade status checks.' },
  'experimental-enable-distributed-tracing': { default: 'false', description: 'Enable experimental distributed tracing.' },
  'experimental-enable-lease-checkpoint': {
    default: 'false',
    description:
      'ExperimentalEnableLeaseCheckpoint enables primary lessor to persist lease remainingTTL to prevent indefinite auto-renewal of long lived leases.',
  },
  'experimental-enable-lease-checkpoint-persist': {
    default: 'false',
    description:
      'Enable persisting remainingTTL to prevent indefinite auto-renewal of long lived leases. Always enabled in v3.6. Should be used to ensure smooth upgrade from v3.5 clusters with this feature enabled. Requires experimental-enable-lease-checkpoint to be enabled.',
  },
  'experimental-enable-v2v3': {
    default: '',
    description: 'Serve v2 requests through the v3 backend under a given prefix. Deprecated and to be decommissioned in v3.6.',
  },
  'experimental-initial-corrupt-check': {
    default: 'false',
    description: 'Enable to check data corruption before serving any client/peer traffic.',
  },
  'experimental-memory-mlock': { default: '', description: 'Enable to enforce etcd pages (in particular bbolt) to stay in RAM.' },
  'experimental-peer-skip-client-san-verification': {
    default: 'false',
    description: 'Skip verification of SAN field in client certificate for peer connections.',
  },
  'experimental-stop-grpc-service-on-defrag': {
    default: '',
    description: 'Enable etcd gRPC service to stop serving client requests on defragmentation.',
  },
  'experimental-txn-mode-write-with-shared-buffer': {
    default: 'true',
    description: 'Enable the write transaction to use a shared buffer in its readonly check operations.',
  },
  'experimental-warning-apply-duration': { default: '100ms', description: '' },
  'experimental-watch-progress-notify-interval': { default: '10m', description: 'Duration of periodical watch progress notification.' },
  'force-new-cluster': { default: 'false', description: 'Force to create a new one-member cluster.' },
  'grpc-keepalive-interval': {
    default: '2h',
    description: 'Frequency duration of server-to-client ping to check if a connection is alive (0 to disable).',
  },
  'grpc-keepalive-min-time': { default: '5s', description: 'Minimum duration interval that a client should wait before pinging server.' },
  'grpc-keepalive-timeout': {
    default: '20s',
    description: 'Additional duration of wait before closing a non-responsive connection (0 to disable).',
  },
  'heartbeat-interval': { default: '100', description: 'Time (in milliseconds) of a heartbeat interval.' },
  'host-whitelist': {
    default: '*',
    description: 'Acceptable hostnames from HTTP client requests, if server is not secure (empty or * means allow all).',
  },
  'initial-advertise-peer-urls': {
    default: 'http://localhost:2380',
    description: "List of this member's peer URLs to advertise to the rest of the cluster.",
  },
  'initial-cluster': { default: 'default=http://localhost:2380', description: 'Initial cluster configuration for bootstrapping.' },
  'initial-cluster-state': {
    default: 'new',
    description:
      "Initial cluster state ('new' when bootstrapping a new cluster or 'existing' when adding new members to an existing cluster). After successful initialization (bootstrapping or adding), flag is ignored on restarts.",
  },
  'initial-cluster-token': {
    default: 'etcd-cluster',
    description:
      'Initial cluster token for the etcd cluster during bootstrap. Specifying this can protect you from unintended cross-cluster interaction when running multiple clusters.',
  },
  'initial-election-tick-advance': {
    default: 'true',
    description: 'Whether to fast-forward initial election ticks on boot for faster election.',
  },
  'key-file': { default: '', description: 'Path to the client server TLS key file.' },
  'listen-client-http-urls': {
    default: '',
    description:
      'List of URLs to listen on for http only client traffic. Enabling this flag removes http services from --listen-client-urls.',
  },
  'listen-client-urls': {
    default: 'http://localhost:2379',
    description: 'List of URLs to listen on for client grpc traffic and http as long as --listen-client-http-urls is not specified.',
  },
  'listen-metrics-urls': {
    default: '',
    description: 'List of URLs to listen on for the /metrics and /health endpoints. For https, the client URL TLS info is used.',
  },
  'listen-peer-urls': { default: 'http://localhost:2380', description: 'List of URLs to listen on for peer traffic.' },
  'log-level': { default: 'info', description: 'Configures log level. Only supports debug, info, warn, error, panic, or fatal.' },
  'log-outputs': {
    default: 'default',
    description:
      "Specify 'stdout' or 'stderr' to skip journald logging even when running under systemd, or list of comma separated output targets.",
  },
  'log-package-levels': {
    default: '',
    description: "Specify a particular log level for each etcd package (eg: 'etcdmain=CRITICAL,etcdserver=DEBUG').",
  },
  'log-rotation-config-json': {
    default: '{"maxsize": 100, "maxage": 0, "maxbackups": 0, "localtime": false, "compress": false}',
    description:
      'Configures log rotation if enabled with a JSON logger config. MaxSize(MB), MaxAge(days,0=no limit), MaxBackups(0=no limit), LocalTime(use computers local time), Compress(gzip)".',
  },
  logger: { default: 'zap', description: "Currently only supports 'zap' for structured logging." },
  'max-concurrent-streams': { default: 'math.MaxUint32', description: 'Maximum concurrent streams that each client can open at a time.' },
  'max-request-bytes': { default: '1572864', description: 'Maximum client request size in bytes the server will accept.' },
  'max-snapshots': { default: '5', description: 'Maximum number of snapshot files to retain (0 is unlimited).' },
  'max-txn-ops': { default: '128', description: 'Maximum number of operations permitted in a transaction.' },
  'max-wals': { default: '5', description: 'Maximum number of wal files to retain (0 is unlimited).' },
  metrics: {
    default: 'basic',
    description: "Set level of detail for exported metrics, specify 'extensive' to include server side grpc histogram metrics.",
  },
  name: { default: 'default', description: 'Human-readable name for this member.' },
  'peer-auto-tls': {
    default: 'false',
    description: 'Peer TLS using self-generated certificates if --peer-key-file and --peer-cert-file are not provided.',
  },
  'peer-cert-allowed-cn': { default: '', description: 'Comma-separated list of allowed CNs for inter-peer TLS authentication.' },
  'peer-cert-allowed-hostname': {
    default: '',
    description: 'Comma-separated list of allowed SAN hostnames for inter-peer TLS authentication.',
  },
  'peer-cert-file': { default: '', description: 'Path to the peer server TLS cert file.' },
  'peer-client-cert-auth': { default: 'false', description: 'Enable peer client cert authentication.' },
  'peer-client-cert-file': {
    default: '',
    description: 'Path to an explicit peer client TLS cert file otherwise peer cert file will be used when client auth is required.',
  },
  'peer-client-key-file': {
    default: '',
    description: 'Path to an explicit peer client TLS key file otherwise peer key file will be used when client auth is required.',
  },
  'peer-crl-file': { default: '', description: 'Path to the peer certificate revocation list file.' },
  'peer-key-file': { default: '', description: 'Path to the peer server TLS key file.' },
  'peer-trusted-ca-file': { default: '', description: 'Path to the peer server TLS trusted CA file.' },
  'pre-vote': { default: 'true', description: 'Enable to run an additional Raft election phase.' },
  proxy: { default: 'off', description: "Proxy mode setting ('off', 'readonly' or 'on')." },
  'proxy-dial-timeout': { default: '', description: 'Time (in milliseconds) for a dial to timeout.' },
  'proxy-failure-wait': { default: '', description: 'Time (in milliseconds) an endpoint will be held in a failed state.' },
  'proxy-read-timeout': { default: '', description: 'Time (in milliseconds) for a read to timeout.' },
  'proxy-refresh-interval': { default: '', description: 'Time (in milliseconds) of the endpoints refresh interval.' },
  'proxy-write-timeout': { default: '', description: 'Time (in milliseconds) for a write to timeout.' },
  'quota-backend-bytes': {
    default: '0',
    description: 'Raise alarms when backend size exceeds the given quota (0 defaults to low space quota).',
  },
  'raft-read-timeout': { default: '5s', description: 'Read timeout set on each rafthttp connection' },
  'raft-write-timeout': { default: '5s', description: 'Write timeout set on each rafthttp connection' },
  'self-signed-cert-validity': {
    default: '1',
    description:
      'The validity period of the client and peer certificates that are automatically generated by etcd when you specify ClientAutoTLS and PeerAutoTLS, the unit is year, and the default is 1.',
  },
  'snapshot-count': { default: '100000', description: 'Number of committed transactions to trigger a snapshot to disk.' },
  'socket-reuse-address': {
    default: 'false',
    description: 'Enable to set socket option SO_REUSEADDR on listeners allowing binding to an address in TIME_WAIT state.',
  },
  'socket-reuse-port': {
    default: 'false',
    description: 'Enable to set socket option SO_REUSEPORT on listeners allowing rebinding of a port already in use.',
  },
  'strict-reconfig-check': { default: 'true', description: 'Reject reconfiguration requests that would cause quorum loss.' },
  'tls-max-version': {
    default: '',
    description: 'Maximum TLS version supported by etcd. Possible values: TLS1.2, TLS1.3 (empty will be auto-populated by Go).',
  },
  'tls-min-version': { default: 'TLS1.2', description: 'Minimum TLS version supported by etcd. Possible values: TLS1.2, TLS1.3.' },
  'trusted-ca-file': { default: '', description: 'Path to the client server TLS trusted CA cert file.' },
  'unsafe-no-fsync': { default: 'false', description: 'Disables fsync, unsafe, will cause data loss.' },
  'v2-deprecation': {
    default: 'not-yet',
    description:
      "Phase of v2store deprecation. Allows to opt-in for higher compatibility mode. Supported values: 'not-yet'                // Issues a warning if v2store have meaningful content (default in v3.5) 'write-only'             // Custom v2 state is not allowed (planned default in v3.6) 'write-only-drop-data'   // Custom v2 state will get DELETED ! 'gone'                   // v2store is not maintained any longer. (planned default in v3.7)",
  },
  'wal-dir': { default: '', description: 'Path to the dedicated wal directory.' },
};
