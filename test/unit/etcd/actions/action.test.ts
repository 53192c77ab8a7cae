// What every action shares: etcd's error strings with their meaning, member lookup, the plan's refusal rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  actionError,
  assertMayRun,
  ActionRefusedError,
  explainEtcdError,
  findMember,
  renderPlan,
  type ActionContext,
  type ActionPlan,
} from '../../../../src/etcd/actions/action';
import { quorumGuard } from '../../../../src/etcd/actions/guard';
import { A, B, C, member, snapshot } from '../../../support/builders';

test("etcd's reconfiguration and leadership errors are kept verbatim and explained", () => {
  for (const text of [
    'etcdserver: unhealthy cluster',
    'etcdserver: re-configuration failed due to not enough started members',
    'etcdserver: can only promote a learner member which is in sync with leader',
    'etcdserver: too many learner members in cluster',
    'etcdserver: bad leader transferee',
  ]) {
    const e = actionError(new Error(`9 FAILED_PRECONDITION: ${text} (2026-11-27T18:00:00.000Z)`));
    assert.equal(e.text, text, 'grpc-js decoration removed, etcd words kept');
    assert.ok(e.meaning && e.meaning.length > 20, `${text} has a meaning`);
  }
  assert.match(explainEtcdError('etcdserver: can only promote a learner member which is in sync with leader') ?? '', /caught up/);
  assert.match(explainEtcdError('etcdserver: can only promote a learner member') ?? '', /already votes/);
  assert.equal(explainEtcdError('something nobody has seen'), null);
  assert.deepEqual(actionError(new Error('')), { text: 'no detail given', meaning: null });
});

test('members are found by name or by hex id, leading zeros optional; ambiguous names are not guessed', () => {
  const s = snapshot([member(A, { name: 'etcd-1' }), member(B, { name: 'dup' }), member(C, { name: 'dup' })]);
  assert.equal(findMember(s, 'etcd-1')?.id, A);
  assert.equal(findMember(s, '000000000000000b')?.id, B);
  assert.equal(findMember(s, 'C')?.id, C);
  assert.equal(findMember(s, 'dup'), undefined);
  assert.equal(findMember(s, 'nope'), undefined);
});

test('a plan runs unless read-only, a precondition fails, or the guard refuses and the user does not insist', () => {
  const down = snapshot([member(A), member(B, { reachable: false }), member(C)]);
  const plan: ActionPlan = {
    action: 'defrag',
    cluster: 'prod',
    summary: 'Defragment m-a of cluster "prod"',
    steps: [{ memberId: A, memberName: 'm-a', text: 'defragment m-a' }],
    guard: quorumGuard(down, A, 'defragment'),
    refusal: null,
    mutating: true,
  };
  const context = (over: Partial<ActionContext> = {}): ActionContext => ({ inspector: {} as ActionContext['inspector'], ...over });
  assert.throws(
    () => assertMayRun(context(), plan),
    (e: Error) => e instanceof ActionRefusedError && /quorum guard refuses: 3 voting members, 1 unhealthy \(m-b\)/.test(e.message),
  );
  assert.doesNotThrow(() => assertMayRun(context({ insist: true }), plan));
  assert.throws(() => assertMayRun(context({ insist: true, readOnly: true }), plan), /read-only/);
  assert.throws(() => assertMayRun(context({ insist: true }), { ...plan, refusal: 'no leader' }), /no leader/);
  assert.doesNotThrow(() => assertMayRun(context({ readOnly: true }), { ...plan, guard: null, mutating: false }), 'read-only actions run');
  const text = renderPlan(plan);
  assert.match(text, /^Defragment m-a of cluster "prod"\n {2}1\. defragment m-a\nQuorum guard: refuses \(/);
  assert.match(text, /Refused unless insisted on/);
});
