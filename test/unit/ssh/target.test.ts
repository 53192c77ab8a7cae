// Where an SSH connection goes: [user@]host[:port] specs, the cluster's ssh block over ~/.ssh/config over
// OpenSSH's defaults, ProxyJump hops, UserKnownHostsFile, Include followed (with a glob), Match exec never
// run, ProxyCommand reported, a member's host from its peer URL or its override.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memberHostSpec, parseHostSpec, readSshConfig, resolveTarget } from '../../../src/ssh/target';

test('host specs: user, IPv6 in brackets, port; anything else is refused', () => {
  assert.deepEqual(parseHostSpec('core@10.0.0.1:2222'), { user: 'core', host: '10.0.0.1', port: 2222 });
  assert.deepEqual(parseHostSpec('[fd00::1]:22'), { host: 'fd00::1', port: 22 });
  assert.deepEqual(parseHostSpec('etcd-1.example'), { host: 'etcd-1.example' });
  for (const bad of ['', '-oProxyCommand=x', 'a b', 'host:99999', 'us$er@host', 'host;rm', '$(x)']) {
    assert.throws(() => parseHostSpec(bad), /not an SSH host|out of range|not a user name/, bad);
  }
});

test('the ssh block wins over ~/.ssh/config, which wins over the defaults; ProxyJump and known_hosts files come from the config', async () => {
  const config = [
    'Host etcd-*',
    '  User core',
    '  Port 2200',
    '  IdentityFile ~/.ssh/etcd_key',
    '  ProxyJump bastion',
    '  UserKnownHostsFile /etc/ssh/etcd_known_hosts ~/.ssh/known_hosts',
    'Host etcd-1',
    '  HostName 10.0.0.11',
    'Host bastion',
    '  HostName 192.0.2.1',
    '  User jump',
  ].join('\n');
  const t = await resolveTarget('etcd-1', {}, config);
  assert.deepEqual(
    { host: t.host.host, port: t.host.port, user: t.host.user, alias: t.host.alias },
    { host: '10.0.0.11', port: 2200, user: 'core', alias: 'etcd-1' },
  );
  assert.match(t.host.identityFiles[0], /\/\.ssh\/etcd_key$/);
  assert.deepEqual(
    t.hops.map((h) => `${h.user}@${h.host}:${h.port}`),
    ['jump@192.0.2.1:22'],
  );
  assert.equal(t.knownHostsFiles[0].path, '/etc/ssh/etcd_known_hosts');
  assert.equal(t.knownHostsFiles.length, 2);

  const explicit = await resolveTarget(
    'admin@etcd-1:22',
    { user: 'ignored-user', port: 2201, identityFile: '/k', jumpHost: 'none', knownHostsFile: '/kh' },
    config,
  );
  assert.deepEqual(
    { user: explicit.host.user, port: explicit.host.port, ids: explicit.host.identityFiles, hops: explicit.hops.length },
    { user: 'admin', port: 22, ids: ['/k'], hops: 0 },
    'user@ and :port in the spec win over everything, the block over the config',
  );
  assert.deepEqual(explicit.knownHostsFiles, [{ path: '/kh', required: true }], 'a configured known_hosts file must exist');
});

test('Match exec is never run; ProxyCommand is reported, not run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssh-target-'));
  try {
    const marker = join(dir, 'ran');
    const config = `Match exec "touch ${marker}"\n  User evil\nHost h\n  ProxyCommand touch ${marker}\n`;
    const notes: string[] = [];
    const t = await resolveTarget('h', {}, config, notes);
    assert.equal(existsSync(marker), false, 'nothing ran');
    assert.notEqual(t.host.user, 'evil');
    assert.deepEqual(notes, ['h: ProxyCommand in the ssh configuration is not run (use ProxyJump)']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Include is followed, globs included, relative names under ~/.ssh; a missing include is noted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssh-include-'));
  try {
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'conf.d', 'a.conf'), 'Host a\n  HostName 10.1.1.1\n');
    writeFileSync(join(dir, 'conf.d', 'b.conf'), 'Host b\n  Port 2022\n');
    writeFileSync(join(dir, 'config'), `Include ${join(dir, 'conf.d')}/*.conf\nInclude ${join(dir, 'missing')}/x\nHost *\n  User u\n`);
    const { text, notes } = await readSshConfig(join(dir, 'config'));
    const a = await resolveTarget('a', {}, text);
    const b = await resolveTarget('b', {}, text);
    assert.deepEqual([a.host.host, a.host.user, b.host.port], ['10.1.1.1', 'u', 2022]);
    assert.deepEqual(notes, [`${join(dir, 'missing')}/x not read (ENOENT)`], 'a missing include is said, not an error');
    const none = await readSshConfig(join(dir, 'no-config'));
    assert.deepEqual(none, { text: '', notes: [] }, 'no ~/.ssh/config is fine');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a member's host: its override, else its peer URL's host (IPv6 unbracketed), else its client URL's", () => {
  const m = { name: 'etcd-1', peerURLs: ['https://[fd00::5]:2380'], clientURLs: ['https://10.0.0.5:2379'] };
  assert.equal(memberHostSpec(m, {}), 'fd00::5');
  assert.equal(memberHostSpec(m, { hosts: { 'etcd-1': 'core@bastion-side:2222' } }), 'core@bastion-side:2222');
  assert.equal(memberHostSpec({ ...m, peerURLs: [] }, {}), '10.0.0.5');
  assert.equal(memberHostSpec({ name: '__proto__', peerURLs: [], clientURLs: [] }, { hosts: {} }), null, 'no prototype lookups');
});
