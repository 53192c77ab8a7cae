// The restore guide proved by running it: a snapshot of a real etcd 3.5 cluster, the guide written for that
// cluster, the commands read back out of its markdown and run by sh (etcdutl from the harness's cache), the
// members started with the flags the guide gives, and the restored cluster checked for the keys.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EtcdCluster } from '../../harness/etcdCluster';
import { etcdBinaries } from '../../harness/binaries';
import { trackDir, trackProcess } from '../../harness/cleanup';
import { ClusterInspector } from '../../../src/etcd/probe';
import { BUMP_REVISION, recoveryGuide, restoreGuide } from '../../../src/etcd/runbook/recovery';
import { commandsStartingWith } from '../../support/markdown';

const KEYS: Record<string, string> = { '/app/a': '1', '/app/b': 'two words', "/app/it's": 'quoted "value"' };

/** The environment the guide's commands run in: etcd 3.5's etcd, etcdutl and etcdctl first on PATH, no ETCD* variables. */
function guideEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD')));
  return { ...env, PATH: `${dirname(etcdBinaries('3.5').etcd)}:${process.env.PATH ?? ''}` };
}

function sh(
  command: string,
  cwd: string,
  extraEnv: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('/bin/sh', ['-c', command], { cwd, env: { ...guideEnv(), ...extraEnv }, encoding: 'utf8', timeout: 30000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const shellQuoteForTest = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** etcd processes a test started from a guide's command lines; killed by stopAll (and the exit hook). */
class Started {
  private readonly all: Array<{ child: ChildProcess; untrack: () => void; log: string }> = [];
  constructor(private readonly work: string) {}

  /** Runs a guide's `etcd …` command as sh would (`exec`, so the pid is etcd's), its output to a log file. */
  start(command: string): void {
    const log = join(this.work, `started-${this.all.length + 1}.log`);
    const fd = openSync(log, 'a');
    const child = spawn('/bin/sh', ['-c', `exec ${command}`], {
      cwd: this.work,
      env: guideEnv(),
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    assert.ok(child.pid);
    this.all.push({ child, untrack: trackProcess(child.pid), log });
  }

  logs(): string {
    return this.all.map((p) => readFileSync(p.log, 'utf8').slice(-1500)).join('\n---\n');
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.all.map(async ({ child, untrack }) => {
        if (child.exitCode === null && child.signalCode === null) {
          const gone = new Promise((r) => child.once('exit', r));
          child.kill('SIGKILL');
          await gone;
        }
        untrack();
      }),
    );
  }
}

/** Runs commands until every one exits 0 (or the time is up); returns the failures of the last round. */
async function untilAllPass(commands: string[], cwd: string, extraEnv: Record<string, string> = {}, timeoutMs = 30000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failing = commands.flatMap((c) => {
      const run = sh(c, cwd, extraEnv);
      return run.status === 0 ? [] : [`${c}: ${run.stderr}`];
    });
    if (failing.length === 0 || Date.now() > deadline) return failing;
    await sleep(300);
  }
}

/** A 3-member etcd 3.5 cluster holding KEYS, a work folder, and the processes a test starts; all removed after. */
async function keyedCluster(t: TestContext, prefix: string): Promise<{ cluster: EtcdCluster; work: string; started: Started }> {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  const work = mkdtempSync(join(tmpdir(), prefix));
  const untrackWork = trackDir(work);
  const started = new Started(work);
  t.after(async () => {
    await started.stopAll();
    await cluster.destroy();
    rmSync(work, { recursive: true, force: true });
    untrackWork();
  });
  for (const [key, value] of Object.entries(KEYS)) assert.equal((await cluster.etcdctl(['put', key, value])).code, 0);
  return { cluster, work, started };
}

test('etcd 3.5: the restore guide’s own commands, run as written, restore a 3-member cluster that holds the keys', async (t) => {
  const { cluster, work, started } = await keyedCluster(t, 'restore guide-');

  const file = join(work, 'etcd snapshot.db');
  const saved = await cluster.etcdctl(['snapshot', 'save', file], { endpoints: [cluster.endpoints[0]] });
  assert.equal(saved.code, 0, saved.stderr);
  assert.equal((await cluster.etcdctl(['put', '/app/after-snapshot', 'x'])).code, 0);

  const inspector = new ClusterInspector({ name: 'restore-test', endpoints: cluster.endpoints, timeoutMs: 2000 });
  const snapshot = await inspector.refresh();
  inspector.dispose();
  assert.equal(snapshot.quorum.reachable, 3);
  const dataDirs = Object.fromEntries(cluster.members.map((m) => [m.name, join(work, `data ${m.name}`)]));
  const guide = restoreGuide(snapshot, inspector.profile, file, { dataDirs });

  // Step 2 of the guide: every member stopped before any restore.
  for (const m of cluster.members) await cluster.kill(m.name);

  const status = commandsStartingWith(guide, 'etcdutl snapshot status');
  assert.equal(status.length, 1);
  const statusRun = sh(status[0], work);
  assert.equal(statusRun.status, 0, statusRun.stderr);
  assert.match(statusRun.stdout, /HASH.*REVISION.*TOTAL KEYS/);

  const restores = commandsStartingWith(guide, 'etcdutl snapshot restore');
  assert.equal(restores.length, 3);
  for (const command of restores) {
    const run = sh(command, work);
    assert.equal(run.status, 0, `${command}\n${run.stderr}`);
  }
  for (const m of cluster.members) assert.ok(existsSync(dataDirs[m.name]) === false, 'the old data dir is never written');

  const starts = commandsStartingWith(guide, 'etcd --name=');
  assert.equal(starts.length, 3);
  for (const command of starts) started.start(command);

  // Step 5 of the guide: its verification commands, until they pass.
  const verify = commandsStartingWith(guide, 'etcdctl ');
  assert.equal(verify.length, 3);
  assert.deepEqual(await untilAllPass(verify, work), [], started.logs());

  for (const [key, value] of Object.entries(KEYS)) {
    const got = await cluster.etcdctl(['get', key, '--print-value-only']);
    assert.equal(got.stdout.trim(), value, key);
  }
  assert.equal(
    (await cluster.etcdctl(['get', '/app/after-snapshot', '--print-value-only'])).stdout.trim(),
    '',
    'a write after the snapshot is gone',
  );

  const members = await cluster.etcdctl(['member', 'list']);
  assert.deepEqual(
    members.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(', ').slice(1, 3).join(' '))
      .sort(),
    ['started etcd-1', 'started etcd-2', 'started etcd-3'],
  );
  const statusJson = await cluster.etcdctl(['endpoint', 'status', '-w', 'json']);
  const headers = (
    JSON.parse(statusJson.stdout.replace(/"(cluster_id|member_id)":(\d+)/g, '"$1":"$2"')) as Array<{
      Status: { header: { cluster_id: string; revision: number } };
    }>
  ).map((e) => e.Status.header);
  assert.equal(headers.length, 3);
  for (const h of headers) {
    assert.ok(h.revision > BUMP_REVISION, `the revision was bumped past ${BUMP_REVISION}: ${h.revision}`);
    assert.notEqual(BigInt(h.cluster_id).toString(16).padStart(16, '0'), snapshot.clusterId, 'a new cluster (new token), not the old one');
  }
  assert.equal(new Set(headers.map((h) => h.cluster_id)).size, 1, 'one cluster');
});

test('etcd 3.5: option 3 of the recovery guide, run as written, brings a cluster that lost 2 of 3 members back to 3 with its keys', async (t) => {
  const { cluster, work, started } = await keyedCluster(t, 'recovery guide-');
  // --force-new-cluster keeps only what the survivor knows was committed: wait until it has applied every key.
  const survivorUrl = cluster.member('etcd-3').clientUrl;
  const seen = await untilAllPass(
    Object.keys(KEYS).map(
      (k) => `etcdctl --endpoints=${survivorUrl} get --consistency=s --print-value-only ${shellQuoteForTest(k)} | grep -q .`,
    ),
    work,
  );
  assert.deepEqual(seen, []);
  await cluster.kill('etcd-1');
  await cluster.kill('etcd-2');

  const inspector = new ClusterInspector({ name: 'recovery-test', endpoints: cluster.endpoints, timeoutMs: 2000 });
  const snapshot = await inspector.refresh();
  inspector.dispose();
  assert.equal(snapshot.quorum.hasQuorum, false);
  const dataDirs = Object.fromEntries(cluster.members.map((m) => [m.name, m.dataDir]));
  const guide = recoveryGuide(snapshot, inspector.profile, { dataDirs });
  const option3 = guide.slice(guide.indexOf('## Option 3'));
  assert.match(option3, /Survivor: \*\*`etcd-3`\*\*/);

  // Step 1: a snapshot of the survivor (it answers without quorum), the others' data dirs moved aside, the survivor stopped and copied.
  const save = commandsStartingWith(option3, 'etcdctl ').filter((c) => c.includes(' snapshot save '));
  assert.equal(save.length, 1);
  const saveRun = sh(save[0], work);
  assert.equal(saveRun.status, 0, saveRun.stderr);
  for (const command of commandsStartingWith(option3, 'mv ')) assert.equal(sh(command, work).status, 0, command);
  // `systemctl stop etcd`, as the guide says: a graceful stop, so etcd flushes its WAL (a SIGKILLed survivor can lose
  // the commit index of its last writes, and members re-added after --force-new-cluster then lack them: etcd#14009).
  await cluster.stop('etcd-3');
  for (const command of commandsStartingWith(option3, 'cp -a ')) assert.equal(sh(command, work).status, 0, command);
  assert.equal(existsSync(cluster.member('etcd-1').dataDir), false, 'old data moved aside');

  // Step 2: the survivor once with --force-new-cluster, then the guide's checks.
  const forced = commandsStartingWith(option3, 'etcd --force-new-cluster');
  assert.equal(forced.length, 1);
  started.start(forced[0]);
  const step2 = option3.slice(option3.indexOf('### 2.'), option3.indexOf('### 3.'));
  assert.deepEqual(await untilAllPass(commandsStartingWith(step2, 'etcdctl '), work), [], started.logs());

  // Step 3: each other member added as a learner, started on an empty data dir, promoted once in sync.
  const step3 = option3.slice(option3.indexOf('### 3.'));
  const adds = commandsStartingWith(step3, 'etcdctl ').filter((c) => c.includes(' member add '));
  const joins = commandsStartingWith(step3, 'etcd --name=');
  const promotes = commandsStartingWith(step3, 'etcdctl ').filter((c) => c.includes(' member promote '));
  assert.deepEqual([adds.length, joins.length, promotes.length], [2, 2, 2]);
  for (let i = 0; i < 2; i++) {
    // As the guide says: etcd answers "unhealthy cluster" to a reconfiguration until its members have been connected for 5 s.
    let add = sh(adds[i], work);
    for (const deadline = Date.now() + 20000; add.status !== 0 && /unhealthy cluster/.test(add.stderr) && Date.now() < deadline;) {
      await sleep(500);
      add = sh(adds[i], work);
    }
    assert.equal(add.status, 0, add.stderr);
    // etcdctl prints the id with %16x: an id with leading zero digits comes padded with spaces.
    const id = /Member\s+([0-9a-f]+) added/.exec(add.stdout)?.[1];
    assert.ok(id, add.stdout);
    started.start(joins[i]);
    assert.deepEqual(await untilAllPass([promotes[i]], work, { LEARNER_ID: id }, 60000), [], started.logs());
  }

  // The guide's last checks: health, and the same KV hash on every member.
  const last = commandsStartingWith(option3.slice(option3.indexOf('After the last promotion')), 'etcdctl ');
  assert.equal(last.length, 3);
  assert.deepEqual(await untilAllPass(last, work), [], started.logs());
  const hashkv = sh(last.find((c) => c.includes(' endpoint hashkv ')) ?? '', work);
  const hashes = hashkv.stdout
    .trim()
    .split('\n')
    .map((line) => line.split(', ')[1]);
  assert.equal(hashes.length, 3, hashkv.stdout);
  assert.equal(new Set(hashes).size, 1, `every member holds the same data: ${hashkv.stdout}`);

  const members = await cluster.etcdctl(['member', 'list']);
  assert.deepEqual(
    members.stdout
      .trim()
      .split('\n')
      .map((line) =>
        line
          .split(', ')
          .filter((_, i) => i === 1 || i === 2 || i === 5)
          .join(' '),
      )
      .sort(),
    ['started etcd-1 false', 'started etcd-2 false', 'started etcd-3 false'],
    'three started voting members',
  );
  for (const m of cluster.members)
    for (const [key, value] of Object.entries(KEYS)) {
      const got = await cluster.etcdctl(['get', key, '--print-value-only'], { endpoints: [m.clientUrl] });
      assert.equal(got.stdout.trim(), value, `${key} on ${m.name}`);
    }
});
