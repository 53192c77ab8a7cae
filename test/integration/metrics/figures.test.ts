// Metrics figures from real etcd members' /metrics: the histograms and counters move under a write load and
// the figures are those of the interval; a hung member is judged unreachable, not slow; a member restarted
// between two scrapes is seen as restarted, with no negative figure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdCluster } from '../../harness/etcdCluster';
import { eventually } from '../../harness/wait';
import { freePorts } from '../../harness/ports';
import { startEndlessMetricsServer } from '../../harness/hostile';
import { ClusterInspector } from '../../../src/etcd/probe';
import type { ClusterSnapshot, MemberReport } from '../../../src/etcd/model';
import type { MemberFigures } from '../../../src/metrics/figures';

const TIMEOUT_MS = 2000;

function byName(s: ClusterSnapshot, name: string): MemberReport {
  const found = s.members.find((m) => m.name === name);
  assert.ok(found, `member ${name}`);
  return found;
}

const check = (s: ClusterSnapshot, id: string) => {
  const found = s.checks.find((c) => c.id === id);
  assert.ok(found, id);
  return found;
};

/** Every number in the figures, to check none is negative or NaN. */
function numbers(f: MemberFigures): number[] {
  const out: number[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'number') out.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(f);
  return out;
}

async function load(cluster: EtcdCluster, puts: number): Promise<void> {
  const endpoint = cluster.endpoints[0];
  for (let i = 0; i < puts; i += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, j) =>
        fetch(`${endpoint}/v3/kv/put`, {
          method: 'POST',
          body: JSON.stringify({
            key: Buffer.from(`/load/${i + j}`).toString('base64'),
            value: Buffer.from('v'.repeat(256)).toString('base64'),
          }),
        }).then((r) => r.text()),
      ),
    );
  }
}

/** A healthy 3-member etcd 3.5 cluster whose members' /metrics have been read once. */
async function scrapedCluster(t: { after(fn: () => Promise<void>): void }): Promise<{ cluster: EtcdCluster; inspector: ClusterInspector }> {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  const inspector = new ClusterInspector({ name: 'metrics', endpoints: cluster.endpoints, timeoutMs: TIMEOUT_MS });
  t.after(async () => {
    inspector.dispose();
    await cluster.destroy();
  });
  await eventually(
    () => inspector.refresh({ waitForMetrics: true }),
    (s) => s.quorum.healthy === 3 && s.members.every((m) => m.metrics !== null),
  );
  return { cluster, inspector };
}

for (const version of ['3.5', '3.4'] as const) {
  test(`etcd ${version}: figures of the interval between two refreshes move with a write load; the metrics checks judge them`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3 });
    const inspector = new ClusterInspector({ name: 'metrics', endpoints: cluster.endpoints, timeoutMs: TIMEOUT_MS });
    t.after(async () => {
      inspector.dispose();
      await cluster.destroy();
    });
    const first = await eventually(
      () => inspector.refresh({ waitForMetrics: true }),
      (s) => s.quorum.healthy === 3 && s.members.every((m) => m.metrics !== null),
    );
    for (const m of first.members) {
      assert.ok(m.metrics, `${m.name}: figures`);
      assert.equal(m.metrics?.hasLeader, true, m.name);
      assert.equal(m.metrics?.db.quotaBytes, 2 * 1024 ** 3);
    }
    const before = new Map(first.members.map((m) => [m.id, inspector.metrics.member(m.id)?.latest]));
    await load(cluster, 300);
    const second = await inspector.refresh({ waitForMetrics: true });
    for (const m of second.members) {
      const f = m.metrics;
      assert.ok(f, `${m.name}: ${m.metricsError ?? ''}`);
      assert.ok(f.intervalMs !== null && f.intervalMs > 0, `${m.name}: an interval`);
      const was = before.get(m.id);
      const now = inspector.metrics.member(m.id)?.latest;
      // The histograms moved: the fsyncs of the load are in the interval, and the figures are theirs.
      assert.ok(was?.walFsync && now?.walFsync && now.walFsync.count > was.walFsync.count, `${m.name}: WAL fsyncs counted`);
      assert.ok(f.walFsyncP99, m.name);
      if (f.walFsyncP99.scope === 'interval') assert.equal(f.walFsyncP99.samples, now.walFsync.count - was.walFsync.count);
      assert.ok((f.proposals.committedPerSecond ?? 0) > 0, `${m.name}: proposals committed in the interval`);
      assert.ok(
        numbers(f).every((n) => (Number.isFinite(n) ? n >= 0 : n === Infinity)),
        JSON.stringify(f),
      );
    }
    const disk = check(second, 'disk-latency');
    assert.notEqual(disk.ok, null, disk.actual);
    for (const m of second.members) assert.match(disk.actual, new RegExp(`${m.name}( SLOW)?: WAL fsync `));
    assert.equal(check(second, 'proposals-failing').ok, true, check(second, 'proposals-failing').actual);
    assert.equal(check(second, 'leader-churn').ok, true, check(second, 'leader-churn').actual);
  });
}

test('etcd 3.5: a hung member (SIGSTOP) is judged unreachable, not slow: no figures, named as not read, within the deadline', async (t) => {
  const { cluster, inspector } = await scrapedCluster(t);
  const hung = cluster.members[2].name;
  cluster.hang(hung);
  const started = Date.now();
  const s = await inspector.refresh();
  assert.ok(Date.now() - started < TIMEOUT_MS + 500, `refresh took ${Date.now() - started} ms`);
  const m = byName(s, hung);
  assert.equal(m.metrics, null);
  assert.equal(m.metricsError, 'the member did not answer');
  const disk = check(s, 'disk-latency');
  assert.notEqual(disk.ok, false, disk.actual);
  assert.match(disk.actual, new RegExp(`not read: ${hung} \\(the member did not answer\\)`));
  assert.doesNotMatch(disk.actual, new RegExp(`${hung} SLOW`));
  for (const other of s.members.filter((x) => x.name !== hung)) assert.ok(other.metrics, other.name);
  cluster.resume(hung);
});

test('etcd 3.5: a member restarted between two scrapes is seen as restarted; no figure is negative', async (t) => {
  const { cluster, inspector } = await scrapedCluster(t);
  await load(cluster, 100);
  await inspector.refresh({ waitForMetrics: true });
  const name = cluster.members[1].name;
  const id = byName(await inspector.refresh({ waitForMetrics: true }), name).id;
  const before = inspector.metrics.member(id)?.latest;
  await cluster.restart(name);
  const after = await eventually(
    () => inspector.refresh({ waitForMetrics: true }),
    (s) => byName(s, name).metrics !== null && s.quorum.healthy === 3,
  );
  const f = byName(after, name).metrics as MemberFigures;
  const now = inspector.metrics.member(id)?.latest;
  assert.ok(before && now && before.startTime !== now.startTime, 'a new process');
  assert.equal(f.restarted, true);
  assert.ok(
    numbers(f).every((n) => Number.isNaN(n) === false && n >= 0),
    JSON.stringify(f),
  );
  assert.equal(f.leaderChanges?.scope, 'since-start');
  assert.ok((f.leaderChanges?.count ?? -1) <= (now?.leaderChanges ?? 0));
  // The other members kept their interval.
  for (const m of after.members.filter((x) => x.name !== name)) assert.equal(m.metrics?.restarted, false, m.name);
});

test("etcd 3.5: /metrics on --listen-metrics-urls (the cluster's metrics port), a wrong port said as such, and metrics off", async (t) => {
  const [metricsPort] = await freePorts(1);
  const cluster = await EtcdCluster.start({
    version: '3.5',
    size: 1,
    extraArgs: ['--listen-metrics-urls', `http://127.0.0.1:${metricsPort}`],
  });
  const profile = { name: 'metrics', endpoints: cluster.endpoints, timeoutMs: TIMEOUT_MS };
  const onPort = new ClusterInspector({ ...profile, metrics: { port: metricsPort, scheme: 'http' } });
  const [closed] = await freePorts(1);
  const wrong = new ClusterInspector({ ...profile, metrics: { port: closed } });
  const off = new ClusterInspector({ ...profile, metrics: false });
  t.after(async () => {
    for (const i of [onPort, wrong, off]) i.dispose();
    await cluster.destroy();
  });
  const read = await eventually(
    () => onPort.refresh({ waitForMetrics: true }),
    (s) => s.members[0]?.metrics !== null,
  );
  assert.equal(read.members[0].metrics?.hasLeader, true);
  const refused = await wrong.refresh();
  assert.equal(refused.members[0].metrics, null);
  assert.ok(refused.members[0].reachable, 'the member itself answered');
  assert.match(refused.members[0].metricsError ?? '', /ECONNREFUSED|refused/);
  assert.ok(refused.members[0].warnings.some((w) => w.kind === 'metrics' && /could not be read/.test(w.message)));
  const none = await off.refresh();
  assert.equal(none.members[0].metrics, null);
  assert.equal(none.members[0].metricsError, 'metrics are off for this cluster');
  assert.equal(none.members[0].status?.dbSizeQuota, 2 * 1024 ** 3, 'the quota is still read');
  assert.equal(none.checks.find((c) => c.id === 'disk-latency')?.ok, null);
});

test('etcd 3.5: a member whose /metrics page trickles: the first refresh waits for it (until the deadline), the next ones do not', async (t) => {
  const trickle = await startEndlessMetricsServer('trickle');
  const cluster = await EtcdCluster.start({ version: '3.5', size: 1 });
  const inspector = new ClusterInspector({
    name: 'metrics',
    endpoints: cluster.endpoints,
    timeoutMs: TIMEOUT_MS,
    metrics: { port: Number(new URL(trickle.url).port) },
  });
  t.after(async () => {
    inspector.dispose();
    await cluster.destroy();
    await trickle.close();
  });
  const first = Date.now();
  const s1 = await inspector.refresh();
  const firstMs = Date.now() - first;
  assert.ok(firstMs >= TIMEOUT_MS - 50, `the first refresh waited for the page: ${firstMs} ms`);
  assert.ok(s1.members[0].reachable);
  assert.match(s1.members[0].metricsError ?? '', /deadline exceeded reading \/metrics/);
  for (let i = 0; i < 3; i++) {
    const next = Date.now();
    const s = await inspector.refresh();
    const ms = Date.now() - next;
    assert.ok(ms < TIMEOUT_MS / 2, `refresh ${i + 2} did not wait for /metrics: ${ms} ms`);
    assert.ok(s.members[0].reachable && s.members[0].metrics === null);
  }
});
