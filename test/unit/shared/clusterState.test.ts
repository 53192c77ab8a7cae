// One cluster-state vocabulary: clusterState() decides the words, the condition and the tone, and the tree,
// the status panel (and, through the same function, the status bar and the log) show exactly that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_LEADER, type ClusterSnapshot } from '../../../src/etcd/model';
import { clusterState, type ClusterCondition, type Tone } from '../../../src/shared/clusterState';
import { clusterNode } from '../../../src/shared/treeModel';
import { buildStatusViewModel } from '../../../src/shared/statusViewModel';
import { A, B, C, member, snapshot } from '../../support/builders';

const cases: Array<[string, ClusterSnapshot | undefined, ClusterCondition, Tone, string]> = [
  ['not refreshed', undefined, 'unknown', 'unknown', 'not refreshed yet'],
  ['no endpoint answered', snapshot([]), 'unreachable', 'error', 'UNREACHABLE · no endpoint answered'],
  [
    'members listed, none answers',
    snapshot([member(A, { reachable: false }), member(B, { reachable: false }), member(C, { reachable: false })]),
    'unreachable',
    'error',
    'UNREACHABLE · 0/3 reachable · quorum lost',
  ],
  [
    'two of three down, the survivor knows no leader',
    snapshot([member(A, { reachable: false }), member(B, { reachable: false }), member(C, { leader: NO_LEADER })]),
    'no-leader',
    'error',
    'NO LEADER · 1/3 reachable · quorum lost',
  ],
  [
    'a majority answers, no leader',
    snapshot([member(A, { leader: NO_LEADER }), member(B, { leader: NO_LEADER }), member(C, { reachable: false })]),
    'no-leader',
    'error',
    'NO LEADER · 2/3 reachable',
  ],
  [
    'two of three down, the survivor still names the old leader',
    snapshot([member(A, { reachable: false }), member(B, { reachable: false }), member(C)]),
    'quorum-lost',
    'error',
    'QUORUM LOST · leader m-a · 1/3 reachable',
  ],
  [
    'one of three down',
    snapshot([member(A), member(B), member(C, { reachable: false })]),
    'degraded',
    'warning',
    'leader m-a · 2/3 healthy · 1 down',
  ],
  [
    'all healthy but one member lags',
    snapshot([member(A, { raftIndex: 5000 }), member(B), member(C)]),
    'degraded',
    'warning',
    'leader m-a · 3/3 healthy · 1 failing check',
  ],
  [
    'an alarm',
    snapshot([member(A), member(B)], [{ memberId: A, alarm: 'NOSPACE' }]),
    'degraded',
    'warning',
    'leader m-a · 2/2 healthy · ALARM NOSPACE',
  ],
  ['healthy', snapshot([member(A), member(B), member(C)]), 'healthy', 'ok', 'leader m-a · 3/3 healthy'],
  [
    'healthy with a learner',
    snapshot([member(A), member(B), member(C, { isLearner: true })]),
    'healthy',
    'ok',
    'leader m-a · 2/2 healthy · 1 learner',
  ],
];

test('each state has one condition, one tone and one line of words', () => {
  for (const [name, s, condition, tone, text] of cases) assert.deepEqual(clusterState(s), { condition, tone, text }, name);
  assert.equal(clusterState(undefined, true).text, 'refreshing…');
});

test('the tree and the status panel show the same words and agree on how bad it is', () => {
  const iconTone: Record<string, Tone> = { 'pass-filled': 'ok', warning: 'warning', error: 'error', 'debug-disconnect': 'error' };
  for (const [name, s, condition, tone] of cases) {
    const node = clusterNode('prod', [], s, false);
    const vm = buildStatusViewModel('prod', s, false);
    assert.equal(node.description, vm.summary, name);
    assert.equal(vm.tone, tone, name);
    assert.equal(node.contextValue, `cluster.${condition}`, name);
    assert.equal(iconTone[node.icon.id] ?? 'unknown', tone, `${name}: tree icon ${node.icon.id}`);
  }
});
