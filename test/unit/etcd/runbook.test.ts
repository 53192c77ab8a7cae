// The runbook as data: ten steps with ids, numbers and titles, a document for each, and step 10's monitoring
// script (run by bash) and the cluster's Prometheus alert rules (checked by the real promtool; what they fire
// on is tested in test/integration/metrics/alerts.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_LEADER } from '../../../src/etcd/model';
import { RUNBOOK_STEPS, runbookStep, runbookStepMarkdown, stepByNumber, stepHeading } from '../../../src/etcd/runbook/steps';
import { MONITOR_SCRIPT, monitorScript } from '../../../src/etcd/runbook/monitor';
import { alertRules } from '../../../src/metrics/alerts';
import { heredoc } from '../../../src/etcd/runbook/shell';
import type { ConnectionProfile } from '../../../src/etcd/profile';
import { A, B, C, member, snapshot } from '../../support/builders';

const quorumLost = () => snapshot([member(A, { reachable: false }), member(B, { reachable: false }), member(C, { leader: NO_LEADER })]);

/** A key path no shell should split, with a line that would end a naive `<< 'EOF'` and run what follows. */
const HOSTILE_KEY = `/pki/it's a "key" $(touch pwned-subst)\nEOF\ntouch pwned`;
const profile: ConnectionProfile = {
  name: 'prod\n# not a comment',
  endpoints: ['https://10.0.0.1:2379', 'https://10.0.0.2:2379'],
  tls: { caFile: '/pki/ca.crt', certFile: '/pki/c.crt', keyFile: HOSTILE_KEY },
  username: 'root',
  password: 'hunter2',
};

test('the runbook has ten steps numbered in order, with unique ids and the runbook’s titles', () => {
  assert.deepEqual(
    RUNBOOK_STEPS.map((s) => [s.number, s.id]),
    [
      [1, 'status'],
      [2, 'connectivity'],
      [3, 'logs'],
      [4, 'restart'],
      [5, 'quorum'],
      [6, 'add-member'],
      [7, 'clock'],
      [8, 'timeouts'],
      [9, 'defrag'],
      [10, 'monitor'],
    ],
  );
  assert.equal(stepHeading('quorum'), 'Step 5: Fix Quorum Loss');
  assert.equal(stepHeading(runbookStep('monitor')), 'Step 10: Monitor Cluster Health');
  assert.equal(stepByNumber(10)?.id, 'monitor');
  for (const n of [0, 11, 1.5, -1]) assert.equal(stepByNumber(n), undefined, String(n));
});

test('every check names a step of the table, and its step text is that step’s heading', () => {
  const s = quorumLost();
  assert.equal(s.checks.length, 13);
  for (const c of s.checks) assert.equal(c.step, stepHeading(c.stepId), c.id);
});

test('every step has a document for this cluster: its heading, the state, the failing checks it addresses', () => {
  const s = quorumLost();
  for (const step of RUNBOOK_STEPS) {
    const doc = runbookStepMarkdown(step.id, s, profile);
    assert.ok(doc.startsWith(`# ${stepHeading(step)} — cluster "prod`), step.id);
    assert.match(doc, /NO LEADER, 1 of 3 voting members reachable \(quorum needs 2\)/, step.id);
    assert.match(doc, /```(sh|yaml)\n/, `${step.id} has commands`);
    for (const c of s.checks.filter((x) => x.ok === false))
      assert.equal(doc.includes(`**${c.title}**`), c.stepId === step.id, `${step.id}: ${c.id}`);
  }
});

test('step 10: the monitoring script carries the cluster’s etcdctl flags and a curl of /metrics with its TLS files', () => {
  const doc = runbookStepMarkdown('monitor', undefined, profile);
  assert.match(doc, /^# Step 10: Monitor Cluster Health — cluster "prod/);
  const flags = `--endpoints=https://10.0.0.1:2379,https://10.0.0.2:2379 --cacert=/pki/ca.crt --cert=/pki/c.crt`;
  for (const command of ['endpoint status --cluster -w table', 'member list -w table', 'endpoint health --cluster', 'alarm list'])
    assert.ok(monitorScript(profile).includes(`${flags} '--key=`) && monitorScript(profile).includes(`--user=root ${command}`), command);
  assert.match(doc, /curl -s --cacert \/pki\/ca\.crt --cert \/pki\/c\.crt --key '.*' https:\/\/10\.0\.0\.1:2379\/metrics \| grep/s);
  assert.ok(doc.includes('etcd_server_has_leader'));
  assert.ok(doc.includes(alertRules({ cluster: profile.name }).trimEnd()), 'the rule file for this cluster is in the document');
  assert.ok(!doc.includes('hunter2'), 'never the password');
});

test('heredoc: a body line equal to the delimiter gets another delimiter', () => {
  assert.deepEqual(heredoc('f', 'a\nb\n'), ["cat << 'EOF' > f", 'a', 'b', 'EOF']);
  assert.deepEqual(heredoc('f', 'EOF\nEOF_1'), ["cat << 'EOF_2' > f", 'EOF', 'EOF_1', 'EOF_2']);
});

test('step 10: bash writes the script as shown and runs etcdctl with each flag as one argument', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-inspector-monitor-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const doc = runbookStepMarkdown('monitor', quorumLost(), profile);
  const block = /```sh\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(block !== undefined && block.includes(`cat << '`), doc);
  execFileSync('bash', ['-euc', block], { cwd: dir });
  const script = join(dir, MONITOR_SCRIPT);
  assert.equal(readFileSync(script, 'utf8'), monitorScript(profile), 'the heredoc wrote the script verbatim');
  execFileSync('bash', ['-n', script]);

  // etcdctl and jq stand-ins that record how they were called: the generator's quoting is what is tested.
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'calls');
  writeFileSync(
    join(bin, 'etcdctl'),
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done >> "$CALLS"\nprintf '\\n' >> "$CALLS"\necho '[]'\n`,
  );
  writeFileSync(join(bin, 'jq'), '#!/bin/sh\ncat >/dev/null\n');
  chmodSync(join(bin, 'etcdctl'), 0o755);
  chmodSync(join(bin, 'jq'), 0o755);
  const run = spawnSync(script, {
    cwd: dir,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, CALLS: log },
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /=== Cluster Status ===[\s\S]*=== Alarm Status ===/);
  const flags = [
    '--endpoints=https://10.0.0.1:2379,https://10.0.0.2:2379',
    '--cacert=/pki/ca.crt',
    '--cert=/pki/c.crt',
    `--key=${HOSTILE_KEY}`,
    '--user=root',
  ];
  // One call per record: its arguments NUL-separated (the hostile key holds newlines), then a newline.
  const args = readFileSync(log, 'utf8')
    .split('\0\n')
    .filter(Boolean)
    .map((c) => c.split('\0'));
  assert.deepEqual(
    args.map((a) => a.slice(flags.length).join(' ')),
    [
      'endpoint status --cluster -w table',
      'member list -w table',
      'endpoint health --cluster',
      'endpoint status --cluster -w json',
      'endpoint status --cluster -w json',
      'alarm list',
    ],
  );
  for (const a of args) assert.deepEqual(a.slice(0, flags.length), flags);
  assert.ok(!existsSync(join(dir, 'pwned')) && !existsSync(join(dir, 'pwned-subst')), 'nothing in a value ran');
});

const promtool = spawnSync('promtool', ['--version']).status === 0;
const skip = promtool ? false : 'promtool is not installed (Debian: apt-get install prometheus; .ci/run installs it)';

/** The step-10 document's rule file, as the user copies it out of the yaml block. */
function documentRules(p: ConnectionProfile): string {
  const doc = runbookStepMarkdown('monitor', quorumLost(), p);
  const block = /```yaml\n([\s\S]*?)\n```/.exec(doc)?.[1];
  assert.ok(block !== undefined, doc);
  return `${block}\n`;
}

test('step 10: the document holds every alert for this cluster, and promtool accepts them as copied', { skip }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-inspector-rules-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // The profile's name holds a newline and a `#`: it stays one quoted value in the rule file.
  const rules = documentRules(profile);
  assert.equal(rules, alertRules({ cluster: profile.name }));
  writeFileSync(join(dir, 'etcd-alerts.yml'), rules);
  const check = spawnSync('promtool', ['check', 'rules', join(dir, 'etcd-alerts.yml')], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /SUCCESS: 11 rules found/);
});

test('step 10: a cluster without a name, or with one no label can hold, gets rules that name none, and is told why', () => {
  assert.equal(documentRules({ ...profile, name: '' }), alertRules());
  const lone = { ...profile, name: 'prod\udc00' };
  assert.equal(documentRules(lone), alertRules());
  assert.match(
    runbookStepMarkdown('monitor', undefined, lone),
    /These rules do not name the cluster: the cluster name is not valid Unicode/,
  );
});
