// The status panel's checklist buttons: which runbook action each failing check offers, and that a
// read-only cluster shows the changes disabled with the reason (the recovery guide stays: it changes nothing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFixes } from '../../../src/shared/checkFixes';
import { buildStatusViewModel } from '../../../src/shared/statusViewModel';
import { A, B, C, member, snapshot } from '../../support/builders';
import { healthy, quorumLost } from '../../support/snapshots';

const fixesOf = (s: ReturnType<typeof snapshot>, id: string, readOnly = false) => {
  const check = s.checks.find((c) => c.id === id);
  assert.ok(check, id);
  return checkFixes(check, s, 'prod', readOnly);
};

test('a healthy cluster offers no fix', () => {
  const vm = buildStatusViewModel('prod', healthy(), false, { readOnly: false });
  assert.deepEqual(
    vm.checks.flatMap((c) => c.fixes),
    [],
  );
});

test('quorum lost: the leader, member-count and health checks offer the recovery guide, enabled even when read-only', () => {
  const vm = buildStatusViewModel('prod', quorumLost(), false, { readOnly: true });
  for (const id of ['leader-exists', 'member-count-quorum', 'health']) {
    const row = vm.checks.find((c) => c.id === id);
    assert.deepEqual(
      row?.fixes,
      [{ title: 'Recovery guide', command: 'etcdInspector.showRecoveryGuide', args: { cluster: 'prod' }, disabled: null }],
      id,
    );
  }
});

test('a dead member with quorum kept: remove it (by id), disabled with the reason on a read-only cluster', () => {
  const s = snapshot([member(A), member(B), member(C, { reachable: false })]);
  assert.deepEqual(fixesOf(s, 'member-count-quorum'), [], 'the member count passes: 2 of 3 keep the quorum');
  assert.deepEqual(fixesOf(s, 'health'), [
    { title: 'Remove m-c…', command: 'etcdInspector.removeMember', args: { cluster: 'prod', member: C }, disabled: null },
  ]);
  assert.deepEqual(
    fixesOf(s, 'health', true).map((f) => f.disabled),
    [`"prod" is read-only (etcdInspector.readOnly or the cluster's readOnly setting)`],
  );
});

test('NOSPACE: compact & defragment and disarm, on the db-size and the alarms checks', () => {
  const s = snapshot([member(A, { dbSize: 4000, inUse: 1000, quota: 4000 }), member(B), member(C)], [{ memberId: A, alarm: 'NOSPACE' }]);
  for (const id of ['db-size-quota', 'alarms-clear'])
    assert.deepEqual(
      fixesOf(s, id).map((f) => [f.title, f.command]),
      [
        ['Compact & defragment…', 'etcdInspector.defragmentCluster'],
        ['Disarm NOSPACE…', 'etcdInspector.disarmAlarm'],
      ],
      id,
    );
  // A CORRUPT alarm is never disarmed from here: no button.
  const corrupt = snapshot([member(A), member(B), member(C)], [{ memberId: B, alarm: 'CORRUPT' }]);
  assert.deepEqual(fixesOf(corrupt, 'alarms-clear'), []);
});

test('db near the quota without an alarm: a rolling defragment', () => {
  const s = snapshot([member(A, { dbSize: 3500, quota: 4000 }), member(B), member(C)]);
  assert.deepEqual(
    fixesOf(s, 'db-size-quota').map((f) => f.title),
    ['Rolling defragment…'],
  );
});

test('a learner far behind: promote it (the plan says to wait while it is behind); a follower behind gets no promote', () => {
  const s = snapshot([member(A, { raftIndex: 5000 }), member(B, { raftIndex: 5000 }), member(C, { isLearner: true, raftIndex: 10 })]);
  assert.deepEqual(fixesOf(s, 'raft-index-lag'), [
    { title: 'Promote m-c…', command: 'etcdInspector.promoteMember', args: { cluster: 'prod', member: C }, disabled: null },
  ]);
  const follower = snapshot([member(A, { raftIndex: 5000 }), member(B, { raftIndex: 5000 }), member(C, { raftIndex: 10 })]);
  assert.deepEqual(fixesOf(follower, 'raft-index-lag'), []);
});
