// The built CLI (dist/cli.js lint) as a subprocess: output formats, exit codes, format detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** The three members of test/fixtures/lint/cli/cluster: fine one by one, in disagreement together. */
const CLUSTER = ['m1.conf', 'm2.conf', 'm3.etcd.yaml'].map((f) => join(FIX, 'cluster', f));

type JsonResult = { file: string; format: string; diagnostics: { code: string; severity: string; line: number; message: string }[] }[];

test('several members in one run: the cross-file findings land on each file, at their lines', () => {
  const r = run('--output', 'json', ...CLUSTER);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout) as JsonResult;
  const byFile = Object.fromEntries(out.map((f) => [f.file.split('/').pop(), f.diagnostics.map((d) => `${d.line}:${d.code}`)]));
  assert.deepEqual(byFile, {
    'm1.conf': ['7:cross-file-initial-cluster', '10:cross-file-timing', '11:cross-file-timing'],
    'm2.conf': ['7:cross-file-initial-cluster', '10:cross-file-timing', '11:cross-file-timing'],
    'm3.etcd.yaml': ['7:cross-file-member', '8:cross-file-initial-cluster', '11:cross-file-timing', '12:cross-file-timing'],
  });
  const member = out[2].diagnostics.find((d) => d.code === 'cross-file-member');
  assert.match(member?.message ?? '', /m1\.conf lists m3=http:\/\/10\.0\.0\.3:2380, but this member advertises http:\/\/10\.0\.0\.33:2380/);
  // Alone, each file is clean: the findings above come from comparing them.
  for (const file of CLUSTER) {
    const alone = run('--output', 'json', file);
    assert.deepEqual((JSON.parse(alone.stdout) as JsonResult)[0].diagnostics, [], file);
  }
});

test('several files: text output names each file, counts every finding, and an error in one sets the exit status', () => {
  const r = run(...CLUSTER, join(FIX, 'bad.etcd.conf'));
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /cluster\/m3\.etcd\.yaml:7:30: warning \[cross-file-member\]/);
  assert.match(
    r.stdout,
    /cluster\/m1\.conf:10:25: warning \[cross-file-timing\] heartbeat-interval is 100 ms here but 200 ms in m3\.etcd\.yaml/,
  );
  assert.match(r.stdout, /bad\.etcd\.conf:3:23: error \[election-timeout-ratio\]/);
  // bad.etcd.conf sets no initial-cluster, so it takes no part in the cluster's comparison.
  assert.doesNotMatch(r.stdout, /bad\.etcd\.conf:\d+:\d+: \w+ \[cross-file-/);
  assert.match(r.stdout, /^4 file\(s\) checked: 1 error\(s\), \d+ other finding\(s\)$/m);
});

test('several files, SARIF: one result per cross-file finding, each code a rule with its documentation', () => {
  const r = run('--output=sarif', ...CLUSTER);
  const sarif = JSON.parse(r.stdout) as {
    runs: { tool: { driver: { rules: { id: string; shortDescription: { text: string } }[] } }; results: { ruleId: string }[] }[];
  };
  const rules = sarif.runs[0].tool.driver.rules;
  assert.deepEqual(rules.map((x) => x.id).sort(), ['cross-file-initial-cluster', 'cross-file-member', 'cross-file-timing']);
  for (const rule of rules) assert.notEqual(rule.shortDescription.text, rule.id, `${rule.id} has no documentation`);
  assert.equal(sarif.runs[0].results.length, 10);
});

// The CLI writes its output synchronously (src/cli/stdio.ts): a large output through a pipe read slowly
// must arrive whole, and a reader that goes away (`| head`) must cost neither an error nor the exit status.
test('output through a pipe: 1 MB read slowly arrives whole; a reader that closes early gets no error and the status stays', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lint-pipe-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // 40 files of 100 findings each (a rule lists 100 a file): about 1 MB of JSON.
  const files = Array.from({ length: 40 }, (_, f) => {
    const file = join(dir, `member-${f}.conf`);
    writeFileSync(file, Array.from({ length: 100 }, (_, i) => `ETCD_NOT_A_FLAG_${i}=1`).join('\n') + '\n');
    return file;
  });
  const lintThrough = (reader: (stdout: NodeJS.ReadableStream) => Promise<string>) => {
    const child = spawn(process.execPath, [CLI, 'lint', '--output', 'json', ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    return reader(child.stdout).then(async (text) => ({ text, code: await exited, stderr }));
  };
  const slow = await lintThrough(async (stdout) => {
    const chunks: Buffer[] = [];
    stdout.pause();
    for await (const chunk of stdout) {
      chunks.push(chunk as Buffer);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return Buffer.concat(chunks).toString('utf8');
  });
  assert.equal(slow.code, 0, slow.stderr);
  assert.ok(slow.text.length > 800_000, `${slow.text.length} bytes`);
  const parsed = JSON.parse(slow.text) as { diagnostics: unknown[] }[];
  assert.deepEqual(
    parsed.map((f) => f.diagnostics.length),
    files.map(() => 100),
  );

  const early = await lintThrough(
    (stdout) =>
      new Promise((resolve) => {
        stdout.once('data', (chunk: Buffer) => {
          (stdout as unknown as { destroy(): void }).destroy();
          resolve(chunk.toString('utf8'));
        });
      }),
  );
  assert.match(early.text, /^\[\s*\{\s*"file"/);
  assert.equal(early.code, 0);
  assert.equal(early.stderr, '');
});
