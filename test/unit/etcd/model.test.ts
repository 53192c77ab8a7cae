// Pure logic of the cluster model and the checklist, on hand-built snapshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leaderOf, quorumOf, termChangesBetween, NO_LEADER, type ClusterSnapshot } from '../../../src/etcd/model';
import { A, B, C, member, snapshot } from '../../support/builders';
import { alarmsFromStatusErrors } from '../../../src/etcd/probe';
import { describeError, DeadlineError } from '../../../src/etcd/client';
import { formatBytes } from '../../../src/etcd/format';
import { healthyFigures } from '../../support/figures';

const ok = (s: ClusterSnapshot, id: string): boolean | null | undefined => s.checks.find((c) => c.id === id)?.ok;

test('quorum: a majority of voting members; learners do not vote', () => {
  assert.deepEqual(quorumOf([member(A), member(B), member(C)]), { votingMembers: 3, needed: 2, reachable: 3, healthy: 3, hasQuorum: true });
  assert.equal(quorumOf([member(A), member(B, { reachable: false }), member(C, { reachable: false })]).hasQuorum, false);
  const five = [A, B, C, '000000000000000d', '000000000000000e'].map((id, i) => member(id, { reachable: i < 3 }));
  assert.deepEqual(quorumOf(five), { votingMembers: 5, needed: 3, reachable: 3, healthy: 3, hasQuorum: true });
  const withLearner = [member(A), member(B), member(C, { isLearner: true })];
  assert.deepEqual(quorumOf(withLearner), { votingMembers: 2, needed: 2, reachable: 2, healthy: 2, hasQuorum: true });
  assert.equal(
    quorumOf([member(A), member(B, { reachable: false }), member(C, { isLearner: true })]).hasQuorum,
    false,
    'a learner cannot make up a lost voter',
  );
  assert.equal(quorumOf([]).hasQuorum, false);
});

test('leader: the one most members name; agreement only when every answering member names the same', () => {
  assert.deepEqual(leaderOf([member(A), member(B), member(C)]), { leaderId: A, agreement: true });
  assert.deepEqual(leaderOf([member(A), member(B), member(C, { leader: B })]), { leaderId: A, agreement: false });
  assert.deepEqual(leaderOf([member(A, { leader: NO_LEADER })]), { leaderId: null, agreement: true });
  assert.deepEqual(leaderOf([member(A, { reachable: false })]), { leaderId: null, agreement: null });
});

test('derived figures: raft lag against the newest index, fragmentation, leader flags', () => {
  const s = snapshot([member(A, { raftIndex: 5000 }), member(B, { raftIndex: 5000, applied: 3500 }), member(C, { raftIndex: 4990 })]);
  assert.deepEqual(
    s.members.map((m) => m.raftIndexLag),
    [0, 1500, 10],
  );
  assert.equal(s.members[0].fragmentationPercent, 25);
  assert.deepEqual(
    s.members.map((m) => m.isLeader),
    [true, false, false],
  );
  assert.equal(s.leaderName, 'm-a');
  assert.equal(ok(s, 'raft-index-lag'), false);
  assert.match(s.checks.find((c) => c.id === 'raft-index-lag')?.actual ?? '', /m-b behind by 1500/);
});

test('checklist of a healthy cluster passes everything but clock sync, which needs SSH, and the metrics checks before a scrape', () => {
  const s = snapshot([member(A), member(B), member(C)]);
  const unknown = ['clock-sync', 'disk-latency', 'leader-churn', 'peer-latency', 'proposals-failing'];
  for (const c of s.checks) assert.equal(c.ok, unknown.includes(c.id) ? null : true, c.id);
  const scraped = snapshot(
    [A, B, C].map((id) =>
      member(id, {
        metrics: healthyFigures(
          {},
          [A, B, C].filter((x) => x !== id),
        ),
      }),
    ),
  );
  for (const c of scraped.checks) assert.equal(c.ok, c.id === 'clock-sync' ? null : true, c.id);
  assert.ok(
    s.checks.filter((c) => c.ok === true).every((c) => c.suggestion === ''),
    'passing checks carry no suggestion',
  );
});

test('checklist when two of three are down: no leader, quorum lost, Step 5', () => {
  const s = snapshot([member(A, { leader: NO_LEADER }), member(B, { reachable: false }), member(C, { reachable: false })]);
  assert.equal(s.leaderId, null);
  const leader = s.checks.find((c) => c.id === 'leader-exists');
  assert.equal(leader?.ok, false);
  assert.equal(leader?.stepId, 'quorum');
  assert.equal(leader?.step, 'Step 5: Fix Quorum Loss');
  assert.match(leader?.actual ?? '', /no leader/);
  assert.equal(ok(s, 'member-count-quorum'), false);
  assert.match(s.checks.find((c) => c.id === 'member-count-quorum')?.actual ?? '', /1 of 3 voting members reachable \(down: m-b, m-c\)/);
  assert.equal(ok(s, 'health'), false);
  assert.equal(ok(s, 'connectivity'), false);
});

test('checklist: members disagreeing on the leader fail leader-agreement and point at connectivity', () => {
  const s = snapshot([member(A), member(B), member(C, { leader: C })]);
  assert.equal(ok(s, 'leader-agreement'), false);
  assert.equal(s.checks.find((c) => c.id === 'leader-agreement')?.stepId, 'connectivity');
  assert.equal(s.checks.find((c) => c.id === 'leader-agreement')?.step, 'Step 2: Check Member Connectivity');
});

test('checklist: db size is judged against the reported quota, or the 2 GiB default when none is reported', () => {
  assert.equal(ok(snapshot([member(A, { dbSize: 3300, quota: 4000 })]), 'db-size-quota'), false);
  assert.equal(ok(snapshot([member(A, { dbSize: 3100, quota: 4000 })]), 'db-size-quota'), true);
  const assumed = snapshot([member(A, { dbSize: 1.9 * 1024 ** 3, quota: null })]);
  assert.equal(ok(assumed, 'db-size-quota'), false);
  assert.match(assumed.checks.find((c) => c.id === 'db-size-quota')?.actual ?? '', /default quota assumed/);
});

test("alarms come from the members' status errors and fail alarms-clear and db-size", () => {
  const errors = ['memberID:10276657743932975437 alarm:NOSPACE ', 'something else'];
  const alarms = alarmsFromStatusErrors(errors);
  assert.deepEqual(alarms, [{ memberId: '8e9e05c52164694d', alarm: 'NOSPACE' }]);
  const s = snapshot([member(A, { errors })], alarms);
  assert.equal(ok(s, 'alarms-clear'), false);
  assert.equal(ok(s, 'db-size-quota'), false);
  assert.match(s.checks.find((c) => c.id === 'alarms-clear')?.suggestion ?? '', /alarm disarm/);
});

test('checks that cannot be evaluated are null, not failures, when nothing answered', () => {
  const s = snapshot([]);
  assert.equal(ok(s, 'leader-exists'), null);
  assert.equal(ok(s, 'alarms-clear'), null);
});

test('leader churn: term increases between refreshes of the same cluster', () => {
  const first = snapshot([member(A, { term: 4 }), member(B, { term: 4 })]);
  const second = snapshot([member(A, { term: 7 }), member(B, { term: 6 })]);
  assert.equal(termChangesBetween(undefined, second), null);
  assert.equal(termChangesBetween(first, second), 3);
  assert.equal(termChangesBetween(second, first), 0);
});

test('errors become one actionable line', () => {
  assert.match(describeError(new DeadlineError(), 1500).text, /no answer within 1500 ms/);
  assert.match(
    describeError(new Error('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1'), 1).text,
    /connection refused/,
  );
  assert.match(
    describeError(new Error('etcdserver: authentication failed, invalid user ID or password'), 1).text,
    /wrong user name or password/,
  );
  assert.match(describeError(new Error('14 UNAVAILABLE: self-signed certificate in certificate chain'), 1).text, /TLS handshake failed/);
  assert.match(
    describeError(new Error('13 INTERNAL: Received RST_STREAM with code 2 (Internal server error)'), 1).text,
    /not an etcd gRPC endpoint/,
  );
  assert.equal(
    describeError(new Error('14 UNAVAILABLE: No connection established. Last error: null. Resolution note: '), 1).text,
    'unavailable: No connection established.',
  );
});

test('sizes print like etcdctl (1000-based)', () => {
  assert.equal(formatBytes(20480), '20 kB');
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1.2e9), '1.2 GB');
  assert.equal(formatBytes(2147483648), '2.1 GB');
});
