// Throughput of summarizeLog on generated 100,000-line logs in each format etcd writes: 3.5 zap JSON, 3.4
// capnslog text with raft's Go log lines, and 3.5 JSON behind a journal prefix. About 2 % of the lines match a
// pattern; the rest are etcd's ordinary lines (the shapes of test/fixtures/etcd/logs). Prints the median of
// 7 runs in ms and lines/s per format.
//   npm run bench:logs
import { performance } from 'node:perf_hooks';
import { summarizeLog } from '../src/etcd/logs/patterns';
import { median } from './figures';

const LINES = 100_000;
const RUNS = 7;

function ts(i: number): string {
  return new Date(Date.UTC(2024, 0, 2, 10, 0, 0) + i * 37).toISOString().replace('Z', '000Z');
}
function capnsTime(i: number): string {
  return ts(i).slice(0, 26).replace('T', ' ');
}

function zapLine(i: number): string {
  const t = ts(i);
  switch (i % 50) {
    case 0:
      return `{"level":"info","ts":"${t}","logger":"raft","caller":"etcdserver/zap_raft.go:77","msg":"raft.node: 8211f1d0f64f3269 elected leader 91bc3c398fb3c146 at term ${2 + (i % 97)}"}`;
    case 1:
      return `{"level":"warn","ts":"${t}","caller":"wal/wal.go:805","msg":"slow fdatasync","took":"1.2s","expected-duration":"1s"}`;
    default:
      return `{"level":"info","ts":"${t}","caller":"mvcc/index.go:214","msg":"compact tree index","revision":${i},"local-member-id":"8211f1d0f64f3269","remote-peer-id":"91bc3c398fb3c146","took":"1.234ms"}`;
  }
}

function textLine(i: number): string {
  switch (i % 50) {
    case 0:
      return `raft${capnsTime(i).slice(0, 19).replace(/-/g, '/')} INFO: raft.node: 8211f1d0f64f3269 lost leader 91bc3c398fb3c146 at term ${2 + (i % 97)}`;
    case 1:
      return `${capnsTime(i)} W | wal: sync duration of 1.2s, expected less than 1s`;
    default:
      return `${capnsTime(i)} I | mvcc: finished scheduled compaction at ${i} (took 1.234567ms)`;
  }
}

function generate(line: (i: number) => string, prefix = ''): string {
  const out: string[] = [];
  for (let i = 0; i < LINES; i++) out.push(prefix + line(i));
  return out.join('\n') + '\n';
}

const inputs: [string, string][] = [
  ['3.5 zap JSON', generate(zapLine)],
  ['3.4 capnslog text', generate(textLine)],
  ['3.5 JSON, journal prefix', generate(zapLine, 'Jan  2 10:00:00 etcd-1 etcd[1234]: ')],
];

console.log(`summarizeLog on ${LINES.toLocaleString('en-US')} lines, median of ${RUNS} runs (Node ${process.version})`);
for (const [name, text] of inputs) {
  summarizeLog(text); // warm-up
  const times: number[] = [];
  let matched = 0;
  for (let r = 0; r < RUNS; r++) {
    const started = performance.now();
    const s = summarizeLog(text);
    times.push(performance.now() - started);
    matched = s.patterns.reduce((n, p) => n + p.count, 0);
  }
  const ms = median(times);
  console.log(
    `  ${name.padEnd(26)} ${(text.length / 1024 / 1024).toFixed(1).padStart(5)} MiB  ${ms.toFixed(0).padStart(5)} ms  ${Math.round(
      (LINES / ms) * 1000,
    )
      .toLocaleString('en-US')
      .padStart(11)} lines/s  (${matched} matched)`,
  );
}
