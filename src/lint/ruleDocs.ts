// One line per diagnostic code: its usual severity, what it checks and etcd's own message. The source of
// README.md, of SARIF rule descriptions, and of the test that every rule is documented.

/** Documentation of one diagnostic code. */
export interface RuleDoc {
  severity: string;
  what: string;
  etcd: string;
}

export const RULE_DOCS: Readonly<Record<string, RuleDoc>> = {
  'env-syntax': {
    severity: 'Warning',
    what: 'A line systemd ignores: no `=`, an invalid name, `export NAME=`',
    etcd: '(systemd: "Ignoring invalid environment assignment")',
  },
  'yaml-syntax': {
    severity: 'Error',
    what: 'YAML etcd cannot read, or a file that is not a mapping',
    etcd: 'error converting YAML to JSON: ...',
  },
  'unknown-key': {
    severity: 'Warning (Information for legacy names)',
    what: 'A key no etcd version knows, with did-you-mean and a rename fix; YAML TLS keys outside their block',
    etcd: 'unrecognized environment variable (env); silently ignored (YAML)',
  },
  'unsupported-key': {
    severity: 'Warning',
    what: 'A key another etcd version knows but the selected one does not',
    etcd: 'unrecognized environment variable',
  },
  'deprecated-key': {
    severity: 'Warning',
    what: 'A key the selected version deprecates (v2, proxy, 3.6 renames of experimental flags)',
    etcd: '... is deprecated',
  },
  'duplicate-key': { severity: 'Warning', what: 'A key set twice: the last value wins; fix removes the ignored line', etcd: '(silent)' },
  'empty-value': { severity: 'Information', what: '`ETCD_X=` counts as unset', etcd: 'unrecognized environment variable' },
  'invalid-value': {
    severity: 'Error',
    what: 'Values etcd cannot parse: units on millisecond numbers, negatives, fractions, bad booleans, durations without unit (env) or as strings (YAML), wrong YAML types',
    etcd: 'invalid value "<v>" for ETCD_X: parse error / cannot unmarshal ... into Go struct field configYAML.<key>',
  },
  'inline-comment': {
    severity: 'Error (typed values) / Warning (strings)',
    what: 'An inline `# ...` systemd keeps as part of the value',
    etcd: 'invalid value "1000 # ms" for ETCD_ELECTION_TIMEOUT: parse error',
  },
  'invalid-enum': {
    severity: 'Error (Warning for metrics, bbolt freelist type)',
    what: 'Values outside initial-cluster-state, discovery-fallback, proxy, v2-deprecation, auto-compaction-mode, logger, log-level, TLS versions',
    etcd: 'invalid value "<v>" for ETCD_X: invalid value / unexpected clusterState / unknown auto-compaction-mode',
  },
  'timeouts-positive': {
    severity: 'Error',
    what: 'heartbeat-interval or election-timeout is 0',
    etcd: '--heartbeat-interval must be >0 (set to 0ms)',
  },
  'election-timeout-ratio': {
    severity: 'Error',
    what: 'election-timeout below 5 x heartbeat-interval; fixes set 10 x',
    etcd: '--election-timeout[Ems] should be at least as 5 times as --heartbeat-interval[Hms]',
  },
  'election-timeout-runbook': {
    severity: 'Warning',
    what: 'election-timeout below 10 x heartbeat-interval (the runbook rule, step 8)',
    etcd: '(accepted)',
  },
  'election-timeout-max': {
    severity: 'Error',
    what: 'election-timeout above 50000 ms',
    etcd: '--election-timeout[Ems] is too long, and should be set less than 50000ms',
  },
  'url-format': {
    severity: 'Error',
    what: 'URL scheme, host:port, path (trailing slash fix), initial-cluster items without `=`',
    etcd: 'URL scheme must be http, https, unix, or unixs / URL address does not have the form "host:port" / URL must not contain a path',
  },
  'bind-ip': {
    severity: 'Error',
    what: 'A listen URL whose host is not an IP or localhost',
    etcd: 'expected IP in URL for binding (<url>)',
  },
  'advertise-url': {
    severity: 'Error (empty host) / Warning (wildcard) / Information (loopback only)',
    what: 'Advertised URLs others cannot use',
    etcd: '--initial-advertise-peer-urls "<u>" must be "host:port"',
  },
  'advertise-client-required': {
    severity: 'Error',
    what: 'ETCD_LISTEN_CLIENT_URLS without ETCD_ADVERTISE_CLIENT_URLS (env only)',
    etcd: '--advertise-client-urls is required when --listen-client-urls is set explicitly',
  },
  'listen-duplicate': { severity: 'Error', what: 'The same URL in listen-client-urls and listen-client-http-urls', etcd: '(bind fails)' },
  'initial-cluster-own-name': {
    severity: 'Error',
    what: "This member's name missing from initial-cluster; fix adds it",
    etcd: 'couldn\'t find local name "<n>" in the initial cluster configuration',
  },
  'initial-cluster-advertise': {
    severity: 'Error (IPs/localhost) / Warning (host names: etcd resolves DNS)',
    what: "initial-advertise-peer-urls differ from this member's initial-cluster entry (new cluster); fixes align either side",
    etcd: '--initial-cluster has <n>=<u> but missing from --initial-advertise-peer-urls=<...>',
  },
  'initial-cluster-duplicate-url': {
    severity: 'Error',
    what: 'The same peer URL twice in initial-cluster',
    etcd: 'initial cluster <map> has duplicate url',
  },
  'initial-cluster-duplicate-name': {
    severity: 'Warning',
    what: 'A name listed twice (that member gets several URLs)',
    etcd: '(accepted)',
  },
  'initial-cluster-untrimmed': {
    severity: 'Warning (Error when it is this member)',
    what: 'Spaces around a name: etcd does not trim them; fix trims',
    etcd: "couldn't find local name ...",
  },
  'initial-cluster-missing': {
    severity: 'Warning',
    what: 'A name, a cluster token or state new and a peer URL but no initial-cluster: the member bootstraps alone; fix adds `name=peer URLs`',
    etcd: '(starts a one-member cluster: initial-cluster defaults to name=advertised peer URLs)',
  },
  'cluster-size': {
    severity: 'Warning',
    what: 'An even member count (not for a member joining a running cluster, state existing), or more than 7 members',
    etcd: '(docs: FAQ, tuning)',
  },
  'bootstrap-conflict': {
    severity: 'Error',
    what: 'More than one of initial-cluster, discovery, discovery-srv',
    etcd: 'multiple discovery or bootstrap flags are set',
  },
  'existing-with-discovery': {
    severity: 'Error',
    what: 'initial-cluster-state existing together with discovery',
    etcd: 'discovery URL should not be set when joining existing initial cluster',
  },
  'tls-listener': {
    severity: 'Error',
    what: 'An https/unixs listener without cert and key (or auto TLS)',
    etcd: 'TLS key/cert (--cert-file, --key-file) must be provided for client url <u> with HTTPS scheme',
  },
  'tls-pair': {
    severity: 'Error (https in use) / Warning',
    what: 'A cert without its key or a key without its cert',
    etcd: 'KeyFile and CertFile must both be present',
  },
  'tls-options': {
    severity: 'Error',
    what: 'Unknown cipher suites (items are not trimmed), min > max TLS version, TLS1.3 with cipher suites, allowed CN with allowed hostname',
    etcd: 'unexpected TLS cipher suite "<s>"',
  },
  'auth-token': { severity: 'Error', what: 'auth-token that is neither simple nor jwt,<options>', etcd: 'auth: invalid auth options' },
  'log-outputs': {
    severity: 'Error',
    what: '`default` or `systemd/journal` combined with other outputs; several outputs with capnslog (3.4)',
    etcd: 'multi logoutput for "default" is not supported yet',
  },
  'compaction-retention': {
    severity: 'Error',
    what: 'auto-compaction-retention that is neither a number nor (periodic mode) a duration',
    etcd: 'error parsing CompactionRetention',
  },
  'lease-checkpoint': {
    severity: 'Error',
    what: 'lease checkpoint persist without lease checkpoint',
    etcd: 'setting experimental-enable-lease-checkpoint-persist requires experimental-enable-lease-checkpoint',
  },
  'quota-too-large': { severity: 'Warning', what: 'quota-backend-bytes above 8 GiB', etcd: 'quota exceeds the maximum value' },
  'request-too-large': { severity: 'Warning', what: 'max-request-bytes above 10 MiB', etcd: 'exceeded recommended request limit' },
  'persistent-danger': {
    severity: 'Warning',
    what: 'force-new-cluster or unsafe-no-fsync left in a persistent config',
    etcd: '(inferred)',
  },
  'config-file-overrides': {
    severity: 'Warning',
    what: 'ETCD_CONFIG_FILE set together with other ETCD_* variables, which etcd then ignores',
    etcd: 'other configuration command line flags and environment variables will be ignored',
  },
  'v2-conflict': {
    severity: 'Error',
    what: '3.5: enable-v2 with v2-deprecation at write-only or later',
    etcd: 'invalid value for --v2-deprecation',
  },
  'bcrypt-cost': { severity: 'Warning', what: 'bcrypt-cost outside 4..31', etcd: '(warns, uses default)' },
  'default-name': {
    severity: 'Information',
    what: '3.6: the member keeps the name `default`',
    etcd: "it isn't recommended to use default name",
  },
  'cross-file-initial-cluster': {
    severity: 'Warning',
    what: 'Members of one cluster list different initial-cluster values',
    etcd: '(cluster ID mismatch at bootstrap)',
  },
  'cross-file-token': {
    severity: 'Warning',
    what: 'Members of one cluster use different initial-cluster-token values',
    etcd: '(members form different clusters)',
  },
  'cross-file-timing': { severity: 'Warning', what: 'Heartbeat or election timeout differs between members', etcd: '(docs: tuning)' },
  'cross-file-member': {
    severity: 'Warning',
    what: "A member's advertised peer URLs differ from its entry in the other members' initial-cluster, or two members share a name",
    etcd: '(peers cannot reach it)',
  },
  'cross-file-join': {
    severity: 'Warning',
    what: 'A member no other member lists, with state new: set state to existing when joining (runbook step 6)',
    etcd: '(cluster ID mismatch)',
  },
};

/** The rule table of README.md (Markdown; Prettier pads it). */
export function ruleTable(): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    "| Code | Severity | What | etcd's message |",
    '| --- | --- | --- | --- |',
    ...Object.entries(RULE_DOCS).map(([code, d]) => `| \`${code}\` | ${cell(d.severity)} | ${cell(d.what)} | ${cell(d.etcd)} |`),
  ].join('\n');
}
