// One failing and one passing input per rule code: the failing input must produce the code with the stated
// severity, the passing input must not produce it at all.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleContext } from '../../../src/lint/context';
import { CROSS_FILE_CODES } from '../../../src/lint/crossFile';
import { lintText, parseDocument } from '../../../src/lint/engine';
import { applyEdits } from '../../../src/lint/fixes';
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
  {
    code: 'initial-cluster-missing',
    severity: 'warning',
    bad: 'ETCD_NAME=m1\nETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.1:2380\nETCD_INITIAL_CLUSTER_TOKEN=t\n',
    good: 'ETCD_NAME=m1\nETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.1:2380\nETCD_INITIAL_CLUSTER_TOKEN=t\nETCD_INITIAL_CLUSTER=m1=http://10.0.0.1:2380\n',
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

test("initial-cluster-missing: says what etcd derives, and the fix adds this member in the file's format", () => {
  const text = 'ETCD_NAME=m1\nETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.1:2380,http://10.0.1.1:2380\nETCD_INITIAL_CLUSTER_STATE=new\n';
  const d = lintText(text, { format: 'env', version: '3.5' }).find((x) => x.code === 'initial-cluster-missing');
  assert.ok(d);
  assert.equal(d.range.start.line, 0, 'on the name, from which etcd derives the cluster');
  assert.match(d.message, /"m1=http:\/\/10\.0\.0\.1:2380,m1=http:\/\/10\.0\.1\.1:2380"/);
  assert.match(d.message, /one member/);
  assert.equal(d.fixes?.[0].safe, false);
  const fixed = applyEdits(text, d.fixes?.[0].edits ?? []);
  assert.equal(fixed, `${text}ETCD_INITIAL_CLUSTER=m1=http://10.0.0.1:2380,m1=http://10.0.1.1:2380\n`);
  // etcd's own form for a member with two URLs (initial-cluster-duplicate-name remarks on it, as it would anywhere).
  assert.deepEqual(
    lintText(fixed, { format: 'env', version: '3.5' })
      .filter((x) => x.severity === 'error' || x.code === 'initial-cluster-missing')
      .map((x) => x.code),
    [],
  );

  const yaml = 'name: m1\ninitial-advertise-peer-urls: http://10.0.0.1:2380\ninitial-cluster-token: t';
  const y = lintText(yaml, { format: 'yaml', version: '3.4' }).find((x) => x.code === 'initial-cluster-missing');
  assert.ok(y);
  const yfixed = applyEdits(yaml, y.fixes?.[0].edits ?? []);
  assert.equal(yfixed, `${yaml}\ninitial-cluster: m1=http://10.0.0.1:2380`);
  assert.deepEqual(
    lintText(yfixed, { format: 'yaml', version: '3.4' }).map((x) => x.code),
    [],
  );
  // An empty ETCD_INITIAL_CLUSTER= counts as unset: the fix fills that line in.
  const empty =
    'ETCD_NAME=m1\nETCD_INITIAL_CLUSTER=\nETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.1:2380\nETCD_INITIAL_CLUSTER_TOKEN=t\n';
  const e = lintText(empty, { format: 'env', version: '3.5' }).find((x) => x.code === 'initial-cluster-missing');
  assert.equal(
    applyEdits(empty, e?.fixes?.[0].edits ?? []),
    empty.replace('ETCD_INITIAL_CLUSTER=\n', 'ETCD_INITIAL_CLUSTER=m1=http://10.0.0.1:2380\n'),
  );
});

test('initial-cluster-missing: silent where etcd does not bootstrap alone or nothing says the member meant a cluster', () => {
  const peer = 'ETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.1:2380';
  const quiet = [
    // Only a name: a single dev member (valid-name-no-cluster in the oracle corpus).
    `ETCD_NAME=m1\n${peer}`,
    // The default name keeps the default initial-cluster (default=http://localhost:2380).
    `ETCD_NAME=default\n${peer}\nETCD_INITIAL_CLUSTER_TOKEN=t`,
    `${peer}\nETCD_INITIAL_CLUSTER_TOKEN=t`,
    // Joining a running cluster, or another way to bootstrap.
    `ETCD_NAME=m1\n${peer}\nETCD_INITIAL_CLUSTER_TOKEN=t\nETCD_INITIAL_CLUSTER_STATE=existing`,
    `ETCD_NAME=m1\n${peer}\nETCD_INITIAL_CLUSTER_TOKEN=t\nETCD_DISCOVERY_SRV=example.com`,
    // No advertised peer URL to derive from, or one etcd refuses (url-format reports it).
    'ETCD_NAME=m1\nETCD_INITIAL_CLUSTER_TOKEN=t',
    'ETCD_NAME=m1\nETCD_INITIAL_CLUSTER_TOKEN=t\nETCD_INITIAL_ADVERTISE_PEER_URLS=10.0.0.1:2380',
    // etcd reads only the YAML file.
    `ETCD_CONFIG_FILE=/etc/etcd/etcd.yml\nETCD_NAME=m1\n${peer}\nETCD_INITIAL_CLUSTER_TOKEN=t`,
  ];
  for (const text of quiet)
    assert.deepEqual(
      lintText(text, { format: 'env', version: '3.5' }).filter((d) => d.code === 'initial-cluster-missing'),
      [],
      text,
    );
});

test('duplicate-key: the fix removes exactly the ignored entry, a YAML block with its keys, nested keys without their indentation', () => {
  // The fix of the finding on a line.
  const fixAt = (line: number, text: string): string => {
    const d = lintText(text, { format: 'yaml', version: '3.5' }).find((x) => x.code === 'duplicate-key' && x.range.start.line === line);
    return applyEdits(text, d?.fixes?.[0].edits ?? []);
  };
  // A block followed by a blank line: its range already ends at the start of the next line.
  assert.equal(
    fixAt(0, 'peer-transport-security:\n  cert-file: /a\n\npeer-transport-security:\n  cert-file: /b\n'),
    '\npeer-transport-security:\n  cert-file: /b\n',
  );
  assert.equal(
    fixAt(1, 'peer-transport-security:\n  cert-file: /a\n  cert-file: /b\n  key-file: /k\n'),
    'peer-transport-security:\n  cert-file: /b\n  key-file: /k\n',
  );
});

test("invalid-value: a YAML list under its key becomes a value on the key's line", () => {
  const text = 'initial-cluster-token:\n- a\n- b\nname: m1\n';
  const d = lintText(text, { format: 'yaml', version: '3.5' }).find((x) => x.code === 'invalid-value');
  const fixed = applyEdits(text, d?.fixes?.[0].edits ?? []);
  assert.equal(fixed, 'initial-cluster-token: "a,b"\nname: m1\n');
  assert.deepEqual(
    lintText(fixed, { format: 'yaml', version: '3.5' }).filter((x) => x.severity === 'error'),
    [],
  );
});

/** Every configuration the suite has: the unit cases, the oracle corpus and the CLI fixtures. */
function corpus(): { text: string; format: 'env' | 'yaml' }[] {
  const out: { text: string; format: 'env' | 'yaml' }[] = [];
  for (const c of CASES) for (const text of [c.bad, c.good]) out.push({ text, format: c.yaml ? 'yaml' : 'env' });
  for (const dir of [join(__dirname, '..', '..', 'fixtures', 'lint', 'oracle'), join(__dirname, '..', '..', 'fixtures', 'lint', 'cli')])
    for (const f of readdirSync(dir).filter((x) => /\.(env|conf|ya?ml)$/.test(x)))
      out.push({ text: readFileSync(join(dir, f), 'utf8'), format: /\.ya?ml$/.test(f) ? 'yaml' : 'env' });
  return out;
}

test('every rule reports only its own code: run alone, capped or not, no finding, room() or more() names another', () => {
  const docs = corpus();
  const seen = new Set<string>();
  for (const rule of RULES) {
    for (const { text, format } of docs) {
      for (const version of ['3.4', '3.5', '3.6'] as const) {
        const doc = parseDocument(text, format);
        // Caps with room for no finding and for one, recording the codes the rule asks about and counts.
        const asked: string[] = [];
        const cap = (room: number) => ({
          room: (code: string) => (asked.push(code), room),
          more: (code: string) => void asked.push(code),
        });
        for (const ctx of [new RuleContext(doc, version), new RuleContext(doc, version, cap(0)), new RuleContext(doc, version, cap(1))]) {
          const found = [...rule.check(doc, ctx), ...doc.entries.flatMap((e) => rule.checkEntry?.(e, ctx) ?? [])];
          for (const d of found) {
            assert.equal(d.code, rule.id, `${rule.id} reported ${d.code} (${d.message}) for:\n${text}`);
            seen.add(rule.id);
          }
        }
        for (const code of asked) assert.equal(code, rule.id, `${rule.id} asked the cap about ${code}`);
      }
    }
  }
  // The corpus must make (nearly) every rule fire, or the check above would prove little.
  assert.deepEqual(
    RULES.map((r) => r.id).filter((id) => !seen.has(id)),
    [],
  );
});

/** The rows of the rule table in README.md (the table under the "| Code |" header; README has other tables),
 * cells trimmed (Prettier pads them). */
function docRows(): string[][] {
  const lines = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8').split('\n');
  const header = lines.findIndex((l) => /^\| Code +\|/.test(l));
  const end = lines.findIndex((l, i) => i > header && !l.startsWith('|'));
  return lines.slice(header + 2, end < 0 ? undefined : end).map((l) =>
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
  assert.deepEqual(Object.keys(RULE_DOCS).sort(), [...new Set([...RULES.map((r) => r.id), ...CROSS_FILE_CODES])].sort());
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
