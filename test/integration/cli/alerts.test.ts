// The built CLI (dist/cli.js alerts) as a subprocess: the rule file on stdout, accepted by the real promtool;
// bad arguments and a regex Prometheus would refuse exit 2 with the reason and print no rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runCli, showRun } from '../../harness/cli';

const promtool = spawnSync('promtool', ['--version']).status === 0;
const skip = promtool ? false : 'promtool is not installed (Debian: apt-get install prometheus; .ci/run installs it)';

test('alerts --job etcd-main prints rules that promtool accepts, every series selecting that job', { skip }, async (t) => {
  const r = await runCli(['alerts', '--job', 'etcd-main', '--cluster', 'prod: "east"']);
  assert.equal(r.code, 0, showRun(r));
  assert.equal(r.stderr, '');
  const dir = mkdtempSync(join(tmpdir(), 'etcd-inspector-cli-alerts-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'etcd-alerts.yml'), r.stdout);
  const check = spawnSync('promtool', ['check', 'rules', join(dir, 'etcd-alerts.yml')], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /SUCCESS: 11 rules found/);
  const rules = (parse(r.stdout) as { groups: { name: string; rules: { expr: string; labels: Record<string, string> }[] }[] }).groups;
  assert.equal(rules[0].name, 'etcd/prod: "east"');
  for (const rule of rules[0].rules) {
    assert.match(rule.expr, /\{job=~"etcd-main"\}/);
    assert.doesNotMatch(rule.expr, /\.\*etcd\.\*/);
    assert.equal(rule.labels.etcd_cluster, 'prod: "east"');
  }
});

test('alerts with no option selects job=~".*etcd.*" as etcd’s mixin does', async () => {
  const r = await runCli(['alerts']);
  assert.equal(r.code, 0, showRun(r));
  assert.match(r.stdout, /^ {8}expr: etcd_server_has_leader\{job=~"\.\*etcd\.\*"\} == 0$/m);
  assert.match(r.stdout, /^ {2}- name: etcd$/m);
});

test('alerts: a regex Prometheus would refuse, an empty name or a bad option exits 2 with the reason, no rules', async () => {
  for (const [args, why] of [
    [['--job', 'etcd('], /the job regex "etcd\(" is not a valid regex/],
    [['--job', '(?=etcd)'], /lookahead/],
    [['--job', 'a\nb'], /line break/],
    [['--cluster='], /cluster name is empty/],
    [['--bogus'], /Unknown option '--bogus'[\s\S]*Usage: etcd-inspector alerts/],
    [['extra'], /Unexpected argument 'extra'/],
    [['--job'], /argument missing/],
  ] as const) {
    const r = await runCli(['alerts', ...args]);
    assert.equal(r.code, 2, showRun(r));
    assert.match(r.stderr, why, showRun(r));
    assert.equal(r.stdout, '', showRun(r));
  }
});

test('alerts --help names the options and the default selector; etcd-inspector --help lists the command', async () => {
  const help = await runCli(['alerts', '--help']);
  assert.equal(help.code, 0, showRun(help));
  assert.match(help.stdout, /--job REGEX[\s\S]*\(default: \.\*etcd\.\*\)[\s\S]*--cluster NAME/);
  const top = await runCli(['--help']);
  assert.match(top.stdout, /^ {2}alerts {4}Prometheus alerting rules/m);
});
