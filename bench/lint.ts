// Time to diagnostics for a 30-line config and a 20,000-line file: in the engine (one keystroke on a warm
// Linter, and a cold one-shot lint), in the language server over stdio with a real client, and in the CLI
// (a whole process). Prints p50/p95 in milliseconds. Run: npm run build && node --import tsx bench/lint.ts
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
} from 'vscode-languageserver-protocol/node';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { Linter, lintText } from '../src/lint/engine';

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
const bigLines: string[] = [];
while (bigLines.length < 20000) bigLines.push(...MEMBER.map((l, i) => (i === 0 ? `# block ${bigLines.length}` : l)));
const big = bigLines.slice(0, 20000).join('\n') + '\n';

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `p50 ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms (n=${s.length})`;
}

/** Replaces the value of line `line` with a changing number, as typing would. */
function edit(text: string, line: number, i: number): string {
  const lines = text.split('\n');
  lines[line] = `ETCD_SNAPSHOT_COUNT=${10000 + i}`;
  return lines.join('\n');
}

function engine(label: string, text: string, runs: number): void {
  const linter = new Linter();
  linter.lint(text, { format: 'env', version: '3.5' });
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = edit(text, 12, i);
    const t0 = performance.now();
    linter.lint(t, { format: 'env', version: '3.5' });
    warm.push(performance.now() - t0);
  }
  const cold: number[] = [];
  for (let i = 0; i < Math.min(runs, 30); i++) {
    const t0 = performance.now();
    lintText(edit(text, 12, i), { format: 'env', version: '3.5' });
    cold.push(performance.now() - t0);
  }
  console.log(`engine  ${label}: keystroke (warm caches) ${stats(warm)}; cold one-shot ${stats(cold)}`);
}

async function server(label: string, text: string, runs: number): Promise<void> {
  const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  let waiting: { version: number; resolve: () => void } | undefined;
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    if (waiting && p.version === waiting.version) waiting.resolve();
  });
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
  await conn.sendNotification(InitializedNotification.type, {});
  const uri = `file:///bench/${label}/etcd.conf`;
  const published = (version: number): Promise<void> => new Promise((resolve) => (waiting = { version, resolve }));
  let p = published(1);
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'etcd-conf', version: 1, text } });
  await p;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const version = i + 2;
    p = published(version);
    const t0 = performance.now();
    await conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [
        { range: { start: { line: 12, character: 20 }, end: { line: 12, character: 25 } }, text: String(10000 + (i % 90000)).slice(0, 5) },
      ],
    });
    await p;
    samples.push(performance.now() - t0);
  }
  console.log(`server  ${label}: keystroke to publishDiagnostics ${stats(samples)}`);
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
  engine('30 lines', small, 500);
  engine('20000 lines', big, 60);
  await server('30 lines', small, 300);
  await server('20000 lines', big, 60);
  cli('30 lines', small, 15);
  cli('20000 lines', big, 8);
}

void main();
