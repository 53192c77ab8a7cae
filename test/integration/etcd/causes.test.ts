// The cause engine against real faults on loopback: each fault ranks its cause first, confirmed, and no other
// cause is confirmed. Quorum loss (two of three killed), a member failure (one killed), a configuration mismatch
// (an endpoint of another cluster, made with another --initial-cluster-token), a slow disk (the figures of a
// member whose fdatasync strace delayed by 600 ms, recorded as fixtures: the real pages, before and after a
// write load), a network partition (a member cut off from its peers by the harness's peer proxy) and clock skew.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EtcdCluster } from '../../harness/etcdCluster';
import { eventually } from '../../harness/wait';
import { shiftedPeer } from '../../harness/clockShift';
import { PeerClock } from '../../../src/etcd/clock';
import { clockCheck } from '../../../src/etcd/checklist';
import { ClusterInspector } from '../../../src/etcd/probe';
import { CAUSE_IDS, diagnose, memberListDisagreements, type Cause, type CauseId, type DiagnosisInput } from '../../../src/etcd/causes';
import { MemberMetricsHistory } from '../../../src/metrics/figures';
import { parseSample } from '../../../src/metrics/sample';
import type { ClusterSnapshot } from '../../../src/etcd/model';

const TIMEOUT_MS = 1500;

function inspector(t: { after(fn: () => void): void }, endpoints: string[]): ClusterInspector {
  const i = new ClusterInspector({ name: 'causes', endpoints, timeoutMs: TIMEOUT_MS });
  t.after(() => i.dispose());
  return i;
}

/** The top cause is `id`, confirmed, with evidence; every cause present once; no other confirmed. */
function ranksFirst(input: DiagnosisInput, id: CauseId): Cause[] {
  const d = diagnose(input);
  assert.deepEqual(d.causes.map((c) => c.id).sort(), [...CAUSE_IDS].sort());
  const shown = JSON.stringify(d.causes.map((c) => [c.id, c.verdict, c.summary]));
  assert.equal(d.causes[0].id, id, shown);
  assert.equal(d.causes[0].verdict, 'confirmed', shown);
  assert.ok(d.causes[0].evidence.length > 0);
  for (const c of d.causes.slice(1)) assert.notEqual(c.verdict, 'confirmed', shown);
  return d.causes;
}

const fixture = (name: string): string => readFileSync(join(__dirname, '..', '..', 'fixtures', 'metrics', name), 'utf8');

test('etcd 3.4: quorum lost — two of three killed: quorum first, the survivor named, the dead members its evidence', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.4', size: 3 });
  t.after(() => cluster.destroy());
  const i = inspector(t, cluster.endpoints);
  await eventually(
    () => i.refresh(),
    (s) => s.quorum.healthy === 3,
  );
  await cluster.kill('etcd-1');
  await cluster.kill('etcd-2');
  const s = await eventually(
    () => i.refresh(),
    (x) => x.leaderId === null && x.quorum.reachable === 1,
  );
  const causes = ranksFirst({ snapshot: s }, 'quorum');
  assert.match(causes[0].summary, /^quorum lost — 2 of 3 voting members down \(etcd-1: connection refused.*etcd-2: connection refused/);
  assert.equal(causes.find((c) => c.id === 'member-failure')?.verdict, 'likely');
  assert.equal(diagnose({ snapshot: s }).hasLeader, false);
});

test('etcd 3.5: a member killed, quorum kept: member failure first; quorum and partition ruled out', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  t.after(() => cluster.destroy());
  const i = inspector(t, cluster.endpoints);
  await eventually(
    () => i.refresh(),
    (s) => s.quorum.healthy === 3,
  );
  await cluster.kill('etcd-3');
  const s = await eventually(
    () => i.refresh(),
    (x) => x.leaderId !== null && x.quorum.reachable === 2,
  );
  const causes = ranksFirst({ snapshot: s }, 'member-failure');
  assert.match(causes[0].summary, /^1 member\(s\) down \(etcd-3\), quorum kept/);
  assert.equal(causes.find((c) => c.id === 'quorum')?.verdict, 'ruled-out');
  assert.equal(causes.find((c) => c.id === 'partition')?.verdict, 'ruled-out');
});

test('etcd 3.5: an endpoint of another cluster (another --initial-cluster-token) in the list: configuration mismatch first', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  const stranger = await EtcdCluster.start({
    version: '3.5',
    size: 1,
    names: ['stranger'],
    extraArgs: ['--initial-cluster-token', 'another-token'],
  });
  t.after(async () => {
    await cluster.destroy();
    await stranger.destroy();
  });
  const i = inspector(t, [...cluster.endpoints, stranger.endpoints[0]]);
  // First the cluster's members hang: the stranger is the only endpoint that answers, so it is inspected.
  // Once they answer again the refresh must go back to the cluster most given endpoints belong to, not stay
  // with the endpoint that answered last time (it did: every refresh showed the stranger's one member).
  for (const m of cluster.members) cluster.hang(m.name);
  const alone = await i.refresh();
  for (const m of cluster.members) cluster.resume(m.name);
  assert.equal(alone.members.map((m) => m.name).join(), 'stranger', JSON.stringify(alone.errors));
  const s = await eventually(
    () => i.refresh(),
    (x) => x.quorum.healthy === 3 && x.unmatchedEndpoints.some((u) => u.clusterId !== undefined),
  );
  const foreign = s.unmatchedEndpoints.find((u) => u.endpoint === stranger.endpoints[0]);
  assert.ok(foreign?.clusterId && foreign.clusterId !== s.clusterId, JSON.stringify(s.unmatchedEndpoints));
  const causes = ranksFirst({ snapshot: s }, 'config-mismatch');
  assert.match(
    causes[0].summary,
    new RegExp(
      `^configuration mismatch — ${stranger.endpoints[0].replace(/[./]/g, '\\$&')} belongs to another cluster \\(${foreign.clusterId}\\)`,
    ),
  );
});

test('a slow disk: a real cluster whose member carries the figures of a member with 600 ms fdatasync (recorded pages) — slow disk first', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  t.after(() => cluster.destroy());
  const i = inspector(t, cluster.endpoints);
  const s: ClusterSnapshot = await eventually(
    () => i.refresh(),
    (x) => x.quorum.healthy === 3,
  );
  const history = new MemberMetricsHistory();
  history.add(parseSample(fixture('etcd-3.5-very-slow-disk-before.txt'), Date.now() - 60_000));
  history.add(parseSample(fixture('etcd-3.5-very-slow-disk-after.txt'), Date.now()));
  const slow = history.figures();
  assert.ok(slow?.walFsyncP99?.seconds && slow.walFsyncP99.seconds > 0.5, JSON.stringify(slow?.walFsyncP99));
  const snapshot = { ...s, members: s.members.map((m) => (m.name === 'etcd-2' ? { ...m, metrics: slow } : m)) };
  const causes = ranksFirst({ snapshot }, 'slow-disk');
  assert.match(causes[0].summary, /^slow disk — etcd-2: WAL fsync p99 [0-9.]+ (ms|s) > 10 ms, (warning|critical) \(mixin\)/);
  // The same cluster without the fixture: the disk is not the cause.
  assert.notEqual(diagnose({ snapshot: s }).causes.find((c) => c.id === 'slow-disk')?.verdict, 'confirmed');
});

for (const version of ['3.5', '3.4'] as const) {
  test(`etcd ${version}: a follower cut off from its peers (the harness's peer proxy), still answering clients — partition first`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3, peerProxy: true });
    t.after(() => cluster.destroy());
    const i = inspector(t, cluster.endpoints);
    const healthy = await eventually(
      () => i.refresh(),
      (s) => s.quorum.healthy === 3 && s.leaderId !== null,
    );
    const follower = healthy.members.find((m) => !m.isLeader)?.name ?? '';
    cluster.isolate(follower);
    // The isolated member loses its leader after an election timeout; the other two keep one.
    const s = await eventually(
      () => i.refresh(),
      (x) => x.members.find((m) => m.name === follower)?.status?.leaderId === '0000000000000000' && x.leaderId !== null,
      20_000,
    );
    const causes = ranksFirst({ snapshot: s }, 'partition');
    assert.match(
      causes[0].summary,
      new RegExp(`^network partition — ${follower} is up and answering but cut off from the leader etcd-\\d`),
    );
    assert.equal(causes.find((c) => c.id === 'quorum')?.verdict, 'ruled-out');
    assert.notEqual(causes.find((c) => c.id === 'member-failure')?.verdict, 'confirmed');
    cluster.healAll();
  });
}

test('etcd 3.5: a learner removed while a follower is cut off — that member still lists it, and the lists disagree', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3, peerProxy: true });
  t.after(() => cluster.destroy());
  const i = inspector(t, cluster.endpoints);
  // A learner that is never started (it counts for no quorum), added while every member is connected (etcd
  // refuses a membership change otherwise: "unhealthy cluster"), and known to all three.
  // (etcd wants every peer connected for 5 s first: a fresh cluster answers "unhealthy cluster" until then.)
  const added = await eventually(
    () => cluster.etcdctl(['member', 'add', 'learner-x', '--learner', '--peer-urls=http://127.0.0.1:9']),
    (r) => r.code === 0 || !/unhealthy cluster/.test(r.stderr),
    20_000,
  );
  assert.equal(added.code, 0, added.stderr);
  const learnerId = /Member\s+([0-9a-f]+) added/.exec(added.stdout)?.[1] ?? '';
  assert.ok(learnerId, added.stdout);
  const healthy = await eventually(
    () => i.refresh(),
    (s) => s.quorum.healthy === 3 && s.leaderId !== null && s.members.length === 4,
  );
  await eventually(
    async () => i.memberViews(healthy),
    (views) => views.length === 3 && views.every((v) => v.members?.length === 4),
  );
  const follower = healthy.members.find((m) => m.started && !m.isLeader)?.name ?? '';
  cluster.isolate(follower);
  // Removed through the two that keep a leader (removing a learner never costs quorum).
  const others = healthy.members.filter((m) => m.started && m.name !== follower).map((m) => m.endpoint as string);
  const removed = await cluster.etcdctl(['member', 'remove', learnerId], { endpoints: others });
  assert.equal(removed.code, 0, removed.stderr);
  // Until the follower has lost its leader and the others have applied the removal. (The snapshot's own
  // member list may come from the cut-off follower, which still lists the learner: the views are compared.)
  const { s, memberViews } = await eventually(
    async () => {
      const x = await i.refresh();
      return { s: x, memberViews: await i.memberViews(x) };
    },
    ({ s: x, memberViews: v }) =>
      x.members.find((m) => m.name === follower)?.status?.leaderId === '0000000000000000' &&
      v.length === 3 &&
      v.filter((view) => view.member !== follower).every((view) => view.members?.length === 3) &&
      v.find((view) => view.member === follower)?.members?.length === 4,
    20_000,
  );
  const d = diagnose({ snapshot: s, memberViews });
  const mismatch = d.causes.find((c) => c.id === 'config-mismatch');
  assert.equal(mismatch?.verdict, 'likely', JSON.stringify(d.causes.map((c) => [c.id, c.verdict])));
  const lines = mismatch?.evidence.filter((e) => e.source === 'member-list').map((e) => e.text) ?? [];
  const agree = memberViews
    .filter((v) => v.member !== follower)
    .map((v) => v.member)
    .join(', ');
  assert.deepEqual(lines, [
    `${follower}'s member list lists ${learnerId.padStart(16, '0')}, which the others do not (${agree} agree on 3 member(s))`,
  ]);
  // The partition is what is wrong; the disagreement is what it left behind.
  assert.equal(d.causes[0].id, 'partition');
  cluster.healAll();
  // Healed, the member catches up with the change and the lists agree again.
  await eventually(
    async () => memberListDisagreementsOf(i, await i.refresh()),
    (lines) => lines.length === 0,
    20_000,
  );
});

async function memberListDisagreementsOf(i: ClusterInspector, s: ClusterSnapshot): Promise<string[]> {
  return memberListDisagreements(await i.memberViews(s));
}

test('etcd 3.5: a member whose clock is 3 s ahead (its /raft/probing answer shifted) — clock skew first', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  t.after(() => cluster.destroy());
  const i = inspector(t, cluster.endpoints);
  const s = await eventually(
    () => i.refresh(),
    (x) => x.quorum.healthy === 3 && x.members.every((m) => m.clock !== null),
  );
  const ahead = await shiftedPeer(cluster.member('etcd-2').peerUrl, 3000);
  t.after(() => ahead.server.close());
  const clock = new PeerClock();
  t.after(() => clock.dispose());
  const measured = await clock.measure(ahead.url, new Date(Date.now() + TIMEOUT_MS), TIMEOUT_MS);
  assert.ok(measured.reading, measured.error?.text);
  const members = s.members.map((m) => (m.name === 'etcd-2' ? { ...m, clock: measured.reading } : m));
  const snapshot = { ...s, members, checks: s.checks.map((c) => (c.id === 'clock-sync' ? clockCheck(members) : c)) };
  const causes = ranksFirst({ snapshot }, 'clock-skew');
  assert.match(causes[0].summary, /^clock skew — etcd-2 is (29[5-9]\d|30[0-4]\d) ms ahead of etcd-\d/);
});
