// The quorum guard: the arithmetic that decides whether taking a member out of service costs quorum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quorumGuard } from '../../../../src/etcd/actions/guard';
import { A, B, C, member, snapshot } from '../../../support/builders';

const D = '000000000000000d';
const E = '000000000000000e';

test('3 healthy voting members: one may be defragmented, restarted or removed (2 of 2 needed left)', () => {
  const s = snapshot([member(A), member(B), member(C)]);
  for (const action of ['defragment', 'restart'] as const) {
    const v = quorumGuard(s, B, action);
    assert.equal(v.allowed, true, v.text);
    assert.equal(v.availableAfter, 2);
    assert.equal(v.needed, 2);
  }
  const removal = quorumGuard(s, B, 'remove');
  assert.equal(removal.allowed, true, removal.text);
  assert.equal(removal.needed, 2, 'a 2-member cluster needs both');
  assert.equal(removal.text, '3 voting members, all healthy: removing m-b leaves a 2-member cluster with 2 of the 2 needed');
});

test('3 voting members, one down: defragmenting a healthy one is refused with the arithmetic spelled out', () => {
  const s = snapshot([member(A), member(B, { reachable: false }), member(C)]);
  const v = quorumGuard(s, A, 'defragment');
  assert.equal(v.allowed, false);
  assert.equal(v.text, '3 voting members, 1 unhealthy (m-b): defragmenting m-a leaves 1 of the 2 needed');
  assert.deepEqual(
    v.unavailable.map((u) => u.name),
    ['m-b'],
  );
  const removeHealthy = quorumGuard(s, C, 'remove');
  assert.equal(removeHealthy.allowed, false, removeHealthy.text);
  assert.equal(removeHealthy.text, '3 voting members, 1 unhealthy (m-b): removing m-c leaves a 2-member cluster with 1 of the 2 needed');
});

test('removing a member that is already down does not reduce the available count and is allowed', () => {
  const s = snapshot([member(A), member(B, { reachable: false }), member(C)]);
  const v = quorumGuard(s, B, 'remove');
  assert.equal(v.allowed, true, v.text);
  assert.equal(v.availableAfter, 2);
  assert.equal(v.needed, 2);
  assert.match(v.text, /m-b already unavailable/);
  // Restarting a member that is down does not cost anything either.
  assert.equal(quorumGuard(s, B, 'restart').allowed, true);
});

test('5 members with 2 down: one more out of service costs quorum; removing a dead one keeps it', () => {
  const s = snapshot([member(A), member(B), member(C), member(D, { reachable: false }), member(E, { reachable: false })]);
  assert.equal(quorumGuard(s, A, 'defragment').allowed, false, '2 of 3 needed');
  const removeDead = quorumGuard(s, D, 'remove');
  assert.equal(removeDead.allowed, true, removeDead.text);
  assert.equal(removeDead.needed, 3, 'a 4-member cluster needs 3');
  assert.equal(removeDead.availableAfter, 3);
});

test('a NOSPACE alarm alone leaves a member available for compaction and defragmentation, not for removal or restart', () => {
  const nospace = (id: string) =>
    member(id, { health: { healthy: false, tookMs: 1, error: 'Active Alarm(s): NOSPACE', alarms: ['NOSPACE'] } });
  const s = snapshot([nospace(A), nospace(B), nospace(C)]);
  assert.equal(quorumGuard(s, A, 'defragment').allowed, true);
  assert.equal(quorumGuard(s, A, 'compact').allowed, true);
  assert.equal(quorumGuard(s, A, 'restart').allowed, false);
  assert.equal(quorumGuard(s, A, 'remove').allowed, false);
  const corrupt = snapshot([
    member(A, { health: { healthy: false, tookMs: 1, error: 'Active Alarm(s): CORRUPT', alarms: ['CORRUPT'] } }),
    member(B, { health: { healthy: false, tookMs: 1, error: 'Active Alarm(s): CORRUPT NOSPACE', alarms: ['CORRUPT', 'NOSPACE'] } }),
    member(C),
  ]);
  assert.equal(quorumGuard(corrupt, C, 'defragment').allowed, false, 'CORRUPT is not fixed by defragmenting');
});

test('learners do not vote: acting on one is allowed and they never count towards the quorum', () => {
  const s = snapshot([member(A), member(B, { reachable: false }), member(C, { isLearner: true })]);
  const onLearner = quorumGuard(s, C, 'defragment');
  assert.equal(onLearner.allowed, true);
  assert.match(onLearner.text, /learner/);
  assert.equal(onLearner.votingMembers, 2);
  assert.equal(quorumGuard(s, A, 'defragment').allowed, false, '2 voting, 1 down: the other one is needed');
});

test('an unknown member and the last voting member are refused', () => {
  const s = snapshot([member(A)]);
  assert.equal(quorumGuard(s, B, 'defragment').allowed, false);
  assert.match(quorumGuard(s, B, 'defragment').text, /not a member/);
  const last = quorumGuard(s, A, 'remove');
  assert.equal(last.allowed, false);
  assert.match(last.text, /only voting member/);
  assert.equal(quorumGuard(s, A, 'defragment').allowed, false, 'a 1-member cluster stops serving while it defragments');
});

test('a member added but not started is unavailable, and so is one that answers without a leader', () => {
  const s = snapshot([member(A), member(B, { started: false, name: '', reachable: false }), member(C)]);
  const v = quorumGuard(s, A, 'defragment');
  assert.equal(v.allowed, false);
  assert.equal(v.unavailable[0].reason, 'not started');
  assert.match(v.text, /1 unhealthy \(000000000000000b\)/, 'a member without a name is named by its id');
});
