// The Clusters tree's labels, descriptions, icons and notifications, from hand-built snapshots.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { NO_LEADER } from '../../../src/etcd/model';
import { clusterNode, memberDetails, memberKind, memberNode } from '../../../src/shared/treeModel';
import { clusterState, leaderNotice } from '../../../src/shared/clusterState';
import { RUNBOOK_STEPS, runbookStepMarkdown } from '../../../src/etcd/runbook/steps';
import { etcdctlFlags } from '../../../src/etcd/runbook/shell';
import { A, B, C, member, snapshot } from '../../support/builders';

const clusterSummary = (...args: Parameters<typeof clusterState>): string => clusterState(...args).text;

const healthy = () => snapshot([member(A), member(B), member(C)]);
const quorumLost = () => snapshot([member(A, { reachable: false }), member(B, { reachable: false }), member(C, { leader: NO_LEADER })]);

test('a healthy cluster reads "leader <name> · 3/3 healthy" with a passing icon', () => {
  const node = clusterNode('prod', ['http://10.0.0.1:2379'], healthy(), false);
  assert.equal(node.description, 'leader m-a · 3/3 healthy');
  assert.equal(node.icon.id, 'pass-filled');
  assert.equal(node.contextValue, 'cluster.healthy');
  assert.match(node.tooltip, /Leader: m-a/);
});

test('two of three down reads "NO LEADER · 1/3 reachable · quorum lost", and the tooltip says what quorum needs', () => {
  const s = quorumLost();
  assert.equal(clusterSummary(s), 'NO LEADER · 1/3 reachable · quorum lost');
  const node = clusterNode('prod', [], s, false, 4);
  assert.equal(node.icon.id, 'error');
  assert.equal(node.contextValue, 'cluster.no-leader');
  assert.match(node.tooltip, /1 of 3 voting members reachable, quorum needs 2 — QUORUM LOST/);
  assert.match(node.tooltip, /4 leader change\(s\)/);
  assert.match(node.tooltip, /Failing checks:\n• Leader exists: no leader/);
});

test('a degraded cluster (one member down) keeps its leader in the summary and counts the down member', () => {
  const s = snapshot([member(A), member(B), member(C, { reachable: false })]);
  assert.equal(clusterState(s).condition, 'degraded');
  assert.equal(clusterSummary(s), 'leader m-a · 2/3 healthy · 1 down');
});

test('learners and alarms show in the summary; unreachable and unknown clusters say so', () => {
  const s = snapshot([member(A), member(B), member(C, { isLearner: true })], [{ memberId: A, alarm: 'NOSPACE' }]);
  assert.equal(clusterSummary(s), 'leader m-a · 2/2 healthy · 1 learner · ALARM NOSPACE');
  assert.equal(clusterSummary(snapshot([])), 'UNREACHABLE · no endpoint answered');
  assert.equal(clusterSummary(undefined, true), 'refreshing…');
  assert.equal(clusterState(undefined).condition, 'unknown');
});

test('member nodes: icon and reason per kind, name and hex id, context values for menus', () => {
  const s = snapshot([member(A), member(B, { reachable: false }), member(C, { isLearner: true })]);
  assert.deepEqual(s.members.map(memberKind), ['leader', 'unreachable', 'learner']);
  const leader = memberNode(s.members[0]);
  assert.equal(leader.label, 'm-a');
  assert.equal(leader.description, `${A} · leader`);
  assert.equal(leader.icon.id, 'star-full');
  assert.equal(leader.contextValue, 'member.leader.hasClientUrl');
  const down = memberNode(s.members[1]);
  assert.equal(down.description, `${B} · connection refused (etcd not running or wrong port)`);
  assert.equal(down.icon.id, 'error');
  const unstarted = memberNode({
    ...s.members[2],
    name: '',
    started: false,
    clientURLs: [],
    reachable: false,
    error: 'added to the cluster but not started yet',
  });
  assert.equal(unstarted.label, '(not started)');
  assert.equal(unstarted.contextValue, 'member.unstarted.isLearner');
  const sick = memberNode({
    ...s.members[0],
    health: { healthy: false, tookMs: 0, error: 'Active Alarm(s): NOSPACE', alarms: ['NOSPACE'] },
  });
  assert.equal(sick.icon.id, 'warning');
  assert.match(sick.description, /NOSPACE/);
});

test('context values carry `writable` only for a writable cluster, and `isLearner` for every learner: the menus of changes key on them', () => {
  const s = snapshot([member(A), member(B, { reachable: false }), member(C, { isLearner: true })]);
  assert.equal(memberNode(s.members[0], { writable: true }).contextValue, 'member.leader.hasClientUrl.writable');
  assert.equal(memberNode(s.members[0], { writable: false }).contextValue, 'member.leader.hasClientUrl');
  assert.equal(memberNode(s.members[2], { writable: true }).contextValue, 'member.learner.isLearner.hasClientUrl.writable');
  // A learner that is down is still a learner for the promote menu.
  assert.equal(memberNode(s.members[1]).contextValue, 'member.unreachable.hasClientUrl');
  assert.equal(
    memberNode({ ...s.members[2], reachable: false }, { writable: true }).contextValue,
    'member.unreachable.isLearner.hasClientUrl.writable',
  );
  assert.equal(clusterNode('prod', [], s, false, 0, true).contextValue, 'cluster.quorum-lost.writable');
  assert.equal(clusterNode('prod', [], s, false, 0, false).contextValue, 'cluster.quorum-lost');
  assert.equal(clusterNode('prod', [], s, false).contextValue, 'cluster.quorum-lost', 'read-only unless told otherwise');
});

test('package.json: every change in a tree menu needs `writable` in the context value, and every change is hidden from the palette when etcdInspector.readOnly is set', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    contributes: { menus: Record<string, Array<{ command: string; when?: string }>> };
  };
  const changes = ['defragmentCluster', 'disarmAlarm', 'moveLeader', 'addMember', 'promoteMember', 'removeMember', 'verifyWrite'].map(
    (c) => `etcdInspector.${c}`,
  );
  const tree = pkg.contributes.menus['view/item/context'].filter((m) => changes.includes(m.command));
  assert.ok(tree.length >= changes.length);
  for (const m of tree) assert.match(m.when ?? '', /viewItem =~ \/.*\\bwritable\\b\//, m.command);
  const palette = pkg.contributes.menus.commandPalette;
  for (const c of changes)
    assert.ok(
      palette.some((m) => m.command === c && /!config\.etcdInspector\.readOnly/.test(m.when ?? '')),
      `${c} hidden from the palette under readOnly`,
    );
  // The regexes of the menus match the context values memberNode and clusterNode build.
  const s = snapshot([member(A), member(B), member(C, { isLearner: true })]);
  const when = (command: string, prefix: string): RegExp => {
    const m = tree.find((x) => x.command === command && (x.when ?? '').includes(prefix));
    const source = /viewItem =~ \/(.*)\/$/.exec(m?.when ?? '')?.[1] ?? '$^';
    return new RegExp(source);
  };
  assert.ok(when('etcdInspector.promoteMember', 'member').test(memberNode(s.members[2], { writable: true }).contextValue));
  assert.ok(!when('etcdInspector.promoteMember', 'member').test(memberNode(s.members[2], { writable: false }).contextValue));
  assert.ok(!when('etcdInspector.promoteMember', 'member').test(memberNode(s.members[1], { writable: true }).contextValue));
  assert.ok(when('etcdInspector.moveLeader', 'member').test(memberNode(s.members[1], { writable: true }).contextValue));
  assert.ok(
    !when('etcdInspector.moveLeader', 'member').test(memberNode(s.members[0], { writable: true }).contextValue),
    'not to the leader',
  );
  assert.ok(when('etcdInspector.defragmentCluster', 'cluster').test(clusterNode('p', [], s, false, 0, true).contextValue));
  assert.ok(!when('etcdInspector.defragmentCluster', 'cluster').test(clusterNode('p', [], s, false, 0, false).contextValue));
});

test('a hostile member name stays data: the model carries it verbatim for the view to render as text', () => {
  const name = '<b>x</b><script>alert(1)</script>';
  const node = memberNode({ ...member(A), name });
  assert.equal(node.label, name);
});

test('member details list version, sizes, raft figures, URLs and alarms', () => {
  const s = snapshot([member(A, { dbSize: 20480, inUse: 16384, quota: 2147483648 })], [{ memberId: A, alarm: 'NOSPACE' }]);
  const rows = Object.fromEntries(memberDetails(s.members[0], s));
  assert.equal(rows.version, '3.5.16');
  assert.equal(rows['db size'], '20 kB (in use 16 kB, 20% free)');
  assert.equal(rows.quota, '2.1 GB');
  assert.equal(rows.raft, 'term 2 · index 100 · applied 100');
  assert.equal(rows['client URL'], 'http://127.0.0.1:2379');
  assert.equal(rows.alarms, 'NOSPACE');
});

test('leader notices: a bad state is announced once it is seen twice in a row, a recovery at once, nothing twice', () => {
  const ok = healthy();
  const lost = quorumLost();
  const none = snapshot([]);
  assert.deepEqual(leaderNotice('ok', undefined, ok), { notice: undefined, announced: 'ok' });
  assert.deepEqual(leaderNotice('ok', ok, lost), { notice: undefined, announced: 'ok' }, 'one bad refresh is not enough');
  assert.deepEqual(leaderNotice('ok', lost, lost), { notice: 'lost', announced: 'no-leader' });
  assert.deepEqual(leaderNotice('no-leader', lost, lost), { notice: undefined, announced: 'no-leader' }, 'not every refresh');
  assert.deepEqual(leaderNotice('no-leader', lost, ok), { notice: 'regained', announced: 'ok' });
  assert.deepEqual(leaderNotice('ok', none, none), { notice: 'unreachable', announced: 'unreachable' });
  assert.deepEqual(leaderNotice('ok', undefined, lost), { notice: undefined, announced: 'ok' });
  const allDown = snapshot([member(A, { reachable: false }), member(B, { reachable: false })]);
  assert.equal(clusterState(allDown).condition, 'unreachable', 'no member answered: the leader is unknown, not absent');
});

test("runbook steps carry this cluster's etcdctl flags and members, never a password", () => {
  const profile = {
    name: 'prod',
    endpoints: ['https://10.0.0.1:2379'],
    tls: { caFile: '/pki/ca.crt', certFile: '/pki/c.crt', keyFile: '/pki/c key' },
    username: 'root',
    password: 'hunter2',
  };
  assert.equal(
    etcdctlFlags(profile),
    "--endpoints=https://10.0.0.1:2379 --cacert=/pki/ca.crt --cert=/pki/c.crt '--key=/pki/c key' --user=root",
  );
  const s = quorumLost();
  const quorum = runbookStepMarkdown('quorum', s, profile);
  assert.match(quorum, /# Step 5: Fix Quorum Loss — cluster "prod"/);
  assert.match(quorum, /NO LEADER, 1 of 3 voting members reachable \(quorum needs 2\)/);
  assert.match(quorum, /--force-new-cluster/);
  assert.match(quorum, /CAUTION/);
  const add = runbookStepMarkdown('add-member', s, profile);
  assert.match(add, new RegExp(`member remove ${A}`));
  assert.match(add, /member add m-a --peer-urls=http:\/\/127\.0\.0\.1:2380/);
  const defrag = runbookStepMarkdown('defrag', healthy(), profile);
  assert.equal(defrag.match(/ defrag /g)?.length, 3, 'one defrag per member');
  const hostile = snapshot([member(A, { name: "a'; rm -rf / #\nb", reachable: false }), member(B)]);
  const quoted = runbookStepMarkdown('add-member', hostile, profile);
  assert.ok(quoted.includes(`member add 'a'\\''; rm -rf / #\nb'`), 'names are shell-quoted in commands');
  assert.ok(!/# a'; rm -rf \/ #\n/.test(quoted), 'and cannot break out of a comment');
  for (const step of RUNBOOK_STEPS) assert.ok(!runbookStepMarkdown(step.id, s, profile).includes('hunter2'), step.id);
});

test('a member whose advertised URL was not contacted says so in its details, tooltip and the connectivity check', () => {
  const message = 'advertises http://10.0.0.2:2379 over plain http while the cluster was given over https: not contacted';
  const s = snapshot([member(A), member(B, { warnings: [{ kind: 'advertised-url', message }] }), member(C)]);
  assert.ok(memberDetails(s.members[1], s).some(([k, v]) => k === 'warning' && v === message));
  assert.match(memberNode(s.members[1]).tooltip, /warning: advertises http:\/\/10\.0\.0\.2:2379 over plain http/);
  const connectivity = s.checks.find((c) => c.id === 'connectivity');
  assert.equal(connectivity?.ok, false);
  assert.ok(connectivity?.actual.includes(`m-b ${message}`), connectivity?.actual);
  // A metrics warning is shown but is not a connectivity failure.
  const metrics = snapshot([member(A, { warnings: [{ kind: 'metrics', message: 'its /metrics page could not be read: too large' }] })]);
  assert.equal(metrics.checks.find((c) => c.id === 'connectivity')?.ok, true);
});

test('a cluster reached through an SSH tunnel says so: "via …" after its state, and the tooltip names the route', () => {
  const node = clusterNode('prod', ['https://10.0.0.1:2379'], healthy(), false, 0, false, 'via ops@bastion-1');
  assert.equal(node.description, `${clusterNode('prod', [], healthy(), false).description} · via ops@bastion-1`);
  assert.match(node.tooltip, /^prod\nhttps:\/\/10\.0\.0\.1:2379\nReached via ops@bastion-1 \(SSH tunnel\)/);
  assert.doesNotMatch(clusterNode('prod', [], healthy(), false).tooltip, /Reached via/);
});
