// Figures over an interval from kept scrapes: differences, not totals; a restart detected, never a negative
// rate; too few samples said, not judged; leader changes over the churn window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHURN_WINDOW_MS,
  MemberMetricsHistory,
  MIN_QUANTILE_SAMPLES,
  MIN_SINCE_START_SAMPLES,
  RATE_WINDOW_MS,
} from '../../../src/metrics/figures';
import type { Histogram } from '../../../src/metrics/histogram';
import type { MetricsSample } from '../../../src/metrics/sample';

const BOUNDS = [...Array.from({ length: 14 }, (_, i) => 0.001 * 2 ** i), Infinity];

/** A histogram with `counts[i]` samples in bucket i (not cumulative). */
function hist(counts: Record<number, number>): Histogram {
  let total = 0;
  const buckets = BOUNDS.map((le, i) => ({ le, count: (total += counts[i] ?? 0) }));
  return { buckets, count: total, sum: 0 };
}

function sample(at: number, over: Partial<MetricsSample> = {}): MetricsSample {
  return {
    at,
    startTime: 1000,
    hasLeader: true,
    leaderChanges: 1,
    quotaBackendBytes: 2 ** 31,
    walFsync: hist({ 0: 100 }),
    backendCommit: hist({ 0: 100 }),
    peerRoundTrip: {},
    proposalsCommitted: 1000,
    proposalsApplied: 1000,
    proposalsPending: 0,
    proposalsFailed: 0,
    dbTotalBytes: 1 << 20,
    dbInUseBytes: 1 << 19,
    residentMemoryBytes: 5e7,
    openFds: 30,
    maxFds: 20000,
    ...over,
  };
}

const T0 = 2000_000;

test('one scrape: figures since the member started, labelled so', () => {
  const h = new MemberMetricsHistory();
  h.add(sample(T0, { proposalsCommitted: 1000 }));
  const f = h.figures();
  assert.ok(f);
  assert.equal(f.intervalMs, null);
  assert.equal(f.uptimeSeconds, T0 / 1000 - 1000);
  assert.equal(f.walFsyncP99?.scope, 'since-start');
  assert.equal(f.proposals.committedPerSecond, 1000 / (T0 / 1000 - 1000));
  assert.deepEqual(f.leaderChanges, { count: 1, windowMs: (T0 / 1000 - 1000) * 1000, scope: 'since-start' });
});

test('two scrapes: the p99 of the samples between them, not of the totals', () => {
  const h = new MemberMetricsHistory();
  h.add(sample(T0, { walFsync: hist({ 0: 1000 }) }));
  // 50 new samples, all in the 8–16 ms bucket: the interval p99 is there, while the totals' p99 is under 1 ms... almost.
  h.add(sample(T0 + 10_000, { walFsync: hist({ 0: 1000, 4: 50 }), proposalsCommitted: 1500, proposalsFailed: 20 }));
  const f = h.figures();
  assert.ok(f);
  assert.equal(f.intervalMs, 10_000);
  assert.equal(f.walFsyncP99?.scope, 'interval');
  assert.equal(f.walFsyncP99?.samples, 50);
  const p99 = f.walFsyncP99?.seconds ?? 0;
  assert.ok(p99 > 0.008 && p99 <= 0.016, String(p99));
  assert.equal(f.proposals.committedPerSecond, 50);
  assert.equal(f.proposals.failed, 20);
  assert.equal(f.proposals.failedPerSecond, 2);
});

test('a restart between scrapes (start time changed, counters lower) is detected: figures from the restart, none negative', () => {
  const h = new MemberMetricsHistory();
  h.add(sample(T0, { leaderChanges: 9, proposalsCommitted: 5000, walFsync: hist({ 0: 900 }) }));
  h.add(sample(T0 + 5000, { startTime: T0 / 1000 + 2, leaderChanges: 1, proposalsCommitted: 10, walFsync: hist({ 0: 8 }) }));
  const f = h.figures();
  assert.ok(f);
  assert.equal(f.restarted, true);
  assert.equal(f.intervalMs, null, 'no scrape since the restart to compare with');
  assert.equal(f.leaderChanges?.count, 1);
  assert.equal(f.leaderChanges?.scope, 'since-start');
  assert.ok((f.proposals.committedPerSecond ?? -1) >= 0);
  // The next scrape compares with the first one after the restart.
  h.add(sample(T0 + 10_000, { startTime: T0 / 1000 + 2, leaderChanges: 1, proposalsCommitted: 60, walFsync: hist({ 0: 20 }) }));
  const next = h.figures();
  assert.equal(next?.intervalMs, 5000);
  assert.equal(next?.proposals.committedPerSecond, 10);
  assert.equal(next?.restarted, true, 'still said within the churn window');
  // A counter that went backwards with the same start time (a process start time not exposed) is a restart too.
  const g = new MemberMetricsHistory();
  g.add(sample(T0, { startTime: null, proposalsFailed: 40 }));
  g.add(sample(T0 + 1000, { startTime: null, proposalsFailed: 1 }));
  assert.equal(g.figures()?.restarted, true);
  assert.equal(g.figures()?.proposals.failed, 1);
});

test(`fewer than ${MIN_QUANTILE_SAMPLES} samples in the interval: the p99 since start is shown instead, from ${MIN_SINCE_START_SAMPLES} samples; fewer: too few, not judged`, () => {
  const h = new MemberMetricsHistory();
  h.add(sample(T0, { walFsync: hist({ 0: 100 }) }));
  h.add(sample(T0 + 5000, { walFsync: hist({ 0: 102 }) }));
  assert.equal(h.figures()?.walFsyncP99?.scope, 'since-start');
  assert.ok((h.figures()?.walFsyncP99?.seconds ?? 1) < 0.001);
  // A fresh member: its few samples are its bootstrap (slow commits creating the db) — not a slow disk.
  const fresh = new MemberMetricsHistory();
  fresh.add(sample(T0, { backendCommit: hist({ 5: 7 }) }));
  assert.deepEqual(fresh.figures()?.backendCommitP99, { seconds: null, samples: 7, scope: 'since-start' });
  const rtt = new MemberMetricsHistory();
  rtt.add(sample(T0, { peerRoundTrip: { aaaa: hist({ 0: 2 }) } }));
  rtt.add(sample(T0 + 30_000, { peerRoundTrip: { aaaa: hist({ 0: 3 }) } }));
  assert.deepEqual(rtt.figures()?.peerRoundTripP99, [{ peerId: 'aaaa', quantile: { seconds: null, samples: 1, scope: 'interval' } }]);
});

test('rates use the oldest scrape within the rate window; leader changes the oldest within the churn window', () => {
  const h = new MemberMetricsHistory();
  const step = 60_000;
  for (let i = 0; i <= 16; i++) h.add(sample(T0 + i * step, { leaderChanges: 1 + i, proposalsCommitted: 1000 + i * 600 }));
  const f = h.figures();
  assert.ok(f);
  assert.equal(f.intervalMs, RATE_WINDOW_MS);
  assert.equal(f.proposals.committedPerSecond, 10);
  assert.equal(f.leaderChanges?.windowMs, CHURN_WINDOW_MS);
  assert.equal(f.leaderChanges?.count, 15);
  assert.equal(f.leaderChanges?.scope, 'interval');
});
