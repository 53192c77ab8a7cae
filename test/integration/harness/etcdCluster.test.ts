// The harness itself, against real etcd: clusters elect a leader, and killing two of three members
// reproduces the runbook's symptom (leader 0, "etcdserver: no leader") for real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdCluster } from '../../harness/etcdCluster';
import type { HarnessEtcdVersion } from '../../harness/binaries';

for (const version of ['3.5', '3.4'] as HarnessEtcdVersion[]) {
  test(`etcd ${version}: a 3-member cluster elects a leader, serves reads and writes, and loses its leader when two members die`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3 });
    t.after(() => cluster.destroy());

    const leader = await cluster.waitForLeader();
    assert.ok(
      cluster.members.some((m) => m.name === leader),
      `leader ${leader} is a member`,
    );

    const versionOut = await cluster.etcdctl(['endpoint', 'status', '-w', 'json'], { endpoints: [cluster.endpoints[0]] });
    assert.equal(versionOut.code, 0, versionOut.stderr);
    assert.match(versionOut.stdout, new RegExp(`"version":"${version.replace('.', '\\.')}\\.`));

    const put = await cluster.etcdctl(['put', 'harness/key', 'value']);
    assert.equal(put.code, 0, put.stderr);
    const get = await cluster.etcdctl(['get', 'harness/key', '--print-value-only']);
    assert.equal(get.stdout.trim(), 'value');

    const members = await cluster.etcdctl(['member', 'list', '-w', 'json']);
    assert.equal((JSON.parse(members.stdout) as { members: unknown[] }).members.length, 3);

    // Kill two members: the survivor has no quorum, so once its election timeout passes it reports no leader.
    const survivor = cluster.members[2];
    await cluster.kill(cluster.members[0].name);
    await cluster.kill(cluster.members[1].name);
    let status: Awaited<ReturnType<EtcdCluster['endpointStatus']>>;
    const deadline = Date.now() + 15000;
    do {
      status = await cluster.endpointStatus(survivor.clientUrl);
      if (status?.leader === '0') break;
      await new Promise((r) => setTimeout(r, 200));
    } while (Date.now() < deadline);
    assert.ok(status, 'the survivor still answers endpoint status');
    assert.equal(status.leader, '0', 'leader 0 means no leader elected');
    assert.ok(status.errors.includes('etcdserver: no leader'), `errors: ${JSON.stringify(status.errors)}`);

    const health = await cluster.etcdctl(['endpoint', 'health'], { endpoints: [survivor.clientUrl] });
    assert.notEqual(health.code, 0, 'endpoint health fails without a leader');
    assert.match(health.stdout + health.stderr, /unhealthy/);
  });
}

test('etcd 3.5: hang, resume, restart and add members', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  t.after(() => cluster.destroy());
  const victim = cluster.members[0];

  cluster.hang(victim.name);
  const started = Date.now();
  const hung = await cluster.etcdctl(['endpoint', 'status'], { endpoints: [victim.clientUrl] });
  assert.notEqual(hung.code, 0, 'a SIGSTOPped member does not answer');
  assert.ok(Date.now() - started < 10000);
  cluster.resume(victim.name);
  const resumed = await cluster.etcdctl(['endpoint', 'status'], { endpoints: [victim.clientUrl] });
  assert.equal(resumed.code, 0, resumed.stderr);

  await cluster.kill(victim.name);
  await cluster.restart(victim.name);
  const health = await cluster.etcdctl(['endpoint', 'health']);
  assert.equal(health.code, 0, health.stderr);

  const learner = await cluster.addMember({ learner: true });
  const list = await cluster.etcdctl(['member', 'list', '-w', 'json']);
  const members = (JSON.parse(list.stdout) as { members: Array<{ name: string; isLearner?: boolean }> }).members;
  assert.equal(members.length, 4);
  assert.equal(members.find((m) => m.name === learner.name)?.isLearner, true);
});

test('destroy() removes every process and folder', async () => {
  const cluster = await EtcdCluster.start({ version: '3.4', size: 1 });
  const pid = cluster.members[0].process?.pid;
  assert.ok(pid);
  await cluster.destroy();
  assert.throws(() => process.kill(pid, 0), /ESRCH/);
  const { existsSync } = await import('node:fs');
  assert.equal(existsSync(cluster.baseDir), false);
});
