// The plan of a rolling defragment: order (followers first, the leader last, leadership moved to the most
// caught-up follower when asked or when the followers predict a long leader defragment), learners and
// members out of service skipped, the size rules, the quorum guard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LEADER_IN_PLACE_MS, movesLeadership, planDefrag, predictedDefragMs, ruleSkipReason } from '../../../../src/etcd/actions/defrag';
import { A, B, C, member, snapshot } from '../../../support/builders';
import type { MemberReport } from '../../../../src/etcd/model';

const D = '000000000000000d';
const texts = (plan: ReturnType<typeof planDefrag>): string[] => plan.steps.map((s) => s.text);
const nospace = (id: string, over: Parameters<typeof member>[1] = {}): MemberReport =>
  member(id, { ...over, health: { healthy: false, tookMs: 1, error: 'Active Alarm(s): NOSPACE', alarms: ['NOSPACE'] } });

test('followers first, then leadership moved to the most caught-up follower (moveLeader always), the leader last', () => {
  // A leads (every member names A); C has applied more than B.
  const s = snapshot([member(A, { raftIndex: 120 }), member(B, { applied: 90 }), member(C, { applied: 110 })]);
  const plan = planDefrag(s, { moveLeader: 'always' });
  assert.equal(plan.refusal, null);
  assert.equal(plan.mutating, true);
  assert.deepEqual(
    plan.steps.map((st) => st.memberId),
    [B, C, A, A],
  );
  assert.match(plan.steps[0].text, /^defragment m-b \(db/);
  assert.match(plan.steps[1].text, /^defragment m-c \(db/);
  assert.match(plan.steps[2].text, /^move leadership from m-a to m-c \(the most caught-up follower, applied index 110\)$/);
  assert.match(plan.steps[3].text, /^defragment m-a, the leader, last/);
  assert.equal(plan.guard?.allowed, true);
  assert.equal(plan.guard?.text, '3 voting members, all healthy: defragmenting m-b leaves 2 of the 2 needed', "the first member's verdict");
});

test('by default the plan says leadership moves only when the leader is predicted to take long; never: in place, no move step', () => {
  const s = snapshot([member(A, { raftIndex: 120 }), member(B, { applied: 90 }), member(C, { applied: 110 })]);
  const auto = texts(planDefrag(s, {}));
  assert.equal(
    auto[2],
    "move leadership from m-a to m-c (the most caught-up follower, applied index 110) only if the followers' defragments predict the leader's takes longer than 5 s; else the leader is defragmented in place, as etcdctl does",
  );
  assert.match(auto[3], /^defragment m-a, the leader, last \(db/);
  const never = texts(planDefrag(s, { moveLeader: 'never' }));
  assert.equal(never.length, 3, never.join('\n'));
  assert.match(never[2], /^defragment m-a, the leader, last, in place \(db/);
});

test("the leader's defragment is predicted from the slowest follower's rate; leadership moves past the limit or without a prediction", () => {
  const mib = 1024 * 1024;
  // 1000 ms for 100 MiB and 1500 ms for 100 MiB: the slower rate, 15 ms per MiB, predicts 3000 ms for 200 MiB.
  const predicted = predictedDefragMs(
    [
      { tookMs: 1000, dbSize: 100 * mib },
      { tookMs: 1500, dbSize: 100 * mib },
    ],
    200 * mib,
  );
  assert.equal(Math.round(predicted ?? -1), 3000);
  assert.equal(predictedDefragMs([], 200 * mib), null, 'no follower defragmented: no prediction');
  assert.equal(predictedDefragMs([{ tookMs: 5, dbSize: 0 }], 200 * mib), null, 'an empty db predicts nothing');
  assert.equal(movesLeadership('auto', LEADER_IN_PLACE_MS), false, 'at the limit: in place');
  assert.equal(movesLeadership('auto', LEADER_IN_PLACE_MS + 1), true);
  assert.equal(movesLeadership('auto', null), true, 'nothing says it is short');
  assert.equal(movesLeadership('always', 0), true);
  assert.equal(movesLeadership('never', 60_000), false);
});

test('the leader is last even when it comes first in the member list, and an unhealthy follower never takes leadership', () => {
  const s = snapshot([
    member(A, { raftIndex: 200 }),
    member(B, { applied: 199, health: { healthy: false, tookMs: 1, error: 'etcdserver: request timed out' } }),
    member(C, { applied: 150 }),
    member(D, { applied: 180 }),
  ]);
  const plan = planDefrag(s, { moveLeader: 'always' });
  const move = texts(plan).find((t) => t.startsWith('move leadership'));
  assert.equal(move, 'move leadership from m-a to m-d (the most caught-up follower, applied index 180)');
  assert.equal(plan.steps.at(-1)?.memberId, A);
});

test('learners are skipped and named, and do not count for the guard', () => {
  const s = snapshot([member(A), member(B), member(C), member(D, { isLearner: true })]);
  const plan = planDefrag(s, {});
  const skip = plan.steps.find((st) => st.memberId === D);
  assert.ok(skip);
  assert.match(skip.text, /^skip m-d: a learner \(learners refuse defragment/);
  assert.equal(plan.steps.filter((st) => st.text.startsWith('defragment')).length, 3, 'the three voting members are defragmented');
  assert.equal(plan.guard?.votingMembers, 3);
});

test('minFreePercent: a member with too little free space is skipped, not a failure', () => {
  const s = snapshot([
    member(A, { dbSize: 1000, inUse: 400 }),
    member(B, { dbSize: 1000, inUse: 900 }),
    member(C, { dbSize: 1000, inUse: 500 }),
  ]);
  const plan = planDefrag(s, { minFreePercent: 45 });
  assert.equal(plan.refusal, null);
  const b = plan.steps.find((st) => st.memberId === B);
  assert.match(b?.text ?? '', /^skip m-b: free space 10% of its 0\.0 MB db is below 45%$/);
  assert.deepEqual(
    plan.steps.filter((st) => st.text.startsWith('defragment')).map((st) => st.memberId),
    [C, A],
  );
});

test('minQuotaPercent: only members whose db is close to the quota; an unknown quota skips; with both rules either suffices', () => {
  const s = snapshot([
    member(A, { dbSize: 3500, inUse: 3400, quota: 4000 }),
    member(B, { dbSize: 1000, inUse: 990, quota: 4000 }),
    member(C, { dbSize: 1000, inUse: 990, quota: null }),
  ]);
  assert.equal(ruleSkipReason(s.members[0], { minQuotaPercent: 80 }), null, '87.5% of the quota');
  assert.match(ruleSkipReason(s.members[1], { minQuotaPercent: 80 }) ?? '', /its db is 25% of its .* quota, below 80%/);
  assert.equal(ruleSkipReason(s.members[2], { minQuotaPercent: 80 }), 'its quota is unknown');
  const plan = planDefrag(s, { minQuotaPercent: 80, moveLeader: 'always' });
  assert.deepEqual(
    plan.steps.filter((st) => st.text.startsWith('defragment')).map((st) => st.memberId),
    [A],
    'only the leader qualifies',
  );
  assert.ok(
    texts(plan).includes('move leadership from m-a to m-b (the most caught-up follower, applied index 100)'),
    'skipped followers can still take leadership',
  );
  // Either rule: B is 1% free and 25% of its quota; with a 1% free rule it qualifies.
  assert.equal(ruleSkipReason(s.members[1], { minQuotaPercent: 80, minFreePercent: 1 }), null);
  assert.match(ruleSkipReason(s.members[1], { minQuotaPercent: 80, minFreePercent: 5 }) ?? '', /below 5%, and its db is 25%/);
});

test('a leader skipped by the rule is not moved away from', () => {
  const s = snapshot([
    member(A, { dbSize: 1000, inUse: 990 }),
    member(B, { dbSize: 1000, inUse: 100 }),
    member(C, { dbSize: 1000, inUse: 100 }),
  ]);
  const plan = planDefrag(s, { minFreePercent: 45 });
  assert.ok(!texts(plan).some((t) => t.startsWith('move leadership')), texts(plan).join('\n'));
  assert.match(plan.steps.find((st) => st.memberId === A)?.text ?? '', /^skip m-a: free space 1%/);
});

test('nothing to do: the plan is refused with every reason', () => {
  const s = snapshot([member(A, { dbSize: 1000, inUse: 990 }), member(B, { dbSize: 1000, inUse: 990 }), member(C, { isLearner: true })]);
  const plan = planDefrag(s, { minFreePercent: 45 });
  assert.match(
    plan.refusal ?? '',
    /^nothing to defragment: m-b skipped, free space 1%.*; m-c skipped, a learner.*; m-a skipped, free space 1%/,
  );
  assert.equal(plan.guard, null);
});

test('no leader: refused (a precondition, even when insisted on)', () => {
  const NONE = '0000000000000000';
  const s = snapshot([member(A, { leader: NONE }), member(B, { leader: NONE }), member(C, { leader: NONE })]);
  const plan = planDefrag(s, {});
  assert.match(plan.refusal ?? '', /^the cluster has no leader/);
});

test('a member already down: it is skipped, and defragmenting a healthy one is refused with the arithmetic', () => {
  const s = snapshot([member(A), member(B, { reachable: false }), member(C)]);
  const plan = planDefrag(s, {});
  assert.equal(plan.refusal, null, 'a refusing guard is not a precondition: the user may insist');
  assert.equal(plan.guard?.allowed, false);
  assert.equal(plan.guard?.text, '3 voting members, 1 unhealthy (m-b): defragmenting m-c leaves 1 of the 2 needed');
  assert.match(plan.steps.find((st) => st.memberId === B)?.text ?? '', /^skip m-b: out of service \(connection refused/);
});

test('a member whose only problem is a NOSPACE alarm counts as available and is defragmented', () => {
  const s = snapshot([nospace(A), nospace(B), nospace(C)]);
  const plan = planDefrag(s, {});
  assert.equal(plan.refusal, null);
  assert.equal(plan.guard?.allowed, true, plan.guard?.text);
  assert.deepEqual(
    plan.steps.filter((st) => st.text.startsWith('defragment')).map((st) => st.memberId),
    [B, C, A],
  );
  // A NOSPACE alarm alone does not stop a follower from taking leadership either.
  assert.ok(
    texts(plan).some((t) => t.startsWith('move leadership from m-a to m-b')),
    texts(plan).join('\n'),
  );
  // Another failure than NOSPACE is not available.
  const corrupt = snapshot([
    member(A),
    member(B, { health: { healthy: false, tookMs: 1, error: 'Active Alarm(s): CORRUPT', alarms: ['CORRUPT'] } }),
    member(C),
  ]);
  assert.equal(planDefrag(corrupt, {}).guard?.allowed, false);
});

test('compaction comes first with its retention; an unusable retention is refused', () => {
  const s = snapshot([member(A), member(B), member(C)]);
  const plan = planDefrag(s, { compact: { keepRevisions: 1000 } });
  assert.equal(
    plan.steps[0].text,
    'compact the key-value history keeping the last 1000 revisions (watchers behind that revision are cancelled)',
  );
  assert.equal(plan.steps[0].memberId, A, 'through the leader');
  assert.match(plan.summary, /after compaction/);
  assert.match(planDefrag(s, { compact: { keepDurationMs: 3_600_000 } }).steps[0].text, /keeping the revisions of the last 3600 s/);
  assert.match(planDefrag(s, { compact: { keepRevisions: -1 } }).refusal ?? '', /keepRevisions must be a whole number/);
  assert.equal(planDefrag(s, {}).steps[0].text.startsWith('compact'), false);
});
