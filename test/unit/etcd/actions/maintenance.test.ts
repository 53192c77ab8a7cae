// The pure parts of the maintenance actions: which NOSPACE alarms may be disarmed (db below quota, the
// check shown; CORRUPT never), and how hash-KV answers are compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planDisarm } from '../../../../src/etcd/actions/alarms';
import { compareHashes, type HashKvMember } from '../../../../src/etcd/actions/consistency';
import { A, B, C, member, snapshot } from '../../../support/builders';

const nospace = (id: string) => ({ memberId: id, alarm: 'NOSPACE' });

test("planDisarm: each alarmed member's db against 95% of its quota, the check in the plan; one full member refuses all", () => {
  const roomy = snapshot(
    [member(A, { dbSize: 1200, quota: 2000 }), member(B, { dbSize: 1899, quota: 2000 }), member(C)],
    [nospace(A), nospace(B)],
  );
  const plan = planDisarm(roomy);
  assert.equal(plan.refusal, null);
  assert.equal(plan.mutating, true);
  assert.deepEqual(
    plan.steps.map((x) => x.text),
    [
      'disarm NOSPACE of m-a: db 1.2 kB < 95% of quota 2 kB: may disarm',
      'disarm NOSPACE of m-b: db 1.9 kB < 95% of quota 2 kB: may disarm',
    ],
  );
  assert.match(plan.summary, /Disarm the NOSPACE alarm of m-a, m-b in cluster "t" \(each db is below 95% of its quota/);

  // etcd raised NOSPACE on m-a because a request would have taken it over: just under the quota is not room.
  const full = snapshot(
    [member(A, { dbSize: 1900, quota: 2000 }), member(B, { dbSize: 1200, quota: 2000 }), member(C)],
    [nospace(A), nospace(B)],
  );
  const refused = planDisarm(full);
  assert.deepEqual(
    refused.steps.map((x) => x.text),
    [
      'leave NOSPACE armed: m-a: db 1.9 kB ≥ 95% of quota 2 kB: may not disarm yet (compact, then defragment, then disarm this member)',
      'disarm NOSPACE of m-b: db 1.2 kB < 95% of quota 2 kB: may disarm',
    ],
  );
  // Disarming m-b alone would not let a write through while m-a's alarm stays: refused, saying why.
  assert.equal(
    refused.refusal,
    'no NOSPACE alarm may be disarmed yet: m-a: db 1.9 kB ≥ 95% of quota 2 kB: may not disarm yet (compact, then defragment, then disarm this member)',
  );
  assert.match(planDisarm(full, 'm-a').refusal ?? '', /^m-a: db 1.9 kB ≥ 95% of quota/);
});

test('planDisarm: a member without an alarm whose db is as full refuses the disarm: its next write raises NOSPACE again', () => {
  const s = snapshot([member(A, { dbSize: 1000, quota: 4000 }), member(B, { dbSize: 4100, quota: 4000 }), member(C)], [nospace(A)]);
  const expected =
    'writes would raise NOSPACE again at once: m-b (no alarm yet): db 4.1 kB ≥ 95% of quota 4 kB (compact, then defragment, then disarm)';
  assert.equal(planDisarm(s).refusal, expected);
  assert.equal(planDisarm(s, 'm-a').refusal, expected);
  assert.deepEqual(
    planDisarm(s).steps.map((x) => x.text),
    ['disarm NOSPACE of m-a: db 1 kB < 95% of quota 4 kB: may disarm'],
  );
  // A member that does not answer cannot be judged and does not block the others.
  const down = snapshot([member(A, { dbSize: 1000, quota: 4000 }), member(B, { reachable: false }), member(C)], [nospace(A)]);
  assert.equal(planDisarm(down).refusal, null);
});

test('planDisarm: a db at or over its quota, or an unknown quota, refuses saying why', () => {
  const s = snapshot(
    [member(A, { dbSize: 4000, quota: 4000 }), member(B, { quota: null }), member(C, { reachable: false })],
    [nospace(A), nospace(B), nospace(C)],
  );
  assert.match(planDisarm(s, 'm-a').refusal ?? '', /^m-a: db 4 kB ≥ 95% of quota 4 kB: may not disarm yet/);
  assert.match(planDisarm(s, B).refusal ?? '', /^m-b: db 1 kB, quota unknown .*: NOSPACE not disarmed without the check/);
  assert.match(planDisarm(s, 'm-c').refusal ?? '', /^m-c: db size unknown \(connection refused/);
  const all = planDisarm(s);
  assert.match(all.refusal ?? '', /^no NOSPACE alarm may be disarmed yet: m-a: .*; m-b: .*; m-c: /);
  assert.ok(all.steps.every((x) => x.text.startsWith('leave NOSPACE armed')));
});

test('planDisarm: no alarm, an unknown member, or a member without NOSPACE is refused', () => {
  const s = snapshot([member(A), member(B)], [nospace(A)]);
  assert.match(planDisarm(snapshot([member(A)])).refusal ?? '', /no member of cluster "t" has a NOSPACE alarm/);
  assert.match(planDisarm(s, 'nobody').refusal ?? '', /no member named or with id "nobody"/);
  assert.equal(planDisarm(s, 'm-b').refusal, 'm-b has no NOSPACE alarm');
  // A hex id without its leading zeros finds the member.
  assert.equal(planDisarm(s, 'a').refusal, null);
  assert.deepEqual(
    planDisarm(s, 'a').steps.map((x) => x.memberId),
    [A],
  );
});

test('planDisarm: CORRUPT is explained and never disarmed, alone or beside NOSPACE', () => {
  const corrupt = { memberId: B, alarm: 'CORRUPT' };
  const s = snapshot([member(A), member(B), member(C)], [nospace(A), corrupt]);
  const plan = planDisarm(s);
  assert.equal(plan.refusal, null);
  const disarming = plan.steps.filter((x) => x.text.startsWith('disarm'));
  assert.deepEqual(
    disarming.map((x) => x.memberId),
    [A],
    'only the NOSPACE alarm',
  );
  const explained = plan.steps.find((x) => x.memberId === B);
  assert.match(explained?.text ?? '', /^m-b: CORRUPT: .*restore .*snapshot.*never disarmed from here/);
  const only = planDisarm(s, 'm-b');
  assert.match(only.refusal ?? '', /^m-b has a CORRUPT alarm, no NOSPACE alarm\. CORRUPT: /);
});

const h = (name: string, hash: string | null, compactRevision: number | null = 1, error: string | null = null): HashKvMember => ({
  id: name,
  name,
  hash,
  compactRevision,
  error,
});

test('compareHashes: agreeing members, none divergent', () => {
  assert.deepEqual(compareHashes([h('a', '1'), h('b', '1'), h('c', '1')]), { divergent: [], notes: [] });
});

test('compareHashes: the member that differs from the majority is named', () => {
  const r = compareHashes([h('a', '1'), h('b', '2'), h('c', '1')]);
  assert.deepEqual(r.divergent, ['b']);
  assert.deepEqual(r.notes, ['compact revision 1: 2 of 3 members agree on hash 1']);
});

test('compareHashes: without a majority every member of the group is named', () => {
  assert.deepEqual(compareHashes([h('a', '1'), h('b', '2')]).divergent, ['a', 'b']);
  assert.deepEqual(compareHashes([h('a', '1'), h('b', '2'), h('c', '3'), h('d', '1')]).divergent, ['a', 'b', 'c', 'd']);
});

test('compareHashes: only members with the same compact revision are compared', () => {
  // b compacted later than a and c: its different hash is expected, not divergence.
  const r = compareHashes([h('a', '1', 5), h('b', '9', 7), h('c', '1', 5)]);
  assert.deepEqual(r.divergent, []);
  assert.deepEqual(r.notes, ['b: alone with compact revision 7, not compared']);
  const two = compareHashes([h('a', '1', 5), h('b', '9', 7), h('c', '2', 5), h('d', '9', 7)]);
  assert.deepEqual(two.divergent, ['a', 'c']);
});

test('compareHashes: a member that failed is reported, not divergent', () => {
  const r = compareHashes([h('a', '1'), h('b', null, null, 'connection refused'), h('c', '1')]);
  assert.deepEqual(r.divergent, []);
  assert.deepEqual(r.notes, ['b: not compared (connection refused)']);
});
