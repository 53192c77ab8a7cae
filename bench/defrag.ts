// Benchmark of the rolling defragment against `etcdctl defrag --cluster` on two identically prepared
// 3-member etcd 3.5 clusters, each holding ≥ 100 MB of live data plus as much freed space (written,
// deleted, compacted), with a steady writer on every member during the defragment.
//   npm run bench:defrag
// Prints and publishes (bench/figures.ts) per writer the longest stall, the longest interval in which no
// write completed anywhere in the cluster, and the total time of each.
import { spawn } from 'node:child_process';
import { EtcdCluster, startWriters } from '../test/harness/etcdCluster';
import { ClusterInspector } from '../src/etcd/probe';
import { EndpointClient } from '../src/etcd/client';
import { rollingDefrag } from '../src/etcd/actions/defrag';
import type { ClusterSnapshot } from '../src/etcd/model';
import { measuredOn, publish } from './figures';

const VALUE_BYTES = 512 * 1024;
/** Values of each kind: 200 × 512 KiB = 100 MiB live, and as much written then deleted. */
const VALUES = 200;
/** A writer's pause between two puts: a steady ~40 writes/s per member, not a flood. */
const WRITER_PAUSE_MS = 25;
/** Writers run this long before and after the defragment, so that their first and last stalls are inside the window. */
const MARGIN_MS = 2000;

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const ms = (n: number): string => `${Math.round(n)} ms`;
const sleep = (t: number): Promise<void> => new Promise((r) => setTimeout(r, t));

/** Fills a fresh cluster: live values, freed values (written, deleted), then a compaction past the deletion. */
async function prepare(cluster: EtcdCluster): Promise<void> {
  const client = new EndpointClient(cluster.endpoints[0], { name: 'fill', endpoints: [cluster.endpoints[0]] });
  const value = Buffer.alloc(VALUE_BYTES, 'x');
  const fill = async (prefix: string): Promise<void> => {
    for (let i = 0; i < VALUES; i += 4) {
      await Promise.all([0, 1, 2, 3].map((j) => client.put(`${prefix}${i + j}`, value, new Date(Date.now() + 60_000))));
    }
  };
  try {
    await fill('/live/');
    await fill('/freed/');
    await client.deleteKey('/freed/', new Date(Date.now() + 60_000), true);
    const marker = await client.put('/marker', '1', new Date(Date.now() + 60_000));
    await client.compact(marker, new Date(Date.now() + 120_000), true);
  } finally {
    client.close();
  }
}

/** Waits until every member is healthy, has applied everything and (after the compaction) its db is mostly free space. */
async function settled(inspector: ClusterInspector): Promise<ClusterSnapshot> {
  const until = Date.now() + 120_000;
  for (;;) {
    const s = await inspector.refresh();
    const maxIndex = Math.max(...s.members.map((m) => m.status?.raftIndex ?? 0));
    const ready = s.quorum.healthy === 3 && s.members.every((m) => (m.status?.raftAppliedIndex ?? 0) >= maxIndex);
    if (ready) return s;
    if (Date.now() > until) throw new Error(`cluster did not settle: ${JSON.stringify(s.quorum)}`);
    await sleep(500);
  }
}

/**
 * The longest interval with no completion among `times` that began during [from, to] (ms, and where it began
 * after `from`). It may end after `to`, at the next completion or at `end`: a write the defragment left hanging
 * counts in full, and a failed write is no completion.
 */
function longestGap(times: number[], from: number, to: number, end: number): { ms: number; at: number } {
  const inside = [from, ...times.filter((t) => t > from && t < end).sort((a, b) => a - b), end];
  let longest = { ms: 0, at: 0 };
  for (let i = 1; i < inside.length && inside[i - 1] < to; i++) {
    if (inside[i] - inside[i - 1] > longest.ms) longest = { ms: inside[i] - inside[i - 1], at: inside[i - 1] - from };
  }
  return longest;
}

/** What one run measured. */
interface Run {
  totalMs: number;
  /** Longest stall per writer, the writers ordered: the member that led at the start, then the followers. */
  stalls: number[];
  clusterGap: number;
  writes: number;
  failed: number;
  before: number;
  after: number;
  ok: boolean;
}

async function run(label: string, defragment: (cluster: EtcdCluster, inspector: ClusterInspector) => Promise<boolean>): Promise<Run> {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  const inspector = new ClusterInspector({ name: 'bench', endpoints: [cluster.endpoints[0]], timeoutMs: 1000 });
  try {
    const preparing = performance.now();
    await prepare(cluster);
    const before = await settled(inspector);
    const order = [...before.members]
      .sort((a, b) => Number(b.isLeader) - Number(a.isLeader))
      .map((m) => cluster.endpoints.indexOf(m.endpoint ?? ''));
    const sum = (s: ClusterSnapshot): number => s.members.reduce((n, m) => n + (m.status?.dbSize ?? 0), 0);
    console.log(
      `${label}: prepared in ${((performance.now() - preparing) / 1000).toFixed(0)} s; db per member ${before.members.map((m) => `${m.name} ${mib(m.status?.dbSize ?? 0)} (${mib(m.status?.dbSizeInUse ?? 0)} in use)`).join(', ')}`,
    );
    const writers = startWriters(cluster.endpoints, { pauseMs: WRITER_PAUSE_MS, deadlineMs: 120_000 });
    await sleep(MARGIN_MS);
    const from = performance.now();
    const ok = await defragment(cluster, inspector);
    const to = performance.now();
    await sleep(MARGIN_MS);
    const records = await writers.stop();
    const end = Math.max(...records.map((r) => r.stoppedAt));
    const after = await settled(inspector);
    const all = records.flatMap((r) => r.done);
    const gap = longestGap(all, from, to, end);
    const result: Run = {
      totalMs: to - from,
      stalls: order.map((i) => longestGap(records[i].done, from, to, records[i].stoppedAt).ms),
      clusterGap: gap.ms,
      writes: all.filter((t) => t >= from && t <= to).length,
      failed: records.reduce((n, r) => n + r.failed.length, 0),
      before: sum(before),
      after: sum(after),
      ok,
    };
    console.log(`  the cluster-wide gap began ${(gap.at / 1000).toFixed(1)} s into the defragment`);
    for (const f of records.flatMap((r) => r.failed)) console.log(`  failed write: ${f}`);
    console.log(
      `${label}: ${ok ? 'done' : 'FAILED'} in ${ms(result.totalMs)}; longest stall per writer (leader, follower, follower) ${result.stalls.map(ms).join(', ')}; no write anywhere for ${ms(result.clusterGap)}; ${result.writes} writes, ${result.failed} failed; db total ${mib(result.before)} → ${mib(result.after)}`,
    );
    return result;
  } finally {
    inspector.dispose();
    await cluster.destroy();
  }
}

async function rolling(_cluster: EtcdCluster, inspector: ClusterInspector): Promise<boolean> {
  const started = performance.now();
  const log = (line: string): void => console.log(`  +${((performance.now() - started) / 1000).toFixed(1)} s ${line}`);
  const result = await rollingDefrag({ inspector, log }, { catchUpTimeoutMs: 120_000 });
  if (!result.ok) console.log(`  rolling defragment failed: ${result.error?.text ?? 'cancelled'}`);
  return result.ok;
}

/** `etcdctl defrag --cluster`, spawned asynchronously (the writers keep running in this process). */
function etcdctl(cluster: EtcdCluster): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(cluster.binaries.etcdctl, [`--endpoints=${cluster.endpoints[0]}`, '--command-timeout=10m', 'defrag', '--cluster'], {
      env: { ...process.env, ETCDCTL_API: '3' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => {
      for (const line of out.trim().split('\n')) console.log(`  ${line}`);
      resolve(code === 0);
    });
  });
}

/** Rounds of each, alternating: one round's figures are at the mercy of the shared disk and 2 cores. */
const ROUNDS = 3;

async function main(): Promise<void> {
  const ours: Run[] = [];
  const theirs: Run[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    ours.push(await run(`round ${round}, rolling defragment`, rolling));
    theirs.push(await run(`round ${round}, etcdctl defrag --cluster`, etcdctl));
  }
  const s = (n: number): string => `${(n / 1000).toFixed(1)} s`;
  // Each cell: every round's figure, in round order.
  const cells = (runs: Run[], f: (r: Run) => string): string => runs.map(f).join(', ');
  const pair = (f: (r: Run) => string): string[] => [cells(ours, f), cells(theirs, f)];
  const worst = (runs: Run[], f: (r: Run) => number): number => Math.max(...runs.map(f));
  const rows: string[][] = [
    ['total time', ...pair((r) => s(r.totalMs))],
    ['longest stall, writer on the leader (at the start)', ...pair((r) => ms(r.stalls[0]))],
    ['longest stall, writer on follower 1', ...pair((r) => ms(r.stalls[1]))],
    ['longest stall, writer on follower 2', ...pair((r) => ms(r.stalls[2]))],
    ['longest interval with no write completed anywhere', ...pair((r) => ms(r.clusterGap))],
    ['writes completed during the defragment (failed)', ...pair((r) => `${r.writes} (${r.failed})`)],
    ['db size, 3 members together, before → after', ...pair((r) => `${mib(r.before)} → ${mib(r.after)}`)],
  ];
  const gapOurs = worst(ours, (r) => r.clusterGap);
  const gapTheirs = worst(theirs, (r) => r.clusterGap);
  const met = ours.every((r) => r.ok) && theirs.every((r) => r.ok) && gapOurs <= gapTheirs;
  console.log(`longest cluster-wide write gap, worst of ${ROUNDS}: rolling ${ms(gapOurs)}, etcdctl ${ms(gapTheirs)}`);
  rows.push([
    `target: the worst cluster-wide write gap no longer than etcdctl's (${ms(gapOurs)} vs ${ms(gapTheirs)})`,
    met ? 'met' : '**not met**',
    '',
  ]);
  await publish(
    'defrag',
    {
      header: [
        `3 members, 100 MiB live + 100 MiB freed each, a writer per member (${ROUNDS} rounds each)`,
        'rolling defragment',
        '`etcdctl defrag --cluster`',
      ],
      rows,
    },
    measuredOn('npm run bench:defrag'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
