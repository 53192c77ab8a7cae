// Time to diagnostics for a 30-line config and two 20,000-line files (a realistic, mostly commented one and a
// worst case with ~19,300 findings): in the engine (a keystroke and an Enter on a warm Linter, and a cold
// one-shot lint), in the language server over stdio with a real client, and in the CLI
// (a whole process). Prints p50/p95 in milliseconds. Then the hostile inputs of issue 8 (about 1 MB each):
// the CLI's wall time and peak RSS, the server's time from didOpen to publishDiagnostics, and the longest
// message either sends, against the targets (1 s and 300 MB for the CLI, 500 ms for the server, 1 KB per
// message). Run: npm run build && node --import tsx bench/lint.ts
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { FLAGS } from '../src/lint/catalogue';
import { splitLines } from '../src/lint/document';
import { Linter, lintText } from '../src/lint/engine';
import { applyContentChange } from '../src/server/lines';
import { MEMBER } from './configs';
import { builtBundles, measuredOn, median, publish, type Table } from './figures';

/** The bundles this run measures (a copy of dist/, see builtBundles). */
const DIST = builtBundles();

const small = MEMBER.join('\n') + '\n';
const ELECTION = MEMBER.findIndex((l) => l.startsWith('ETCD_ELECTION_TIMEOUT='));

/** A realistic big file: 20,000 lines, mostly comments and blank lines (an annotated config with history),
 * with five member blocks, so about 150 findings (duplicate keys of the earlier blocks, typos, runbook). */
function realistic(): { text: string; electionLine: number } {
  const lines: string[] = [];
  const blocks = 5;
  for (let b = 0; b < blocks; b++) {
    while (lines.length < ((b + 1) * 20000) / blocks - MEMBER.length) {
      const n = lines.length;
      lines.push(
        n % 7 === 6 ? '' : `# ${n}: notes on this member's tuning, the change ticket and who approved it; see the runbook, step ${n % 9}.`,
      );
    }
    lines.push(...MEMBER);
  }
  return { text: lines.join('\n') + '\n', electionLine: lines.length - MEMBER.length + ELECTION };
}

/** The worst case: the 30-line member block repeated to 20,000 lines, so every key is set ~667 times and
 * there are ~19,300 duplicate-key findings (computed on every change; since issue 8 only the first 100 per
 * rule are sent, plus a line saying how many more). */
function worst(): { text: string; electionLine: number; blocks: number } {
  const lines: string[] = [];
  let blocks = 0;
  for (; lines.length + MEMBER.length <= 20000; blocks++) lines.push(...MEMBER.map((l, i) => (i === 0 ? `# block ${lines.length}` : l)));
  while (lines.length < 20000) lines.push('# filler');
  // The last block's value is the one that wins, so retyping it changes every duplicate-key message of the key.
  return { text: lines.join('\n') + '\n', electionLine: lines.lastIndexOf(MEMBER[ELECTION]), blocks };
}

/** p50 and p95 as the README table shows them. */
function p50p95(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `p50 ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms`;
}

function stats(samples: number[]): string {
  return `${p50p95(samples)} (n=${samples.length})`;
}

/** Keystroke i: retype the effective election timeout (500..999 ms with a 100 ms heartbeat), which changes the
 * runbook warning's message every time, so the server must publish after every keystroke. */
function keystroke(line: number, i: number): TextDocumentContentChangeEvent {
  return {
    range: { start: { line, character: 'ETCD_ELECTION_TIMEOUT='.length }, end: { line, character: 'ETCD_ELECTION_TIMEOUT='.length + 4 } },
    text: String(500 + ((i + 1) % 500)).padStart(4, '0'),
  };
}

/** Enter at the top of the file: every later line moves, so every finding's range changes. */
function enter(): TextDocumentContentChangeEvent {
  return { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '\n' };
}

/** The engine's figures for one file: keystrokes on a warm Linter, and every finding of the file. */
interface EngineFigures {
  keystroke: number[];
  findings: number;
}

function engine(label: string, text: string, line: number, runs: number): EngineFigures {
  // The server's path: a warm Linter per document and a line array the edits are spliced into.
  const linter = new Linter();
  let lines: readonly string[] = splitLines(text);
  lines = applyContentChange(lines, keystroke(line, -1));
  linter.lint(lines, { format: 'env', version: '3.5' });
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    lines = applyContentChange(lines, keystroke(line, i));
    const t0 = performance.now();
    linter.lint(lines, { format: 'env', version: '3.5' });
    warm.push(performance.now() - t0);
  }
  const enters: number[] = [];
  for (let i = 0; i < Math.min(runs, 30); i++) {
    lines = applyContentChange(lines, enter());
    const t0 = performance.now();
    linter.lint(lines, { format: 'env', version: '3.5' });
    enters.push(performance.now() - t0);
  }
  const cold: number[] = [];
  for (let i = 0; i < Math.min(runs, 30); i++) {
    const t = applyContentChange(splitLines(text), keystroke(line, i)).join('\n');
    const t0 = performance.now();
    lintText(t, { format: 'env', version: '3.5' });
    cold.push(performance.now() - t0);
  }
  const findings = lintText(text, { format: 'env', version: '3.5' }).length;
  console.log(
    `engine  ${label}: keystroke ${stats(warm)}; Enter (lines move) ${stats(enters)}; cold one-shot ${stats(cold)}; ${findings} findings`,
  );
  return { keystroke: warm, findings };
}

/** The server's figures for one file: keystroke to publishDiagnostics, and how many diagnostics it published. */
interface ServerFigures {
  keystroke: number[];
  published: number;
}

async function server(label: string, text: string, line: number, runs: number, maxNumberOfProblems?: number): Promise<ServerFigures> {
  const child = spawn(process.execPath, [join(DIST, 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  let waiting: { version: number; resolve: () => void } | undefined;
  let count = 0;
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    count = p.diagnostics.length;
    if (waiting && p.version === waiting.version) waiting.resolve();
  });
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
  await conn.sendNotification(InitializedNotification.type, {});
  if (maxNumberOfProblems !== undefined) {
    await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { etcdInspector: { maxNumberOfProblems } } });
  }
  const uri = `file:///bench/${label.replace(/\W+/g, '-')}/etcd.conf`;
  const published = (version: number): Promise<void> => new Promise((resolve) => (waiting = { version, resolve }));
  let p = published(1);
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'etcd-conf', version: 1, text } });
  await p;
  const measure = async (version: number, change: TextDocumentContentChangeEvent): Promise<number> => {
    p = published(version);
    const t0 = performance.now();
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [change] });
    await p;
    return performance.now() - t0;
  };
  const samples: number[] = [];
  let version = 1;
  for (let i = 0; i < runs; i++) samples.push(await measure(++version, keystroke(line, i)));
  const enters: number[] = [];
  for (let i = 0; i < Math.min(runs, 30); i++) enters.push(await measure(++version, enter()));
  console.log(`server  ${label}: keystroke to publishDiagnostics ${stats(samples)}; Enter ${stats(enters)} (${count} diagnostics)`);
  conn.dispose();
  child.kill();
  return { keystroke: samples, published: count };
}

/** Runs the built CLI as a child process, asynchronously (a spawnSync would block this process's own clock
 * and event loop), and reports its wall time, exit code and peak RSS (from /usr/bin/time -f %M when present,
 * else from polling /proc/<pid>/status VmHWM, which can miss a peak in the last few milliseconds). */
function runCli(args: string[], timeoutMs = 120_000): Promise<{ ms: number; code: string; rssMB: number | undefined; stdout: string }> {
  const node = [process.execPath, join(DIST, 'cli.js'), 'lint', ...args];
  const viaTime = existsSync('/usr/bin/time');
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = viaTime
      ? spawn('/usr/bin/time', ['-f', '__peak_rss_kb=%M', ...node], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(node[0], node.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let hwmKB = 0;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const poll = viaTime
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) hwmKB = Math.max(hwmKB, Number(m[1]));
          } catch {
            // the process is gone
          }
        }, 10);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      const m = /__peak_rss_kb=(\d+)/.exec(err);
      // /usr/bin/time reports the command's own exit status or signal ("Command terminated by signal 6").
      const signal = /Command terminated by signal (\d+)/.exec(err)?.[1];
      const exited = /Command exited with non-zero status (\d+)/.exec(err)?.[1];
      const status = signal ? `signal ${signal}` : (exited ?? String(viaTime && code === 0 ? 0 : code));
      resolve({
        ms,
        code: status,
        rssMB: m ? Number(m[1]) / 1024 : hwmKB ? hwmKB / 1024 : undefined,
        stdout: Buffer.concat(out).toString(),
      });
    });
  });
}

async function cli(label: string, text: string, runs: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-bench-'));
  const file = join(dir, 'etcd.conf');
  writeFileSync(file, text);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push((await runCli(['--output', 'json', file])).ms);
  rmSync(dir, { recursive: true, force: true });
  console.log(`cli     ${label}: whole process (node start-up included) ${stats(samples)}`);
  return samples;
}

/** One hostile input of issue 8. */
interface Hostile {
  label: string;
  /** The label in README's table (Markdown). */
  row: string;
  name: string;
  text: string;
  /** The 50,000-line document, whose server target is its own (500 ms to open). */
  lines50k?: boolean;
}

/** Runs of each hostile input; the median is judged (single runs on a shared 2-core machine vary by ±25%). */
const HOSTILE_RUNS = 5;

/** Issue 8's time targets: a 1 MB configuration linted in 1 s (so 1 s per MB: the cost must be linear in the
 * file), and the 50,000-line document opened in the server in 500 ms. */
function timeTarget(h: Hostile, where: 'cli' | 'server'): number {
  if (where === 'server' && h.lines50k) return 500;
  return 1000 * Math.max(1, Buffer.byteLength(h.text) / 1_048_576);
}

/** About 1 MB each: what a generated, corrupted or malicious configuration can look like. */
function hostileInputs(): Hostile[] {
  const out: Hostile[] = [];
  // One long URL list: every item is invalid, and each finding used to quote the whole value.
  const urls: string[] = [];
  for (let n = 0, size = 0; size < 1_000_000; n++) {
    urls.push(`h${n}:1`);
    size += urls[urls.length - 1].length + 1;
  }
  out.push({
    label: `one ${urls.length}-item URL list in ETCD_LISTEN_CLIENT_URLS`,
    row: `one ${count(urls.length)}-item URL list in \`ETCD_LISTEN_CLIENT_URLS\``,
    name: 'urls.etcd.conf',
    text: `ETCD_LISTEN_CLIENT_URLS=${urls.join(',')}\n`,
  });
  // 40,000 initial-cluster entries, almost all of them duplicate URLs (250 distinct hosts).
  const members = Array.from({ length: 40_000 }, (_, i) => `m${i}=http://10.0.${(i % 500) >> 8}.${i % 250}:2380`);
  out.push({
    label: '40,000 initial-cluster entries with duplicate URLs',
    row: '40,000 initial-cluster entries with duplicate URLs',
    name: 'cluster.etcd.conf',
    text: `ETCD_NAME=m0\nETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.0:2380\nETCD_INITIAL_CLUSTER=${members.join(',')}\n`,
  });
  // Distinct unknown YAML keys up to 1 MB (each one a did-you-mean search when listed), and the issue's
  // 200,000 of them (1.35 MB).
  const unknown: string[] = [];
  for (let i = 0, size = 0; size < 1_000_000; i++) size += (unknown[i] = `k${i.toString(36)}:`).length + 1;
  out.push({
    label: `${unknown.length} unknown YAML keys`,
    row: `${count(unknown.length)} unknown YAML keys`,
    name: 'unknown-1mb.etcd.yaml',
    text: unknown.join('\n') + '\n',
  });
  out.push({
    label: '200,000 unknown YAML keys',
    row: '200,000 unknown YAML keys',
    name: 'unknown.etcd.yaml',
    text: Array.from({ length: 200_000 }, (_, i) => `k${i.toString(36)}:`).join('\n') + '\n',
  });
  // Misspelt real keys: the suggestion's worst case, every key close in length to many candidates.
  const typos: string[] = [];
  for (let i = 0, size = 0; size < 1_000_000; i++) {
    const env = FLAGS[i % FLAGS.length].env;
    const at = 5 + (Math.floor(i / FLAGS.length) % (env.length - 5));
    const key = `${env.slice(0, at)}${String.fromCharCode(65 + (i % 26))}${env.slice(at + 1)}_${i.toString(36).toUpperCase()}`;
    typos.push(`${key}=1`);
    size += key.length + 3;
  }
  out.push({
    label: `${typos.length} misspelt ETCD_ keys`,
    row: `${count(typos.length)} misspelt \`ETCD_\` keys (did-you-mean worst case)`,
    name: 'typos.etcd.conf',
    text: typos.join('\n') + '\n',
  });
  // 50,000 lines: the member block repeated, so every key is set ~1,700 times (duplicate-key on every line).
  const lines: string[] = [];
  while (lines.length + MEMBER.length <= 50_000) lines.push(...MEMBER.map((l, i) => (i === 0 ? `# block ${lines.length}` : l)));
  while (lines.length < 50_000) lines.push('# filler');
  out.push({
    label: '50,000 lines (the member block repeated)',
    row: '50,000 lines (the member block repeated)',
    name: 'lines.etcd.conf',
    text: lines.join('\n') + '\n',
    lines50k: true,
  });
  return out;
}

const verdict = (ok: boolean): string => (ok ? 'ok' : 'OVER TARGET');
const spread = (xs: number[]): string => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} in ${xs.length} runs`;
/** 111111 → "111,111". */
const count = (n: number): string => n.toLocaleString('en-US');
/** A size in MB as README writes it: 1, 1.17, 1.6. */
const megabytes = (text: string): string => String(Number((text.length / 1e6).toFixed(2)));
/** A hostile input's median, its spread and whether it met its target, for README's table. */
const tableTime = (ms: number[], target: number): string =>
  `${median(ms).toFixed(0)} ms (${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)})${median(ms) <= target ? '' : ' **over the target**'}`;

/** One hostile input's cells in README's table (CLI and longest message; the server's are added later). */
interface HostileRow {
  h: Hostile;
  cli: string;
  server: string;
  longest: number;
}

async function hostileCli(h: Hostile, dir: string): Promise<HostileRow> {
  const file = join(dir, h.name);
  writeFileSync(file, h.text);
  const runs = [];
  for (let i = 0; i < HOSTILE_RUNS; i++) runs.push(await runCli(['--output', 'json', file]));
  const r = runs[runs.length - 1];
  const ms = median(runs.map((x) => x.ms));
  const rssMB = runs.some((x) => x.rssMB === undefined) ? undefined : Math.max(...runs.map((x) => x.rssMB ?? 0));
  const target = timeTarget(h, 'cli');
  let longest = 0;
  let count = 0;
  try {
    const parsed = JSON.parse(r.stdout) as { diagnostics: { message: string }[] }[];
    for (const f of parsed)
      for (const d of f.diagnostics) {
        count++;
        longest = Math.max(longest, Buffer.byteLength(d.message));
      }
  } catch {
    // no JSON: the run failed, the exit code says how
  }
  const mb = (h.text.length / 1e6).toFixed(2);
  const rss = rssMB === undefined ? '?' : rssMB.toFixed(0);
  console.log(
    `cli     hostile: ${h.label} (${mb} MB): median ${ms.toFixed(0)} ms (${spread(runs.map((x) => x.ms))}), peak RSS ${rss} MB, exit ${r.code}, ${count} findings, longest message ${longest} bytes` +
      ` [time ${verdict(ms <= target)} (target ${target.toFixed(0)} ms), RSS ${verdict(rssMB !== undefined && rssMB <= 300)}, message ${verdict(longest <= 1024)}]`,
  );
  const rssCell = rssMB === undefined ? 'RSS not measured' : `${rss} MB${rssMB <= 300 ? '' : ' **over the target**'}`;
  return {
    h,
    cli: `${tableTime(
      runs.map((x) => x.ms),
      target,
    )}, ${rssCell}`,
    server: '',
    longest,
  };
}

/** Opens one hostile document HOSTILE_RUNS times, each in a fresh server, and judges the median. */
async function hostileServer(row: HostileRow): Promise<void> {
  const h = row.h;
  const runs: { ms: number; line: string; failed: boolean; longest: number }[] = [];
  for (let i = 0; i < HOSTILE_RUNS; i++) runs.push(await hostileServerOnce(h));
  const failed = runs.find((r) => r.failed);
  if (failed) {
    console.log(failed.line);
    row.server = `**failed**: ${failed.line.replace(/^.*?: /, '')}`;
    return;
  }
  row.longest = Math.max(row.longest, ...runs.map((r) => r.longest));
  row.server = tableTime(
    runs.map((r) => r.ms),
    timeTarget(h, 'server'),
  );
  const ms = median(runs.map((r) => r.ms));
  const target = timeTarget(h, 'server');
  console.log(
    `server  hostile: ${h.label}: didOpen to publishDiagnostics median ${ms.toFixed(0)} ms (${spread(runs.map((r) => r.ms))}), ${runs[0].line}` +
      ` [time ${verdict(ms <= target)} (target ${target.toFixed(0)} ms)]`,
  );
}

/** Opens one hostile document in a fresh server (so that one input's crash or backlog cannot skew the next)
 * and times didOpen to the first publishDiagnostics. */
async function hostileServerOnce(h: Hostile, timeoutMs = 60_000): Promise<{ ms: number; line: string; failed: boolean; longest: number }> {
  const child = spawn(process.execPath, [join(DIST, 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const uri = `file:///bench/hostile/${h.name}`;
  const published = new Promise<PublishDiagnosticsParams | string>((resolve) => {
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      if (p.uri === uri) resolve(p);
    });
    child.once('exit', (code, signal) =>
      resolve(`the server exited (${signal ?? `code ${code}`}): ${stderr.trim().split('\n').pop() ?? ''}`),
    );
    setTimeout(() => resolve(`no diagnostics within ${timeoutMs / 1000} s`), timeoutMs).unref();
  });
  conn.onError(() => undefined);
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
  await conn.sendNotification(InitializedNotification.type, {});
  const languageId = h.name.endsWith('.yaml') ? 'yaml' : 'etcd-conf';
  const t0 = performance.now();
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text: h.text } });
  const p = await published;
  const ms = performance.now() - t0;
  conn.dispose();
  child.kill('SIGKILL');
  if (typeof p === 'string')
    return { ms, line: `server  hostile: ${h.label}: ${p} after ${ms.toFixed(0)} ms [OVER TARGET]`, failed: true, longest: 0 };
  let longest = 0;
  for (const d of p.diagnostics)
    longest = Math.max(longest, Buffer.byteLength(typeof d.message === 'string' ? d.message : d.message.value));
  const bytes = Buffer.byteLength(JSON.stringify(p));
  return {
    ms,
    line: `${p.diagnostics.length} diagnostics in ${(bytes / 1024).toFixed(0)} KB, longest message ${longest} bytes (message ${verdict(longest <= 1024)})`,
    failed: false,
    longest,
  };
}

async function ordinary(): Promise<void> {
  const big = realistic();
  const bad = worst();
  const engineSmall = engine('30 lines', small, ELECTION, 500);
  const engineBig = engine('20000 lines (realistic)', big.text, big.electionLine, 200);
  const engineBad = engine('20000 lines (worst case)', bad.text, bad.electionLine, 60);
  const serverSmall = await server('30 lines', small, ELECTION, 300);
  const serverBig = await server('20000 lines (realistic)', big.text, big.electionLine, 100);
  const serverBad = await server('20000 lines (worst case, default cap of 1000 problems)', bad.text, bad.electionLine, 60);
  await server('20000 lines (worst case, maxNumberOfProblems 1,000,000)', bad.text, bad.electionLine, 60, 1_000_000);
  const cliSmall = await cli('30 lines', small, 15);
  const cliBig = await cli('20000 lines (realistic)', big.text, 8);
  const cliBad = await cli('20000 lines (worst case)', bad.text, 8);
  const p50 = (xs: number[]): string => `p50 ${median(xs).toFixed(0)} ms`;
  const table: Table = {
    header: ['file', 'engine keystroke', 'server keystroke → diagnostics', 'target'],
    rows: [
      ['30-line config', p50p95(engineSmall.keystroke), p50p95(serverSmall.keystroke), '< 2 ms'],
      [
        `20,000 lines, realistic (comments + five member blocks, ${count(engineBig.findings)} findings)`,
        p50p95(engineBig.keystroke),
        p50p95(serverBig.keystroke),
        '< 60 ms',
      ],
      [
        `20,000 lines, worst case (one block repeated ${bad.blocks} times, ${count(engineBad.findings)} findings)`,
        p50p95(engineBad.keystroke),
        `${count(serverBad.published)} diagnostics after the per-rule cap: ${p50p95(serverBad.keystroke)}`,
        '< 60 ms',
      ],
      [
        '`etcd-inspector lint`, whole process incl. Node start-up',
        `30 lines ${p50(cliSmall)}; 20,000 realistic ${p50(cliBig)}; worst case ${p50(cliBad)}`,
        '',
        '',
      ],
    ],
  };
  await publish('lint', table, measuredOn('npm run bench:lint'));
}

async function main(): Promise<void> {
  // `node --import tsx bench/lint.ts hostile` runs only the hostile inputs.
  if (!process.argv.includes('hostile')) await ordinary();
  const hostile = hostileInputs();
  const dir = mkdtempSync(join(tmpdir(), 'etcd-bench-hostile-'));
  const rows: HostileRow[] = [];
  try {
    for (const h of hostile) rows.push(await hostileCli(h, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const row of rows) await hostileServer(row);
  const table: Table = {
    header: ['input', 'CLI (whole process), peak RSS', 'server', 'longest message'],
    rows: rows.map((r) => [
      `${r.h.row}, ${megabytes(r.h.text)} MB`,
      r.cli,
      r.server,
      `${r.longest} bytes${r.longest <= 1024 ? '' : ' **over the target**'}`,
    ]),
  };
  await publish('lint-hostile', table, `${measuredOn('npm run bench:lint')} Median of ${HOSTILE_RUNS} runs (fastest–slowest).`);
  rmSync(DIST, { recursive: true, force: true });
}

void main();
