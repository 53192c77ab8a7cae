// Judgements from figures with etcd's guidance and its mixin's thresholds; a member not read is named,
// never judged slow; the checklist carries the four metrics checks with their runbook steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MemberFigures } from '../../../src/metrics/figures';
import { healthyFigures, quantile } from '../../support/figures';
import {
  diskLatency,
  leaderChurn,
  peerLatency,
  proposalsFailing,
  dbSpace,
  recommendedTimeouts,
  type FiguresOf,
} from '../../../src/metrics/judge';
import { metricsChecks } from '../../../src/etcd/checklist';

const q = quantile;
const figures = (over: Partial<MemberFigures> = {}): MemberFigures =>
  healthyFigures({ db: { totalBytes: 1e6, inUseBytes: 9e5, quotaBytes: 2e9 }, ...over });

const m = (id: string, f: MemberFigures | null, error?: string): FiguresOf => ({ id, name: `etcd-${id}`, figures: f, error });

test('disk: p99 over 10 ms WAL fsync or 25 ms commit is SLOW; the check fails at the mixin levels; a member not read is named, not judged', () => {
  assert.equal(diskLatency([m('1', figures()), m('2', figures())]).ok, true);
  // Over etcd's guidance only: found and marked, the check still passes.
  const guidance = diskLatency([m('1', figures({ walFsyncP99: q(0.012) })), m('2', figures())]);
  assert.equal(guidance.ok, true);
  assert.deepEqual(guidance.findings, ['etcd-1: WAL fsync p99 12 ms > 10 ms, over etcd’s guidance']);
  assert.match(guidance.actual, /^etcd-1 SLOW: WAL fsync p99 12 ms over 60 s/);
  const slow = diskLatency([
    m('1', figures({ walFsyncP99: q(0.012) })),
    m('2', figures({ backendCommitP99: q(0.3) })),
    m('3', null, 'deadline exceeded'),
  ]);
  assert.equal(slow.ok, false);
  assert.deepEqual(slow.findings, [
    'etcd-1: WAL fsync p99 12 ms > 10 ms, over etcd’s guidance',
    'etcd-2: backend commit p99 300 ms > 25 ms, warning (mixin)',
  ]);
  assert.match(slow.actual, /not read: etcd-3 \(deadline exceeded\)/);
  assert.match(diskLatency([m('1', figures({ walFsyncP99: q(1.5) }))]).findings[0], /1\.5 s > 10 ms, critical \(mixin\)/);
  // Only a hung member: nothing judged, unknown — not "slow".
  const hung = diskLatency([m('1', null, 'deadline exceeded')]);
  assert.equal(hung.ok, null);
  assert.deepEqual(hung.findings, []);
  // Too few samples: shown, not judged.
  assert.equal(diskLatency([m('1', figures({ walFsyncP99: q(null, 2), backendCommitP99: q(null, 2) }))]).ok, null);
});

test('churn: 4 leader changes in 15 min fails; since start it is decided only when it cannot be churn or the member is young', () => {
  assert.equal(leaderChurn([m('1', figures({ leaderChanges: { count: 3, windowMs: 900_000, scope: 'interval' } }))]).ok, true);
  const churn = leaderChurn([m('1', figures({ leaderChanges: { count: 4, windowMs: 900_000, scope: 'interval' } }))]);
  assert.equal(churn.ok, false);
  assert.deepEqual(churn.findings, ['etcd-1: 4 leader changes in 15 min']);
  const old = figures({ uptimeSeconds: 7200, leaderChanges: { count: 9, windowMs: 7_200_000, scope: 'since-start' } });
  assert.equal(leaderChurn([m('1', old)]).ok, null, '9 changes in 2 h may or may not be churn');
  const young = figures({ uptimeSeconds: 300, leaderChanges: { count: 5, windowMs: 300_000, scope: 'since-start' } });
  assert.equal(leaderChurn([m('1', young)]).ok, false);
  const calm = figures({ uptimeSeconds: 7200, leaderChanges: { count: 1, windowMs: 7_200_000, scope: 'since-start' } });
  assert.equal(leaderChurn([m('1', calm)]).ok, true);
});

test('peers: round trip p99 over 150 ms fails naming the link; the timeouts the worst round trip calls for', () => {
  const fast = peerLatency([m('1', figures({ peerRoundTripP99: [{ peerId: '2', quantile: q(0.0008) }] })), m('2', figures())]);
  assert.equal(fast.ok, true);
  assert.match(fast.actual, /worst peer round trip p99 0\.8 ms: heartbeat 100 ms and election 1000 ms suffice/);
  const slow = peerLatency([m('1', figures({ peerRoundTripP99: [{ peerId: '2', quantile: q(0.2) }] })), m('2', figures())]);
  assert.equal(slow.ok, false);
  assert.match(slow.findings[0], /^etcd-1→etcd-2: round trip p99 200 ms over 60 s/);
  assert.equal(peerLatency([m('1', figures({ peerRoundTripP99: [{ peerId: '2', quantile: q(null, 1) }] }))]).ok, null);
  assert.deepEqual(recommendedTimeouts(0.0004), { heartbeatMs: 100, electionMs: 1000 });
  assert.deepEqual(recommendedTimeouts(0.183), { heartbeatMs: 190, electionMs: 1900 });
  assert.deepEqual(recommendedTimeouts(9), { heartbeatMs: 9000, electionMs: 50000 });
});

test('proposals: more than 5 failed per second fails; db near the quota or fragmented is found', () => {
  const failing = figures({ proposals: { committedPerSecond: 1, appliedPerSecond: 1, failedPerSecond: 6, failed: 360, pending: 3 } });
  assert.equal(proposalsFailing([m('1', failing)]).ok, false);
  assert.equal(proposalsFailing([m('1', figures())]).ok, true);
  assert.deepEqual(dbSpace([m('1', figures({ db: { totalBytes: 1.96e9, inUseBytes: 1.9e9, quotaBytes: 2e9 } }))]).findings, [
    'etcd-1: db 98% of its quota',
  ]);
  assert.deepEqual(dbSpace([m('1', figures({ db: { totalBytes: 500e6, inUseBytes: 150e6, quotaBytes: 2e9 } }))]).findings, [
    'etcd-1: fragmented, 30% of the db file in use',
  ]);
  // Little in use: not worth a defragment however sparse.
  assert.deepEqual(dbSpace([m('1', figures({ db: { totalBytes: 50e6, inUseBytes: 5e6, quotaBytes: 2e9 } }))]).findings, []);
});

test('the checklist carries the four metrics checks, each with its runbook step', () => {
  const checks = metricsChecks([m('1', figures({ walFsyncP99: q(0.6) })), m('2', figures())]);
  assert.deepEqual(
    checks.map((c) => [c.id, c.ok, c.stepId]),
    [
      ['disk-latency', false, 'logs'],
      ['leader-churn', true, 'timeouts'],
      ['peer-latency', null, 'timeouts'],
      ['proposals-failing', true, 'quorum'],
    ],
  );
  assert.match(checks[0].step, /^Step 3: /);
  assert.notEqual(checks[0].suggestion, '');
});
