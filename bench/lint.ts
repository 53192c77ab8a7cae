// Time to diagnostics for a 30-line config and two 20,000-line files (a realistic, mostly commented one and a
// worst case with ~19,300 findings): in the engine (a keystroke and an Enter on a warm Linter, and a cold
// one-shot lint), in the language server over stdio with a real client, and in the CLI
// (a whole process). Prints p50/p95 in milliseconds. Run: npm run build && node --import tsx bench/lint.ts
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
} from 'vscode-languageserver-protocol/node';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { splitLines } from '../src/lint/document';
import { Linter, lintText } from '../src/lint/engine';
import { applyContentChange } from '../src/server/lines';

const MEMBER = [
  '# etcd member configuration',
  'ETCD_NAME=etcd-1',
  'ETCD_DATA_DIR=/var/lib/etcd',
  'ETCD_LISTEN_PEER_URLS=http://10.0.0.1:2380',
  'ETCD_LISTEN_CLIENT_URLS=http://10.0.0.1:2379,http://127.0.0.1:2379',
  'ETCD_ADVERTISE_CLIENT_URLS=http://10.0.0.1:2379',
  'ETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.1:2380',
  'ETCD_INITIAL_CLUSTER="etcd-1=http://10.0.0.1:2380,etcd-2=http://10.0.0.2:2380,etcd-3=http://10.0.0.3:2380"',
  'ETCD_INITIAL_CLUSTER_TOKEN=etcd-cluster-1',
  'ETCD_INITIAL_CLUSTER_STATE=new',
  'ETCD_HEARTBEAT_INTERVAL=100',
  'ETCD_ELECTION_TIMEOUT=1000',
  'ETCD_SNAPSHOT_COUNT=10000',
  'ETCD_QUOTA_BACKEND_BYTES=8589934592',
  'ETCD_AUTO_COMPACTION_MODE=periodic',
  'ETCD_AUTO_COMPACTION_RETENTION=1h',
  '; tuning',
  'ETCD_MAX_REQUEST_BYTES=1572864',
  'ETCD_GRPC_KEEPALIVE_INTERVAL=2h',
  'ETCD_GRPC_KEEPALIVE_TIMEOUT=20s',
  'ETCD_LOG_LEVEL=info',
  'ETCD_LOGGER=zap',
  'ETCD_LOG_OUTPUTS=stderr',
  'ETCD_ENABLE_PPROF=false',
  'ETCD_METRICS=basic',
  'ETCD_STRICT_RECONFIG_CHECK=true',
  'ETCD_PRE_VOTE=true',
  'ETCD_MAX_SNAPSHOTS=5',
  'ETCD_MAX_WALS=5',
  'ETCD_ELECTON_TIMEOUT=1000',
];
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
 * there are ~19,300 duplicate-key findings (each one is sent to the client on every change). */
function worst(): { text: string; electionLine: number } {
  const lines: string[] = [];
  while (lines.length + MEMBER.length <= 20000) lines.push(...MEMBER.map((l, i) => (i === 0 ? `# block ${lines.length}` : l)));
  while (lines.length < 20000) lines.push('# filler');
  // The last block's value is the one that wins, so retyping it changes every duplicate-key message of the key.
  return { text: lines.join('\n') + '\n', electionLine: lines.lastIndexOf(MEMBER[ELECTION]) };
}

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `p50 ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms (n=${s.length})`;
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

function engine(label: string, text: string, line: number, runs: number): void {
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
  console.log(`engine  ${label}: keystroke ${stats(warm)}; Enter (lines move) ${stats(enters)}; cold one-shot ${stats(cold)}`);
}

async function server(label: string, text: string, line: number, runs: number, maxNumberOfProblems?: number): Promise<void> {
  const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
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
}

function cli(label: string, text: string, runs: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-bench-'));
  const file = join(dir, 'etcd.conf');
  writeFileSync(file, text);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, [join(__dirname, '..', 'dist', 'cli.js'), 'lint', '--output', 'json', file], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    samples.push(performance.now() - t0);
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`cli     ${label}: whole process (node start-up included) ${stats(samples)}`);
}

async function main(): Promise<void> {
  const big = realistic();
  const bad = worst();
  engine('30 lines', small, ELECTION, 500);
  engine('20000 lines (realistic)', big.text, big.electionLine, 200);
  engine('20000 lines (worst case)', bad.text, bad.electionLine, 60);
  await server('30 lines', small, ELECTION, 300);
  await server('20000 lines (realistic)', big.text, big.electionLine, 100);
  await server('20000 lines (worst case, default cap of 1000 problems)', bad.text, bad.electionLine, 60);
  await server('20000 lines (worst case, uncapped)', bad.text, bad.electionLine, 60, 1_000_000);
  cli('30 lines', small, 15);
  cli('20000 lines (realistic)', big.text, 8);
  cli('20000 lines (worst case)', bad.text, 8);
}

void main();
