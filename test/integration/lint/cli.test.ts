// The built CLI (dist/cli.js lint) as a subprocess: output formats, exit codes, format detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const FIX = join(ROOT, 'test', 'fixtures', 'lint', 'cli');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'lint', ...args], { encoding: 'utf8' });

test('json output: 1-based positions, format detected, exit 1 on an error', () => {
  const r = run('--output', 'json', join(FIX, 'bad.etcd.conf'), join(FIX, 'good.etcd.yaml'));
  assert.equal(r.status, 1, r.stderr);
  const out = JSON.parse(r.stdout) as {
    file: string;
    format: string;
    diagnostics: { code: string; severity: string; line: number; column: number; endLine: number; endColumn: number }[];
  }[];
  assert.deepEqual(
    out.map((f) => f.format),
    ['env', 'yaml'],
  );
  const ratio = out[0].diagnostics.find((d) => d.code === 'election-timeout-ratio');
  assert.deepEqual(ratio && { ...ratio, message: undefined }, {
    severity: 'error',
    code: 'election-timeout-ratio',
    message: undefined,
    line: 3,
    column: 23,
    endLine: 3,
    endColumn: 26,
  });
  assert.deepEqual(
    out[1].diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
});

test('exit 0 when no file has an error; text output names file:line:col', () => {
  const r = run(join(FIX, 'good.etcd.yaml'));
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const bad = run('--etcd-version', '3.4', join(FIX, 'bad.etcd.conf'));
  assert.match(bad.stdout, /bad\.etcd\.conf:3:23: error \[election-timeout-ratio\]/);
});

test('sarif output is SARIF 2.1.0 with rule ids and regions', () => {
  const r = run('--output=sarif', join(FIX, 'bad.etcd.conf'));
  const sarif = JSON.parse(r.stdout) as {
    version: string;
    runs: {
      tool: { driver: { rules: { id: string }[] } };
      results: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
    }[];
  };
  assert.equal(sarif.version, '2.1.0');
  const res = sarif.runs[0].results.find((x) => x.ruleId === 'election-timeout-ratio');
  assert.equal(res?.level, 'error');
  assert.equal(res?.locations[0].physicalLocation.region.startLine, 3);
  assert.ok(sarif.runs[0].tool.driver.rules.some((x) => x.id === 'election-timeout-ratio'));
});

test('exit 2 on usage errors and unreadable files', () => {
  assert.equal(run().status, 2);
  assert.equal(run('--etcd-version', '3.9', join(FIX, 'good.etcd.yaml')).status, 2);
  assert.equal(run('--output', 'xml', join(FIX, 'good.etcd.yaml')).status, 2);
  const missing = run(join(FIX, 'does-not-exist.conf'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read/);
});
