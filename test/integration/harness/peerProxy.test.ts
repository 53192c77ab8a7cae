// The harness's network partition (issue 13) against real etcd 3.5 and 3.4: peer traffic through the peer
// proxy, links cut and healed while every member stays reachable on its client port. Each test pins what etcd
// really does in the fault (the cause engine is tested on these faults), and reports its timings and terms
// with t.diagnostic().
import { after, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdCluster, type HarnessMember } from '../../harness/etcdCluster';
import type { HarnessEtcdVersion } from '../../harness/binaries';
import { eventually, healthyWithMetrics } from '../../harness/wait';
import { ClusterInspector } from '../../../src/etcd/probe';

const VERSIONS: HarnessEtcdVersion[] = ['3.5', '3.4'];
const ELECTION_MS = 1000;
const NO_LEADER = '0000000000000000';

/** One member's view through its client port (etcd's JSON gateway): ids in 16-digit hex, raftTerm as etcd reports it. */
interface View {
  memberId: string;
  leader: string;
  raftTerm: number;
  errors: string[];
}

const hex = (decimal: string | undefined): string =>
  BigInt(decimal ?? '0')
    .toString(16)
    .padStart(16, '0');

async function view(member: HarnessMember): Promise<View | undefined> {
  try {
    const response = await fetch(`${member.clientUrl}/v3/maintenance/status`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(1000),
    });
    const b = (await response.json()) as { header?: { member_id?: string }; leader?: string; raftTerm?: string; errors?: string[] };
    return { memberId: hex(b.header?.member_id), leader: hex(b.leader), raftTerm: Number(b.raftTerm ?? 0), errors: b.errors ?? [] };
  } catch {
    return undefined;
  }
}

async function views(cluster: EtcdCluster): Promise<Map<string, View | undefined>> {
  const all = await Promise.all(cluster.members.map((m) => view(m)));
  return new Map(cluster.members.map((m, i) => [m.name, all[i]]));
}

/** Polls every 50 ms until `ok` holds of every member's view; returns the views and how long it took. */
async function until(
  cluster: EtcdCluster,
  ok: (v: Map<string, View | undefined>) => boolean,
  timeoutMs: number,
): Promise<{ views: Map<string, View | undefined>; ms: number }> {
  const started = Date.now();
  const v = await eventually(() => views(cluster), ok, timeoutMs, 50);
  return { views: v, ms: Date.now() - started };
}

function show(v: Map<string, View | undefined>, names: Map<string, string>): string {
  return [...v].map(([n, x]) => `${n}: ${x ? `leader ${names.get(x.leader) ?? x.leader} term ${x.raftTerm}` : 'no answer'}`).join(', ');
}

/** Member names by hex id. */
async function idNames(cluster: EtcdCluster): Promise<Map<string, string>> {
  const v = await views(cluster);
  return new Map([...v].flatMap(([name, x]) => (x ? [[x.memberId, name] as [string, string]] : [])));
}

/** Every member names the same leader at the same term (the term of its last applied entry). */
function settledOn(v: Map<string, View | undefined>): string | undefined {
  const all = [...v.values()];
  const first = all[0];
  if (!first || first.leader === NO_LEADER) return undefined;
  return all.every((x) => x && x.leader === first.leader && x.raftTerm === first.raftTerm) ? first.leader : undefined;
}

/** Waits until the cluster has a leader every member names, a write in its term applied everywhere; returns its name and term. */
async function settle(cluster: EtcdCluster, names: Map<string, string>): Promise<{ leader: string; term: number }> {
  await cluster.waitForLeader();
  const put = await cluster.etcdctl(['put', 'settle', String(Date.now())]);
  assert.equal(put.code, 0, put.stderr);
  const { views: v } = await until(cluster, (x) => settledOn(x) !== undefined, 10000);
  const leader = settledOn(v);
  assert.ok(leader, `no settled leader: ${show(v, names)}`);
  return { leader: names.get(leader) ?? leader, term: v.get(cluster.members[0].name)?.raftTerm ?? 0 };
}

async function moveLeader(cluster: EtcdCluster, names: Map<string, string>, to: string, t: TestContext): Promise<number> {
  const { leader: from, term } = await settle(cluster, names);
  if (from === to) return term;
  const target = [...names].find(([, n]) => n === to)?.[0];
  assert.ok(target);
  const moved = await cluster.etcdctl(['move-leader', target], { endpoints: [cluster.member(from).clientUrl] });
  assert.equal(moved.code, 0, moved.stderr);
  const after = await settle(cluster, names);
  assert.equal(after.leader, to);
  t.diagnostic(`leader moved from ${from} (term ${term}) to ${to} (term ${after.term})`);
  return after.term;
}

for (const version of VERSIONS) {
  test(`etcd ${version}: a healthy cluster through the peer proxy passes the inspector's checks, and the proxy knows who dials`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3, peerProxy: true, electionMs: ELECTION_MS });
    const inspector = new ClusterInspector({ name: 'proxied', endpoints: [cluster.endpoints[0]], timeoutMs: 1000 });
    t.after(async () => {
      inspector.dispose();
      await cluster.destroy();
    });
    const proxy = cluster.peerProxy;
    assert.ok(proxy);
    for (const m of cluster.members) {
      assert.equal(m.peerUrl, proxy.frontUrl(m.name), 'the member advertises the front');
      assert.ok(m.listenPeerUrl && m.listenPeerUrl !== m.peerUrl, 'and listens on a port of its own');
    }

    const leaderName = await cluster.waitForLeader();
    // As in inspect.test.ts: writes between two refreshes, for the metrics checks' interval.
    const s = await healthyWithMetrics(inspector, cluster);
    assert.equal(s.leaderName, leaderName);
    assert.equal(s.leaderAgreement, true);
    assert.deepEqual(s.quorum, { votingMembers: 3, needed: 2, reachable: 3, healthy: 3, hasQuorum: true });
    for (const m of s.members) {
      assert.deepEqual(m.peerURLs, [proxy.frontUrl(m.name)], 'the member list carries the advertised fronts');
      assert.deepEqual(m.connectivity, { client: true, peer: true });
      assert.ok(m.clock, `${m.name}: its clock is read through the proxy (${m.clockError})`);
    }
    // Only peer-latency may be unknown: etcd samples the peer round trip every 30 s.
    for (const c of s.checks) assert.equal(c.ok, c.id === 'peer-latency' ? c.ok : true, `${c.id}: ${c.actual}`);
    assert.notEqual(s.checks.find((c) => c.id === 'peer-latency')?.ok, false);

    // Every member dials every other one, each connection identified; the header and the socket owner agree.
    const seen = proxy.history;
    for (const a of cluster.members)
      for (const b of cluster.members) {
        if (a === b) continue;
        const streams = seen.filter((c) => c.from === a.name && c.to === b.name && c.firstRequest.startsWith('GET /raft/stream/'));
        assert.ok(streams.length >= 2, `${a.name} reads two streams from ${b.name}`);
        for (const c of streams) assert.deepEqual([c.identifiedBy, c.socketOwner], ['header', a.name], JSON.stringify(c));
      }
    // etcd's own prober (every 4 s from start) sends no X-Server-From: the socket owner names its member.
    const probes = await eventually(
      async () => proxy.history.filter((c) => c.firstRequest === 'GET /raft/probing' && c.from !== 'outside'),
      (x) => x.length > 0,
      10000,
    );
    assert.ok(probes.length > 0, 'member probes seen');
    for (const c of probes) assert.deepEqual([c.identifiedBy, c.serverFrom, c.from], ['socket', undefined, c.socketOwner]);
    assert.ok(
      seen.some((c) => c.from === 'outside' && c.firstRequest === 'GET /raft/probing'),
      "the inspector's clock probe is from outside",
    );
    assert.equal(
      [...proxy.memberIds().entries()].sort().join(),
      [...(await idNames(cluster)).entries()].sort().join(),
      'X-Server-From ids map to the members',
    );
  });

  test(`etcd ${version}: isolating the leader — the other two elect a new one, the old one steps down and still answers; heal — one leader again`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3, peerProxy: true, electionMs: ELECTION_MS });
    const inspector = new ClusterInspector({ name: 'proxied', endpoints: cluster.endpoints, timeoutMs: 1000 });
    t.after(async () => {
      inspector.dispose();
      await cluster.destroy();
    });
    const names = await idNames(cluster);
    const { leader: oldLeader, term: oldTerm } = await settle(cluster, names);
    const others = cluster.members.filter((m) => m.name !== oldLeader).map((m) => m.name);

    const cutAt = Date.now();
    cluster.isolate(oldLeader);
    const elected = await until(
      cluster,
      (v) => {
        const leaders = others.map((n) => v.get(n)?.leader);
        return (
          leaders[0] !== undefined &&
          leaders[0] !== NO_LEADER &&
          leaders.every((l) => l === leaders[0]) &&
          names.get(leaders[0]) !== oldLeader
        );
      },
      8 * ELECTION_MS,
    );
    const newLeader = names.get(elected.views.get(others[0])?.leader ?? '') ?? '';
    t.diagnostic(
      `${version}: ${newLeader} elected ${Date.now() - cutAt} ms after ${oldLeader} was isolated: ${show(elected.views, names)}`,
    );
    assert.ok(others.includes(newLeader), `a member that can still reach a quorum leads (${show(elected.views, names)})`);
    // Randomized election timeout in [1, 2) × election-timeout after the last heartbeat, plus the vote round.
    assert.ok(Date.now() - cutAt < 4 * ELECTION_MS, `elected within ${Date.now() - cutAt} ms`);

    // CheckQuorum: the old leader steps down once a quorum has not been heard from for an election timeout.
    const steppedDown = await until(cluster, (v) => v.get(oldLeader)?.leader === NO_LEADER, 4 * ELECTION_MS);
    const isolatedView = steppedDown.views.get(oldLeader);
    assert.ok(isolatedView, 'the isolated member still answers on its client port');
    assert.equal(isolatedView.leader, NO_LEADER, `the isolated old leader knows no leader: ${show(steppedDown.views, names)}`);
    assert.ok(isolatedView.errors.includes('etcdserver: no leader'), JSON.stringify(isolatedView.errors));
    t.diagnostic(`${version}: ${oldLeader} reported no leader ${Date.now() - cutAt} ms after the cut`);
    assert.match(cluster.log(oldLeader), /stepped down to follower since quorum is not active/);

    // Let the isolated member campaign for a while (3.4 without pre-vote raises its term each time).
    await new Promise((r) => setTimeout(r, 4 * ELECTION_MS));
    const during = await views(cluster);
    const newTerm = during.get(newLeader)?.raftTerm ?? 0;
    assert.ok(newTerm > oldTerm, `the new leader's term ${newTerm} is above ${oldTerm}`);
    // The status' raft term is the term of the member's last applied entry: the isolated member applies
    // nothing, so it keeps reporting the old term whatever its campaigns did (its log tells those).
    assert.equal(during.get(oldLeader)?.raftTerm, oldTerm, 'the isolated member reports the old term');
    const campaigns = [...cluster.log(oldLeader).matchAll(/became candidate at term (\d+)/g)].map((m) => Number(m[1]));
    const preCampaigns = cluster.log(oldLeader).match(/became pre-candidate at term/g)?.length ?? 0;
    const lastCandidateTerm = Math.max(0, ...campaigns);
    t.diagnostic(
      `${version}: while isolated ${oldLeader} ran ${preCampaigns} pre-vote rounds; highest candidate term ${lastCandidateTerm}`,
    );
    if (version === '3.5') {
      // Pre-vote (3.5's default): the isolated member asks first and never raises its term.
      assert.ok(preCampaigns > 0, 'pre-vote campaigns while isolated');
      assert.ok(lastCandidateTerm < newTerm, `no real campaign at a new term (${campaigns.join(', ')})`);
    } else {
      // No pre-vote (3.4's default): it campaigns at ever higher terms.
      assert.equal(preCampaigns, 0);
      assert.ok(lastCandidateTerm > oldTerm, `campaigns at higher terms: ${campaigns.join(', ')}`);
    }

    // From outside, the isolated member is up: client port, peer port and clock all answer.
    const s = await inspector.refresh();
    const isolated = s.members.find((m) => m.name === oldLeader);
    assert.ok(isolated);
    assert.equal(isolated.reachable, true);
    assert.equal(isolated.status?.leaderId, NO_LEADER);
    assert.deepEqual(isolated.connectivity, { client: true, peer: true });
    assert.ok(isolated.clock, `the isolated member's clock is still read on its peer port (${isolated.clockError})`);
    assert.equal(s.leaderAgreement, false);

    const healedAt = Date.now();
    cluster.healAll();
    const healed = await until(cluster, (v) => settledOn(v) !== undefined, 10 * ELECTION_MS);
    const finalLeader = names.get(healed.views.get(oldLeader)?.leader ?? '');
    const finalTerm = healed.views.get(oldLeader)?.raftTerm ?? 0;
    t.diagnostic(
      `${version}: healed, one leader ${finalLeader} at term ${finalTerm} ${Date.now() - healedAt} ms later: ${show(healed.views, names)}`,
    );
    assert.ok(finalLeader && finalLeader !== '', show(healed.views, names));
    if (version === '3.5') {
      // Pre-vote: rejoining does not disturb the leader.
      assert.equal(finalLeader, newLeader);
      assert.equal(finalTerm, newTerm);
    } else {
      // The term of the whole cluster ends at least at the isolated member's last campaign: when that was
      // above the leader's, its return forced a new election.
      assert.ok(finalTerm >= lastCandidateTerm, `term ${finalTerm} ≥ ${lastCandidateTerm}`);
    }
  });

  test(`etcd ${version}: one cut link (etcd-1 ↔ etcd-2) — the cluster keeps its leader; only a follower cut off from the leader loses it`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3, peerProxy: true, electionMs: ELECTION_MS });
    t.after(() => cluster.destroy());
    const names = await idNames(cluster);
    const agreeOn = (leader: string) => (v: Map<string, View | undefined>) =>
      [...v.values()].every((x) => x && names.get(x.leader) === leader);

    // Leader etcd-3, which reaches both ends of the cut link: nothing changes.
    const term3 = await moveLeader(cluster, names, 'etcd-3', t);
    cluster.partition('etcd-1', 'etcd-2');
    await new Promise((r) => setTimeout(r, 3 * ELECTION_MS));
    const unchanged = await views(cluster);
    assert.ok(agreeOn('etcd-3')(unchanged), show(unchanged, names));
    assert.ok(
      [...unchanged.values()].every((x) => x?.raftTerm === term3),
      `term stays ${term3}: ${show(unchanged, names)}`,
    );
    cluster.heal('etcd-1', 'etcd-2');

    // Leader etcd-1: etcd-2 no longer hears it and cannot win (etcd-3 still hears the leader and ignores
    // its votes), so etcd-2 reports no leader while etcd-1 and etcd-3 keep theirs and writes still commit.
    const term1 = await moveLeader(cluster, names, 'etcd-1', t);
    const cutAt = Date.now();
    cluster.partition('etcd-1', 'etcd-2');
    const lost = await until(cluster, (v) => v.get('etcd-2')?.leader === NO_LEADER, 5 * ELECTION_MS);
    t.diagnostic(`${version}: etcd-2 lost its leader ${Date.now() - cutAt} ms after the cut: ${show(lost.views, names)}`);
    await new Promise((r) => setTimeout(r, 3 * ELECTION_MS));
    const during = await views(cluster);
    t.diagnostic(`${version}: ${3 * ELECTION_MS} ms later: ${show(during, names)}`);
    for (const n of ['etcd-1', 'etcd-3']) {
      assert.equal(names.get(during.get(n)?.leader ?? ''), 'etcd-1', `${n}: ${show(during, names)}`);
      assert.equal(during.get(n)?.raftTerm, term1, `${n} keeps term ${term1}`);
    }
    assert.equal(during.get('etcd-2')?.leader, NO_LEADER, show(during, names));
    assert.ok(during.get('etcd-2')?.errors.includes('etcdserver: no leader'));
    const put = await cluster.etcdctl(['put', 'partition/k', 'v'], { endpoints: [cluster.member('etcd-3').clientUrl] });
    assert.equal(put.code, 0, `a write commits with etcd-1 and etcd-3: ${put.stderr}`);

    const healedAt = Date.now();
    cluster.heal('etcd-1', 'etcd-2');
    const healed = await until(cluster, (v) => settledOn(v) !== undefined, 10 * ELECTION_MS);
    assert.ok(settledOn(healed.views), show(healed.views, names));
    t.diagnostic(`${version}: healed, all agree ${Date.now() - healedAt} ms later: ${show(healed.views, names)}`);
    if (version === '3.5') assert.ok(agreeOn('etcd-1')(healed.views), 'pre-vote: the leader was not disturbed');
  });
}

test('etcd 3.5: a one-way cut refuses only the connections one member dials, and etcd keeps its leader over the other way', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3, peerProxy: true, electionMs: ELECTION_MS });
  t.after(() => cluster.destroy());
  const proxy = cluster.peerProxy;
  assert.ok(proxy);
  const names = await idNames(cluster);
  const { leader, term } = await settle(cluster, names);
  const follower = cluster.members.find((m) => m.name !== leader)?.name ?? '';
  const mark = proxy.events.length;
  cluster.partition(leader, follower, { oneWay: true });
  assert.deepEqual(proxy.cutLinks(), [[leader, follower]]);
  await new Promise((r) => setTimeout(r, 3 * ELECTION_MS));
  const events = proxy.events.slice(mark);
  assert.ok(
    events.some((e) => e.from === leader && e.to === follower && e.event === 'cut'),
    'open connections were ended',
  );
  assert.ok(
    events.some((e) => e.from === leader && e.to === follower && e.event === 'refused'),
    'and new ones refused',
  );
  assert.ok(!events.some((e) => e.from === follower && e.to === leader && e.event !== 'forwarded'), 'the other way is untouched');
  const v = await views(cluster);
  assert.ok(
    [...v.values()].every((x) => x && names.get(x.leader) === leader && x.raftTerm === term),
    show(v, names),
  );
  t.diagnostic(`one-way ${leader} → ${follower}: ${show(v, names)}`);

  // split() cuts every link across the sides and none within one; healAll() clears them.
  cluster.healAll();
  const rest = cluster.members.map((m) => m.name).filter((n) => n !== leader);
  cluster.split([[leader], rest]);
  assert.deepEqual(
    proxy
      .cutLinks()
      .map(([a, b]) => `${a}>${b}`)
      .sort(),
    rest.flatMap((n) => [`${leader}>${n}`, `${n}>${leader}`]).sort(),
  );
  cluster.healAll();
  assert.deepEqual(proxy.cutLinks(), []);
});

test('etcd 3.4: a blackholed isolation holds connections open and silent; healing ends them and the member rejoins', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.4', size: 3, peerProxy: true, electionMs: ELECTION_MS });
  t.after(() => cluster.destroy());
  const proxy = cluster.peerProxy;
  assert.ok(proxy);
  const names = await idNames(cluster);
  const leader = await cluster.waitForLeader();
  const victim = cluster.members.find((m) => m.name !== leader)?.name ?? '';
  cluster.isolate(victim, { mode: 'blackhole' });
  const lost = await until(cluster, (v) => v.get(victim)?.leader === NO_LEADER, 6 * ELECTION_MS);
  assert.equal(lost.views.get(victim)?.leader, NO_LEADER, show(lost.views, names));
  assert.ok(
    proxy.connections().some((c) => c.state === 'held' && (c.from === victim || c.to === victim)),
    'connections on the cut links are held, not reset',
  );
  assert.doesNotMatch(
    cluster
      .log(victim)
      .split('\n')
      .filter((l) => /lost TCP streaming connection/.test(l))
      .join('\n'),
    /connection reset by peer/,
    'a blackhole does not reset',
  );
  cluster.healAll();
  assert.ok(!proxy.connections().some((c) => c.state === 'held'), 'healing ends the held connections');
  const healed = await until(cluster, (v) => settledOn(v) !== undefined, 10 * ELECTION_MS);
  t.diagnostic(`blackhole healed: ${show(healed.views, names)}`);
  assert.ok(settledOn(healed.views), show(healed.views, names));
});

test('etcd 3.5: an endpoint of another harness cluster (its own token and peer URLs) answers with a different cluster ID', async (t) => {
  // Two harness clusters are the mismatch: each start() draws its own --initial-cluster-token and its own
  // ports, and etcd derives member IDs from the peer URLs and the token, the cluster ID from the member IDs.
  // The stranger even shares a member name with the cluster.
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  const stranger = await EtcdCluster.start({ version: '3.5', size: 1, names: ['etcd-1'] });
  const endpoints = [...cluster.endpoints, stranger.endpoints[0]];
  const inspector = new ClusterInspector({ name: 'mixed', endpoints, timeoutMs: 1000 });
  t.after(async () => {
    inspector.dispose();
    await Promise.all([cluster.destroy(), stranger.destroy()]);
  });
  assert.notEqual(cluster.token, stranger.token);

  const clusterIdOf = async (m: HarnessMember): Promise<string> => {
    const r = await fetch(`${m.clientUrl}/v3/maintenance/status`, { method: 'POST', body: '{}' });
    return hex(((await r.json()) as { header: { cluster_id: string } }).header.cluster_id);
  };
  const ours = new Set(await Promise.all(cluster.members.map(clusterIdOf)));
  assert.equal(ours.size, 1, 'the members agree on their cluster ID');
  const theirs = await clusterIdOf(stranger.members[0]);
  assert.ok(!ours.has(theirs), `the stranger's cluster ID ${theirs} differs`);

  // What the inspector makes of the endpoint list: the endpoint of the other cluster is no member, and it
  // answered as a member of another cluster (whichever cluster discovery happened to take first).
  const s = await inspector.refresh();
  const seen = new Set([s.clusterId, ...s.unmatchedEndpoints.map((u) => u.clusterId)]);
  assert.deepEqual([...seen].sort(), [...ours, theirs].sort(), JSON.stringify(s.unmatchedEndpoints));
  assert.ok(s.unmatchedEndpoints.length > 0 && s.unmatchedEndpoints.every((u) => u.error === null && u.clusterId !== s.clusterId));
});

test('etcd 3.5: a member added or restarted behind the proxy stays behind it', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3, peerProxy: true, electionMs: ELECTION_MS });
  t.after(() => cluster.destroy());
  const proxy = cluster.peerProxy;
  assert.ok(proxy);
  const added = await cluster.addMember();
  assert.equal(added.peerUrl, proxy.frontUrl(added.name));
  const names = await idNames(cluster);
  await settle(cluster, names);
  cluster.isolate(added.name);
  const lost = await until(cluster, (v) => v.get(added.name)?.leader === NO_LEADER, 6 * ELECTION_MS);
  assert.equal(lost.views.get(added.name)?.leader, NO_LEADER, show(lost.views, names));
  cluster.rejoin(added.name);
  assert.deepEqual(proxy.cutLinks(), []);
  assert.ok(settledOn((await until(cluster, (v) => settledOn(v) !== undefined, 10 * ELECTION_MS)).views));

  // A restarted member has a new process id: its header-less requests (its prober's, from about 4 s after
  // start) are still traced to it.
  const mark = proxy.history.length;
  await cluster.restart('etcd-1');
  const traced = await eventually(
    async () => proxy.history.slice(mark).filter((c) => c.identifiedBy === 'socket' && c.from === 'etcd-1'),
    (x) => x.length > 0,
    10000,
  );
  assert.ok(traced.length > 0, JSON.stringify(proxy.history.slice(mark).map((c) => [c.from, c.to, c.firstRequest, c.identifiedBy])));
});

// Twice in fresh-clone CI runs this file's process stayed busy after every test and hook had finished (87% CPU
// in JavaScript, no system call in 3 s under strace, every etcd process gone), and the run waited on it. Not
// understood yet; meanwhile the process ends once everything is done (results are reported by then).
after(() => {
  setImmediate(() => process.exit(process.exitCode ?? 0));
});
