// A member's etcd.conf over SFTP on a real sshd: found from the unit's EnvironmentFile (the configPath
// template), read, written back with a backup beside it and the old mode kept, and refused when the file
// changed on the host since it was read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sshd } from '../../harness/sshd';
import { MemberHosts } from '../../../src/ssh/hosts';
import { backupName, configPathOf, environmentFileOf, readRemoteFile, writeRemoteFile } from '../../../src/ssh/remoteConfig';

let sshd: Sshd;
before(async () => {
  sshd = await Sshd.start();
});
after(async () => {
  await sshd?.stop();
});

const member = { id: '1', name: 'etcd-1', peerURLs: ['http://127.0.0.1:2380'], clientURLs: [] };

test('EnvironmentFiles as systemctl show prints them', () => {
  assert.equal(environmentFileOf('/etc/etcd/etcd.conf (ignore_errors=no)\n'), '/etc/etcd/etcd.conf');
  assert.equal(environmentFileOf('-/etc/default/etcd (ignore_errors=yes)'), '/etc/default/etcd');
  assert.equal(environmentFileOf('\n'), null);
  assert.equal(
    backupName('/etc/etcd/etcd.conf', new Date('2026-11-27T21:15:00.123Z')),
    '/etc/etcd/etcd.conf.etcd-inspector-20261127T211500Z.bak',
  );
});

test('read, write back with a backup and the mode kept; a file changed meanwhile is refused', async () => {
  const conf = join(sshd.dir, 'etcd.conf');
  writeFileSync(conf, 'ETCD_NAME=etcd-1\nETCD_HEARTBEAT_INTERVAL=100\n');
  chmodSync(conf, 0o640);
  const hosts = await MemberHosts.create(
    {
      port: sshd.port,
      identityFile: sshd.userKey.file,
      knownHostsFile: sshd.writeKnownHosts('kh', [sshd.knownHostsLine('plain')]),
      sshConfig: false,
      commands: { configPath: `echo '${conf} (ignore_errors=no)'` },
    },
    { credentials: { agent: null }, onUnknownHostKey: async () => false, connectTimeoutMs: 5000 },
  );
  try {
    assert.equal(await configPathOf(hosts, member), conf);
    const sftp = await (await hosts.session(member)).sftp();
    const read = await readRemoteFile(sftp, conf, 'etcd-1');
    assert.equal(read.text, 'ETCD_NAME=etcd-1\nETCD_HEARTBEAT_INTERVAL=100\n');
    const backup = await writeRemoteFile(sftp, read, 'ETCD_NAME=etcd-1\nETCD_HEARTBEAT_INTERVAL=200\n', 'etcd-1');
    assert.equal(readFileSync(conf, 'utf8'), 'ETCD_NAME=etcd-1\nETCD_HEARTBEAT_INTERVAL=200\n');
    assert.equal(readFileSync(backup, 'utf8'), 'ETCD_NAME=etcd-1\nETCD_HEARTBEAT_INTERVAL=100\n');
    assert.equal(statSync(conf).mode & 0o777, 0o640);
    assert.ok(!readdirSync(sshd.dir).some((f) => f.endsWith('-new')), 'no temporary file left');

    // Someone edits it on the host after it was read: the stale write is refused and changes nothing.
    const again = await readRemoteFile(sftp, conf, 'etcd-1');
    await new Promise((r) => setTimeout(r, 1100)); // mtime has whole seconds
    writeFileSync(conf, 'ETCD_NAME=etcd-1\n# edited on the host\n');
    await assert.rejects(writeRemoteFile(sftp, again, 'mine\n', 'etcd-1'), /changed on the host since it was opened: nothing was written/);
    assert.equal(readFileSync(conf, 'utf8'), 'ETCD_NAME=etcd-1\n# edited on the host\n');
    await assert.rejects(readRemoteFile(sftp, sshd.dir, 'etcd-1'), /is not a regular file/);
  } finally {
    hosts.close();
  }
});
