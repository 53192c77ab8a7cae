// Benchmark of the inspection core and the status CLI on a real 5-member etcd 3.5 cluster.
//   npm run bench:status
// Prints: in-process refresh p50/p95 (healthy; one member hung), and the CLI against the runbook's
// `etcdctl endpoint status --cluster` + `etcdctl endpoint health --cluster` with a member hung.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { EtcdCluster } from '../test/harness/etcdCluster';
import { ClusterInspector } from '../src/etcd/probe';
import { summary } from './stats';
import { startEndlessMetricsServer } from '../test/harness/hostile';

const TIMEOUT_MS = 1000;

function timed(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => execFile(file, args, { env, timeout: 60000 }, () => resolve(performance.now() - started)));
}

async function main(): Promise<void> {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 5 });
  try {
    const inspector = new ClusterInspector({ name: 'bench', endpoints: [cluster.endpoints[0]], timeoutMs: TIMEOUT_MS });
    for (let i = 0; i < 20; i++) await inspector.refresh(); // warm connections and the quota cache
    const healthy: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await inspector.refresh();
      healthy.push(performance.now() - t);
    }
    console.log(`refresh, 5 members, healthy, in-process:           ${summary(healthy)}`);

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
    inspector.dispose();

    const cli = join(__dirname, '..', 'dist', 'cli.js');
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
    const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    console.log(`CLI status, 1 hung member (--timeout-ms ${TIMEOUT_MS}):      ${summary(ours)}`);
    console.log(`etcdctl endpoint status + health --cluster, 1 hung: ${summary(theirs)}`);
    console.log(`speed-up (median etcdctl / median CLI):            ${(median(theirs) / median(ours)).toFixed(1)}x`);
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
  } finally {
    await cluster.destroy();
    await trickle.close();
    await flood.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
