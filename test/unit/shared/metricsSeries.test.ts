// The status panel's metric series: a point per completed refresh, in the charts' units, null (a gap) where a
// figure is missing, bounded in points, members joining or leaving mid-way; and the view the webview draws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_POINTS, MetricsSeries } from '../../../src/shared/metricsSeries';
import { formatAxisValues, formatChartValue, type ChartKind, type MetricsChartsView } from '../../../src/shared/metricsCharts';
import { buildStatusViewModel } from '../../../src/shared/statusViewModel';
import type { ClusterSnapshot } from '../../../src/etcd/model';
import type { MemberFigures } from '../../../src/metrics/figures';
import { ID1, ID2, ID3, member, snapshot } from '../../support/snapshots';
import { healthyFigures, quantile } from '../../support/figures';

const T0 = Date.parse('2026-11-26T04:30:00.000Z');

/** A refresh at T0 + `second` s of the given members (id → figures; null: /metrics not read). */
function refresh(second: number, figures: Record<string, MemberFigures | null>, names: Record<string, string> = {}): ClusterSnapshot {
  const ports: Record<string, number> = { [ID1]: 2379, [ID2]: 2389, [ID3]: 2399 };
  const members = Object.entries(figures).map(([id, f]) =>
    member(id, { name: names[id] ?? `etcd-${ports[id]}`, port: ports[id] ?? 2409, figures: f }),
  );
  return { ...snapshot('prod', members), takenAt: new Date(T0 + second * 1000).toISOString() };
}

/** Figures with a WAL fsync p99 of `fsyncMs` (interval), and peers with the given round trips (ms). */
function figures(fsyncMs: number | null, over: Partial<MemberFigures> = {}, peersMs: number[] = []): MemberFigures {
  return healthyFigures({
    walFsyncP99: quantile(fsyncMs === null ? null : fsyncMs / 1000, fsyncMs === null ? 3 : 100),
    peerRoundTripP99: peersMs.map((ms, i) => ({ peerId: `peer${i}`, quantile: quantile(ms / 1000, 10) })),
    ...over,
  });
}

const chart = (view: MetricsChartsView | null, kind: ChartKind) => {
  const found = view?.charts.find((c) => c.kind === kind);
  assert.ok(found, `chart ${kind}`);
  return found;
};

test('one point per completed refresh, in ms and MB; the same refresh seen again (per member, mid-refresh) adds nothing', () => {
  const series = new MetricsSeries();
  assert.equal(series.view(), null, 'no view before the first point');
  const first = refresh(0, {
    [ID1]: figures(
      2,
      { backendCommitP99: quantile(0.004), db: { totalBytes: 25_000_000, inUseBytes: 1, quotaBytes: 2_147_483_648 } },
      [0.8, 3.5],
    ),
  });
  assert.equal(series.append(first), true);
  assert.equal(series.append(first), false, 'the same takenAt is the same refresh');
  assert.equal(series.append({ ...first, members: [] }), false, 'a mid-refresh update keeps the previous takenAt');
  assert.equal(series.append(undefined), false);
  series.append(refresh(10, { [ID1]: figures(12, { leaderChanges: { count: 2, windowMs: 600_000, scope: 'interval' } }) }));
  const view = series.view();
  assert.ok(view);
  assert.deepEqual(view.times, [T0 / 1000, T0 / 1000 + 10]);
  assert.deepEqual(view.members, [{ id: ID1, label: 'etcd-2379' }]);
  assert.deepEqual(
    view.charts.map((c) => c.kind),
    ['walFsync', 'backendCommit', 'peerRoundTrip', 'leaderChanges', 'dbSize'],
  );
  assert.deepEqual(chart(view, 'walFsync').values, [[2, 12]]);
  assert.deepEqual(chart(view, 'backendCommit').values, [[4, 4]]);
  assert.deepEqual(chart(view, 'peerRoundTrip').values, [[3.5, null]], 'the slowest peer; no peers: a gap');
  assert.deepEqual(chart(view, 'leaderChanges').values, [[0, 2]]);
  assert.deepEqual(chart(view, 'dbSize').values, [[25, 0.02048]]);
  assert.deepEqual(chart(view, 'walFsync').latest, ['12 ms']);
  assert.equal(view.revision, 2);
  assert.equal(view.capacity, MAX_POINTS);
});

test('thresholds: 10 ms fsync, 25 ms commit, 150 ms peer, 4 leader changes, the smallest member quota in MB', () => {
  const series = new MetricsSeries();
  series.append(
    refresh(0, {
      [ID1]: figures(1, { db: { totalBytes: 10, inUseBytes: 10, quotaBytes: 8_589_934_592 } }),
      [ID2]: figures(1, { db: { totalBytes: 10, inUseBytes: 10, quotaBytes: 2_147_483_648 } }),
    }),
  );
  const view = series.view();
  assert.deepEqual(
    view?.charts.map((c) => [c.kind, c.unit, c.threshold?.value ?? null, c.threshold?.keepInView ?? null]),
    [
      ['walFsync', 'ms', 10, true],
      ['backendCommit', 'ms', 25, true],
      ['peerRoundTrip', 'ms', 150, true],
      ['leaderChanges', 'changes', 4, true],
      ['dbSize', 'MB', 2147.483648, false],
    ],
  );
  assert.equal(chart(view, 'dbSize').threshold?.label, 'quota 2.1 GB');
});

test('missing figures are gaps (null), never zeros: not read, too few samples, since-start only, no quota', () => {
  const series = new MetricsSeries();
  const sinceStart = figures(null, {
    walFsyncP99: quantile(0.05, 500, 'since-start'),
    backendCommitP99: quantile(null, 2),
    leaderChanges: { count: 7, windowMs: 3_600_000, scope: 'since-start' },
  });
  series.append(refresh(0, { [ID1]: null, [ID2]: sinceStart }));
  const view = series.view();
  for (const kind of ['walFsync', 'backendCommit', 'peerRoundTrip', 'leaderChanges'] as const)
    assert.deepEqual(chart(view, kind).values, [[null], [null]], kind);
  // The db size is in the status too: a member whose /metrics were not read still has it.
  assert.deepEqual(chart(view, 'dbSize').values, [[0.02048], [0.02048]]);
  assert.deepEqual(chart(view, 'walFsync').latest, ['no data', 'no data']);

  const unreachable = new MetricsSeries();
  unreachable.append(refresh(0, { [ID1]: null }));
  const down = refresh(10, {});
  down.members = [member(ID1, { name: 'etcd-1', port: 2379, up: false })];
  unreachable.append(down);
  assert.deepEqual(chart(unreachable.view(), 'dbSize').values, [[0.02048, null]], 'no status and no /metrics: a gap');
  assert.equal(chart(unreachable.view(), 'dbSize').threshold?.label, 'quota 2.1 GB', 'the quota last known');
});

test('bounded: at most `capacity` points, the oldest dropped first, every series still aligned with the times', () => {
  const series = new MetricsSeries(5);
  for (let i = 0; i < 12; i++) series.append(refresh(i * 10, { [ID1]: figures(i + 1), [ID2]: figures(i + 100) }));
  const view = series.view();
  assert.ok(view);
  assert.equal(series.length, 5);
  assert.deepEqual(
    view.times,
    [70, 80, 90, 100, 110].map((s) => T0 / 1000 + s),
  );
  assert.deepEqual(chart(view, 'walFsync').values, [
    [8, 9, 10, 11, 12],
    [107, 108, 109, 110, 111],
  ]);
  for (const c of view.charts) for (const values of c.values) assert.equal(values.length, 5, c.kind);
  assert.equal(view.revision, 12);

  const full = new MetricsSeries();
  for (let i = 0; i < MAX_POINTS + 50; i++) full.append(refresh(i, { [ID1]: figures(1) }));
  assert.equal(full.length, MAX_POINTS, 'the default bound holds');
});

test('a member added mid-way has gaps before it joined; one removed has gaps after, then is forgotten once out of the window', () => {
  const series = new MetricsSeries(4);
  series.append(refresh(0, { [ID1]: figures(1), [ID2]: figures(2) }));
  series.append(refresh(10, { [ID1]: figures(1), [ID2]: figures(2), [ID3]: figures(3) }, { [ID3]: 'etcd-new' }));
  series.append(refresh(20, { [ID1]: figures(1), [ID3]: figures(3) }, { [ID3]: 'etcd-new' }));
  let view = series.view();
  assert.deepEqual(
    view?.members.map((m) => m.label),
    ['etcd-2379', 'etcd-2389', 'etcd-new'],
    'the removed member stays while it has values in the window',
  );
  assert.deepEqual(chart(view, 'walFsync').values, [
    [1, 1, 1],
    [2, 2, null],
    [null, 3, 3],
  ]);
  series.append(refresh(30, { [ID1]: figures(1), [ID3]: figures(3) }));
  series.append(refresh(40, { [ID1]: figures(1), [ID3]: figures(3) }));
  view = series.view();
  assert.deepEqual(chart(view, 'walFsync').values[1], [2, null, null, null], 'ID2 still has one value in the window');
  series.append(refresh(50, { [ID1]: figures(1), [ID3]: figures(3) }));
  view = series.view();
  assert.deepEqual(
    view?.members.map((m) => m.id),
    [ID1, ID3],
    'ID2 is forgotten once none of its values is left',
  );
  assert.deepEqual(chart(view, 'walFsync').values, [
    [1, 1, 1, 1],
    [3, 3, 3, 3],
  ]);
  for (const c of view?.charts ?? []) assert.equal(c.latest.length, 2, c.kind);
});

test('a member renamed keeps its series under the new name; an unnamed one is labelled by its id', () => {
  const series = new MetricsSeries();
  series.append(refresh(0, { [ID1]: figures(1) }, { [ID1]: '<b>old</b>' }));
  series.append(refresh(10, { [ID1]: figures(1) }, { [ID1]: '<img src=x onerror=alert(1)>' }));
  assert.deepEqual(series.view()?.members, [{ id: ID1, label: '<img src=x onerror=alert(1)>' }]);
  const unnamed = new MetricsSeries();
  unnamed.append(refresh(0, { [ID1]: figures(1) }, { [ID1]: '' }));
  assert.deepEqual(unnamed.view()?.members, [{ id: ID1, label: ID1 }]);
});

test('the clock going back starts the series over (the times of a chart must ascend)', () => {
  const series = new MetricsSeries();
  series.append(refresh(100, { [ID1]: figures(1) }));
  series.append(refresh(110, { [ID1]: figures(2) }));
  series.append(refresh(50, { [ID1]: figures(3) }));
  const view = series.view();
  assert.deepEqual(view?.times, [T0 / 1000 + 50]);
  assert.deepEqual(chart(view, 'walFsync').values, [[3]]);
});

test('a view is a copy made once per point: later points change neither it nor what was posted', () => {
  const series = new MetricsSeries();
  series.append(refresh(0, { [ID1]: figures(1) }));
  const first = series.view();
  assert.equal(series.view(), first, 'the same view until the next point');
  series.append(refresh(10, { [ID1]: figures(2) }));
  assert.deepEqual(first?.times, [T0 / 1000]);
  assert.deepEqual(chart(first, 'walFsync').values, [[1]]);
  assert.notEqual(series.view(), first);
});

test('the status view-model carries the charts it is given, null otherwise', () => {
  const series = new MetricsSeries();
  const s = refresh(0, { [ID1]: figures(1) });
  series.append(s);
  assert.equal(buildStatusViewModel('prod', s, false).metrics, null);
  assert.equal(buildStatusViewModel('prod', s, false, { metrics: series.view() }).metrics, series.view());
  assert.equal(buildStatusViewModel('prod', undefined, false, { metrics: series.view() }).metrics, series.view());
});

test('chart values as the axes and legends write them', () => {
  assert.deepEqual(
    [0, 0.85, 2.5, 9.96, 12.4, 999, 1500, 12_000].map((v) => formatChartValue('ms', v)),
    ['0 ms', '0.85 ms', '2.5 ms', '10 ms', '12 ms', '999 ms', '1.5 s', '12 s'],
  );
  assert.deepEqual(
    [0, 0.02048, 1.5, 25.4, 2147.48].map((v) => formatChartValue('MB', v)),
    ['0 MB', '20 kB', '1.5 MB', '25 MB', '2.1 GB'],
  );
  assert.deepEqual(
    [0, 4, null, Number.NaN].map((v) => formatChartValue('changes', v)),
    ['0', '4', 'no data', 'no data'],
  );
});

test('axis ticks are all in one unit, the one of the largest tick, with the decimals their step needs', () => {
  assert.deepEqual(formatAxisValues('MB', [0, 0.2, 0.4]), ['0 kB', '200 kB', '400 kB']);
  assert.deepEqual(formatAxisValues('MB', [0, 10, 20]), ['0 MB', '10 MB', '20 MB']);
  assert.deepEqual(formatAxisValues('MB', [0, 0.5, 1, 1.5]), ['0 MB', '0.5 MB', '1 MB', '1.5 MB']);
  assert.deepEqual(formatAxisValues('MB', [0, 1000, 2000]), ['0 GB', '1 GB', '2 GB']);
  assert.deepEqual(formatAxisValues('ms', [0, 0.5, 1]), ['0 ms', '0.5 ms', '1 ms']);
  assert.deepEqual(formatAxisValues('ms', [0, 25, 50]), ['0 ms', '25 ms', '50 ms']);
  assert.deepEqual(formatAxisValues('ms', [0, 2.5, 5, 7.5]), ['0 ms', '2.5 ms', '5 ms', '7.5 ms']);
  assert.deepEqual(formatAxisValues('ms', [0, 0.02, 0.04]), ['0 ms', '0.02 ms', '0.04 ms']);
  assert.deepEqual(formatAxisValues('ms', [0, 500, 1000, 1500]), ['0 s', '0.5 s', '1 s', '1.5 s']);
  assert.deepEqual(formatAxisValues('changes', [0, 2, 4]), ['0', '2', '4']);
});
