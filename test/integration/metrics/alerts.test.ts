// The generated Prometheus rules (src/metrics/alerts.ts) against the real promtool (Debian's prometheus
// package): `promtool check rules` accepts them for the default job selector, custom ones and a hostile cluster
// name; `promtool test rules` evaluates them over synthetic series with Prometheus' own engine: EtcdNoLeader
// after 1m of no leader and not before, the fsync warning and critical alerts on histograms whose p99 is above
// 0.5 s and 1 s for longer than `for:`, the job selector's effect, and nothing at all on a healthy cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertRuleGroup, alertRules, type AlertRuleOptions } from '../../../src/metrics/alerts';

const promtool = spawnSync('promtool', ['--version']).status === 0;
const skip = promtool ? false : 'promtool is not installed (Debian: apt-get install prometheus; .ci/run installs it)';

/**
 * JSON is YAML, but yaml.v3 (promtool's parser) refuses DEL and C1 controls raw and reads U+2028/U+2029 as
 * line breaks: those are written as escapes, which JSON and YAML read alike.
 */
const yamlJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A folder with the rule file; removed after the test. */
function rulesDir(t: { after(fn: () => void): void }, rules: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-inspector-alerts-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'etcd-alerts.yml'), rules);
  return dir;
}

interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}
interface UnitTest {
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: { eval_time: string; alertname: string; exp_alerts: ExpectedAlert[] }[];
}

/** Runs `promtool test rules` on the rules for `options` with these tests; asserts that all pass. */
function promtoolTest(t: { after(fn: () => void): void }, options: AlertRuleOptions, tests: UnitTest[]): void {
  const dir = rulesDir(t, alertRules(options));
  writeFileSync(join(dir, 'test.yml'), yamlJson({ rule_files: ['etcd-alerts.yml'], evaluation_interval: '15s', tests }));
  const run = spawnSync('promtool', ['test', 'rules', 'test.yml'], { cwd: dir, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /SUCCESS/);
}

/**
 * The alert promtool must report: the rule's labels and its annotations expanded as Prometheus would for
 * these series labels and the rendered value (the rules' own templates, so the wording is not pinned twice).
 */
function expected(
  options: AlertRuleOptions,
  alert: string,
  severity: string,
  series: Record<string, string>,
  value: string,
): ExpectedAlert {
  const rule = alertRuleGroup(options).rules.find((r) => r.alert === alert && r.labels.severity === severity);
  assert.ok(rule, `${alert} ${severity}`);
  const expand = (text: string): string =>
    text
      .replaceAll('{{"{"}}', '{')
      .replace(/\{\{ \$value(?: \| \w+)? \}\}/g, value)
      .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => series[name] ?? '');
  return {
    exp_labels: { ...series, ...Object.fromEntries(Object.entries(rule.labels).map(([k, v]) => [k, expand(v)])) },
    exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expand(v)])),
  };
}

test('promtool check rules accepts the file for the default job, custom jobs and a hostile cluster name', { skip }, (t) => {
  for (const options of [
    {},
    { job: 'etcd-main' },
    { job: 'prod "etcd"\\.(main|dr)', cluster: 'prod' },
    { job: '(?i)ETCD-(?P<site>[a-z]+)-\\d+' },
    { cluster: `prod "east": {{ $labels.job }} {{end}}\n- alert: Pwned\n# ü \u2028 \x7f \t {` },
  ]) {
    const dir = rulesDir(t, alertRules(options));
    const check = spawnSync('promtool', ['check', 'rules', join(dir, 'etcd-alerts.yml')], { encoding: 'utf8' });
    assert.equal(check.status, 0, `${JSON.stringify(options)}\n${check.stdout}${check.stderr}`);
    assert.match(check.stdout, /SUCCESS: 11 rules found/, JSON.stringify(options));
  }
});

test('EtcdNoLeader fires after 1m of etcd_server_has_leader 0, not before, only for that member, and resolves', { skip }, (t) => {
  const m1 = { __name__: 'etcd_server_has_leader', instance: '10.0.0.1:2379', job: 'etcd' };
  promtoolTest(t, {}, [
    {
      // Samples every 15 s: m1 has no leader from 15 s to 2m45s.
      interval: '15s',
      input_series: [
        { series: 'etcd_server_has_leader{instance="10.0.0.1:2379",job="etcd"}', values: '1 0x10 1x10' },
        { series: 'etcd_server_has_leader{instance="10.0.0.2:2379",job="etcd"}', values: '1x21' },
      ],
      alert_rule_test: [
        { eval_time: '1m', alertname: 'EtcdNoLeader', exp_alerts: [] },
        {
          eval_time: '1m15s',
          alertname: 'EtcdNoLeader',
          exp_alerts: [expected({}, 'EtcdNoLeader', 'critical', { instance: m1.instance, job: m1.job }, '0')],
        },
        { eval_time: '3m30s', alertname: 'EtcdNoLeader', exp_alerts: [] },
      ],
    },
  ]);
});

test('a hostile cluster name reaches the alert verbatim: its label and description, never a template', { skip }, (t) => {
  const cluster = `prod "east": {{ $labels.job }} {{end}}\n- alert: Pwned\n# ü \u2028 \x7f {`;
  promtoolTest(t, { cluster }, [
    {
      interval: '15s',
      input_series: [{ series: 'etcd_server_has_leader{instance="m1",job="etcd"}', values: '0x10' }],
      alert_rule_test: [
        {
          eval_time: '1m30s',
          alertname: 'EtcdNoLeader',
          exp_alerts: [
            {
              // Written out here, not expanded from the rule: this is what an operator reads.
              exp_labels: { severity: 'critical', etcd_cluster: cluster, instance: 'm1', job: 'etcd' },
              exp_annotations: {
                summary: 'etcd member has no leader',
                description: `etcd cluster "${cluster}": member m1 has had no leader for 1m: the cluster accepts no writes. Check quorum and connectivity. Runbook: Step 1: Check Cluster Status; Step 2: Check Member Connectivity; Step 5: Fix Quorum Loss.`,
                runbook: 'Step 1: Check Cluster Status; Step 2: Check Member Connectivity; Step 5: Fix Quorum Loss',
              },
            },
          ],
        },
      ],
    },
  ]);
});

/** A WAL fsync histogram (cumulative buckets) gaining 60 observations a minute, all in the bucket ending at `le`. */
function fsyncSeries(instance: string, le: string): { series: string; values: string }[] {
  const bounds = ['0.01', '0.5', '1', '2', '+Inf'];
  return bounds.map((b) => ({
    series: `etcd_disk_wal_fsync_duration_seconds_bucket{instance="${instance}",job="etcd",le="${b}"}`,
    values: bounds.indexOf(b) >= bounds.indexOf(le) ? '0+60x30' : '0x30',
  }));
}

test('the fsync alerts: warning on p99 above 0.5 s, critical above 1 s, each after its 10m, none on a fast disk', { skip }, (t) => {
  // p99 inside (0.5, 1]: 0.5 + 0.99 × 0.5 = 0.995 s; inside (1, 2]: 1 + 0.99 × 1 = 1.99 s; fast: 9.9 ms.
  const warn = (instance: string, value: string) => expected({}, 'EtcdHighFsyncDurations', 'warning', { instance, job: 'etcd' }, value);
  const crit = (instance: string, value: string) => expected({}, 'EtcdHighFsyncDurations', 'critical', { instance, job: 'etcd' }, value);
  promtoolTest(t, {}, [
    {
      interval: '1m',
      input_series: [...fsyncSeries('slow', '1'), ...fsyncSeries('slower', '2'), ...fsyncSeries('fast', '0.01')],
      alert_rule_test: [
        // The rate has two samples from 1m: pending from then, firing 10m later.
        { eval_time: '10m45s', alertname: 'EtcdHighFsyncDurations', exp_alerts: [] },
        {
          eval_time: '11m',
          alertname: 'EtcdHighFsyncDurations',
          exp_alerts: [warn('slow', '995ms'), warn('slower', '1.99s'), crit('slower', '1.99s')],
        },
      ],
    },
  ]);
});

test('the job selector: a custom job regex (quotes, an escaped dot) selects its job exactly, anchored', { skip }, (t) => {
  const job = 'prod "etcd"\\.(main|dr)';
  promtoolTest(t, { job }, [
    {
      interval: '15s',
      input_series: [
        { series: 'etcd_server_has_leader{instance="a",job="prod \\"etcd\\".dr"}', values: '0x10' },
        { series: 'etcd_server_has_leader{instance="b",job="prod \\"etcd\\"xdr"}', values: '0x10' },
        { series: 'etcd_server_has_leader{instance="c",job="prod \\"etcd\\".main-2"}', values: '0x10' },
        { series: 'etcd_server_has_leader{instance="d",job="etcd"}', values: '0x10' },
      ],
      alert_rule_test: [
        {
          eval_time: '2m',
          alertname: 'EtcdNoLeader',
          exp_alerts: [expected({ job }, 'EtcdNoLeader', 'critical', { instance: 'a', job: 'prod "etcd".dr' }, '0')],
        },
      ],
    },
  ]);
});

test('fewer members up than a quorum fires after 3m; a db near its quota and a fragmented db after 10m', { skip }, (t) => {
  const options = { cluster: 'prod' };
  const GiB = 1024 ** 3;
  const MiB = 1024 ** 2;
  promtoolTest(t, options, [
    {
      interval: '1m',
      input_series: [
        { series: 'up{instance="m1",job="etcd"}', values: '1x20' },
        { series: 'up{instance="m2",job="etcd"}', values: '1 0x19' },
        { series: 'up{instance="m3",job="etcd"}', values: '1 0x19' },
        // m1: 1.96 GiB of a 2 GiB quota (98%); m2: 400 MiB file, 120 MiB in use (30%).
        { series: 'etcd_server_quota_backend_bytes{instance="m1",job="etcd"}', values: `${2 * GiB}x20` },
        { series: 'etcd_mvcc_db_total_size_in_bytes{instance="m1",job="etcd"}', values: `${0.98 * 2 * GiB}x20` },
        { series: 'etcd_mvcc_db_total_size_in_use_in_bytes{instance="m1",job="etcd"}', values: `${0.98 * 2 * GiB}x20` },
        { series: 'etcd_server_quota_backend_bytes{instance="m2",job="etcd"}', values: `${2 * GiB}x20` },
        { series: 'etcd_mvcc_db_total_size_in_bytes{instance="m2",job="etcd"}', values: `${400 * MiB}x20` },
        { series: 'etcd_mvcc_db_total_size_in_use_in_bytes{instance="m2",job="etcd"}', values: `${120 * MiB}x20` },
      ],
      alert_rule_test: [
        { eval_time: '3m', alertname: 'EtcdInsufficientMembers', exp_alerts: [] },
        {
          eval_time: '4m15s',
          alertname: 'EtcdInsufficientMembers',
          exp_alerts: [expected(options, 'EtcdInsufficientMembers', 'critical', { job: 'etcd' }, '1')],
        },
        { eval_time: '9m45s', alertname: 'EtcdDatabaseQuotaLowSpace', exp_alerts: [] },
        {
          eval_time: '10m',
          alertname: 'EtcdDatabaseQuotaLowSpace',
          exp_alerts: [expected(options, 'EtcdDatabaseQuotaLowSpace', 'critical', { instance: 'm1', job: 'etcd' }, '98%')],
        },
        {
          eval_time: '10m',
          alertname: 'EtcdDatabaseHighFragmentationRatio',
          exp_alerts: [expected(options, 'EtcdDatabaseHighFragmentationRatio', 'warning', { instance: 'm2', job: 'etcd' }, '30%')],
        },
      ],
    },
  ]);
});

test('a healthy cluster fires nothing', { skip }, (t) => {
  const members = ['m1', 'm2', 'm3'];
  const per = (series: (m: string) => string, values: string) => members.map((m) => ({ series: series(m), values }));
  const buckets = (family: string, extra = '') =>
    members.flatMap((m) =>
      ['0.008', '0.016', '+Inf'].map((le) => ({
        series: `${family}_bucket{instance="${m}",job="etcd"${extra},le="${le}"}`,
        values: '0+100x60',
      })),
    );
  const names = [...new Set(alertRuleGroup().rules.map((r) => r.alert))];
  assert.equal(names.length, 10);
  promtoolTest(t, {}, [
    {
      interval: '1m',
      input_series: [
        ...per((m) => `up{instance="${m}",job="etcd"}`, '1x60'),
        ...per((m) => `etcd_server_has_leader{instance="${m}",job="etcd"}`, '1x60'),
        // Three leader changes since start, none during the hour.
        ...per((m) => `etcd_server_leader_changes_seen_total{instance="${m}",job="etcd"}`, '3x60'),
        ...per((m) => `etcd_server_proposals_failed_total{instance="${m}",job="etcd"}`, '2+1x60'),
        ...buckets('etcd_disk_wal_fsync_duration_seconds'),
        ...buckets('etcd_disk_backend_commit_duration_seconds'),
        ...buckets('etcd_network_peer_round_trip_time_seconds', ',To="peer"'),
        ...per((m) => `etcd_server_quota_backend_bytes{instance="${m}",job="etcd"}`, '2147483648x60'),
        // 200 MiB growing 1 MiB a minute: 440 MiB in 4 hours, far from 2 GiB; 90% in use.
        ...per((m) => `etcd_mvcc_db_total_size_in_bytes{instance="${m}",job="etcd"}`, '209715200+1048576x60'),
        ...per((m) => `etcd_mvcc_db_total_size_in_use_in_bytes{instance="${m}",job="etcd"}`, '188743680+943718x60'),
      ],
      alert_rule_test: ['5m', '30m', '60m'].flatMap((eval_time) => names.map((alertname) => ({ eval_time, alertname, exp_alerts: [] }))),
    },
  ]);
});
