// Fault injection at the edges: TLS with client certificates (right and wrong CA), auth with a wrong
// password, and an endpoint that is a TCP server writing garbage. Each gives a clear reason within the
// deadline, never a hang or a crash, and never leaks a password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdCluster } from '../../harness/etcdCluster';
import { generatePki } from '../../harness/tls';
import { startGarbageServer } from '../../harness/garbage';
import { ClusterInspector } from '../../../src/etcd/probe';
import type { ConnectionProfile } from '../../../src/etcd/profile';

const TIMEOUT_MS = 1000;

async function refreshOnce(profile: ConnectionProfile) {
  const inspector = new ClusterInspector({ timeoutMs: TIMEOUT_MS, ...profile });
  try {
    return await inspector.refresh();
  } finally {
    inspector.dispose();
  }
}

for (const version of ['3.5', '3.4'] as const) {
  test(`etcd ${version}: TLS with client certificates works with the right CA and fails clearly with a wrong one`, async (t) => {
    const pki = generatePki();
    const cluster = await EtcdCluster.start({
      version,
      size: 3,
      tls: { caFile: pki.caFile, serverCertFile: pki.serverCertFile, serverKeyFile: pki.serverKeyFile, clientCertAuth: true },
    });
    t.after(async () => {
      await cluster.destroy();
      pki.dispose();
    });
    assert.ok(cluster.endpoints.every((e) => e.startsWith('https://')));

    const good = await refreshOnce({
      name: 'tls',
      endpoints: [cluster.endpoints[0]],
      tls: { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile },
    });
    assert.equal(good.members.length, 3);
    assert.equal(good.quorum.healthy, 3, JSON.stringify(good.members.map((m) => m.error ?? m.health?.error)));
    assert.ok(good.leaderId);
    assert.ok(
      good.members.every((m) => m.status?.dbSizeQuota === 2 * 1024 ** 3),
      'metrics read over https with the client certificate',
    );

    const started = Date.now();
    const wrongCa = await refreshOnce({
      name: 'tls-wrong-ca',
      endpoints: cluster.endpoints,
      tls: { caFile: pki.otherCaFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile },
    });
    assert.ok(Date.now() - started <= TIMEOUT_MS + 100);
    assert.equal(wrongCa.members.length, 0);
    assert.equal(wrongCa.errors.length, 3);
    for (const e of wrongCa.errors) assert.match(e, /TLS handshake failed|no answer within/, e);
    assert.ok(
      wrongCa.errors.some((e) => /TLS handshake failed/.test(e)),
      wrongCa.errors.join('\n'),
    );

    const noClientCert = await refreshOnce({ name: 'tls-no-client-cert', endpoints: [cluster.endpoints[0]], tls: { caFile: pki.caFile } });
    assert.equal(noClientCert.members.length, 0);
    assert.match(noClientCert.errors[0], /^https:\/\/127\.0\.0\.1:\d+: /);
  });
}

for (const version of ['3.5', '3.4'] as const) {
  test(`etcd ${version}: auth with the right password works; a wrong password is a clear error and is never echoed`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3 });
    t.after(() => cluster.destroy());
    const password = 'S3cret-pass-word';
    await cluster.enableAuth(password);
    const good = await refreshOnce({ name: 'auth', endpoints: cluster.endpoints, username: 'root', password });
    assert.equal(good.quorum.healthy, 3, JSON.stringify(good.members.map((m) => m.error ?? m.health?.error)));

    const wrongPassword = 'not-the-password-42';
    const bad = await refreshOnce({ name: 'auth-bad', endpoints: cluster.endpoints, username: 'root', password: wrongPassword });
    assert.equal(bad.members.length, 0);
    assert.ok(bad.errors.length > 0);
    for (const e of bad.errors) assert.match(e, /authentication failed: wrong user name or password/);
    assert.ok(!JSON.stringify(bad).includes(wrongPassword), 'the password appears nowhere in the snapshot');
  });
}

test('etcd 3.5: an endpoint that writes garbage is reported as such while the real members are complete', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  const garbage = await startGarbageServer();
  t.after(async () => {
    await garbage.close();
    await cluster.destroy();
  });
  const started = Date.now();
  const s = await refreshOnce({ name: 'garbage', endpoints: [garbage.url, cluster.endpoints[0]] });
  assert.ok(Date.now() - started <= TIMEOUT_MS + 100, `${Date.now() - started} ms`);
  assert.equal(s.members.length, 3);
  assert.equal(s.quorum.healthy, 3);
  assert.equal(s.unmatchedEndpoints.length, 1);
  assert.equal(s.unmatchedEndpoints[0].endpoint, garbage.url);
  assert.match(s.unmatchedEndpoints[0].error ?? '', /not an etcd gRPC endpoint|no answer within|unavailable/);

  const only = await refreshOnce({ name: 'garbage-only', endpoints: [garbage.url] });
  assert.equal(only.members.length, 0);
  assert.equal(only.errors.length, 1);
  assert.equal(only.checks.find((c) => c.id === 'leader-exists')?.ok, null);
});
