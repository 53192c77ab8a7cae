// The Prometheus alerting rules (src/metrics/alerts.ts) as data: every alert of etcd's mixin that the runbook
// asks for, with the mixin's thresholds, `for:` durations and severities; the job selector on every series;
// the cluster name kept as data in YAML and in Prometheus' templates. promtool itself runs in
// test/integration/metrics/alerts.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { alertRuleGroup, alertRules, AlertRulesError, checkJobRegex, DEFAULT_JOB, templateText } from '../../../src/metrics/alerts';

interface ParsedRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
const parseRules = (yaml: string): { groups: { name: string; rules: ParsedRule[] }[] } =>
  parse(yaml) as { groups: { name: string; rules: ParsedRule[] }[] };

// From etcd's contrib/mixin/mixin.libsonnet (3.5 era): alert, severity, for, and the comparison its expression ends with.
const MIXIN: [string, string, string, RegExp][] = [
  ['EtcdNoLeader', 'critical', '1m', /^etcd_server_has_leader\{SEL\} == 0$/],
  [
    'EtcdInsufficientMembers',
    'critical',
    '3m',
    /^sum without \(instance\) \(up\{SEL\} == bool 1\) < \(\(count without \(instance\) \(up\{SEL\}\) \+ 1\) \/ 2\)$/,
  ],
  [
    'EtcdHighNumberOfLeaderChanges',
    'warning',
    '5m',
    /^increase\(\(max without \(instance\) \(etcd_server_leader_changes_seen_total\{SEL\}\) or 0 \* absent\(etcd_server_leader_changes_seen_total\{SEL\}\)\)\[15m:1m\]\) >= 4$/,
  ],
  [
    'EtcdHighFsyncDurations',
    'warning',
    '10m',
    /^histogram_quantile\(0\.99, rate\(etcd_disk_wal_fsync_duration_seconds_bucket\{SEL\}\[5m\]\)\) > 0\.5$/,
  ],
  [
    'EtcdHighFsyncDurations',
    'critical',
    '10m',
    /^histogram_quantile\(0\.99, rate\(etcd_disk_wal_fsync_duration_seconds_bucket\{SEL\}\[5m\]\)\) > 1$/,
  ],
  [
    'EtcdHighCommitDurations',
    'warning',
    '10m',
    /^histogram_quantile\(0\.99, rate\(etcd_disk_backend_commit_duration_seconds_bucket\{SEL\}\[5m\]\)\) > 0\.25$/,
  ],
  [
    'EtcdMemberCommunicationSlow',
    'warning',
    '10m',
    /^histogram_quantile\(0\.99, rate\(etcd_network_peer_round_trip_time_seconds_bucket\{SEL\}\[5m\]\)\) > 0\.15$/,
  ],
  ['EtcdHighNumberOfFailedProposals', 'warning', '15m', /^rate\(etcd_server_proposals_failed_total\{SEL\}\[15m\]\) > 5$/],
  [
    'EtcdDatabaseQuotaLowSpace',
    'critical',
    '10m',
    /^\(last_over_time\(etcd_mvcc_db_total_size_in_bytes\{SEL\}\[5m\]\) \/ last_over_time\(etcd_server_quota_backend_bytes\{SEL\}\[5m\]\)\) > 0\.95$/,
  ],
  [
    'EtcdExcessiveDatabaseGrowth',
    'warning',
    '10m',
    /^predict_linear\(etcd_mvcc_db_total_size_in_bytes\{SEL\}\[4h\], 14400\) > etcd_server_quota_backend_bytes\{SEL\}$/,
  ],
  [
    'EtcdDatabaseHighFragmentationRatio',
    'warning',
    '10m',
    /^\(last_over_time\(etcd_mvcc_db_total_size_in_use_in_bytes\{SEL\}\[5m\]\) \/ last_over_time\(etcd_mvcc_db_total_size_in_bytes\{SEL\}\[5m\]\)\) < 0\.5 and etcd_mvcc_db_total_size_in_use_in_bytes\{SEL\} > 104857600$/,
  ],
];

/** A MIXIN pattern with SEL standing for the selector's text (regex-escaped). */
const withSelector = (pattern: RegExp, selector: string): RegExp =>
  new RegExp(pattern.source.replaceAll('SEL', selector.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')));

test('every alert of the mixin the runbook asks for, with its expression, threshold, for: and severity', () => {
  const rules = parseRules(alertRules()).groups[0].rules;
  assert.deepEqual(
    rules.map((r) => [r.alert, r.labels.severity, r.for]),
    MIXIN.map(([alert, severity, duration]) => [alert, severity, duration]),
  );
  for (const [i, [alert, , , expr]] of MIXIN.entries()) assert.match(rules[i].expr, withSelector(expr, `job=~".*etcd.*"`), alert);
});

test('every annotation has a summary and a description that names the runbook steps by number and title', () => {
  for (const r of parseRules(alertRules()).groups[0].rules) {
    assert.ok(r.annotations.summary.length > 10, r.alert);
    assert.match(r.annotations.description, /Runbook: Step \d+: [A-Z]/, r.alert);
    assert.ok(r.annotations.description.endsWith(`Runbook: ${r.annotations.runbook}.`), r.alert);
  }
  const byName = new Map(alertRuleGroup().rules.map((r) => [r.alert, r.annotations.runbook]));
  assert.equal(byName.get('EtcdNoLeader'), 'Step 1: Check Cluster Status; Step 2: Check Member Connectivity; Step 5: Fix Quorum Loss');
  assert.equal(byName.get('EtcdDatabaseHighFragmentationRatio'), 'Step 9: Defragment and Compact');
  assert.match(byName.get('EtcdHighFsyncDurations') ?? '', /^Step 3: Check Member Logs/);
});

test('the job selector is on every series selector of every expression, and only it', () => {
  for (const job of [DEFAULT_JOB, 'etcd-main', 'prod "etcd"\\.(main|dr)']) {
    const selector = `{job=~${JSON.stringify(job)}}`;
    for (const r of alertRuleGroup({ job }).rules) {
      // Metric names: `up` and etcd's own; each is followed by exactly this selector.
      const metrics = [...r.expr.matchAll(/\b(up|etcd_[a-z_]+)\b(.?)/g)];
      assert.ok(metrics.length > 0, r.alert);
      for (const m of metrics) assert.ok(r.expr.startsWith(selector, (m.index ?? 0) + m[1].length), `${r.alert}: ${m[1]} in ${r.expr}`);
      assert.equal(r.expr.split('{job=~').length - 1, metrics.length, r.alert);
    }
  }
});

test('the job regex is written as a PromQL string: quotes, backslashes and non-ASCII are escaped and read back', () => {
  const job = 'prod "etcd"\\.main-ü-\u2028-😀';
  const expr = alertRuleGroup({ job }).rules[0].expr;
  const literal = /job=~("(?:[^"\\]|\\.)*")/.exec(expr)?.[1] ?? '';
  assert.match(literal, /^[\x20-\x7e]+$/, 'printable ASCII only');
  // Read back with Go's escapes (those PromQL strings have): the regex, exactly.
  const simple: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', r: '\r', t: '\t' };
  const back = literal
    .slice(1, -1)
    .replace(/\\(U[0-9a-f]{8}|u[0-9a-f]{4}|["\\nrt])/g, (_, e: string) =>
      e.length > 1 ? String.fromCodePoint(parseInt(e.slice(1), 16)) : simple[e],
    );
  assert.equal(back, job);
  assert.match(literal, /\\U0001f600/);
});

test('a job regex Prometheus would refuse is an error that says why; RE2 syntax JavaScript lacks is accepted', () => {
  for (const [job, why] of [
    ['', /empty/],
    ['etcd\nmain', /line break/],
    ['etcd(', /not a valid regex/],
    ['(?=etcd)', /lookahead/],
    ['(?<!x)etcd', /lookbehind/],
    ['(etcd)\\1', /backreference/],
    ['etcd\\u0041', /escape \\u/],
    ['(?<name>etcd)', /\(\?P<name>/],
    ['e{1001}', /more than 1000/],
    ['\ud800etcd', /Unicode/],
  ] as const) {
    assert.throws(
      () => checkJobRegex(job),
      (e: unknown) => e instanceof AlertRulesError && why.test(e.message),
      JSON.stringify(job),
    );
    assert.throws(() => alertRules({ job }), AlertRulesError, JSON.stringify(job));
  }
  for (const job of [
    'etcd-main',
    '(?i)ETCD.*',
    '(?i:etcd)-(main|dr)',
    '(?P<cluster>etcd)-\\d+',
    'etcd\\.main',
    '[a-z]+\\-etcd',
    '\\Aetcd\\z',
  ])
    assert.doesNotThrow(() => checkJobRegex(job), job);
});

/** A name that would break naive YAML (quotes, `: `, `#`, a newline that starts a new rule) and Prometheus' templates. */
const HOSTILE = `prod "east": it's {{ $labels.job }} {{end}}\n      - alert: Pwned\n        expr: vector(1)\n# {{ { - 1 }} ü \u2028 \x7f \t`;

test('a hostile cluster name stays data: group name and label read back as the name, no rule is injected', () => {
  const yaml = alertRules({ cluster: HOSTILE });
  const parsed = parseRules(yaml);
  assert.equal(parsed.groups.length, 1);
  assert.equal(parsed.groups[0].name, `etcd/${HOSTILE}`);
  assert.deepEqual(
    parsed.groups[0].rules.map((r) => r.alert),
    MIXIN.map(([alert]) => alert),
  );
  for (const r of parsed.groups[0].rules) {
    // Label values and annotations are Go templates: no `{` of the name is left to open an action.
    assert.equal(r.labels.etcd_cluster, templateText(HOSTILE), r.alert);
    assert.equal(r.labels.etcd_cluster.replaceAll('{{"{"}}', '{'), HOSTILE, r.alert);
    assert.ok(r.annotations.description.includes(`etcd cluster "${templateText(HOSTILE)}": `), r.alert);
    assert.doesNotMatch(r.labels.etcd_cluster.replaceAll('{{"{"}}', ''), /\{/, r.alert);
  }
  // One line per value: the name's line breaks (and U+2028, DEL) are escapes, never raw in the file.
  assert.equal(yaml.split('\n').length, alertRules({ cluster: 'prod' }).split('\n').length);
  assert.doesNotMatch(yaml, /[\u007f\u2028]/);
  assert.equal(yaml.match(/^\s*- alert: /gm)?.length, MIXIN.length);
});

test('without a cluster: group "etcd", no etcd_cluster label, the description names the job', () => {
  const group = alertRuleGroup();
  assert.equal(group.name, 'etcd');
  for (const r of group.rules) {
    assert.deepEqual(Object.keys(r.labels), ['severity']);
    assert.ok(r.annotations.description.startsWith('etcd cluster of job {{ $labels.job }}: '), r.alert);
  }
});

test('a cluster name that cannot be a label value is an error, not dropped', () => {
  assert.throws(() => alertRules({ cluster: '' }), /cluster name is empty/);
  assert.throws(() => alertRules({ cluster: 'a\udc00b' }), /not valid Unicode/);
});

test('templateText: a `{` becomes an action printing it, everything else is unchanged', () => {
  assert.equal(templateText('a{{b}}c'), 'a{{"{"}}{{"{"}}b}}c');
  assert.equal(templateText('plain: "name"\n'), 'plain: "name"\n');
});
