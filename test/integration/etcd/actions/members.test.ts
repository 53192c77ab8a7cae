// Move leader, add member, promote learner and remove member against real etcd 3.5 and 3.4 clusters: the
// new member is started by the harness from the configuration file the action generated, nothing is mocked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EtcdCluster } from '../../../harness/etcdCluster';
import type { HarnessEtcdVersion } from '../../../harness/binaries';
import { freePorts } from '../../../harness/ports';
import { eventually } from '../../../harness/wait';
import { ClusterInspector } from '../../../../src/etcd/probe';
import type { ClusterSnapshot } from '../../../../src/etcd/model';
import { ActionRefusedError, type ActionContext, type ActionResult } from '../../../../src/etcd/actions/action';
import { moveLeader } from '../../../../src/etcd/actions/leadership';
import { addMember, learnerProgress, promoteLearner, removeMember } from '../../../../src/etcd/actions/members';
import { lintText } from '../../../../src/lint/engine';

const VERSIONS: HarnessEtcdVersion[] = ['3.5', '3.4'];

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Refreshes until `ok` holds of the snapshot; fails naming what was awaited and the last members seen. */
async function settled(
  inspector: ClusterInspector,
  ok: (s: ClusterSnapshot) => boolean,
  what: string,
  timeoutMs = 30000,
): Promise<ClusterSnapshot> {
  const s = await eventually(() => inspector.refresh(), ok, timeoutMs, 250);
  if (!ok(s))
    assert.fail(
      `${what} within ${timeoutMs} ms; last snapshot: ${JSON.stringify(s.members.map((m) => [m.name, m.started, m.isLearner, m.isLeader, m.error, m.health?.error]))}`,
    );
  return s;
}

/**
 * etcd refuses reconfiguration ("unhealthy cluster") until every member has been connected for 5 s, and a
 * learner's promotion until it is in sync: retry the whole action on exactly that answer, for a bounded time,
 * as an operator would (the action itself never retries).
 */
async function retryWhile<R extends ActionResult>(pattern: RegExp, run: () => Promise<R>, timeoutMs = 30000): Promise<R> {
  const deadline = Date.now() + timeoutMs;
  let result = await run();
  while (!result.ok && pattern.test(result.error?.text ?? '') && Date.now() < deadline) {
    await sleep(500);
    result = await run();
  }
  return result;
}

/** etcdctl's own member list (not the inspector's): name and learner flag per member, the unnamed as "". */
async function memberList(cluster: EtcdCluster): Promise<Array<{ name: string; isLearner: boolean }>> {
  const out = await cluster.etcdctl(['member', 'list', '-w', 'json'], {
    endpoints: cluster.members.filter((m) => m.process).map((m) => m.clientUrl),
  });
  assert.equal(out.code, 0, out.stderr);
  const parsed = JSON.parse(out.stdout) as { members: Array<{ name?: string; isLearner?: boolean }> };
  return parsed.members.map((m) => ({ name: m.name ?? '', isLearner: m.isLearner === true })).sort((a, b) => a.name.localeCompare(b.name));
}

for (const version of VERSIONS) {
  test(`etcd ${version}: move leader, add a learner started from its generated file, promote it, remove the leader; read-only refuses`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3 });
    const inspector = new ClusterInspector({ name: 'members', endpoints: cluster.endpoints, timeoutMs: 2000 });
    t.after(async () => {
      inspector.dispose();
      await cluster.destroy();
    });
    const log: string[] = [];
    const context: ActionContext = { inspector, log: (line) => log.push(line) };
    const healthy = await settled(inspector, (s) => s.quorum.healthy === 3 && s.leaderName !== null, 'three healthy members');
    const firstLeader = healthy.leaderName as string;

    // Read-only: every action refuses before it changes anything.
    const readOnly: ActionContext = { ...context, readOnly: true };
    const refusals: Array<() => Promise<unknown>> = [
      () => moveLeader(readOnly),
      () => addMember(readOnly, { name: 'etcd-ro', peerURLs: ['http://127.0.0.1:1'] }),
      () => removeMember(readOnly, 'etcd-2'),
      () => promoteLearner(readOnly, 'etcd-2'),
    ];
    for (const run of refusals)
      await assert.rejects(run, (e: unknown) => e instanceof ActionRefusedError && /is read-only/.test(e.message));
    assert.equal(await cluster.waitForLeader(), firstLeader, 'read-only left the leader where it was');
    assert.equal((await memberList(cluster)).length, 3, 'read-only added or removed nothing');

    // Move leader, by default to the most caught-up follower: the cluster's leader changes to it.
    const moved = await moveLeader(context);
    assert.equal(moved.ok, true, JSON.stringify(moved.error));
    const target = /to (etcd-\d)$/.exec(moved.steps[0].text)?.[1];
    assert.ok(target && target !== firstLeader, moved.steps[0].text);
    await settled(inspector, (s) => s.leaderName === target, `${target} leads`);
    // ...and back, by name.
    const back = await moveLeader(context, firstLeader);
    assert.equal(back.ok, true, JSON.stringify(back.error));
    await settled(inspector, (s) => s.leaderName === firstLeader, `${firstLeader} leads again`);

    // Add a learner; its configuration, written to a file, is all the harness starts it with.
    const [clientPort, peerPort] = await freePorts(2);
    const added = await retryWhile(/unhealthy cluster/, () =>
      addMember(context, {
        name: 'etcd-4',
        peerURLs: [`http://127.0.0.1:${peerPort}`],
        clientURLs: [`http://127.0.0.1:${clientPort}`],
        dataDir: join(cluster.baseDir, 'member-4'),
        token: cluster.token,
      }),
    );
    assert.equal(added.ok, true, JSON.stringify(added.error));
    assert.ok(added.config);
    const findings = lintText(added.config, { format: 'env', version }).filter((d) => d.severity === 'error' || d.severity === 'warning');
    assert.deepEqual(findings, [], 'the generated file is clean under the linter');
    const file = join(cluster.baseDir, 'etcd-4.env');
    writeFileSync(file, added.config);
    await cluster.startMemberFromConfig(file);
    const joined = await settled(
      inspector,
      (s) => s.members.some((m) => m.name === 'etcd-4' && m.started && m.isLearner),
      'etcd-4 joins as a started learner',
    );
    assert.equal(joined.members.length, 4);
    assert.deepEqual(
      (await memberList(cluster)).find((m) => m.name === 'etcd-4'),
      { name: 'etcd-4', isLearner: true },
    );
    await settled(
      inspector,
      (s) => {
        const learner = s.members.find((m) => m.name === 'etcd-4');
        return learner !== undefined && learnerProgress(s, learner)?.caughtUp === true;
      },
      'etcd-4 catches up with the leader',
    );
    const promoted = await retryWhile(/in sync with leader|unhealthy cluster/, () => promoteLearner(context, 'etcd-4'));
    assert.equal(promoted.ok, true, JSON.stringify(promoted.error));
    const voting = await settled(inspector, (s) => s.quorum.votingMembers === 4 && s.quorum.healthy === 4, 'etcd-4 votes');
    assert.equal(voting.members.find((m) => m.name === 'etcd-4')?.isLearner, false);
    assert.deepEqual(
      (await memberList(cluster)).find((m) => m.name === 'etcd-4'),
      { name: 'etcd-4', isLearner: false },
    );

    // Remove the leader: leadership moves to a follower first, which then removes it.
    const leader = voting.leaderName as string;
    const removed = await retryWhile(/unhealthy cluster/, () => removeMember(context, leader));
    assert.equal(removed.ok, true, JSON.stringify(removed.error));
    assert.equal(removed.steps.length, 2, removed.steps.map((s) => s.text).join('; '));
    assert.match(removed.steps[0].text, new RegExp(`^moved leadership from ${leader} to etcd-\\d$`));
    const names = (await memberList(cluster)).map((m) => m.name);
    assert.equal(names.length, 3);
    assert.ok(!names.includes(leader), `${leader} is gone from ${names.join(', ')}`);
    const after = await settled(
      inspector,
      (s) => s.leaderName !== null && s.quorum.healthy === 3,
      'three healthy members after the removal',
    );
    assert.notEqual(after.leaderName, leader);
    assert.ok(
      log.some((line) => line.startsWith(`removed ${leader}`)),
      log.join('\n'),
    );
  });

  test(`etcd ${version}: with one of three down, removing a healthy member is refused by the guard; removing the dead one is allowed`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3 });
    const inspector = new ClusterInspector({ name: 'guard', endpoints: cluster.endpoints, timeoutMs: 1000 });
    t.after(async () => {
      inspector.dispose();
      await cluster.destroy();
    });
    const context: ActionContext = { inspector };
    const s = await settled(inspector, (x) => x.quorum.healthy === 3 && x.leaderName !== null, 'three healthy members');
    const [dead, alive] = s.members.filter((m) => !m.isLeader).map((m) => m.name);
    await cluster.kill(dead);
    await settled(inspector, (x) => x.members.some((m) => m.name === dead && !m.reachable) && x.leaderName !== null, `${dead} seen down`);

    await assert.rejects(
      () => removeMember(context, alive),
      (e: unknown) =>
        e instanceof ActionRefusedError &&
        e.message ===
          `the quorum guard refuses: 3 voting members, 1 unhealthy (${dead}): removing ${alive} leaves a 2-member cluster with 1 of the 2 needed`,
    );
    assert.equal((await memberList(cluster)).length, 3, 'nothing was removed');

    const removed = await retryWhile(/unhealthy cluster/, () => removeMember(context, dead));
    assert.equal(removed.ok, true, JSON.stringify(removed.error));
    assert.deepEqual(
      (await memberList(cluster)).map((m) => m.name),
      s.members
        .map((m) => m.name)
        .filter((n) => n !== dead)
        .sort(),
    );
  });
}
