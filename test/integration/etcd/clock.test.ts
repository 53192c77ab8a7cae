// Member clocks read from here on the peer ports (GET /raft/probing) of real etcd 3.5 and 3.4 clusters:
// offsets ≈ 0 on one machine and clock-sync passing; a killed member named as not measured; a hung
// member costing the refresh no more than its deadline; https peer URLs with and without the peer TLS
// files; and a clock 3 s ahead (etcd's own answer shifted by a proxy: faketime cannot move a Go
// program's clock, which it reads through the vDSO, not libc) failing clock-sync.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../../harness/wait';
import { EtcdCluster } from '../../harness/etcdCluster';
import { generatePki } from '../../harness/tls';
import { shiftedPeer, slowHandshakeProxy } from '../../harness/clockShift';
import { ClusterInspector } from '../../../src/etcd/probe';
import { PeerClock } from '../../../src/etcd/clock';
import { clockCheck } from '../../../src/etcd/checklist';
import type { ClusterSnapshot, MemberReport } from '../../../src/etcd/model';
import type { ConnectionProfile } from '../../../src/etcd/profile';

const TIMEOUT_MS = 1000;

function byName(s: ClusterSnapshot, name: string): MemberReport {
  const found = s.members.find((m) => m.name === name);
  assert.ok(found, `member ${name}`);
  return found;
}

function clockSync(s: ClusterSnapshot): ClusterSnapshot['checks'][number] {
  const found = s.checks.find((c) => c.id === 'clock-sync');
  assert.ok(found);
  return found;
}

function inspector(t: { after(fn: () => void): void }, profile: Partial<ConnectionProfile> & { endpoints: string[] }): ClusterInspector {
  const i = new ClusterInspector({ name: 'clock', timeoutMs: TIMEOUT_MS, ...profile });
  t.after(() => i.dispose());
  return i;
}

for (const version of ['3.5', '3.4'] as const) {
  test(`etcd ${version}: member clocks from /raft/probing — ≈ 0 here, clock-sync passes; a hung member costs one deadline; a killed one is named`, async (t) => {
    const cluster = await EtcdCluster.start({ version, size: 3 });
    t.after(() => cluster.destroy());
    const i = inspector(t, { endpoints: cluster.endpoints });

    const healthy = await eventually(
      () => i.refresh(),
      (s) => s.quorum.healthy === 3,
    );
    for (const m of healthy.members) {
      assert.ok(m.clock, `${m.name}: ${m.clockError}`);
      assert.equal(m.clockError, undefined);
      assert.equal(m.clock.source, 'raft-probing');
      assert.ok(m.clock.samples >= 1 && m.clock.samples <= 5, `${m.name}: ${m.clock.samples} samples`);
      assert.ok(Math.abs(m.clock.offsetMs) < 50, `${m.name} offset ${m.clock.offsetMs} ms`);
      assert.ok(m.clock.uncertaintyMs > 0 && m.clock.uncertaintyMs < 25, `${m.name} uncertainty ${m.clock.uncertaintyMs} ms`);
    }
    const passed = clockSync(healthy);
    assert.equal(passed.ok, true, passed.actual);
    assert.match(passed.actual, /^max spread \d+(\.\d)? ms; offsets from here: etcd-\d [+-]\d/);

    // SIGSTOP: the peer port still accepts connections, nothing answers. The refresh ends at its deadline.
    cluster.hang('etcd-2');
    const started = Date.now();
    const hung = await i.refresh();
    const wallMs = Date.now() - started;
    cluster.resume('etcd-2');
    assert.ok(wallMs < TIMEOUT_MS + 400, `refresh took ${wallMs} ms with a hung member (deadline ${TIMEOUT_MS} ms)`);
    const frozen = byName(hung, 'etcd-2');
    assert.equal(frozen.clock, null);
    assert.match(frozen.clockError ?? '', new RegExp(`^${frozen.peerURLs[0]}/raft/probing: no answer within ${TIMEOUT_MS} ms`));
    for (const name of ['etcd-1', 'etcd-3']) assert.ok(byName(hung, name).clock, `${name} still measured`);
    assert.equal(clockSync(hung).ok, null);
    assert.match(clockSync(hung).actual, /not measured: etcd-2 \(.*no answer within/);

    await cluster.kill('etcd-3');
    const killed = await eventually(
      () => i.refresh(),
      (s) => byName(s, 'etcd-2').clock !== null,
    );
    const dead = byName(killed, 'etcd-3');
    assert.equal(dead.clock, null);
    assert.equal(dead.clockError, `${dead.peerURLs[0]}/raft/probing: connection refused (etcd not running or wrong port)`);
    const check = clockSync(killed);
    assert.equal(check.ok, null);
    assert.match(check.actual, /^max spread .* among the measured; not measured: etcd-3 \(.*connection refused.*\); SSH access/);
    assert.match(check.suggestion, /SSH/);
  });

  test(`etcd ${version}: https peer URLs with --peer-client-cert-auth — read with the peer TLS files, refused without them`, async (t) => {
    const pki = generatePki();
    t.after(() => pki.dispose());
    const cluster = await EtcdCluster.start({
      version,
      size: 3,
      peerTls: { caFile: pki.caFile, serverCertFile: pki.serverCertFile, serverKeyFile: pki.serverKeyFile, clientCertAuth: true },
    });
    t.after(() => cluster.destroy());
    assert.ok(cluster.members.every((m) => m.peerUrl.startsWith('https://')));

    const withFiles = inspector(t, {
      endpoints: cluster.endpoints,
      peerTls: { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile },
    });
    const s = await eventually(
      () => withFiles.refresh(),
      (x) => x.quorum.healthy === 3,
    );
    for (const m of s.members) {
      assert.ok(m.clock, `${m.name}: ${m.clockError}`);
      assert.ok(Math.abs(m.clock.offsetMs) < 50, `${m.name} offset ${m.clock.offsetMs} ms`);
    }
    assert.equal(clockSync(s).ok, true, clockSync(s).actual);

    // A slow TLS handshake (the proxy holds the member's first answer, its ServerHello, for 300 ms) is not
    // part of the round trip: one sample on a new connection is as certain as the request, not ±150 ms.
    const proxy = await slowHandshakeProxy(Number(new URL(cluster.members[0].peerUrl).port), 300);
    t.after(() => proxy.close());
    const clock = new PeerClock({ caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile });
    t.after(() => clock.dispose());
    const started = Date.now();
    const one = await clock.measure(`https://127.0.0.1:${proxy.port}`, new Date(Date.now() + 5000), 5000, 1);
    assert.ok(one.reading, one.error?.text);
    assert.ok(Date.now() - started >= 300, 'the handshake was held');
    assert.equal(one.reading.samples, 1);
    assert.ok(one.reading.uncertaintyMs < 100, `±${one.reading.uncertaintyMs} ms`);

    // No peer TLS files: the member's CA is unknown here.
    const without = await inspector(t, { endpoints: cluster.endpoints }).refresh();
    for (const m of without.members) {
      assert.equal(m.clock, null);
      assert.match(m.clockError ?? '', /raft\/probing: TLS handshake failed: .*certificate.*peerTls/);
    }
    assert.equal(clockSync(without).ok, null);

    // The CA but no client certificate: the peer port requires one.
    const noCert = await inspector(t, { endpoints: cluster.endpoints, peerTls: { caFile: pki.caFile } }).refresh();
    for (const m of noCert.members) {
      assert.equal(m.clock, null);
      assert.match(m.clockError ?? '', /raft\/probing: TLS handshake failed: the server (requires|rejected) .*client certificate.*peerTls/);
    }
    // A peer TLS file that cannot be read is said so, not thrown.
    const unreadable = await inspector(t, { endpoints: cluster.endpoints, peerTls: { caFile: `${pki.dir}/missing.pem` } }).refresh();
    assert.match(unreadable.members[0].clockError ?? '', /TLS settings unusable: cannot read the peer CA file .*missing\.pem: ENOENT/);
    assert.equal(unreadable.quorum.healthy, 3, 'the client side is unaffected');
  });
}

test('etcd 3.5: a member clock 3 s ahead (its answer shifted) is measured at +3 s and fails clock-sync, naming it', async (t) => {
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  t.after(() => cluster.destroy());
  const s = await eventually(
    () => inspector(t, { endpoints: cluster.endpoints }).refresh(),
    (x) => x.members.every((m) => m.clock !== null),
  );
  const ahead = await shiftedPeer(cluster.member('etcd-3').peerUrl, 3000);
  t.after(() => ahead.server.close());
  const clock = new PeerClock();
  t.after(() => clock.dispose());
  const result = await clock.measure(ahead.url, new Date(Date.now() + TIMEOUT_MS), TIMEOUT_MS);
  assert.ok(result.reading, result.error?.text);
  assert.ok(Math.abs(result.reading.offsetMs - 3000) < 50, `offset ${result.reading.offsetMs} ms`);

  const members = s.members.map((m) => (m.name === 'etcd-3' ? { ...m, clock: result.reading } : m));
  const check = clockCheck(members);
  assert.equal(check.ok, false, check.actual);
  assert.match(check.actual, /^etcd-3 is (29[5-9]\d|30[0-4]\d) ms ahead of etcd-\d/);
  assert.match(check.suggestion, /NTP/);
});
