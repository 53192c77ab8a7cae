// One failing and one passing input per rule code: the failing input must produce the code with the stated
// severity, the passing input must not produce it at all.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../../../src/lint/engine';
import { RULES } from '../../../src/lint/rules';
import { RULE_DOCS, ruleTable } from '../../../src/lint/ruleDocs';
import type { EtcdVersion } from '../../../src/shared/settings';
import type { Severity } from '../../../src/lint/types';

const BASE = [
  'ETCD_NAME=m1',
  'ETCD_LISTEN_PEER_URLS=http://10.0.0.1:2380',
  'ETCD_LISTEN_CLIENT_URLS=http://10.0.0.1:2379',
  'ETCD_ADVERTISE_CLIENT_URLS=http://10.0.0.1:2379',
  'ETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.1:2380',
  'ETCD_INITIAL_CLUSTER=m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380,m3=http://10.0.0.3:2380',
].join('\n');
const YBASE = [
  'name: m1',
  'listen-peer-urls: http://10.0.0.1:2380',
  'listen-client-urls: http://10.0.0.1:2379',
  'advertise-client-urls: http://10.0.0.1:2379',
  'initial-advertise-peer-urls: http://10.0.0.1:2380',
  'initial-cluster: m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380,m3=http://10.0.0.3:2380',
].join('\n');

interface Case {
  code: string;
  severity: Severity;
  bad: string;
  good: string;
  yaml?: boolean;
  version?: EtcdVersion;
}

const env = (extra: string): string => `${BASE}\n${extra}\n`;
const yml = (extra: string): string => `${YBASE}\n${extra}\n`;
const withIc = (ic: string): string => BASE.replace(/ETCD_INITIAL_CLUSTER=.*/, `ETCD_INITIAL_CLUSTER=${ic}`);

const CASES: Case[] = [
  { code: 'env-syntax', severity: 'warning', bad: env('export ETCD_DEBUG=1'), good: env('# export ETCD_DEBUG=1') },
  { code: 'yaml-syntax', severity: 'error', bad: yml('election-timeout: [1000'), good: yml('election-timeout: 1000'), yaml: true },
  { code: 'unknown-key', severity: 'warning', bad: env('ETCD_ELECTON_TIMEOUT=1000'), good: env('ETCD_ELECTION_TIMEOUT=1000') },
  { code: 'unsupported-key', severity: 'warning', bad: env('ETCD_DEBUG=true'), good: env('ETCD_DEBUG=true'), version: '3.5' },
  { code: 'deprecated-key', severity: 'warning', bad: env('ETCD_ENABLE_V2=true'), good: env('ETCD_LOG_LEVEL=info') },
  {
    code: 'duplicate-key',
    severity: 'warning',
    bad: env('ETCD_ELECTION_TIMEOUT=1000\nETCD_ELECTION_TIMEOUT=2000'),
    good: env('ETCD_ELECTION_TIMEOUT=2000'),
  },
  { code: 'empty-value', severity: 'information', bad: env('ETCD_DATA_DIR='), good: env('ETCD_DATA_DIR=/var/lib/etcd') },
  { code: 'invalid-value', severity: 'error', bad: env('ETCD_HEARTBEAT_INTERVAL=100ms'), good: env('ETCD_HEARTBEAT_INTERVAL=100') },
  { code: 'inline-comment', severity: 'error', bad: env('ETCD_ELECTION_TIMEOUT=1000 # ms'), good: env('# ms\nETCD_ELECTION_TIMEOUT=1000') },
  { code: 'invalid-enum', severity: 'error', bad: env('ETCD_INITIAL_CLUSTER_STATE=New'), good: env('ETCD_INITIAL_CLUSTER_STATE=new') },
  { code: 'timeouts-positive', severity: 'error', bad: env('ETCD_HEARTBEAT_INTERVAL=0'), good: env('ETCD_HEARTBEAT_INTERVAL=100') },
  {
    code: 'election-timeout-ratio',
    severity: 'error',
    bad: env('ETCD_HEARTBEAT_INTERVAL=100\nETCD_ELECTION_TIMEOUT=499'),
    good: env('ETCD_HEARTBEAT_INTERVAL=100\nETCD_ELECTION_TIMEOUT=500'),
  },
  {
    code: 'election-timeout-runbook',
    severity: 'warning',
    bad: env('ETCD_HEARTBEAT_INTERVAL=500\nETCD_ELECTION_TIMEOUT=2500'),
    good: env('ETCD_HEARTBEAT_INTERVAL=500\nETCD_ELECTION_TIMEOUT=5000'),
  },
  {
    code: 'election-timeout-max',
    severity: 'error',
    bad: env('ETCD_HEARTBEAT_INTERVAL=1000\nETCD_ELECTION_TIMEOUT=50001'),
    good: env('ETCD_HEARTBEAT_INTERVAL=1000\nETCD_ELECTION_TIMEOUT=50000'),
  },
  {
    code: 'url-format',
    severity: 'error',
    bad: env('ETCD_LISTEN_METRICS_URLS=tcp://10.0.0.1:2381'),
    good: env('ETCD_LISTEN_METRICS_URLS=http://10.0.0.1:2381'),
  },
  {
    code: 'bind-ip',
    severity: 'error',
    bad: env('ETCD_LISTEN_METRICS_URLS=http://etcd-1:2381'),
    good: env('ETCD_LISTEN_METRICS_URLS=http://localhost:2381'),
  },
  {
    code: 'advertise-url',
    severity: 'warning',
    bad: env('ETCD_ADVERTISE_CLIENT_URLS=http://0.0.0.0:2379'),
    good: env('ETCD_ADVERTISE_CLIENT_URLS=http://10.0.0.1:2379'),
  },
  { code: 'advertise-client-required', severity: 'error', bad: BASE.replace(/ETCD_ADVERTISE_CLIENT_URLS=.*\n/, ''), good: BASE },
  {
    code: 'listen-duplicate',
    severity: 'error',
    bad: env('ETCD_LISTEN_CLIENT_HTTP_URLS=http://10.0.0.1:2379'),
    good: env('ETCD_LISTEN_CLIENT_HTTP_URLS=http://10.0.0.1:2378'),
  },
  { code: 'initial-cluster-own-name', severity: 'error', bad: BASE.replace('ETCD_NAME=m1', 'ETCD_NAME=m4'), good: BASE },
  {
    code: 'initial-cluster-advertise',
    severity: 'error',
    bad: withIc('m1=http://10.0.0.9:2380,m2=http://10.0.0.2:2380,m3=http://10.0.0.3:2380'),
    good: BASE,
  },
  {
    code: 'initial-cluster-duplicate-url',
    severity: 'error',
    bad: withIc('m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380,m3=http://10.0.0.2:2380'),
    good: BASE,
  },
  {
    code: 'initial-cluster-duplicate-name',
    severity: 'warning',
    bad: withIc('m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380,m2=http://10.0.0.3:2380'),
    good: BASE,
  },
  {
    code: 'initial-cluster-untrimmed',
    severity: 'warning',
    bad: withIc('m1=http://10.0.0.1:2380, m2=http://10.0.0.2:2380,m3=http://10.0.0.3:2380'),
    good: BASE,
  },
  { code: 'cluster-size', severity: 'warning', bad: withIc('m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380'), good: BASE },
  { code: 'bootstrap-conflict', severity: 'error', bad: env('ETCD_DISCOVERY_SRV=example.com'), good: env('ETCD_INITIAL_CLUSTER_TOKEN=t') },
  {
    code: 'existing-with-discovery',
    severity: 'error',
    bad: 'ETCD_INITIAL_CLUSTER_STATE=existing\nETCD_DISCOVERY=https://discovery.etcd.io/x\n',
    good: 'ETCD_DISCOVERY=https://discovery.etcd.io/x\n',
  },
  {
    code: 'tls-listener',
    severity: 'error',
    bad: env('ETCD_LISTEN_CLIENT_URLS=https://10.0.0.1:2379'),
    good: env('ETCD_LISTEN_CLIENT_URLS=https://10.0.0.1:2379\nETCD_AUTO_TLS=true'),
  },
  {
    code: 'tls-pair',
    severity: 'warning',
    bad: env('ETCD_CERT_FILE=/etc/etcd/server.crt'),
    good: env('ETCD_CERT_FILE=/etc/etcd/server.crt\nETCD_KEY_FILE=/etc/etcd/server.key'),
  },
  {
    code: 'tls-options',
    severity: 'error',
    bad: env('ETCD_CIPHER_SUITES=TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384'),
    good: env('ETCD_CIPHER_SUITES=TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384'),
  },
  {
    code: 'auth-token',
    severity: 'error',
    bad: env('ETCD_AUTH_TOKEN=tokens'),
    good: env('ETCD_AUTH_TOKEN=jwt,sign-method=RS256,pub-key=/k.pub,priv-key=/k'),
  },
  {
    code: 'log-outputs',
    severity: 'error',
    bad: env('ETCD_LOG_OUTPUTS=default,stderr'),
    good: env('ETCD_LOG_OUTPUTS=stderr,/var/log/etcd.log'),
  },
  {
    code: 'compaction-retention',
    severity: 'error',
    bad: env('ETCD_AUTO_COMPACTION_MODE=revision\nETCD_AUTO_COMPACTION_RETENTION=1h'),
    good: env('ETCD_AUTO_COMPACTION_RETENTION=1h'),
  },
  {
    code: 'lease-checkpoint',
    severity: 'error',
    bad: env('ETCD_EXPERIMENTAL_ENABLE_LEASE_CHECKPOINT_PERSIST=true'),
    good: env('ETCD_EXPERIMENTAL_ENABLE_LEASE_CHECKPOINT_PERSIST=true\nETCD_EXPERIMENTAL_ENABLE_LEASE_CHECKPOINT=true'),
  },
  {
    code: 'quota-too-large',
    severity: 'warning',
    bad: env('ETCD_QUOTA_BACKEND_BYTES=10737418240'),
    good: env('ETCD_QUOTA_BACKEND_BYTES=8589934592'),
  },
  {
    code: 'request-too-large',
    severity: 'warning',
    bad: env('ETCD_MAX_REQUEST_BYTES=20971520'),
    good: env('ETCD_MAX_REQUEST_BYTES=1572864'),
  },
  { code: 'persistent-danger', severity: 'warning', bad: env('ETCD_FORCE_NEW_CLUSTER=true'), good: env('ETCD_FORCE_NEW_CLUSTER=false') },
  {
    code: 'config-file-overrides',
    severity: 'warning',
    bad: 'ETCD_CONFIG_FILE=/etc/etcd/etcd.yml\nETCD_NAME=m1\n',
    good: 'ETCD_CONFIG_FILE=/etc/etcd/etcd.yml\n',
  },
  {
    code: 'v2-conflict',
    severity: 'error',
    bad: env('ETCD_ENABLE_V2=true\nETCD_V2_DEPRECATION=write-only'),
    good: env('ETCD_ENABLE_V2=true\nETCD_V2_DEPRECATION=not-yet'),
  },
  { code: 'bcrypt-cost', severity: 'warning', bad: env('ETCD_BCRYPT_COST=40'), good: env('ETCD_BCRYPT_COST=12') },
  {
    code: 'default-name',
    severity: 'information',
    bad: 'ETCD_DATA_DIR=/var/lib/etcd\n',
    good: 'ETCD_NAME=m1\nETCD_DATA_DIR=/var/lib/etcd\n',
    version: '3.6',
  },
];

// unsupported-key's passing input is the same key at a version that knows it.
const GOOD_VERSION: Record<string, EtcdVersion> = { 'unsupported-key': '3.4' };

for (const c of CASES) {
  test(`${c.code}: reported as ${c.severity} for a failing input, absent for a passing one`, () => {
    const format = c.yaml ? 'yaml' : 'env';
    const bad = lintText(c.bad, { format, version: c.version ?? '3.5' }).filter((d) => d.code === c.code);
    assert.ok(bad.length > 0, `expected ${c.code} in:\n${c.bad}`);
    assert.equal(bad[0].severity, c.severity);
    const good = lintText(c.good, { format, version: GOOD_VERSION[c.code] ?? c.version ?? '3.5' }).filter((d) => d.code === c.code);
    assert.deepEqual(good, []);
  });
}

test('every registered rule has a unit case and a documentation row', () => {
  const covered = new Set(CASES.map((c) => c.code));
  for (const rule of RULES) {
    assert.ok(covered.has(rule.id), `no unit case for ${rule.id}`);
    assert.ok(RULE_DOCS[rule.id], `no RULE_DOCS entry for ${rule.id}`);
  }
});

test('YAML: a "5s" duration is refused and the fix offers integer nanoseconds', () => {
  const d = lintText(yml('grpc-keepalive-interval: 5s'), { format: 'yaml', version: '3.5' }).find((x) => x.code === 'invalid-value');
  assert.ok(d);
  assert.match(d.message, /time\.Duration/);
  assert.equal(d.fixes?.[0].edits[0].newText, '5000000000');
});

test('YAML: a number for a string key is refused (etcd decodes YAML through JSON)', () => {
  const d = lintText(yml('initial-cluster-token: 12345'), { format: 'yaml', version: '3.5' }).filter((x) => x.severity === 'error');
  assert.equal(d.length, 1);
  assert.equal(d[0].fixes?.[0].edits[0].newText, '"12345"');
});

test('YAML: peer-cert-file inside peer-transport-security suggests cert-file', () => {
  const d = lintText(yml('peer-transport-security:\n  peer-cert-file: /x'), { format: 'yaml', version: '3.5' }).find(
    (x) => x.code === 'unknown-key',
  );
  assert.ok(d);
  assert.equal(d.fixes?.[0].edits[0].newText, 'cert-file');
});

test('log-level is case-insensitive from 3.5 but not in 3.4', () => {
  const text = env('ETCD_LOG_LEVEL=INFO');
  assert.equal(lintText(text, { format: 'env', version: '3.5' }).filter((d) => d.code === 'invalid-enum').length, 0);
  assert.equal(lintText(text, { format: 'env', version: '3.4' }).filter((d) => d.code === 'invalid-enum').length, 1);
});

test('advertise vs initial-cluster with host names is a warning (etcd resolves DNS), with IPs an error', () => {
  const names = withIc('m1=http://etcd-1.example.com:2380,m2=http://10.0.0.2:2380,m3=http://10.0.0.3:2380');
  const d = lintText(names, { format: 'env', version: '3.5' }).find((x) => x.code === 'initial-cluster-advertise');
  assert.equal(d?.severity, 'warning');
});

test('election ratio fixes: 10 x heartbeat is safe, heartbeat = election/10 is offered too', () => {
  const d = lintText(env('ETCD_HEARTBEAT_INTERVAL=100\nETCD_ELECTION_TIMEOUT=400'), { format: 'env', version: '3.5' }).find(
    (x) => x.code === 'election-timeout-ratio',
  );
  assert.deepEqual(
    d?.fixes?.map((f) => [f.edits[0].newText, f.safe]),
    [
      ['1000', true],
      ['40', false],
    ],
  );
});

/** The rows of the rule table in README.md, cells trimmed (Prettier pads them). */
function docRows(): string[][] {
  const md = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  return md
    .split('\n')
    .filter((l) => /^\| `[a-z0-9-]+`/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim().replace(/\\\|/g, '|')),
    );
}

test('README.md has the RULE_DOCS table: every code once, with its severity, what and etcd message', () => {
  const expected = Object.entries(RULE_DOCS).map(([code, d]) => [`\`${code}\``, d.severity, d.what, d.etcd]);
  assert.deepEqual(
    docRows(),
    expected,
    'regenerate the table with: ETCD_INSPECTOR_UPDATE_DOCS=1 node --import tsx --test test/unit/lint/rules.test.ts',
  );
});

test('RULE_DOCS documents exactly the codes the linter can report, with the severity the unit cases see', () => {
  const crossFile = [
    ...readFileSync(join(__dirname, '..', '..', '..', 'src', 'lint', 'crossFile.ts'), 'utf8').matchAll(/'(cross-file-[a-z-]+)'/g),
  ].map((m) => m[1]);
  assert.deepEqual(Object.keys(RULE_DOCS).sort(), [...new Set([...RULES.map((r) => r.id), ...crossFile])].sort());
  for (const c of CASES) assert.match(RULE_DOCS[c.code].severity, new RegExp(c.severity, 'i'), c.code);
});

// Regenerates the table in place (then run Prettier on the file); the test above checks it.
if (process.env.ETCD_INSPECTOR_UPDATE_DOCS === '1') {
  const file = join(__dirname, '..', '..', '..', 'README.md');
  const md = readFileSync(file, 'utf8');
  const lines = md.split('\n');
  const first = lines.findIndex((l) => l.startsWith('| Code'));
  let last = first;
  while (last + 1 < lines.length && lines[last + 1].startsWith('|')) last++;
  writeFileSync(file, [...lines.slice(0, first), ...ruleTable().split('\n'), ...lines.slice(last + 1)].join('\n'));
}
