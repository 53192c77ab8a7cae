// The inspection core against real etcd clusters (3.5 and 3.4): healthy, killed, hung, quorum lost,
// learners, alarms. Asserts on the model a refresh returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, healthyWithMetrics } from '../../harness/wait';
import { EtcdCluster } from '../../harness/etcdCluster';
import type { HarnessEtcdVersion } from '../../harness/binaries';
import { ClusterInspector } from '../../../src/etcd/probe';
import type { ClusterSnapshot, MemberReport } from '../../../src/etcd/model';

const TIMEOUT_MS = 1000;
const VERSIONS: HarnessEtcdVersion[] = ['3.5', '3.4'];

function inspectorFor(cluster: EtcdCluster, endpoints = cluster.endpoints): ClusterInspector {
  return new ClusterInspector({ name: 'test', endpoints, timeoutMs: TIMEOUT_MS });
}

function check(snapshot: ClusterSnapshot, id: string): boolean | null {
  const found = snapshot.checks.find((c) => c.id === id);
  assert.ok(found, `check ${id} exists`);
  return found.ok;
}

function byName(snapshot: ClusterSnapshot, name: string): MemberReport {
  const member = snapshot.members.find((m) => m.name === name);
  assert.ok(member, `member ${name} in the snapshot`);
  return member;
}

/** One refresh, timed by the wall clock around it (not by the snapshot's own elapsedMs). */
async function timedRefresh(inspector: ClusterInspector): Promise<{ snapshot: ClusterSnapshot; wallMs: number }> {
  const started = Date.now();
  const snapshot = await inspector.refresh();
  return { snapshot, wallMs: Date.now() - started };
}

for (const version of VERSIONS) {
  test(`etcd ${version}: a healthy 3-member cluster — every row complete, one leader all agree on, every check passes`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3 });
    const inspector = inspectorFor(cluster, [cluster.endpoints[0]]);
    t.after(async () => {
      inspector.dispose();
      await cluster.destroy();
    });
    const leaderName = await cluster.waitForLeader();
    // Writes between two refreshes: the metrics checks judge the interval between their /metrics reads.
    const s = await healthyWithMetrics(inspector, cluster);

    assert.equal(s.members.length, 3, 'the other members are discovered from one endpoint');
    assert.match(s.clusterId ?? '', /^[0-9a-f]{16}$/);
    assert.equal(s.leaderName, leaderName);
    assert.equal(s.leaderAgreement, true);
    assert.deepEqual(s.quorum, { votingMembers: 3, needed: 2, reachable: 3, healthy: 3, hasQuorum: true });
    for (const m of s.members) {
      assert.match(m.id, /^[0-9a-f]{16}$/);
      assert.equal(m.reachable, true);
      assert.ok(m.status);
      assert.ok(m.status.version.startsWith(version), m.status.version);
      assert.ok(m.status.dbSize > 0 && m.status.dbSizeInUse > 0 && m.status.dbSizeInUse <= m.status.dbSize);
      assert.equal(m.status.dbSizeQuota, 2 * 1024 ** 3, 'quota read from the member metrics');
      assert.ok(m.status.raftIndex > 0 && m.status.raftTerm > 0);
      assert.deepEqual(m.health && { healthy: m.health.healthy, error: m.health.error }, { healthy: true, error: null });
      assert.deepEqual(m.connectivity, { client: true, peer: true });
      assert.equal(m.isLeader, m.name === leaderName);
    }
    // clock-sync included: the clocks are read on the peer ports (GET /raft/probing). Only peer-latency may
    // be unknown: etcd samples the peer round trip every 30 s, and a fresh cluster may have too few samples.
    for (const c of s.checks) assert.equal(c.ok, c.id === 'peer-latency' ? c.ok : true, `${c.id}: ${c.actual}`);
    assert.notEqual(s.checks.find((c) => c.id === 'peer-latency')?.ok, false);

    // What etcdctl says must match: same ids, same leader.
    const json = await cluster.etcdctl(['endpoint', 'status', '-w', 'json']);
    const ids = [...json.stdout.matchAll(/"member_id":(\d+)/g)].map((m) => BigInt(m[1]).toString(16).padStart(16, '0'));
    assert.deepEqual([...ids].sort(), s.members.map((m) => m.id).sort());
  });

  test(`etcd ${version}: one member killed — reported unreachable with a reason, the rest complete, quorum kept`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3 });
    const inspector = inspectorFor(cluster);
    t.after(async () => {
      inspector.dispose();
      await cluster.destroy();
    });
    await cluster.kill('etcd-3');
    const { snapshot: s, wallMs } = await eventually(
      () => timedRefresh(inspector),
      (x) => x.snapshot.leaderId !== null && x.snapshot.quorum.healthy === 2,
    );
    const dead = byName(s, 'etcd-3');
    assert.equal(dead.reachable, false);
    assert.equal(dead.status, null);
    assert.equal(dead.errorKind, 'refused', dead.error ?? '');
    assert.equal(dead.error, 'connection refused (etcd not running or wrong port)');
    assert.equal(dead.connectivity.client, false);
    assert.equal(s.quorum.reachable, 2);
    assert.equal(s.quorum.hasQuorum, true);
    assert.equal(check(s, 'leader-exists'), true);
    assert.equal(check(s, 'member-count-quorum'), true);
    assert.equal(check(s, 'health'), false);
    assert.equal(check(s, 'connectivity'), false);
    assert.ok(wallMs < TIMEOUT_MS / 2, `a refused connection is reported well under the deadline: ${wallMs} ms`);
  });

  test(`etcd ${version}: two of three killed — no leader, quorum lost, the survivor says "etcdserver: no leader"`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3 });
    const inspector = inspectorFor(cluster);
    t.after(async () => {
      inspector.dispose();
      await cluster.destroy();
    });
    await cluster.kill('etcd-1');
    await cluster.kill('etcd-2');
    const { snapshot: s, wallMs } = await eventually(
      () => timedRefresh(inspector),
      (x) => x.snapshot.members.find((m) => m.name === 'etcd-3')?.status?.leaderId === '0000000000000000',
    );
    assert.equal(s.leaderId, null);
    assert.deepEqual(s.quorum, { votingMembers: 3, needed: 2, reachable: 1, healthy: 0, hasQuorum: false });
    const survivor = byName(s, 'etcd-3');
    assert.equal(survivor.status?.leaderId, '0000000000000000');
    assert.ok(survivor.status?.errors.includes('etcdserver: no leader'), JSON.stringify(survivor.status?.errors));
    assert.deepEqual(survivor.health, { healthy: false, tookMs: 0, error: 'etcdserver: no leader', errorKind: 'no-leader' });
    for (const name of ['etcd-1', 'etcd-2']) assert.equal(byName(s, name).errorKind, 'refused', byName(s, name).error ?? '');
    assert.equal(check(s, 'leader-exists'), false);
    assert.equal(check(s, 'member-count-quorum'), false);
    const leaderCheck = s.checks.find((c) => c.id === 'leader-exists');
    assert.equal(leaderCheck?.step, 'Step 5: Fix Quorum Loss');
    assert.match(leaderCheck?.suggestion ?? '', /bring back 1 more voting member/);
    assert.ok(wallMs < TIMEOUT_MS / 2, `no leader is reported without waiting for timeouts: ${wallMs} ms`);
  });
}

for (const version of VERSIONS) {
  test(`etcd ${version}: a hung (SIGSTOP) member costs its own row one deadline; the other rows arrive at once`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 5 });
    const inspector = inspectorFor(cluster);
    t.after(async () => {
      inspector.dispose();
      await cluster.destroy();
    });
    // Hang a follower, so the cluster keeps its leader.
    const leader = await cluster.waitForLeader();
    const victim = cluster.members.find((m) => m.name !== leader)?.name ?? '';
    const healthy = await eventually(
      () => inspector.refresh(),
      (x) => x.quorum.healthy === 5,
    );
    assert.deepEqual(
      healthy.quorum,
      { votingMembers: 5, needed: 3, reachable: 5, healthy: 5, hasQuorum: true },
      'a healthy 5-member cluster',
    );
    assert.equal(healthy.leaderName, leader);
    assert.ok(
      healthy.checks.every((c) => c.ok !== false),
      JSON.stringify(healthy.checks.filter((c) => c.ok === false)),
    );
    cluster.hang(victim);
    t.after(() => cluster.member(victim).process && cluster.resume(victim));

    const arrivals: Array<{ name: string; at: number }> = [];
    const started = Date.now();
    const s = await inspector.refresh({ onMember: (m) => arrivals.push({ name: m.name, at: Date.now() - started }) });
    const elapsed = Date.now() - started;
    assert.ok(elapsed <= TIMEOUT_MS + 50, `whole refresh within the deadline + 50 ms: ${elapsed} ms`);
    const others = arrivals.filter((a) => a.name !== victim);
    assert.equal(others.length, 4);
    for (const a of others) assert.ok(a.at < 300, `${a.name} arrived after ${a.at} ms`);
    const hung = byName(s, victim);
    assert.equal(hung.reachable, false);
    assert.equal(hung.errorKind, 'timeout', hung.error ?? '');
    assert.match(hung.error ?? '', /^no answer within 1000 ms/);
    assert.equal(hung.connectivity.client, true, 'a hung process still accepts TCP connections');
    assert.equal(s.quorum.reachable, 4);
    assert.equal(s.leaderName, leader);
    for (const m of s.members.filter((x) => x.name !== victim)) assert.equal(m.health?.healthy, true, `${m.name}: ${m.health?.error}`);
  });
}

test('etcd 3.5: the cluster is reachable through whichever endpoint still answers', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  const inspector = inspectorFor(cluster, [cluster.endpoints[0]]);
  t.after(async () => {
    inspector.dispose();
    await cluster.destroy();
  });
  await inspector.refresh();
  await cluster.kill('etcd-1');
  const s = await eventually(
    () => inspector.refresh(),
    (x) => x.leaderId !== null,
  );
  assert.equal(s.members.length, 3, 'members learnt on the first refresh are used for discovery');
  assert.equal(s.errors.length, 0);
  assert.equal(byName(s, 'etcd-1').reachable, false);
});

for (const version of VERSIONS) {
  test(`etcd ${version}: a NOSPACE alarm from a tiny quota fails health, db-size and alarms checks`, async (t) => {
    const quota = 64 * 1024;
    const cluster = await EtcdCluster.start({ version, size: 3, extraArgs: ['--quota-backend-bytes', String(quota)] });
    const inspector = inspectorFor(cluster);
    t.after(async () => {
      inspector.dispose();
      await cluster.destroy();
    });
    const value = 'x'.repeat(4096);
    for (let i = 0; i < 200; i++) {
      const put = await cluster.etcdctl(['put', `fill/${i}`, value]);
      if (put.code !== 0) {
        assert.match(put.stderr, /database space exceeded/);
        break;
      }
    }
    const s = await eventually(
      () => inspector.refresh(),
      (x) => x.alarms.length > 0,
    );
    assert.ok(
      s.alarms.some((a) => a.alarm === 'NOSPACE'),
      JSON.stringify(s.alarms),
    );
    assert.ok(
      s.alarms.every((a) => s.members.some((m) => m.id === a.memberId)),
      'alarm member ids are hex member ids',
    );
    for (const m of s.members) {
      assert.equal(m.status?.dbSizeQuota, quota);
      assert.equal(m.health?.healthy, false);
      assert.match(m.health?.error ?? '', /Active Alarm\(s\): NOSPACE/);
      assert.deepEqual(m.health?.alarms, ['NOSPACE'], 'the alarms that make it unhealthy, as data');
    }
    assert.equal(check(s, 'alarms-clear'), false);
    assert.equal(check(s, 'db-size-quota'), false);
    assert.equal(check(s, 'health'), false);
    assert.equal(check(s, 'leader-exists'), true);
  });
}

for (const version of VERSIONS) {
  test(`etcd ${version}: a learner is listed, does not vote, and is probed with a serializable read`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3 });
    const inspector = inspectorFor(cluster);
    t.after(async () => {
      inspector.dispose();
      await cluster.destroy();
    });
    const learner = await cluster.addMember({ learner: true });
    const s = await eventually(
      () => inspector.refresh(),
      (x) => x.members.length === 4 && x.members.every((m) => m.health?.healthy),
    );
    const row = byName(s, learner.name);
    assert.equal(row.isLearner, true);
    assert.equal(row.reachable, true);
    assert.equal(row.health?.healthy, true, row.health?.error ?? '');
    assert.deepEqual(s.quorum, { votingMembers: 3, needed: 2, reachable: 3, healthy: 3, hasQuorum: true });
  });
}

test('etcd 3.5: a member added but not started is reported as not started', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  const inspector = inspectorFor(cluster);
  t.after(async () => {
    inspector.dispose();
    await cluster.destroy();
  });
  await cluster.addMember({ learner: true, start: false });
  const s = await inspector.refresh();
  const unstarted = s.members.find((m) => !m.started);
  assert.ok(unstarted, 'unstarted member present');
  assert.equal(unstarted.name, '');
  assert.equal(unstarted.endpoint, null);
  assert.match(unstarted.error ?? '', /not started/);
  assert.equal(s.quorum.votingMembers, 3, 'an unstarted learner does not vote');
});

test('etcd 3.5: no retry or circuit breaker stretches refreshes of a dead member or hides its return', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  const inspector = inspectorFor(cluster);
  t.after(async () => {
    inspector.dispose();
    await cluster.destroy();
  });
  // A follower: killing the leader would make the others' health reads wait for an election.
  const leader = await cluster.waitForLeader();
  const victim = cluster.members.find((m) => m.name !== leader)?.name ?? '';
  await inspector.refresh();
  await cluster.kill(victim);
  // etcd3's default policies would retry three times and then open a breaker for 5 s after three failures.
  for (let i = 0; i < 5; i++) {
    const { snapshot: s, wallMs } = await timedRefresh(inspector);
    assert.ok(wallMs < TIMEOUT_MS / 2, `refresh ${i} took ${wallMs} ms`);
    assert.equal(byName(s, victim).errorKind, 'refused', `the real reason every time, not "breaker open": ${byName(s, victim).error}`);
  }
  await cluster.restart(victim);
  const backAt = Date.now();
  const s = await eventually(
    () => inspector.refresh(),
    (x) => byName(x, victim).reachable,
    3000,
  );
  assert.equal(byName(s, victim).reachable, true);
  assert.ok(Date.now() - backAt < 2500, `seen again ${Date.now() - backAt} ms after its restart (a breaker would hide it for 5 s)`);
});
