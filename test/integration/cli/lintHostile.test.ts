// The built CLI (dist/cli.js lint) on hostile input (issue 8): files that are not regular or too large are
// refused at once, huge values and lists give a bounded report, nothing from a file or a file name reaches the
// terminal unescaped, and SARIF says when a file could not be read. Every run is a subprocess with a kill
// timeout, so a regression that hangs fails the test instead of hanging it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const FIX = join(ROOT, 'test', 'fixtures', 'lint', 'cli');
const GOOD = join(FIX, 'good.etcd.yaml');
const dir = mkdtempSync(join(tmpdir(), 'etcd-lint-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `etcd-inspector lint ...args`; killed after timeoutMs, which the assertions on `code` then report. */
function lint(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<Run> {
  assert.ok(existsSync(CLI), 'dist/cli.js missing: run npm run build');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'lint', ...args],
      { cwd: options.cwd, timeout: options.timeoutMs ?? 20_000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const e = error as (Error & { code?: number | string; signal?: NodeJS.Signals | null }) | null;
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
      },
    );
  });
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

interface JsonResult {
  file: string;
  diagnostics: { code: string; severity: string; message: string; line: number; column: number }[];
}

/** Every message at most 1 KB, and the report of one file a few hundred findings at most. */
function assertBounded(results: JsonResult[]): void {
  for (const r of results) {
    assert.ok(r.diagnostics.length <= 500, `${r.diagnostics.length} findings listed`);
    for (const d of r.diagnostics) assert.ok(Buffer.byteLength(d.message) <= 1024, `${d.code}: ${Buffer.byteLength(d.message)} bytes`);
  }
}

// Controls that drive a terminal (everything below space but the newline ending each output line, DEL, C1).
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

test('a 95 KB URL list: every item reported once, the report bounded, exit 1', async () => {
  const items: string[] = [];
  for (let size = 0; size < 95 * 1024; size += items[items.length - 1].length + 1) items.push(`h${items.length}:1`);
  const path = file('urls.etcd.conf', `ETCD_LISTEN_CLIENT_URLS=${items.join(',')}\nETCD_ADVERTISE_CLIENT_URLS=http://10.0.0.1:2379\n`);
  const r = await lint(['--output', 'json', path]);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout) as JsonResult[];
  assertBounded(out);
  const summary = out[0].diagnostics.find((d) => /^… and \d+ more url-format findings in this file/.test(d.message));
  assert.ok(summary, 'a summary of the url-format findings not listed');
  assert.equal(summary.severity, 'error');
  assert.equal(Number(/and (\d+) more/.exec(summary.message)?.[1]) + 100, items.length);
});

test('40,000 initial-cluster entries with duplicate URLs: a bounded report, exit 1', async () => {
  const members = Array.from({ length: 40_000 }, (_, i) => `m${i}=http://10.0.${(i % 500) >> 8}.${i % 250}:2380`);
  const path = file(
    'cluster.etcd.conf',
    `ETCD_NAME=m0\nETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.0:2380\nETCD_INITIAL_CLUSTER=${members.join(',')}\n`,
  );
  const r = await lint(['--output', 'json', path]);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout) as JsonResult[];
  assertBounded(out);
  assert.ok(out[0].diagnostics.some((d) => /^… and \d+ more initial-cluster-duplicate-url findings/.test(d.message)));
});

test('a FIFO is refused at once (exit 2, named as a FIFO) and the other files are still linted', async () => {
  const fifo = join(dir, 'pipe.etcd.conf');
  await promisify(execFile)('mkfifo', [fifo]);
  const r = await lint([fifo, GOOD], { timeoutMs: 10_000 });
  assert.equal(r.signal, null, 'lint hung on the FIFO and was killed');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot read .*pipe\.etcd\.conf: a FIFO \(named pipe\), not a regular file/);
  assert.match(r.stdout, /^1 file\(s\) checked: 0 error\(s\), .*; 1 file\(s\) could not be read$/m);
});

test('/dev/zero and a directory are refused (exit 2), never read', async () => {
  const zero = await lint(['/dev/zero'], { timeoutMs: 10_000 });
  assert.equal(zero.signal, null, 'lint kept reading /dev/zero and was killed');
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /cannot read \/dev\/zero: a device, not a regular file/);
  const sub = join(dir, 'etcd.conf.d');
  mkdirSync(sub);
  const d = await lint([sub]);
  assert.equal(d.code, 2);
  assert.match(d.stderr, /cannot read .*etcd\.conf\.d: a directory, not a regular file/);
});

test('a file over the 2 MiB limit is refused with its size and the limit (exit 2)', async () => {
  const big = file('big.etcd.conf', `${'# padding\n'.repeat(209_716)}ETCD_NAME=m1\n`);
  const r = await lint([big]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot read .*big\.etcd\.conf: 2(\.0)? MiB is over the limit of 2 MiB/);
});

test('a file name with a newline and ESC cannot forge diagnostic lines or drive the terminal', async () => {
  const name = 'evil\nforged.etcd.conf:9:9: error [forged] pwned\u001b[2J.etcd.conf';
  const path = file(name, 'ETCD_HEARTBEAT_INTERVAL=100ms\n');
  const r = await lint([path]);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(!RAW_CONTROL.test(r.stdout), JSON.stringify(r.stdout));
  const lines = r.stdout.trimEnd().split('\n');
  assert.ok(lines.length >= 2);
  for (const l of lines.slice(0, -1))
    assert.ok(l.startsWith(`${dir}/evil\\x0aforged.etcd.conf:9:9: error [forged] pwned\\x1b[2J.etcd.conf:1:`), l);
  assert.match(lines.at(-1) ?? '', /^1 file\(s\) checked/);
  // stderr names the file too (a missing one here).
  const missing = await lint([join(dir, 'gone\n\u001b[31m.conf')]);
  assert.equal(missing.code, 2);
  assert.ok(!RAW_CONTROL.test(missing.stderr.trimEnd()), JSON.stringify(missing.stderr));
});

test('escape sequences and BEL in configuration values are shown escaped in the text output', async () => {
  const path = file(
    'values.etcd.conf',
    'ETCD_HEARTBEAT_INTERVAL=\u001b]0;pwned\u0007\u001b[2J100\nETCD_DATA_DIR=/var/lib/etcd # \u001b[31mred\u009b\nETCD_\u001b[1mX=1\n',
  );
  const r = await lint([path]);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(!RAW_CONTROL.test(r.stdout), JSON.stringify(r.stdout));
  assert.match(r.stdout, /\\x1b\]0;pwned\\x07\\x1b\[2J100/);
});

test('JSON output escapes C1 controls, bidirectional overrides and invisible characters (same values once parsed)', async () => {
  const value = 'a\u202eb\u009bc\u200bd\u2028e';
  const path = file('bidi.etcd.conf', `ETCD_LOG_LEVEL=${value}\n`);
  const r = await lint(['--output', 'json', path]);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(!/[\u007f-\u009f\u200b-\u200f\u2028-\u202e]/.test(r.stdout), JSON.stringify(r.stdout));
  assert.match(r.stdout, /a\\u202eb\\u009bc\\u200bd\\u2028e/);
  const out = JSON.parse(r.stdout) as JsonResult[];
  assert.ok(out[0].diagnostics.some((d) => d.message.includes(value)));
});

test('SARIF artifact URIs are URI-encoded: relative references for relative paths, file:// URIs for absolute ones', async () => {
  const sub = join(dir, 'sub dir');
  mkdirSync(sub);
  const name = 'a b#c%d?.etcd.conf';
  const path = join(sub, name);
  writeFileSync(path, 'ETCD_HEARTBEAT_INTERVAL=100ms\n');
  const uris = (stdout: string): string[] =>
    (
      JSON.parse(stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] }
    ).runs[0].results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri);
  const relative = await lint(['-o', 'sarif', join('sub dir', name)], { cwd: dir });
  assert.equal(relative.code, 1, relative.stderr);
  assert.deepEqual([...new Set(uris(relative.stdout))], ['sub%20dir/a%20b%23c%25d%3F.etcd.conf']);
  const absolute = await lint(['-o', 'sarif', path]);
  assert.deepEqual([...new Set(uris(absolute.stdout))], [pathToFileURL(path).href]);
  assert.match(pathToFileURL(path).href, /^file:\/\/\/.*\/sub%20dir\/a%20b%23c%25d%3F\.etcd\.conf$/);
});

test('SARIF records the invocation: executionSuccessful false with a notification naming an unreadable file', async () => {
  const missing = join(dir, 'missing.etcd.conf');
  const r = await lint(['-o', 'sarif', missing, GOOD]);
  assert.equal(r.code, 2);
  type Sarif = {
    runs: {
      invocations: {
        executionSuccessful: boolean;
        toolExecutionNotifications: {
          level: string;
          message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
        }[];
      }[];
      results: unknown[];
    }[];
  };
  const run = (JSON.parse(r.stdout) as Sarif).runs[0];
  assert.equal(run.invocations.length, 1);
  assert.equal(run.invocations[0].executionSuccessful, false);
  const [note] = run.invocations[0].toolExecutionNotifications;
  assert.equal(note.level, 'error');
  assert.match(note.message.text, /cannot read .*missing\.etcd\.conf: no such file/);
  assert.equal(note.locations[0].physicalLocation.artifactLocation.uri, pathToFileURL(missing).href);
  const ok = await lint(['-o', 'sarif', GOOD]);
  assert.equal(ok.code, 0, ok.stderr);
  const okRun = (JSON.parse(ok.stdout) as Sarif).runs[0];
  assert.equal(okRun.invocations[0].executionSuccessful, true);
  assert.deepEqual(okRun.invocations[0].toolExecutionNotifications, []);
});

test('a UTF-8 byte-order mark is reported as systemd reads it (the first name is ignored), never printed raw', async () => {
  const path = file(
    'bom.etcd.conf',
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ETCD_NAME=m1\nETCD_ELECTON_TIMEOUT=1000\n')]),
  );
  const r = await lint(['--output', 'json', path]);
  assert.equal(r.code, 0, r.stderr);
  const [out] = JSON.parse(r.stdout) as JsonResult[];
  assert.deepEqual(
    out.diagnostics.map((d) => [d.code, d.line, d.column]),
    [
      ['env-syntax', 1, 1],
      ['unknown-key', 2, 1],
    ],
  );
  assert.match(out.diagnostics[0].message, /byte-order mark \(U\+FEFF\) stands before ETCD_NAME/);
  const text = await lint([path]);
  assert.ok(!text.stdout.includes('\ufeff'), 'no invisible character in the text output');
});
