// Alarms, consistency and snapshots against real etcd clusters (3.5 and 3.4), nothing mocked: NOSPACE raised
// with a small quota, refused while the db is over it, fixed, disarmed; hash-KV agreeing; verify write;
// a snapshot saved, checked and restored into a new single-member etcd that holds the keys.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, readFileSync, readdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdCluster } from '../../../harness/etcdCluster';
import { eventually } from '../../../harness/wait';
import { etcdBinaries, etcdutlBinary, type HarnessEtcdVersion } from '../../../harness/binaries';
import { freePorts } from '../../../harness/ports';
import { trackDir, trackProcess } from '../../../harness/cleanup';
import { ClusterInspector } from '../../../../src/etcd/probe';
import { EndpointClient } from '../../../../src/etcd/client';
import { ActionRefusedError, type ActionContext } from '../../../../src/etcd/actions/action';
import { disarmNospace, listAlarms, planDisarm } from '../../../../src/etcd/actions/alarms';
import { hashKvCheck, verifyWrite, VERIFY_PREFIX } from '../../../../src/etcd/actions/consistency';
import { etcdutlSnapshotStatus, saveSnapshot, ETCDUTL_ENV } from '../../../../src/etcd/actions/snapshot';
import type { ClusterSnapshot } from '../../../../src/etcd/model';

const VERSIONS: HarnessEtcdVersion[] = ['3.5', '3.4'];
const QUOTA = 1024 * 1024;

function contextFor(cluster: EtcdCluster, over: Partial<ActionContext> = {}): ActionContext {
  return { inspector: new ClusterInspector({ name: 'test', endpoints: cluster.endpoints, timeoutMs: 2000 }), ...over };
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-maintenance-'));
  const untrack = trackDir(dir);
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
    untrack();
  });
  return dir;
}

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, ETCDCTL_API: '3', ...env }, timeout: 60000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function putAll(cluster: EtcdCluster, pairs: Record<string, string>): Promise<void> {
  for (const [k, v] of Object.entries(pairs)) {
    const out = await cluster.etcdctl(['put', k, v]);
    assert.equal(out.code, 0, out.stderr);
  }
}

for (const version of VERSIONS) {
  test(`etcd ${version}: hash-KV agrees on a healthy 3-member cluster; verify write puts, gets and deletes; read-only refuses only the write`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3 });
    const context = contextFor(cluster);
    t.after(async () => {
      context.inspector.dispose();
      await cluster.destroy();
    });
    await putAll(cluster, { a: '1', b: '2', c: '3' });
    await eventually(
      () => context.inspector.refresh(),
      (s) => s.quorum.healthy === 3,
    );

    const hash = await hashKvCheck({ ...context, readOnly: true });
    assert.equal(hash.ok, true, JSON.stringify(hash, null, 1));
    assert.equal(hash.report.members.length, 3);
    assert.deepEqual(hash.report.divergent, []);
    assert.ok(hash.report.revision >= 4, `the leader's revision after three puts (${hash.report.revision})`);
    const hashes = new Set(hash.report.members.map((m) => m.hash));
    assert.equal(hashes.size, 1, 'every member has the same hash');
    assert.ok(hash.report.members.every((m) => m.error === null && m.hash !== null && m.compactRevision !== null));

    await assert.rejects(verifyWrite({ ...context, readOnly: true }), ActionRefusedError, 'verify write writes: refused under read-only');
    const logs: string[] = [];
    const verify = await verifyWrite({ ...context, log: (l) => logs.push(l) });
    assert.equal(verify.ok, true, JSON.stringify(verify, null, 1));
    assert.deepEqual(
      verify.steps.map((s) => s.text.split(' ')[0]),
      ['put', 'get', 'delete'],
    );
    assert.ok(verify.steps.every((s) => s.ok && s.tookMs >= 0 && s.text.includes(VERIFY_PREFIX)));
    assert.match(verify.steps[1].text, /read back the value written/);
    assert.match(verify.steps[2].text, /deleted 1 key/);
    assert.equal(logs.length, 3);
    const left = await cluster.etcdctl(['get', '--prefix', VERIFY_PREFIX, '--keys-only']);
    assert.equal(left.code, 0, left.stderr);
    assert.equal(left.stdout.trim(), '', 'the verify key is gone');
  });

  test(`etcd ${version}: snapshot saved with size and sha256, never over an existing file, nothing left when cancelled, restored into a new member that holds the keys`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3 });
    const context = contextFor(cluster, { readOnly: true });
    const dir = tempDir(t);
    t.after(async () => {
      context.inspector.dispose();
      await cluster.destroy();
    });
    const keys = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`/app/key-${i}`, `value-${i}`]));
    await putAll(cluster, keys);
    // Enough data for several stream messages (etcd sends 32 KiB blobs).
    const big = new EndpointClient(cluster.endpoints[0], context.inspector.profile);
    try {
      for (let i = 0; i < 8; i++) await big.put(`/big/${i}`, 'x'.repeat(64 * 1024), new Date(Date.now() + 10_000));
    } finally {
      big.close();
    }

    const file = join(dir, 'etcd.db');
    const seen: number[] = [];
    const saved = await saveSnapshot(context, file, { onBytes: (n) => seen.push(n) });
    assert.equal(saved.ok, true, JSON.stringify(saved, null, 1));
    assert.ok(saved.saved);
    const content = readFileSync(file);
    assert.equal(saved.saved.bytes, content.length);
    assert.equal(saved.saved.sha256, createHash('sha256').update(content).digest('hex'));
    assert.ok(seen.length > 1 && seen.at(-1) === content.length, `progress in several steps up to the size (${seen.join(',')})`);
    const leader = await cluster.waitForLeader();
    assert.equal(saved.saved.memberName, leader, 'streamed from the leader by default');
    assert.deepEqual(readdirSync(dir), ['etcd.db'], 'no temporary file left');

    // etcdutl 3.5 reads the snapshot of either version.
    const previous = process.env[ETCDUTL_ENV];
    process.env[ETCDUTL_ENV] = etcdutlBinary();
    try {
      const status = JSON.parse((await etcdutlSnapshotStatus(file)) ?? 'null') as { totalKey: number; revision: number };
      assert.ok(status.totalKey >= 28, `etcdutl counts the keys (${status.totalKey})`);
      const second = await saveSnapshot(context, join(dir, 'with-status.db'), { memberRef: cluster.members[2].name });
      assert.equal(second.ok, true, JSON.stringify(second, null, 1));
      assert.equal(second.saved?.memberName, cluster.members[2].name);
      assert.match(second.saved?.status ?? '', /"totalKey":/);
    } finally {
      if (previous === undefined) delete process.env[ETCDUTL_ENV];
      else process.env[ETCDUTL_ENV] = previous;
    }

    const existing = join(dir, 'existing.db');
    writeFileSync(existing, 'keep me');
    await assert.rejects(
      saveSnapshot(context, existing),
      (e: unknown) => e instanceof ActionRefusedError && /already exists/.test(e.message),
    );
    assert.equal(readFileSync(existing, 'utf8'), 'keep me');

    const abort = new AbortController();
    const cancelledFile = join(dir, 'cancelled.db');
    const cancelled = await saveSnapshot({ ...context, signal: abort.signal }, cancelledFile, { onBytes: () => abort.abort() });
    assert.equal(cancelled.cancelled, true);
    assert.equal(cancelled.ok, false);
    assert.equal(existsSync(cancelledFile), false, 'a cancelled save leaves no file');
    assert.deepEqual(readdirSync(dir).sort(), ['etcd.db', 'existing.db', 'with-status.db'], 'and no temporary file');

    // Replacing a file the user chose to overwrite (VS Code's save dialog asked): the old one stays whole
    // until the save is cancelled or complete.
    const abortReplace = new AbortController();
    const notReplaced = await saveSnapshot({ ...context, signal: abortReplace.signal }, existing, {
      overwrite: true,
      onBytes: () => abortReplace.abort(),
    });
    assert.equal(notReplaced.cancelled, true);
    assert.equal(readFileSync(existing, 'utf8'), 'keep me', 'a cancelled replacement keeps the old file');
    const replaced = await saveSnapshot(context, existing, { overwrite: true });
    assert.equal(replaced.ok, true, JSON.stringify(replaced, null, 1));
    assert.equal(replaced.saved?.sha256, createHash('sha256').update(readFileSync(existing)).digest('hex'));
    assert.deepEqual(readdirSync(dir).sort(), ['etcd.db', 'existing.db', 'with-status.db'], 'no temporary file');

    // Restore into a new single-member etcd and read the keys back.
    const [clientPort, peerPort] = await freePorts(2);
    const peer = `http://127.0.0.1:${peerPort}`;
    const client = `http://127.0.0.1:${clientPort}`;
    const dataDir = join(dir, 'restored');
    const binaries = etcdBinaries(version);
    const restoreArgs = [
      'snapshot',
      'restore',
      file,
      '--data-dir',
      dataDir,
      '--name',
      'x',
      '--initial-cluster',
      `x=${peer}`,
      '--initial-advertise-peer-urls',
      peer,
    ];
    const restored = version === '3.5' ? await run(etcdutlBinary(), restoreArgs) : await run(binaries.etcdctl, restoreArgs);
    assert.equal(restored.code, 0, restored.stderr);
    const log = openSync(join(dir, 'restored.log'), 'a');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD')));
    const child = spawn(
      binaries.etcd,
      [
        '--name',
        'x',
        '--data-dir',
        dataDir,
        '--listen-client-urls',
        client,
        '--advertise-client-urls',
        client,
        '--listen-peer-urls',
        peer,
        '--initial-advertise-peer-urls',
        peer,
        '--initial-cluster',
        `x=${peer}`,
      ],
      { stdio: ['ignore', log, log], env, detached: true },
    );
    closeSync(log);
    const untrack = trackProcess(child.pid as number);
    t.after(async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      untrack();
    });
    const got = await eventually(
      () => cluster.etcdctl(['get', '--prefix', '/app/'], { endpoints: [client] }),
      (r) => r.code === 0,
    );
    assert.equal(got.code, 0, `${got.stderr}\n${readFileSync(join(dir, 'restored.log'), 'utf8').slice(-2000)}`);
    for (const [k, v] of Object.entries(keys)) assert.match(got.stdout, new RegExp(`^${k}\\n${v}$`, 'm'));
  });

  test(`etcd ${version}: with authentication on, the snapshot stream carries the user's token (etcd3's own snapshot() drops it)`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 1 });
    const inspector = new ClusterInspector({
      name: 'auth',
      endpoints: cluster.endpoints,
      timeoutMs: 2000,
      username: 'root',
      password: 'pw',
    });
    const dir = tempDir(t);
    t.after(async () => {
      inspector.dispose();
      await cluster.destroy();
    });
    await cluster.enableAuth('pw');
    const file = join(dir, 'auth.db');
    const saved = await saveSnapshot({ inspector }, file);
    assert.equal(saved.ok, true, JSON.stringify(saved.error));
    assert.equal(saved.saved?.bytes, readFileSync(file).length);
  });

  test(`etcd ${version}: NOSPACE raised by a small quota, disarm refused while the db is over it, then space freed, disarmed, writes work again`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3, extraArgs: ['--quota-backend-bytes', String(QUOTA)] });
    const context = contextFor(cluster);
    const clients = cluster.endpoints.map((e) => new EndpointClient(e, context.inspector.profile));
    t.after(async () => {
      for (const c of clients) c.close();
      context.inspector.dispose();
      await cluster.destroy();
    });
    const healthy = await eventually(
      () => context.inspector.refresh(),
      (s) => s.quorum.healthy === 3,
    );
    assert.match(planDisarm(healthy).refusal ?? '', /no member of cluster "test" has a NOSPACE alarm/);
    assert.deepEqual(await listAlarms(context), []);

    // Fill: concurrent writers on every member until etcd says the space is exceeded.
    let exceeded = '';
    let n = 0;
    await Promise.all(
      clients.flatMap((c) =>
        Array.from({ length: 3 }, async () => {
          while (!exceeded) {
            try {
              await c.put(`/fill/${n++}`, Buffer.alloc(16 * 1024, n % 251), new Date(Date.now() + 5000));
            } catch (e) {
              if (/database space exceeded/.test(String(e))) exceeded = String(e);
              else throw e;
            }
          }
        }),
      ),
    );
    assert.match(exceeded, /database space exceeded/);
    const alarmed = await eventually(
      () => context.inspector.refresh(),
      (s) => s.alarms.some((a) => a.alarm === 'NOSPACE'),
    );
    const listed = await listAlarms(context);
    assert.ok(listed.length > 0 && listed.every((a) => a.alarm === 'NOSPACE' && /^[0-9a-f]{16}$/.test(a.memberId)), JSON.stringify(listed));
    assert.deepEqual(listed.map((a) => a.memberId).sort(), alarmed.alarms.map((a) => a.memberId).sort());

    // etcd raised NOSPACE because a request would have taken the alarmed member's db over its quota, so that
    // db is within one 16 KiB request of it (it may still be just under): above 95%, and the plan refuses.
    const over = alarmed.members.filter((m) => alarmed.alarms.some((a) => a.memberId === m.id));
    assert.ok(over.length > 0, `status names the alarmed member: ${JSON.stringify(alarmed.alarms)}`);
    for (const m of over) {
      assert.ok(m.status && m.status.dbSizeQuota === QUOTA && m.status.dbSize > QUOTA - 20 * 1024, JSON.stringify(m.status));
      const plan = planDisarm(alarmed, m.name);
      assert.match(plan.refusal ?? '', new RegExp(`^${m.name}: db .* ≥ 95% of quota 1 MB: may not disarm yet`), plan.refusal ?? '');
    }
    await assert.rejects(disarmNospace(context, over[0].name), ActionRefusedError);
    await assert.rejects(c0Put(clients[0]), /database space exceeded/, 'still no space: nothing was disarmed');

    // Free space: delete, compact, defragment every member.
    await clients[0].deleteKey('/fill/', new Date(Date.now() + 10000), true);
    const revision = await clients[0].revision(new Date(Date.now() + 5000));
    await clients[0].compact(revision, new Date(Date.now() + 30000));
    for (const c of clients) await c.defragment(new Date(Date.now() + 60000));
    const freed = await eventually(
      () => context.inspector.refresh(),
      (s) => s.members.every((m) => m.status !== null && m.status.dbSize < QUOTA),
    );
    const plan = planDisarm(freed);
    assert.equal(plan.refusal, null, plan.refusal ?? '');
    for (const step of plan.steps) assert.match(step.text, /^disarm NOSPACE of etcd-\d: db .* < 95% of quota 1 MB: may disarm$/);

    await assert.rejects(disarmNospace({ ...context, readOnly: true }), ActionRefusedError, 'read-only refuses the disarm');
    const logs: string[] = [];
    const result = await disarmNospace({ ...context, log: (l) => logs.push(l) });
    assert.equal(result.ok, true, JSON.stringify(result, null, 1));
    assert.equal(result.steps.length, new Set(freed.alarms.map((a) => a.memberId)).size);
    assert.ok(logs.length > 0);
    assert.deepEqual(await listAlarms(context), []);
    await c0Put(clients[0]);
    const after = await eventually(
      () => context.inspector.refresh(),
      (s: ClusterSnapshot) => s.quorum.healthy === 3,
    );
    assert.deepEqual(after.alarms, []);
  });
}

function c0Put(client: EndpointClient): Promise<unknown> {
  return client.put('/after', 'ok', new Date(Date.now() + 5000));
}
