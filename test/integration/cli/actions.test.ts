// The runbook action commands as users run them: the built dist/cli.js as a subprocess against real etcd 3.5
// and 3.4 clusters from the harness. A plan (no --yes) changes nothing; --yes does what it says; the guard's
// refusal exits 1 with its arithmetic; usage errors and a cluster nobody answers for exit 2; Ctrl-C cancels.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdCluster } from '../../harness/etcdCluster';
import { CLI, cliEnv, runCli, showRun, type CliRun as Run } from '../../harness/cli';
import { freePorts } from '../../harness/ports';

const cli = (args: string[], timeout = 60000, env: Record<string, string> = {}): Promise<Run> => runCli(args, { env, timeoutMs: timeout });
const show = showRun;

interface StatusJson {
  leaderName: string | null;
  members: Array<{ id: string; name: string; isLeader: boolean; isLearner: boolean; reachable: boolean }>;
}

async function status(cluster: EtcdCluster): Promise<StatusJson> {
  const run = await cli(['status', '--endpoints', cluster.endpoints.join(','), '-w', 'json', '--timeout-ms', '3000']);
  return JSON.parse(run.stdout) as StatusJson;
}

/** Polls status until `ok` holds (leadership and health settle a little after a change). */
async function eventually(cluster: EtcdCluster, ok: (s: StatusJson) => boolean, what: string): Promise<StatusJson> {
  let last: StatusJson | undefined;
  for (let i = 0; i < 40; i++) {
    last = await status(cluster);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`${what}: ${JSON.stringify(last)}`);
}

before(() => assert.ok(existsSync(CLI), `${CLI} is built (npm run build)`));

for (const version of ['3.5', '3.4'] as const) {
  test(`etcd ${version}: plans change nothing; move-leader, hashkv, verify, alarm list, snapshot save, defrag and member add run with --yes`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3 });
    t.after(() => cluster.destroy());
    const dir = mkdtempSync(join(tmpdir(), 'etcd-inspector-cli-actions-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const conn = ['--endpoints', cluster.endpoints[0], '--timeout-ms', '3000'];
    for (let i = 0; i < 20; i++) await cluster.etcdctl(['put', `/k/${i}`, `v${i}`]);

    // move-leader without --yes: the plan names leader and target, exit 0, the leader is unchanged.
    const before = await status(cluster);
    const leader = before.leaderName as string;
    const target = before.members.find((m) => !m.isLeader)?.name as string;
    const plan = await cli(['move-leader', target, ...conn]);
    assert.equal(plan.code, 0, show(plan));
    assert.match(plan.stdout, new RegExp(`from ${leader} to ${target}`));
    assert.match(plan.stdout, /Nothing was changed: run again with --yes/);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await status(cluster)).leaderName, leader, 'a plan moves nothing');

    // ETCD_INSPECTOR_READ_ONLY refuses even with --yes, before anything changes.
    const readOnly = await cli(['move-leader', target, ...conn, '--yes'], 60000, { ETCD_INSPECTOR_READ_ONLY: '1' });
    assert.equal(readOnly.code, 1, show(readOnly));
    assert.match(readOnly.stdout, /Refused: cluster "cluster" is read-only \(ETCD_INSPECTOR_READ_ONLY is set\): no change was made/);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await status(cluster)).leaderName, leader, 'read-only moves nothing');

    // --yes moves it; the JSON is the ActionResult.
    const moved = await cli(['move-leader', target, ...conn, '--yes', '-w', 'json']);
    assert.equal(moved.code, 0, show(moved));
    const movedJson = JSON.parse(moved.stdout) as { action: string; ok: boolean; steps: Array<{ memberId: string; ok: boolean }> };
    assert.equal(movedJson.action, 'move-leader');
    assert.equal(movedJson.ok, true);
    assert.match(movedJson.steps[0].memberId, /^[0-9a-f]{16}$/);
    await eventually(cluster, (s) => s.leaderName === target, `leadership moved to ${target}`);

    // Read-only commands.
    const alarms = await cli(['alarm', 'list', ...conn]);
    assert.equal(alarms.code, 0, show(alarms));
    assert.equal(alarms.stdout, 'No active alarms.\n');
    assert.deepEqual(JSON.parse((await cli(['alarm', 'list', ...conn, '-w', 'json'])).stdout), { alarms: [] });

    const hashkv = await cli(['hashkv', ...conn, '-w', 'json']);
    assert.equal(hashkv.code, 0, show(hashkv));
    const report = (JSON.parse(hashkv.stdout) as { report: { divergent: string[]; members: Array<{ hash: string | null }> } }).report;
    assert.deepEqual(report.divergent, []);
    assert.equal(report.members.length, 3);
    assert.equal(new Set(report.members.map((m) => m.hash)).size, 1, 'the three hashes agree');
    assert.ok(report.members[0].hash !== null);
    const hashText = await cli(['hashkv', ...conn]);
    assert.equal(hashText.code, 0, show(hashText));
    assert.match(hashText.stdout, /Every member compared agrees at revision \d+/);

    // verify: a plan without --yes, then put/get/delete.
    const verifyPlan = await cli(['verify', ...conn]);
    assert.equal(verifyPlan.code, 0, show(verifyPlan));
    assert.match(verifyPlan.stdout, /Nothing was changed/);
    const verified = await cli(['verify', ...conn, '--yes']);
    assert.equal(verified.code, 0, show(verified));
    assert.match(verified.stdout, /^verify on cluster "cluster": done\n/);
    const left = await cluster.etcdctl(['get', '--prefix', '/etcd-inspector/', '--keys-only']);
    assert.equal(left.code, 0, left.stderr);
    assert.equal(left.stdout.trim(), '', 'the verify key was deleted');

    // snapshot save: the file's sha256 is the one printed; the restore guide is written next to it.
    const file = join(dir, 'snap.db');
    const guideFile = join(dir, 'restore.md');
    const saved = await cli(['snapshot', 'save', file, '--restore-guide', guideFile, ...conn, '-w', 'json']);
    assert.equal(saved.code, 0, show(saved));
    const savedJson = JSON.parse(saved.stdout) as {
      ok: boolean;
      saved: { file: string; bytes: number; sha256: string };
      restoreGuideFile: string;
    };
    assert.equal(savedJson.ok, true);
    assert.equal(savedJson.saved.sha256, createHash('sha256').update(readFileSync(file)).digest('hex'));
    assert.equal(savedJson.saved.bytes, statSync(file).size);
    assert.equal(savedJson.restoreGuideFile, guideFile);
    assert.match(readFileSync(guideFile, 'utf8'), /snapshot restore/);
    const again = await cli(['snapshot', 'save', file, ...conn]);
    assert.equal(again.code, 2, 'an existing file is never overwritten');
    assert.match(again.stderr, /already exists/);
    const savedText = await cli(['snapshot', 'save', join(dir, 'snap2.db'), '--member', target, ...conn]);
    assert.equal(savedText.code, 0, show(savedText));
    assert.match(savedText.stdout, new RegExp(`Snapshot of ${target} saved to .*snap2\\.db\\n  size: .*\\n  sha256: [0-9a-f]{64}\\n`));

    // defrag: the plan lists every member with the leader last; --yes defragments all three.
    const defragPlan = await cli(['defrag', ...conn]);
    assert.equal(defragPlan.code, 0, show(defragPlan));
    assert.match(defragPlan.stdout, /Nothing was changed/);
    const defrag = await cli(['defrag', '--compact', '--keep-revisions', '5', ...conn, '--yes', '-w', 'json'], 120000);
    assert.equal(defrag.code, 0, show(defrag));
    const defragJson = JSON.parse(defrag.stdout) as {
      ok: boolean;
      steps: Array<{ ok: boolean; memberName: string | null; details?: { dbSizeAfter?: number } }>;
    };
    assert.equal(defragJson.ok, true);
    const defragmented = defragJson.steps.filter((s) => typeof s.details?.dbSizeAfter === 'number').map((s) => s.memberName);
    assert.equal(defragmented.length, 3, JSON.stringify(defragJson.steps));
    assert.equal(defragmented.at(-1), target, 'the leader last');
    assert.match(defrag.stderr, /defragmenting/, 'progress goes to stderr');

    // member add --config-out: a learner added, its configuration written; then removed again.
    const [clientPort, peerPort] = await freePorts(2);
    const config = join(dir, 'etcd-4.conf');
    const addArgs = [
      'member',
      'add',
      'etcd-4',
      '--peer-urls',
      `http://127.0.0.1:${peerPort}`,
      '--client-urls',
      `http://127.0.0.1:${clientPort}`,
    ];
    const addPlan = await cli([...addArgs, '--config-out', config, ...conn]);
    assert.equal(addPlan.code, 0, show(addPlan));
    assert.ok(!existsSync(config), 'a plan writes no configuration');
    assert.equal((await status(cluster)).members.length, 3, 'a plan adds nobody');
    const added = await cli([...addArgs, '--config-out', config, ...conn, '--yes']);
    assert.equal(added.code, 0, show(added));
    assert.match(added.stdout, /Configuration of etcd-4 written to /);
    const text = readFileSync(config, 'utf8');
    assert.match(text, /^ETCD_NAME=["']?etcd-4["']?$/m);
    assert.match(text, /^ETCD_INITIAL_CLUSTER_STATE=["']?existing["']?$/m);
    for (const m of cluster.members) assert.ok(text.includes(`${m.name}=${m.peerUrl}`), `${m.name} in ETCD_INITIAL_CLUSTER`);
    assert.ok(text.includes(`etcd-4=http://127.0.0.1:${peerPort}`));
    const list = await cluster.etcdctl(['member', 'list']);
    assert.match(list.stdout, /unstarted, , http:\/\/127\.0\.0\.1:\d+, , true/, 'an unstarted learner');
    const id = /^New member id: ([0-9a-f]{16}) /m.exec(added.stdout)?.[1] as string;
    assert.ok(list.stdout.includes(`${id.replace(/^0+/, '')}, unstarted`), `the id printed is the new member's: ${id}`);
    const removed = await cli(['member', 'remove', id, ...conn, '--yes']);
    assert.equal(removed.code, 0, show(removed));
    assert.doesNotMatch((await cluster.etcdctl(['member', 'list'])).stdout, /unstarted/);
  });
}

for (const version of ['3.5', '3.4'] as const) {
  test(`etcd ${version}: with a member down the guard refuses to remove a healthy one (exit 1, its arithmetic); recover prints the guide`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3 });
    t.after(() => cluster.destroy());
    const conn = ['--endpoints', cluster.endpoints.join(','), '--timeout-ms', '3000'];
    const leader = await cluster.waitForLeader();
    const down = cluster.members.find((m) => m.name !== leader)?.name as string;
    const healthy = cluster.members.find((m) => m.name !== leader && m.name !== down)?.name as string;
    await cluster.kill(down);
    await eventually(
      cluster,
      (s) => s.leaderName !== null && s.members.filter((m) => m.reachable).length === 2,
      'two members and a leader',
    );

    const expected = new RegExp(
      `3 voting members, 1 unhealthy \\(${down}\\): removing ${healthy} leaves a 2-member cluster with 1 of the 2 needed`,
    );
    const plan = await cli(['member', 'remove', healthy, ...conn]);
    assert.equal(plan.code, 1, show(plan));
    assert.match(plan.stdout, expected);
    assert.match(plan.stdout, /--yes --force/);
    const refused = await cli(['member', 'remove', healthy, ...conn, '--yes']);
    assert.equal(refused.code, 1, show(refused));
    assert.match(refused.stdout, expected);
    assert.match(refused.stdout, /Nothing was changed/);
    const refusedJson = JSON.parse((await cli(['member', 'remove', healthy, ...conn, '--yes', '-w', 'json'])).stdout) as {
      ok: boolean;
      refused: string;
    };
    assert.equal(refusedJson.ok, false);
    assert.match(refusedJson.refused, expected);
    assert.equal(
      (await cluster.etcdctl(['member', 'list'], { endpoints: [cluster.member(leader).clientUrl] })).stdout.trim().split('\n').length,
      3,
    );

    // Defragmenting the healthy follower would leave 1 of 2 as well.
    const defrag = await cli(['defrag', ...conn]);
    assert.equal(defrag.code, 1, show(defrag));
    assert.match(defrag.stdout, /Quorum guard: refuses/);

    // Quorum lost: the recovery guide, written for this cluster, runs nothing.
    await cluster.kill(healthy);
    const guide = await cli(['recover', ...conn, '--data-dir', `${leader}=/var/lib/etcd-x`]);
    assert.equal(guide.code, 0, show(guide));
    for (const name of [down, healthy, leader]) assert.ok(guide.stdout.includes(name), `the guide names ${name}`);
    assert.ok(guide.stdout.includes('/var/lib/etcd-x'), 'with the data dir given');
    assert.match(guide.stdout, /--force-new-cluster/);
    const guideJson = JSON.parse((await cli(['recover', ...conn, '-w', 'json'])).stdout) as { guide: string };
    assert.match(guideJson.guide, /--force-new-cluster/);
    assert.ok(cluster.member(leader).process, 'the survivor still runs: nothing was executed');
  });
}

test('usage errors and a cluster nobody answers for exit 2; unknown members are refused with exit 1', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 1 });
  t.after(() => cluster.destroy());
  const conn = ['--endpoints', cluster.endpoints[0]];
  for (const args of [
    ['member', 'remove', ...conn],
    ['member', 'add', 'x', ...conn],
    ['alarm', 'silence', ...conn],
    ['defrag', '--keep-duration', 'forever', ...conn],
    ['move-leader', 'a', 'b', ...conn],
    ['hashkv', '--output', 'xml', ...conn],
  ]) {
    const run = await cli(args);
    assert.equal(run.code, 2, `${args.join(' ')}\n${show(run)}`);
    assert.match(run.stderr, /^etcd-inspector: .*\n\nUsage: etcd-inspector /, args.join(' '));
    assert.equal(run.stdout, '');
  }
  const [closed] = await freePorts(1);
  const nobody = await cli(['move-leader', '--endpoints', `http://127.0.0.1:${closed}`, '--timeout-ms', '500']);
  assert.equal(nobody.code, 2, show(nobody));
  assert.match(nobody.stderr, /no endpoint answered/);
  const unknown = await cli(['member', 'promote', 'etcd-9', ...conn]);
  assert.equal(unknown.code, 1, show(unknown));
  assert.match(unknown.stdout, /Refused: .*etcd-9/);
});

test('Ctrl-C during a rolling defragment stops before the next member and exits 1 saying so', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  t.after(() => cluster.destroy());
  const child = spawn(process.execPath, [CLI, 'defrag', '--endpoints', cluster.endpoints.join(','), '--yes'], { env: cliEnv() });
  t.after(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    // At the first member's defragment: two members are still to come.
    if (!sent && /defragmenting/.test(stderr)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  assert.ok(sent, `the defragment started: ${stderr}`);
  assert.equal(code, 1, `${stdout}\n${stderr}`);
  assert.match(stderr, /cancelling: stopping before the next member/);
  assert.match(stdout, /: cancelled\n/);
  assert.match(stdout, /Cancelled \(Ctrl-C\)/);
  assert.equal((stderr.match(/defragmenting /g) ?? []).length, 1, 'no member after the first was defragmented');
});

test('etcd 3.5: NOSPACE from the command line: alarm list shows it, disarm is refused while the db is over its quota, defrag --compact frees the space, disarm --yes clears it', async (t) => {
  const quota = 1024 * 1024;
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3, extraArgs: ['--quota-backend-bytes', String(quota)] });
  t.after(() => cluster.destroy());
  const conn = ['--endpoints', cluster.endpoints.join(','), '--timeout-ms', '3000'];
  const value = 'x'.repeat(16 * 1024);
  // Concurrent puts on every member, so that the last commits overshoot the quota (etcd checks it per request).
  let filled = '';
  for (let i = 0; i < 100 && !filled; i++) {
    const puts = await Promise.all(
      cluster.endpoints.flatMap((e, j) => [0, 1].map((k) => cluster.etcdctl(['put', `/fill/${i}/${j}/${k}`, value], { endpoints: [e] }))),
    );
    filled = puts.find((p) => /database space exceeded/.test(p.stderr))?.stderr ?? '';
  }
  assert.match(filled, /database space exceeded/);

  const listed = await cli(['alarm', 'list', ...conn]);
  assert.equal(listed.code, 0, show(listed));
  assert.match(listed.stdout, /\| etcd-\d +\| [0-9a-f]{16} \| NOSPACE \| db reached its quota/);
  const listedJson = JSON.parse((await cli(['alarm', 'list', ...conn, '-w', 'json'])).stdout) as { alarms: Array<{ alarm: string }> };
  assert.ok(listedJson.alarms.length > 0 && listedJson.alarms.every((a) => a.alarm === 'NOSPACE'), JSON.stringify(listedJson));

  // etcd raises NOSPACE when a request would take the db over its quota, so an alarmed member's db is within
  // one 16 KiB put of it, maybe just under: above 95% of it, and the plan refuses the disarm, naming it.
  const now = JSON.parse((await cli(['status', ...conn, '-w', 'json'])).stdout) as {
    members: Array<{ id: string; name: string; status: { dbSize: number } | null }>;
    alarms: Array<{ memberId: string }>;
  };
  const alarmedMembers = now.members.filter((m) => now.alarms.some((a) => a.memberId === m.id));
  assert.ok(alarmedMembers.length > 0, `status names the alarmed member: ${JSON.stringify(now.alarms)}`);
  const plan = await cli(['alarm', 'disarm', ...conn]);
  assert.equal(plan.code, 1, show(plan));
  for (const m of alarmedMembers) {
    assert.match(plan.stdout, new RegExp(`${m.name}: db [^\\n]*≥ 95% of quota 1 MB: may not disarm yet`), show(plan));
    const early = await cli(['alarm', 'disarm', m.name, ...conn, '--yes']);
    assert.equal(early.code, 1, show(early));
    assert.match(early.stdout, /may not disarm yet/);
  }
  assert.match((await cluster.etcdctl(['alarm', 'list'])).stdout, /NOSPACE/, 'nothing was disarmed');

  const deleted = await cluster.etcdctl(['del', '--prefix', '/fill/']);
  assert.equal(deleted.code, 0, deleted.stderr);
  // A member whose only problem is NOSPACE counts as available for compaction and defragmentation.
  const defrag = await cli(['defrag', '--compact', ...conn, '--yes'], 180000);
  assert.equal(defrag.code, 0, show(defrag));
  const disarmPlan = await cli(['alarm', 'disarm', ...conn]);
  assert.equal(disarmPlan.code, 0, show(disarmPlan));
  assert.match(disarmPlan.stdout, /< 95% of quota 1 MB: may disarm/);
  const disarmed = await cli(['alarm', 'disarm', ...conn, '--yes']);
  assert.equal(disarmed.code, 0, show(disarmed));
  assert.equal((await cli(['alarm', 'list', ...conn])).stdout, 'No active alarms.\n');
  const put = await cluster.etcdctl(['put', '/after', 'ok']);
  assert.equal(put.code, 0, `writes work again: ${put.stderr}`);
});
