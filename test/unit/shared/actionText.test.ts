// The pure half of the runbook action commands: the pickers' order and defaults, the modal's words for a
// plan (a refusing guard needs a second confirmation), and a result turned into what the user reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  INSIST_CHOICE,
  OVERRIDE_CHOICE,
  RETENTION_CHOICES,
  confirmation,
  disarmItems,
  insistConfirmation,
  moveLeaderItems,
  promoteItems,
  removeMemberItems,
  resultText,
} from '../../../src/shared/actionText';
import { planMoveLeader } from '../../../src/etcd/actions/leadership';
import { planDefrag } from '../../../src/etcd/actions/defrag';
import { actionError, type ActionResult } from '../../../src/etcd/actions/action';
import { A, B, C, member, snapshot } from '../../support/builders';

test('move leader: the most caught-up follower first and marked default; the leader and learners are not offered', () => {
  const s = snapshot([
    member(A, { raftIndex: 120 }),
    member(B, { raftIndex: 100, applied: 90 }),
    member(C, { raftIndex: 120, applied: 118 }),
    member('000000000000000d', { isLearner: true, raftIndex: 120 }),
  ]);
  const items = moveLeaderItems(s);
  assert.deepEqual(
    items.map((i) => i.memberId),
    [C, B],
  );
  assert.match(items[0].description, /most caught up \(default\)/);
  assert.equal(items[0].detail, 'raft index 120, applied 118');
  // A follower that cannot lead is listed last, with the reason.
  const down = snapshot([member(A), member(B, { reachable: false }), member(C)]);
  assert.deepEqual(
    moveLeaderItems(down).map((i) => [i.memberId, /cannot lead/.test(i.description)]),
    [
      [C, false],
      [B, true],
    ],
  );
});

test('remove member: dead members first, then learners, followers, the leader last (leadership moves first)', () => {
  const s = snapshot([member(A), member(B), member(C, { isLearner: true }), member('000000000000000d', { reachable: false })]);
  const items = removeMemberItems(s);
  assert.deepEqual(
    items.map((i) => i.memberId),
    ['000000000000000d', C, B, A],
  );
  assert.match(items[0].description, /down: connection refused/);
  assert.match(items[3].description, /leader: leadership is moved away first/);
});

test('promote: learners with their distance from the leader; disarm: the members with NOSPACE and their size against the quota', () => {
  const s = snapshot(
    [
      member(A, { raftIndex: 500, dbSize: 4096, quota: 8192 }),
      member(B, { raftIndex: 500 }),
      member(C, { isLearner: true, raftIndex: 450 }),
    ],
    [
      { memberId: A, alarm: 'NOSPACE' },
      { memberId: B, alarm: 'CORRUPT' },
    ],
  );
  assert.deepEqual(
    promoteItems(s).map((i) => [i.memberId, i.description]),
    [[C, `${C} · 50 entries behind the leader`]],
  );
  assert.deepEqual(
    disarmItems(s).map((i) => i.memberId),
    [A],
    'CORRUPT is never offered',
  );
  assert.match(disarmItems(s)[0].description, /NOSPACE · db 4(\.1)? kB of quota 8(\.2)? kB/);
});

test('the retention choices: revisions, a duration, up to now, or no compaction', () => {
  assert.deepEqual(
    RETENTION_CHOICES.map((c) => c.compact),
    [{ keepRevisions: 10_000 }, { keepRevisions: 1_000 }, { keepDurationMs: 3_600_000 }, { keepRevisions: 0 }, undefined],
  );
});

test('the modal names the cluster and the members; a refused precondition offers nothing to run', () => {
  const s = snapshot([member(A), member(B), member(C)]);
  const c = confirmation(planMoveLeader(s, B));
  assert.equal(c.confirm, 'Move Leader');
  assert.equal(c.guardRefuses, false);
  assert.match(c.message, /cluster "t" from m-a to m-b\?$/);
  assert.match(c.detail, /ask the leader m-a to transfer leadership to m-b/);
  const refused = confirmation(planMoveLeader(s, A));
  assert.equal(refused.confirm, null);
  assert.match(refused.message, /Move leader of cluster "t" cannot run: m-a cannot take leadership: it is already the leader/);
});

test('a refusing quorum guard: the first modal says so with the arithmetic and only leads to a second confirmation', () => {
  // Two of three down except the leader: defragmenting the leader would cost the quorum.
  const s = snapshot([member(A), member(B), member(C, { reachable: false })]);
  const plan = planDefrag(s, {});
  assert.equal(plan.guard?.allowed, false);
  const c = confirmation(plan);
  assert.equal(c.guardRefuses, true);
  assert.equal(c.confirm, OVERRIDE_CHOICE);
  assert.notEqual(c.confirm, INSIST_CHOICE, 'never the insisting choice in the first modal');
  assert.match(c.message, /The quorum guard refuses: 3 voting members, 1 unhealthy \(m-c\): defragmenting m-\w leaves 1 of the 2 needed/);
  const again = insistConfirmation(plan);
  assert.match(again.message, /Really run "Rolling defragment" on cluster "t" although it costs the cluster its quorum\?/);
  assert.match(again.detail, /leaves 1 of the 2 needed/);
});

test("results: etcd's words with their meaning on failure, the point reached on cancel, the last step on success", () => {
  const base: ActionResult = { action: 'member-promote', cluster: 'prod', ok: true, cancelled: false, steps: [], error: null };
  const failed = resultText({
    ...base,
    ok: false,
    error: actionError(new Error('9 FAILED_PRECONDITION: etcdserver: can only promote a learner member which is in sync with leader')),
    steps: [{ memberId: C, memberName: 'etcd-4', ok: false, text: 'promote etcd-4', tookMs: 12 }],
  });
  assert.equal(failed.severity, 'error');
  assert.match(
    failed.message,
    /^Promote learner of cluster "prod" failed: etcdserver: can only promote a learner member which is in sync with leader — the learner's raft log is still behind/,
  );
  assert.equal(failed.detail, '✗ promote etcd-4 (12 ms)');
  const cancelled = resultText({
    ...base,
    action: 'defrag',
    ok: false,
    cancelled: true,
    steps: [{ memberId: A, memberName: 'a', ok: true, text: 'defragmented a', tookMs: 5 }],
  });
  assert.equal(cancelled.severity, 'warning');
  assert.match(cancelled.message, /cancelled after 1 step \(never in the middle of a call\)/);
  const done = resultText({
    ...base,
    action: 'move-leader',
    steps: [{ memberId: A, memberName: 'a', ok: true, text: 'moved leadership from a to b', tookMs: 3 }],
  });
  assert.deepEqual([done.severity, done.message], ['info', 'Move leader of cluster "prod": done. moved leadership from a to b']);
});
