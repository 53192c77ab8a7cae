// A cluster reached through an SSH host: the harness's real sshd on loopback is the bastion, real etcd
// clusters behind it. Every connection of a refresh goes through the tunnel (counted at the dialer, and
// proven by cutting the SSH connection: direct connections would not notice); status, health, /metrics and
// clocks come through; one action; TLS with a server name end to end; the SSH connection dropped mid-refresh
// (the refresh ends by its deadline, the next one reconnects); sshd gone; an unknown and a changed bastion
// host key; a member down behind the bastion.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdCluster } from '../../harness/etcdCluster';
import { Sshd, keyPair } from '../../harness/sshd';
import { generatePki } from '../../harness/tls';
import { settles } from '../../harness/wait';
import { runCli } from '../../harness/cli';
import { ClusterInspector } from '../../../src/etcd/probe';
import { EndpointClient } from '../../../src/etcd/client';
import type { Dialer } from '../../../src/etcd/dial';
import type { ConnectionProfile } from '../../../src/etcd/profile';
import type { ClusterSnapshot } from '../../../src/etcd/model';
import { RETRY_AFTER_MS, SshTunnel } from '../../../src/ssh/tunnel';
import type { SshOptions } from '../../../src/ssh/target';

const TIMEOUT_MS = 2000;
let sshd: Sshd;
let cluster: EtcdCluster;

before(async () => {
  [sshd, cluster] = await Promise.all([Sshd.start(), EtcdCluster.start({ version: '3.5', size: 3 })]);
});
after(async () => {
  await cluster?.destroy();
  await sshd?.stop();
});

function sshOptions(over: Partial<SshOptions> = {}): SshOptions {
  return { ...sshd.clientOptions(), ...over };
}

async function tunnel(over: Partial<SshOptions> = {}, onUnknown = async (): Promise<boolean> => false): Promise<SshTunnel> {
  return SshTunnel.create(`${sshd.user}@127.0.0.1`, sshOptions(over), {
    credentials: { agent: null },
    onUnknownHostKey: onUnknown,
    connectTimeoutMs: 5000,
  });
}

/** The tunnel's dialer, counting the connections it opened. */
function counted(t: SshTunnel): { dial: Dialer; count: () => number; ports: number[] } {
  const ports: number[] = [];
  return {
    dial: (host, port, deadline) => {
      ports.push(port);
      return t.dial(host, port, deadline);
    },
    count: () => ports.length,
    ports,
  };
}

/** Refreshes until `healthy` members are healthy (20 s at most); the last snapshot. */
function healthy(i: ClusterInspector, count: number, options: { waitForMetrics?: boolean } = {}): Promise<ClusterSnapshot> {
  return settles(async () => {
    const x = await i.refresh(options);
    assert.equal(x.quorum.healthy, count, JSON.stringify(x.errors));
    return x;
  }, 20_000);
}

function inspector(profile: Partial<ConnectionProfile>): ClusterInspector {
  return new ClusterInspector({ name: 'tunnelled', endpoints: cluster.endpoints, timeoutMs: TIMEOUT_MS, ...profile });
}

test('through the tunnel: status, health, /metrics and clocks of every member; one action; the route named', async (t) => {
  const tun = await tunnel();
  t.after(() => tun.close());
  assert.equal(tun.route, `via ${sshd.user}@127.0.0.1:${sshd.port}`);
  const route = counted(tun);
  const i = inspector({ dial: route.dial, route: tun.route });
  t.after(() => i.dispose());
  const s = await healthy(i, 3, { waitForMetrics: true });
  for (const m of s.members) {
    assert.ok(m.status && m.health?.healthy, `${m.name}: ${m.error}`);
    assert.ok(m.status.dbSizeQuota && m.status.dbSizeQuota > 0, `${m.name}: quota from /metrics`);
    assert.ok(m.clock, `${m.name}: clock read on the peer port: ${m.clockError}`);
    assert.equal(m.connectivity.peer, true);
  }
  // gRPC (one session per member, and the member list), /metrics, the clock: all dialled through SSH.
  assert.ok(route.count() >= 3 * 3, `${route.count()} connections through the tunnel`);
  // An action's own client, with the profile's route: a write, read back.
  const client = new EndpointClient(cluster.endpoints[0], { name: 'tunnelled', endpoints: cluster.endpoints, dial: route.dial });
  t.after(() => client.close());
  const before = route.count();
  await client.put('/through/the/tunnel', 'yes', new Date(Date.now() + TIMEOUT_MS));
  assert.equal(await client.get('/through/the/tunnel', new Date(Date.now() + TIMEOUT_MS)), 'yes');
  assert.equal(route.count(), before + 1, 'the action opened its own connection through the tunnel');
});

test('the SSH connection dropped mid-refresh: the refresh ends by its deadline, the next one reconnects', async (t) => {
  const tun = await tunnel();
  t.after(() => tun.close());
  const i = inspector({ dial: tun.dial });
  t.after(() => i.dispose());
  await settles(async () => assert.equal((await i.refresh()).quorum.healthy, 3), 20_000);
  const started = Date.now();
  const refreshing = i.refresh();
  assert.ok((await sshd.dropConnections()) > 0, 'sshd served the tunnel');
  await refreshing;
  assert.ok(Date.now() - started < TIMEOUT_MS + 1000, `the refresh ended in ${Date.now() - started} ms`);
  // Calls after the drop open one new SSH connection (perhaps already in this refresh), not one per call.
  const healed = await healthy(i, 3);
  assert.equal(healed.members.length, 3);
  assert.equal(tun.opened, 2, 'one connection after the drop');
  await i.refresh();
  assert.equal(tun.opened, 2, 'and it is kept');
});

test('a member down behind the bastion is "connection refused from" the bastion; the others answer', async (t) => {
  const small = await EtcdCluster.start({ version: '3.5', size: 3 });
  t.after(() => small.destroy());
  const tun = await tunnel();
  t.after(() => tun.close());
  const i = new ClusterInspector({ name: 'behind', endpoints: small.endpoints, timeoutMs: TIMEOUT_MS, dial: tun.dial, route: tun.route });
  t.after(() => i.dispose());
  await settles(async () => assert.equal((await i.refresh()).quorum.healthy, 3), 20_000);
  await small.kill('etcd-3');
  const s = await settles(async () => {
    const x = await i.refresh();
    assert.equal(x.members.find((m) => m.name === 'etcd-3')?.errorKind, 'refused');
    assert.equal(x.quorum.healthy, 2);
    return x;
  }, 20_000);
  const dead = s.members.find((m) => m.name === 'etcd-3');
  // Said by the SSH host: the channel it could not open, or the port probe through it.
  assert.match(dead?.error ?? '', /connection refused/);
  assert.match(dead?.error ?? '', new RegExp(`via ${sshd.user}@127\\.0\\.0\\.1:${sshd.port}`));
  assert.equal(s.quorum.healthy, 2);
});

test('TLS with a server name, end to end inside the tunnel', async (t) => {
  const pki = generatePki();
  t.after(() => pki.dispose());
  const secure = await EtcdCluster.start({
    version: '3.5',
    size: 1,
    tls: { caFile: pki.caFile, serverCertFile: pki.serverCertFile, serverKeyFile: pki.serverKeyFile, clientCertAuth: true },
  });
  t.after(() => secure.destroy());
  const tun = await tunnel();
  t.after(() => tun.close());
  const tls = { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile, serverName: 'localhost' };
  const route = counted(tun);
  const i = new ClusterInspector({ name: 'secure', endpoints: secure.endpoints, timeoutMs: TIMEOUT_MS, tls, dial: route.dial });
  t.after(() => i.dispose());
  const s = await healthy(i, 1, { waitForMetrics: true });
  assert.ok(s.members[0].status?.dbSizeQuota, 'the https /metrics page came through too');
  // ... on the gRPC connection: an https client port is dialled once, for gRPC and /metrics alike.
  const clientPort = Number(new URL(secure.endpoints[0]).port);
  assert.equal(route.ports.filter((p) => p === clientPort).length, 1, `dials: ${route.ports.join(', ')}`);
  // A name the certificate does not carry is refused, inside the tunnel as outside it.
  const wrong = new ClusterInspector({
    name: 'secure',
    endpoints: secure.endpoints,
    timeoutMs: TIMEOUT_MS,
    tls: { ...tls, serverName: 'not-this-server' },
    dial: tun.dial,
  });
  t.after(() => wrong.dispose());
  const refused = await wrong.refresh();
  assert.equal(refused.members.length, 0);
  assert.match(refused.errors.join('\n'), /TLS handshake failed: .*not-this-server/);
});

test('bastion host keys: unknown refused (asked once, with its fingerprint), changed refused loudly; sshd gone: "SSH to"', async (t) => {
  const asked: string[] = [];
  const unknown = await tunnel({ knownHostsFile: sshd.writeKnownHosts('empty', []) }, async () => {
    asked.push('asked');
    return false;
  });
  t.after(() => unknown.close());
  const i = inspector({ dial: unknown.dial });
  t.after(() => i.dispose());
  const s = await i.refresh();
  assert.equal(s.members.length, 0);
  assert.ok(asked.length >= 1, 'the policy was asked');
  for (const e of s.discoveryErrors ?? []) assert.match(e.error, /^SSH via .*host key .* is unknown \(SHA256:/, e.error);

  // A changed key: refused, and heard once per attempt by onSessionError (VS Code shows it as an error
  // message). A refresh's dials (the first, then the other endpoints 100 ms later) make one attempt, and so
  // does a refresh right after; once RETRY_AFTER_MS has passed, the next refresh is a new attempt.
  const other = await keyPair(cluster.baseDir, 'other-host-key');
  const heard: string[] = [];
  const changed = await SshTunnel.create(
    `${sshd.user}@127.0.0.1`,
    sshOptions({ knownHostsFile: sshd.writeKnownHosts('changed', [sshd.knownHostsLine('plain', other)]) }),
    { credentials: { agent: null }, onUnknownHostKey: async () => false, connectTimeoutMs: 5000 },
    (error) => heard.push(error.kind),
  );
  t.after(() => changed.close());
  const j = inspector({ dial: changed.dial });
  t.after(() => j.dispose());
  const c = await j.refresh();
  assert.equal(c.members.length, 0);
  assert.match(c.discoveryErrors?.[0]?.error ?? '', /changed/i);
  assert.deepEqual(heard, ['host-key-changed']);
  const again = await j.refresh();
  assert.match(again.discoveryErrors?.[0]?.error ?? '', /changed/i);
  assert.deepEqual([heard.length, changed.opened], [1, 1], 'no new attempt right after a failed one');
  await new Promise((r) => setTimeout(r, RETRY_AFTER_MS));
  await j.refresh();
  assert.deepEqual(heard, ['host-key-changed', 'host-key-changed']);
  assert.equal(changed.opened, 2);

  // No SSH server at all: every endpoint says SSH, well within the deadline; nothing reaches etcd directly.
  const gone = await SshTunnel.create(`${sshd.user}@127.0.0.1:1`, sshOptions({ port: 1 }), {
    credentials: { agent: null },
    onUnknownHostKey: async () => false,
    connectTimeoutMs: 1000,
  });
  t.after(() => gone.close());
  const k = inspector({ dial: gone.dial });
  t.after(() => k.dispose());
  const started = Date.now();
  const g = await k.refresh();
  assert.equal(g.members.length, 0);
  assert.ok(Date.now() - started < TIMEOUT_MS + 500);
  for (const e of g.discoveryErrors ?? []) {
    assert.match(e.error, /^SSH (to|via) .*refused/i, e.error);
    assert.equal(e.errorKind, 'unavailable', 'the route failed, not etcd');
  }
});

test('CLI: status and verify --ssh-tunnel go through the SSH host; without a reachable one, every endpoint says so', async () => {
  const ssh = [
    '--ssh-tunnel',
    `${sshd.user}@127.0.0.1`,
    '--ssh-port',
    String(sshd.port),
    '--ssh-identity',
    sshd.userKey.file,
    '--ssh-known-hosts',
    sshd.writeKnownHosts('cli_known_hosts', [sshd.knownHostsLine('plain')]),
    '--ssh-config',
    'none',
  ];
  const status = await runCli(['status', '--endpoints', cluster.endpoints[0], '-w', 'json', '--timeout-ms', String(TIMEOUT_MS), ...ssh]);
  assert.equal(status.code, 0, status.stderr);
  const json = JSON.parse(status.stdout) as { quorum: { healthy: number } };
  assert.equal(json.quorum.healthy, 3);
  const verify = await runCli(['verify', '--endpoints', cluster.endpoints[0], '--yes', ...ssh]);
  assert.equal(verify.code, 0, verify.stderr + verify.stdout);
  // The SSH port changed to one nobody serves: the same command fails, naming SSH, though etcd is reachable directly.
  const cut = ssh.map((a, i) => (ssh[i - 1] === '--ssh-port' ? '1' : a));
  const refused = await runCli(['status', '--endpoints', cluster.endpoints[0], '--timeout-ms', String(TIMEOUT_MS), ...cut]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /SSH (to|via) .*127\.0\.0\.1:1\b.*refused/i);
  assert.doesNotMatch(refused.stderr, /etcd not running/);
});
