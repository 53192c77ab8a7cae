// Fault injection at the edges: TLS with client certificates (right CA, wrong CA, none), auth with a wrong
// password, and an endpoint that is a TCP server writing garbage. Each gives its own kind and reason for
// every endpoint, well under the deadline, never a hang or a crash, and never leaks a password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdCluster } from '../../harness/etcdCluster';
import { generatePki } from '../../harness/tls';
import { startGarbageServer } from '../../harness/garbage';
import { ClusterInspector } from '../../../src/etcd/probe';
import type { ConnectionProfile } from '../../../src/etcd/profile';
import type { ClusterSnapshot, FailureKind } from '../../../src/etcd/model';

// Generous, so that a failure that merely waited for the deadline (kind "timeout") cannot pass for a
// fast, specific one: each fault below must be reported in under half of it, timed by the wall clock
// around refresh() rather than by the snapshot's own elapsedMs.
const TIMEOUT_MS = 2000;
const WELL_UNDER_MS = TIMEOUT_MS / 2;

async function refreshOnce(profile: ConnectionProfile): Promise<{ snapshot: ClusterSnapshot; wallMs: number }> {
  const inspector = new ClusterInspector({ timeoutMs: TIMEOUT_MS, ...profile });
  try {
    const started = Date.now();
    const snapshot = await inspector.refresh();
    return { snapshot, wallMs: Date.now() - started };
  } finally {
    inspector.dispose();
  }
}

/** No member list from any endpoint, each failing with the given kind and text, well under the deadline. */
function assertEveryEndpointFailed(
  result: { snapshot: ClusterSnapshot; wallMs: number },
  endpoints: string[],
  kind: FailureKind,
  text: RegExp,
): void {
  const { snapshot: s, wallMs } = result;
  const detail = JSON.stringify(s.discoveryErrors);
  assert.ok(wallMs < WELL_UNDER_MS, `reported after ${wallMs} ms, not well under the ${TIMEOUT_MS} ms deadline: ${detail}`);
  assert.equal(s.members.length, 0);
  assert.deepEqual(s.discoveryErrors?.map((e) => e.endpoint).sort(), [...endpoints].sort(), detail);
  for (const e of s.discoveryErrors ?? []) {
    assert.equal(e.errorKind, kind, detail);
    assert.match(e.error, text, detail);
  }
  assert.deepEqual(
    s.errors,
    (s.discoveryErrors ?? []).map((e) => `${e.endpoint}: ${e.error}`),
  );
}

for (const version of ['3.5', '3.4'] as const) {
  test(`etcd ${version}: TLS with client certificates works with the right CA; a wrong CA or no client certificate fails at once, saying so`, async (t) => {
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

    const { snapshot: good } = await refreshOnce({
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
    assert.ok(
      good.members.every((m) => m.errorKind === undefined && m.health?.errorKind === undefined),
      'no error, no kind',
    );

    const wrongCa = await refreshOnce({
      name: 'tls-wrong-ca',
      endpoints: cluster.endpoints,
      tls: { caFile: pki.otherCaFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile },
    });
    assertEveryEndpointFailed(wrongCa, cluster.endpoints, 'tls', /^TLS handshake failed: .*certificate.* \(check the CA/);

    const noClientCert = await refreshOnce({ name: 'tls-no-client-cert', endpoints: cluster.endpoints, tls: { caFile: pki.caFile } });
    assertEveryEndpointFailed(
      noClientCert,
      cluster.endpoints,
      'tls', // TLS 1.3 servers (etcd 3.5) send alert 116, "certificate required"; TLS 1.2 ones (etcd 3.4) 42, "bad certificate".
      /^TLS handshake failed: the server (requires a client certificate|rejected the client certificate, or requires one) \(/,
    );

    // Settings that cannot be used fail every endpoint with kind "tls" and the file named; refresh() resolves.
    const missingCa = `${pki.caFile}.missing`;
    const unreadable = await refreshOnce({
      name: 'tls-missing-ca',
      endpoints: cluster.endpoints,
      tls: { caFile: missingCa, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile },
    });
    assertEveryEndpointFailed(
      unreadable,
      cluster.endpoints,
      'tls',
      new RegExp(`^TLS settings unusable: cannot read the CA file ${missingCa}: ENOENT$`),
    );
    const certWithoutKey = await refreshOnce({
      name: 'tls-cert-without-key',
      endpoints: cluster.endpoints,
      tls: { caFile: pki.caFile, certFile: pki.clientCertFile },
    });
    assertEveryEndpointFailed(certWithoutKey, cluster.endpoints, 'tls', /^TLS settings unusable: a client certificate needs its key/);
  });
}

for (const version of ['3.5', '3.4'] as const) {
  test(`etcd ${version}: auth with the right password works; a wrong password fails at once, saying so, and is never echoed`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3 });
    t.after(() => cluster.destroy());
    const password = 'S3cret-pass-word';
    // A user with no role may not read the key "health"; etcdctl counts that denial as healthy.
    const viewer = await cluster.etcdctl(['user', 'add', 'viewer', `--new-user-password=${password}`]);
    assert.equal(viewer.code, 0, viewer.stderr);
    await cluster.enableAuth(password);
    const { snapshot: good } = await refreshOnce({ name: 'auth', endpoints: cluster.endpoints, username: 'root', password });
    assert.equal(good.quorum.healthy, 3, JSON.stringify(good.members.map((m) => m.error ?? m.health?.error)));
    const { snapshot: roleless } = await refreshOnce({ name: 'auth-viewer', endpoints: cluster.endpoints, username: 'viewer', password });
    assert.equal(roleless.quorum.healthy, 3, JSON.stringify(roleless.members.map((m) => m.error ?? m.health?.error)));

    const wrongPassword = 'not-the-password-42';
    const bad = await refreshOnce({ name: 'auth-bad', endpoints: cluster.endpoints, username: 'root', password: wrongPassword });
    assertEveryEndpointFailed(bad, cluster.endpoints, 'auth', /^authentication failed: wrong user name or password$/);
    assert.ok(!JSON.stringify(bad.snapshot).includes(wrongPassword), 'the password appears nowhere in the snapshot');
  });
}

test('etcd 3.5: an endpoint that writes garbage is reported as such at once, while the real members are complete', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  const garbage = await startGarbageServer();
  t.after(async () => {
    await garbage.close();
    await cluster.destroy();
  });
  const { snapshot: s, wallMs } = await refreshOnce({ name: 'garbage', endpoints: [garbage.url, cluster.endpoints[0]] });
  assert.ok(wallMs < WELL_UNDER_MS, `${wallMs} ms`);
  assert.equal(s.members.length, 3);
  assert.equal(s.quorum.healthy, 3);
  assert.deepEqual(
    s.unmatchedEndpoints.map((u) => ({ endpoint: u.endpoint, errorKind: u.errorKind })),
    [{ endpoint: garbage.url, errorKind: 'garbage' }],
  );
  assert.match(s.unmatchedEndpoints[0].error ?? '', /^not an etcd gRPC endpoint \(/);

  const only = await refreshOnce({ name: 'garbage-only', endpoints: [garbage.url] });
  assertEveryEndpointFailed(only, [garbage.url], 'garbage', /^not an etcd gRPC endpoint \(/);
  assert.equal(only.snapshot.checks.find((c) => c.id === 'leader-exists')?.ok, null);
});
