// Benchmark of the inspection core and the status CLI on a real 5-member etcd 3.5 cluster.
//   npm run bench:status
// Prints: in-process refresh p50/p95 (healthy; one member hung), and the CLI against the runbook's
// `etcdctl endpoint status --cluster` + `etcdctl endpoint health --cluster` with a member hung; writes the
// table README shows (bench/figures.ts).
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { EtcdCluster } from '../test/harness/etcdCluster';
import { ClusterInspector } from '../src/etcd/probe';
import { builtBundles, measuredOn, median, publish } from './figures';
import { percentile, summary } from './stats';
import { startEndlessMetricsServer } from '../test/harness/hostile';

const TIMEOUT_MS = 1000;

function timed(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => execFile(file, args, { env, timeout: 60000 }, () => resolve(performance.now() - started)));
}

/** "p50 11.3 ms, p95 22.3 ms (n=200)", as README's table shows a distribution. */
function cell(samples: number[]): string {
  const f = (n: number): string => n.toFixed(1);
  return `p50 ${f(percentile(samples, 50))} ms, p95 ${f(percentile(samples, 95))} ms (n=${samples.length})`;
}

/** A target and whether the figure it judges meets it. */
function target(text: string, met: boolean): string {
  return `${text}: ${met ? 'met' : '**not met**'}`;
}

/** README's rows, in order, as the bench fills them: case, figure, target. */
const rows: string[][] = [];

async function main(): Promise<void> {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 5 });
  try {
    const inspector = new ClusterInspector({ name: 'bench', endpoints: [cluster.endpoints[0]], timeoutMs: TIMEOUT_MS });
    // The same refresh without reading /metrics (the cluster setting `metrics: false`), alternated with the
    // default one: the difference is what the metrics cost a refresh.
    const withoutMetrics = new ClusterInspector({
      name: 'bench',
      endpoints: [cluster.endpoints[0]],
      timeoutMs: TIMEOUT_MS,
      metrics: false,
    });
    for (let i = 0; i < 20; i++) await Promise.all([inspector.refresh(), withoutMetrics.refresh()]); // warm connections
    const healthy: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < 200; i++) {
      for (const [which, samples] of (i % 2
        ? [
            [inspector, healthy],
            [withoutMetrics, bare],
          ]
        : [
            [withoutMetrics, bare],
            [inspector, healthy],
          ]) as Array<[ClusterInspector, number[]]>) {
        const t = performance.now();
        await which.refresh();
        samples.push(performance.now() - t);
      }
    }
    withoutMetrics.dispose();
    console.log(`refresh, 5 members, healthy, in-process:           ${summary(healthy)}`);
    console.log(`  the same without reading /metrics:               ${summary(bare)}`);
    rows.push(['refresh, healthy, in-process', cell(healthy), target('p50 < 15 ms', percentile(healthy, 50) < 15)]);
    const metricsCost = percentile(healthy, 50) - percentile(bare, 50);
    rows.push([
      'of which reading every member’s `/metrics` (p50 with − p50 without, alternated)',
      `${metricsCost.toFixed(1)} ms (without: p50 ${percentile(bare, 50).toFixed(1)} ms)`,
      target('≤ 5 ms', metricsCost <= 5),
    ]);

    const leader = await cluster.waitForLeader();
    // A follower that is not the endpoint the CLI is given: the runbook's case of one member hanging.
    const victim = cluster.members.find((m, i) => i > 0 && m.name !== leader)?.name ?? '';
    cluster.hang(victim);
    const others: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      let lastOther = 0;
      await inspector.refresh({ onMember: (m) => (m.name !== victim ? (lastOther = performance.now() - t) : undefined) });
      whole.push(performance.now() - t);
      others.push(lastOther);
    }
    console.log(`refresh, 5 members, 1 hung, other rows complete:   ${summary(others)}`);
    console.log(`refresh, 5 members, 1 hung, whole (deadline ${TIMEOUT_MS} ms): ${summary(whole)}`);
    rows.push(['one member hung: the other four rows complete', cell(others), target('p95 < 50 ms', percentile(others, 95) < 50)]);
    rows.push([
      `one member hung: whole refresh (deadline ${TIMEOUT_MS} ms)`,
      cell(whole),
      target('p95 < deadline + 50 ms', percentile(whole, 95) < TIMEOUT_MS + 50),
    ]);
    inspector.dispose();

    const bundles = builtBundles();
    const cli = join(bundles, 'cli.js');
    const etcdctl = cluster.binaries.etcdctl;
    const env = { ...process.env, ETCDCTL_API: '3' };
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < 3; i++) {
      ours.push(await timed(process.execPath, [cli, 'status', '--endpoints', cluster.endpoints[0], '--timeout-ms', String(TIMEOUT_MS)]));
      const a = await timed(etcdctl, [`--endpoints=${cluster.endpoints[0]}`, 'endpoint', 'status', '--cluster', '-w', 'table'], env);
      const b = await timed(etcdctl, [`--endpoints=${cluster.endpoints[0]}`, 'endpoint', 'health', '--cluster'], env);
      theirs.push(a + b);
    }
    console.log(`CLI status, 1 hung member (--timeout-ms ${TIMEOUT_MS}):      ${summary(ours)}`);
    console.log(`etcdctl endpoint status + health --cluster, 1 hung: ${summary(theirs)}`);
    console.log(`speed-up (median etcdctl / median CLI):            ${(median(theirs) / median(ours)).toFixed(1)}x`);
    rows.push([
      `\`etcd-inspector status --timeout-ms ${TIMEOUT_MS}\`, one member hung`,
      `p50 ${median(ours).toFixed(0)} ms (n=${ours.length})`,
      '',
    ]);
    rows.push([
      '`etcdctl endpoint status --cluster` + `endpoint health --cluster`, one member hung',
      `p50 ${median(theirs).toFixed(0)} ms (n=${theirs.length})`,
      '',
    ]);
    const speedUp = median(theirs) / median(ours);
    rows.push(["speed-up over the runbook's two commands", `${speedUp.toFixed(1)}x`, target('≥ 5x', speedUp >= 5)]);
    rmSync(bundles, { recursive: true, force: true });
    cluster.resume(victim);
  } finally {
    await cluster.destroy();
  }
  await hostileMetrics();
}

/** A member whose advertised client URL serves a /metrics page that never ends: the refresh still ends at its deadline. */
async function hostileMetrics(): Promise<void> {
  const trickle = await startEndlessMetricsServer('trickle');
  const flood = await startEndlessMetricsServer('flood');
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3, advertiseClientUrls: { 'etcd-2': trickle.url, 'etcd-3': flood.url } });
  try {
    const whole: number[] = [];
    for (let i = 0; i < 20; i++) {
      // A fresh inspector each time: the quota is cached per member, and the point is the scrape.
      const inspector = new ClusterInspector({ name: 'bench', endpoints: [cluster.endpoints[0]], timeoutMs: TIMEOUT_MS });
      const t = performance.now();
      await inspector.refresh();
      whole.push(performance.now() - t);
      inspector.dispose();
    }
    const rss = process.memoryUsage().rss;
    console.log(`refresh, endless + flooding /metrics behind 2 advertised URLs (deadline ${TIMEOUT_MS} ms): ${summary(whole)}`);
    console.log(`  process RSS after 20 such refreshes: ${(rss / 1024 / 1024).toFixed(0)} MB`);
    rows.push([
      "never-ending and flooding `/metrics` behind two members' advertised URLs: whole refresh",
      `${cell(whole)}; RSS ${(rss / 1024 / 1024).toFixed(0)} MB after ${whole.length}`,
      target('p95 < deadline + 50 ms', percentile(whole, 95) < TIMEOUT_MS + 50),
    ]);
  } finally {
    await cluster.destroy();
    await trickle.close();
    await flood.close();
  }
}

main()
  .then(() => publish('status', { header: ['case', 'figure', 'target'], rows }, measuredOn('npm run bench:status')))
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
