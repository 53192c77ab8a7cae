// summarizeLog on the logs of real etcd clusters (3.5: zap JSON; 3.4: capnslog text, its default and what
// Debian's etcd-server writes), nothing mocked: a leader moved with etcdctl move-leader and a leader frozen with
// SIGSTOP are counted at the terms etcd reports, and a killed member shows up in the survivors' logs as lost
// peer streams and, at the prober's next check (every 30 s while a peer is healthy), as an unreachable peer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdCluster } from '../../harness/etcdCluster';
import { eventually } from '../../harness/wait';
import type { HarnessEtcdVersion } from '../../harness/binaries';
import { logFormatArgs, memberIds, moveLeader } from '../../fixtures/etcd/logs/capture';
import { summarizeLog, type LogPatternCount, type LogPatternId, type LogSummary } from '../../../src/etcd/logs/patterns';

const VERSIONS: HarnessEtcdVersion[] = ['3.5', '3.4'];

function pattern(s: LogSummary, id: LogPatternId): LogPatternCount {
  return s.patterns.find((p) => p.id === id)!;
}

/** The raft term a member reports (`etcdctl endpoint status -w json`). */
async function raftTerm(cluster: EtcdCluster, clientUrl: string): Promise<number> {
  const status = await cluster.endpointStatus(clientUrl);
  type Status = { Status?: { raftTerm?: number | string; header?: { raft_term?: number | string } } };
  const s = (status?.raw as Status | undefined)?.Status;
  const term = Number(s?.raftTerm ?? s?.header?.raft_term);
  if (!(term > 0)) throw new Error(`no raft term from ${clientUrl}: ${JSON.stringify(status?.raw)}`);
  return term;
}

test('log patterns counted in real etcd logs', { concurrency: 2 }, async (t) => {
  for (const version of VERSIONS) {
    await t.test(`etcd ${version}: move-leader, a frozen leader and a killed member are counted at the right terms`, async (t) => {
      const cluster = await EtcdCluster.start({ version, size: 3, extraArgs: logFormatArgs(version) });
      t.after(() => cluster.destroy());
      const ids = await memberIds(cluster);
      const summary = (name: string): LogSummary => summarizeLog(cluster.log(name));
      // The log format the test means to read.
      const first = summary(cluster.members[0].name);
      if (version === '3.5') assert.ok(first.json > 0 && first.text === 0, JSON.stringify(first));
      else assert.ok(first.text > 0 && first.json === 0, JSON.stringify(first));

      // 1. etcdctl move-leader: every member logs the new leader at the new term.
      const before = await cluster.waitForLeader();
      const target = cluster.members.find((m) => m.name !== before)!;
      await moveLeader(cluster, cluster.member(before), ids.get(target.name)!);
      assert.equal(
        await eventually(
          () => cluster.waitForLeader(),
          (n) => n === target.name,
        ),
        target.name,
      );
      const moved = await raftTerm(cluster, target.clientUrl);
      for (const m of cluster.members) {
        const s = await eventually(
          async () => summary(m.name),
          (s) => (pattern(s, 'elected-leader').terms?.max ?? 0) >= moved,
        );
        const elected = pattern(s, 'elected-leader');
        assert.equal(elected.terms?.max, moved, `${m.name}: ${JSON.stringify(elected)}`);
        assert.ok(
          elected.examples.some((e) => e.includes(`elected leader ${ids.get(target.name)} at term ${moved}`)),
          `${m.name}: ${elected.examples.join('\n')}`,
        );
      }
      // The old leader lost its own leadership at that term.
      const old = pattern(summary(before), 'lost-leader');
      assert.ok(old.count >= 1 && old.terms?.max === moved, JSON.stringify(old));

      // 2. Freeze the leader: the others time out, campaign and elect one of themselves at a higher term.
      cluster.hang(target.name);
      let next: string;
      try {
        next = await cluster.waitForLeader();
      } finally {
        cluster.resume(target.name);
      }
      const frozenTerm = await raftTerm(cluster, cluster.member(next).clientUrl);
      assert.ok(frozenTerm > moved, `${frozenTerm} > ${moved}`);
      const winner = await eventually(
        async () => summary(next),
        (s) => pattern(s, 'became-candidate').terms?.max === frozenTerm && pattern(s, 'new-election').count >= 1,
      );
      assert.equal(pattern(winner, 'became-candidate').terms?.max, frozenTerm, JSON.stringify(pattern(winner, 'became-candidate')));
      assert.ok(pattern(winner, 'new-election').count >= 1);
      // The frozen leader, once resumed, hears of the new leader (directly: "changed leader", or after losing it).
      const resumed = await eventually(
        async () => summary(target.name),
        (s) => Math.max(pattern(s, 'changed-leader').terms?.max ?? 0, pattern(s, 'elected-leader').terms?.max ?? 0) >= frozenTerm,
      );
      assert.ok(
        Math.max(pattern(resumed, 'changed-leader').terms?.max ?? 0, pattern(resumed, 'elected-leader').terms?.max ?? 0) >= frozenTerm,
        JSON.stringify(resumed.patterns),
      );

      // 3. Kill a follower: the survivors lose their streams at once and the prober reports it at its next check.
      const leaderNow = await cluster.waitForLeader();
      const victim = cluster.members.find((m) => m.name !== leaderNow)!;
      await cluster.kill(victim.name);
      const survivors = cluster.members.filter((m) => m !== victim).map((m) => m.name);
      const after = await eventually(
        async () => survivors.map(summary),
        (all) => all.every((s) => pattern(s, 'lost-peer-stream').count >= 1 && pattern(s, 'prober-unhealthy').count >= 1),
        60_000,
        1000,
      );
      for (const [i, s] of after.entries()) {
        assert.ok(pattern(s, 'lost-peer-stream').count >= 1, `${survivors[i]} lost-peer-stream`);
        assert.ok(pattern(s, 'prober-unhealthy').count >= 1, `${survivors[i]} prober-unhealthy`);
        assert.ok(
          pattern(s, 'prober-unhealthy').examples.every((e) => e.includes(ids.get(victim.name)!)),
          pattern(s, 'prober-unhealthy').examples.join('\n'),
        );
        // Every line is in a known format but 3.4's banner for --logger=capnslog (printed twice) and what
        // grpc-go writes itself ("WARNING: 2026/11/28 01:50:12 grpc: ..." when a client goes mid-call).
        const lines = cluster.log(survivors[i]).split('\n');
        const banners = lines.filter((l) => l.startsWith("[WARNING] Deprecated '--logger=capnslog'")).length;
        const grpc = lines.filter((l) => /^(INFO|WARNING|ERROR): \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /.test(l)).length;
        const odd = lines.filter((l) => l.trim() !== '' && !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ [A-Z] \| /.test(l) && !l.startsWith('{'));
        assert.equal(
          s.unparseable,
          banners + grpc,
          `${survivors[i]}: unparseable lines; lines of no capnslog or JSON form:\n${odd.join('\n')}`,
        );
      }
    });
  }
});
