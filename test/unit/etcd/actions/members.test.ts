// The pure plans of move leader, add member, promote learner and remove member, and the new member's
// configuration generated from the live member list (clean under the linter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mostCaughtUpFollower, planMoveLeader } from '../../../../src/etcd/actions/leadership';
import { newMemberConfig, planAddMember, planPromote, planRemoveMember } from '../../../../src/etcd/actions/members';
import { renderPlan } from '../../../../src/etcd/actions/action';
import { NO_LEADER } from '../../../../src/etcd/model';
import { lintText } from '../../../../src/lint/engine';
import { A, B, C, member, snapshot } from '../../../support/builders';

const D = '000000000000000d';

/** Three voting members on their own peer URLs; A leads at raft index 100. */
function three(over: { b?: Parameters<typeof member>[1]; c?: Parameters<typeof member>[1] } = {}) {
  return snapshot([
    member(A, { peerURLs: ['http://10.0.0.1:2380'] }),
    member(B, { peerURLs: ['http://10.0.0.2:2380'], applied: 90, ...over.b }),
    member(C, { peerURLs: ['http://10.0.0.3:2380'], applied: 95, ...over.c }),
  ]);
}

test('the most caught-up follower: highest raft applied index among started, healthy voting followers', () => {
  assert.equal(mostCaughtUpFollower(three())?.name, 'm-c');
  assert.equal(mostCaughtUpFollower(three({ c: { reachable: false } }))?.name, 'm-b', 'an unreachable member cannot lead');
  assert.equal(mostCaughtUpFollower(three({ c: { isLearner: true, applied: 100 } }))?.name, 'm-b', 'a learner cannot lead');
  assert.equal(
    mostCaughtUpFollower(three({ c: { errors: [], health: { healthy: false, tookMs: 1, error: 'etcdserver: request timed out' } } }))?.name,
    'm-b',
  );
  assert.equal(mostCaughtUpFollower(snapshot([member(A)])), undefined, 'the leader alone has no follower');
});

test('move leader: by default to the most caught-up follower, asked of the current leader', () => {
  const plan = planMoveLeader(three());
  assert.equal(plan.refusal, null);
  assert.equal(plan.steps.length, 1);
  assert.equal(plan.steps[0].memberId, A, 'the request goes to the leader');
  assert.match(plan.steps[0].text, /to transfer leadership to m-c \(raft applied index 95; the leader's 100\)/);
  assert.equal(planMoveLeader(three(), 'm-b').steps[0].text.includes('to m-b'), true);
  assert.equal(planMoveLeader(three(), 'b').refusal, null, 'a hex id without its leading zeros');
});

test('move leader refuses: no leader, a learner, the leader itself, an unknown or unreachable member', () => {
  const noLeader = snapshot([member(A, { leader: NO_LEADER }), member(B, { leader: NO_LEADER })]);
  assert.match(planMoveLeader(noLeader).refusal ?? '', /no leader/);
  assert.match(planMoveLeader(three({ c: { isLearner: true } }), 'm-c').refusal ?? '', /m-c cannot take leadership: it is a learner/);
  assert.match(planMoveLeader(three(), 'm-a').refusal ?? '', /already the leader/);
  assert.match(planMoveLeader(three(), 'nobody').refusal ?? '', /no member is named or has the id "nobody"/);
  assert.match(planMoveLeader(three({ b: { reachable: false } }), 'm-b').refusal ?? '', /m-b cannot take leadership: connection refused/);
  assert.match(planMoveLeader(snapshot([member(A)])).refusal ?? '', /no started, healthy voting follower/);
});

test('add member: a learner by default, asked of the leader, with the start and promote steps', () => {
  const plan = planAddMember(three(), { name: 'etcd-4', peerURLs: ['http://10.0.0.4:2380'] });
  assert.equal(plan.refusal, null);
  assert.equal(plan.guard, null, 'a learner does not vote: no quorum arithmetic');
  assert.equal(plan.steps[0].memberId, A);
  assert.match(plan.steps[0].text, /add etcd-4 \(peer URLs http:\/\/10\.0\.0\.4:2380\) as a learner/);
  assert.match(plan.steps[2].text, /promote etcd-4/);
});

test('add member as a voter: only when the started voters stay a quorum of the grown cluster', () => {
  const ok = planAddMember(three(), { name: 'etcd-4', peerURLs: ['http://10.0.0.4:2380'], voter: true });
  assert.equal(ok.guard?.allowed, true, ok.guard?.text);
  const down = planAddMember(three({ c: { reachable: false } }), { name: 'etcd-4', peerURLs: ['http://10.0.0.4:2380'], voter: true });
  assert.equal(down.guard?.allowed, false);
  assert.equal(
    down.guard?.text,
    '3 voting members, 1 unavailable (m-c): adding etcd-4 as a voter makes a 4-member cluster that needs 3, and 2 are started until etcd-4 starts (add it as a learner instead, then promote it)',
  );
  assert.match(renderPlan(down), /Refused unless insisted on/);
  const single = planAddMember(snapshot([member(A)]), { name: 'etcd-2', peerURLs: ['http://10.0.0.2:2380'], voter: true });
  assert.equal(single.guard?.allowed, false, 'one member alone is not a quorum of two');
});

test('add member refuses a bad name, a malformed peer URL, a peer URL or name already used, and no leader', () => {
  const s = three();
  assert.match(planAddMember(s, { name: 'a b', peerURLs: ['http://10.0.0.4:2380'] }).refusal ?? '', /member name/);
  assert.ok(planAddMember(s, { name: 'n', peerURLs: ['10.0.0.4:2380'] }).refusal);
  assert.ok(planAddMember(s, { name: 'n', peerURLs: ['http://10.0.0.4:2380'], clientURLs: ['http://10.0.0.4:2379/x'] }).refusal);
  assert.match(planAddMember(s, { name: 'n', peerURLs: [] }).refusal ?? '', /at least one peer URL/);
  assert.equal(
    planAddMember(s, { name: 'n', peerURLs: ['http://10.0.0.2:2380'] }).refusal,
    `the peer URL http://10.0.0.2:2380 is already used by m-b (${B})`,
  );
  assert.match(planAddMember(s, { name: 'm-b', peerURLs: ['http://10.0.0.9:2380'] }).refusal ?? '', /already exists/);
  const noLeader = snapshot([member(A, { leader: NO_LEADER })]);
  assert.match(planAddMember(noLeader, { name: 'n', peerURLs: ['http://10.0.0.9:2380'] }).refusal ?? '', /no leader/);
});

test("the new member's configuration comes from the live member list and is clean under the linter (3.5 and 3.4)", () => {
  const s = three();
  // A member added but not started yet has no name: it is written with its id.
  s.members.push(member(D, { name: '', started: false, reachable: false, peerURLs: ['http://10.0.0.5:2380'], isLearner: true }));
  const text = newMemberConfig(s, {
    name: 'etcd-4',
    peerURLs: ['https://10.0.0.4:2380'],
    clientURLs: ['https://10.0.0.4:2379'],
    dataDir: '/var/lib/etcd/etcd-4',
    token: 'prod-1',
  });
  const lines = text.split('\n');
  for (const expected of [
    'ETCD_NAME=etcd-4',
    `ETCD_INITIAL_CLUSTER="m-a=http://10.0.0.1:2380,m-b=http://10.0.0.2:2380,m-c=http://10.0.0.3:2380,${D}=http://10.0.0.5:2380,etcd-4=https://10.0.0.4:2380"`,
    'ETCD_INITIAL_ADVERTISE_PEER_URLS=https://10.0.0.4:2380',
    'ETCD_INITIAL_CLUSTER_STATE=existing',
    'ETCD_LISTEN_PEER_URLS=https://10.0.0.4:2380',
    'ETCD_ADVERTISE_CLIENT_URLS=https://10.0.0.4:2379',
    'ETCD_LISTEN_CLIENT_URLS=https://0.0.0.0:2379',
    'ETCD_DATA_DIR=/var/lib/etcd/etcd-4',
    'ETCD_INITIAL_CLUSTER_TOKEN=prod-1',
    // https listeners need a certificate and key, or etcd refuses to start (the linter's tls-listener).
    'ETCD_PEER_CERT_FILE=/etc/etcd/pki/etcd-4-peer.crt',
    'ETCD_KEY_FILE=/etc/etcd/pki/etcd-4.key',
  ])
    assert.ok(lines.includes(expected), `${expected} in\n${text}`);
  for (const version of ['3.5', '3.4'] as const) {
    const findings = lintText(text, { format: 'env', version }).filter((d) => d.severity === 'error' || d.severity === 'warning');
    assert.deepEqual(
      findings.map((d) => `${d.code}: ${d.message}`),
      [],
      text,
    );
  }
});

test('the configuration after the add: the new member (no name yet, same peer URL) is written once, from the options', () => {
  const s = three();
  s.members.push(member(D, { name: '', started: false, reachable: false, peerURLs: ['http://10.0.0.4:2380'], isLearner: true }));
  const text = newMemberConfig(s, { name: 'etcd-4', peerURLs: ['http://10.0.0.4:2380'], dataDir: '/data/my etcd' });
  assert.match(text, /^ETCD_INITIAL_CLUSTER="m-a=[^"]*,m-c=http:\/\/10\.0\.0\.3:2380,etcd-4=http:\/\/10\.0\.0\.4:2380"$/m);
  assert.match(text, /^ETCD_DATA_DIR="\/data\/my etcd"$/m, 'a value with a space is quoted for systemd');
});

test('promote: only a started learner; the plan says whether its raft applied index has caught up', () => {
  const behind = three({ c: { isLearner: true, applied: 60 } });
  const plan = planPromote(behind, 'm-c');
  assert.equal(plan.refusal, null);
  assert.equal(plan.steps[0].memberId, A, 'the request goes to the leader');
  assert.match(plan.steps[0].text, /raft applied index 60 is 40 behind the leader's 100/);
  assert.match(planPromote(three({ c: { isLearner: true, applied: 100 } }), 'm-c').steps[0].text, /has caught up with the leader's 100/);
  assert.match(planPromote(three(), 'm-b').refusal ?? '', /not a learner: it already votes/);
  assert.match(planPromote(three(), 'zz').refusal ?? '', /no member/);
  assert.match(planPromote(three({ c: { isLearner: true, started: false } }), 'c').refusal ?? '', /has not started/);
});

test('remove: the guard decides; a member already down may go, a healthy one not when another is down', () => {
  const healthy = planRemoveMember(three(), 'm-b');
  assert.equal(healthy.guard?.allowed, true);
  assert.equal(healthy.steps[0].memberId, A);
  const oneDown = three({ c: { reachable: false } });
  const refused = planRemoveMember(oneDown, 'm-b');
  assert.equal(refused.guard?.allowed, false);
  assert.equal(refused.guard?.text, '3 voting members, 1 unhealthy (m-c): removing m-b leaves a 2-member cluster with 1 of the 2 needed');
  const dead = planRemoveMember(oneDown, 'm-c');
  assert.equal(dead.guard?.allowed, true, dead.guard?.text);
  assert.match(dead.summary, /m-c \(000000000000000c, down: connection refused/);
  assert.match(planRemoveMember(three(), 'nobody').refusal ?? '', /no member/);
});

test('remove the leader: leadership moves to the most caught-up follower first, which then carries the removal', () => {
  const plan = planRemoveMember(three(), 'm-a');
  assert.equal(plan.refusal, null);
  assert.deepEqual(
    plan.steps.map((s) => s.memberId),
    [A, C],
  );
  assert.match(plan.steps[0].text, /transfer leadership to m-c/);
  assert.match(plan.steps[1].text, /new leader m-c to remove m-a/);
  const alone = planRemoveMember(three({ b: { reachable: false }, c: { reachable: false } }), 'm-a');
  assert.match(alone.refusal ?? '', /no started, healthy voting follower can take over/);
});

test('a learner added to a 3-member cluster: its 4-member ETCD_INITIAL_CLUSTER lints clean (no even-size warning on a joining member)', () => {
  const text = newMemberConfig(three(), { name: 'etcd-4', peerURLs: ['http://10.0.0.4:2380'], dataDir: '/var/lib/etcd', token: 't-1' });
  assert.match(text, /^ETCD_INITIAL_CLUSTER="m-a=[^"]+,etcd-4=http:\/\/10\.0\.0\.4:2380"$/m);
  for (const version of ['3.5', '3.4'] as const) {
    const findings = lintText(text, { format: 'env', version }).filter((d) => d.severity === 'error' || d.severity === 'warning');
    assert.deepEqual(
      findings.map((d) => `${d.code}: ${d.message}`),
      [],
    );
  }
});
