// `etcd-inspector logs` and `etcd-inspector diagnose --ssh` as a user runs them (the built dist/cli.js),
// against a real 3-member etcd 3.5 cluster and a real sshd on loopback: the per-member log summary; an
// unknown host key refused unless --ssh-accept-new, which records it in the known_hosts file as OpenSSH
// does; a changed key refused even with --ssh-accept-new; diagnose --ssh with clocks, the connectivity
// matrix (a killed member's links cut, exit 1) and the log summary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { quote } from 'shell-quote';
import { EtcdCluster } from '../../harness/etcdCluster';
import { runCli, showRun } from '../../harness/cli';
import { Sshd, keyPair } from '../../harness/sshd';
import { MemberService } from '../../harness/memberService';

// Without the developer's ssh-agent: the tests authenticate with the harness's key only.
const cli = (args: string[]) => runCli(args, { unset: ['SSH_AUTH_SOCK'], timeoutMs: 60_000 });
const show = showRun;

let sshd: Sshd;
let cluster: EtcdCluster;
let logsDir: string;
let service: MemberService;

before(async () => {
  [sshd, cluster] = await Promise.all([Sshd.start(), EtcdCluster.start({ version: '3.5', size: 3 })]);
  service = MemberService.install(cluster);
  logsDir = join(cluster.baseDir, 'logs');
  mkdirSync(logsDir);
  for (const m of cluster.members) symlinkSync(m.logFile, join(logsDir, `${m.name}.log`));
});
after(async () => {
  service?.stopAll();
  await cluster?.destroy();
  await sshd?.stop();
});

/** The SSH options of every run: the test key, no ~/.ssh/config, logs read from the member log files. */
function sshArgs(knownHosts: string): string[] {
  return [
    '--endpoints',
    cluster.endpoints[0],
    '--ssh-port',
    String(sshd.port),
    '--ssh-identity',
    sshd.userKey.file,
    '--ssh-known-hosts',
    knownHosts,
    '--ssh-config',
    'none',
    '--ssh-command',
    `logs=tail -n {lines} ${quote([logsDir])}/{name}.log`,
    '--ssh-command',
    'ntp=echo NTPSynchronized=yes',
    '--ssh-command',
    `status=${quote([service.script])} show {name}`,
    '--ssh-command',
    `dataDir=du -sb {dataDir}`,
    '--ssh-data-dir',
    cluster.baseDir,
  ];
}

test('logs: the per-member summary, with member names, the elections, and the lower-bound note', async () => {
  const run = await cli(['logs', '--lines', '500', ...sshArgs(sshd.writeKnownHosts('kh-logs', [sshd.knownHostsLine('hashed')]))]);
  assert.equal(run.code, 0, show(run));
  for (const name of ['etcd-1', 'etcd-2', 'etcd-3']) assert.ok(run.stdout.includes(name), show(run));
  assert.match(run.stdout, /last 500 lines/);
  assert.match(run.stdout, /elected/i);
  assert.match(run.stdout, /lower bounds/);
});

test('an unknown host key is refused without --ssh-accept-new; with it, recorded in known_hosts; a changed key refused even then', async () => {
  const known = sshd.writeKnownHosts('kh-new', []);
  const refused = await cli(['logs', ...sshArgs(known)]);
  assert.equal(refused.code, 1, show(refused));
  assert.match(refused.stdout, /host key of 127\.0\.0\.1 port \d+ is unknown \(SHA256:/, show(refused));
  assert.equal(readFileSync(known, 'utf8').trim(), '', 'nothing recorded');

  const accepted = await cli(['logs', '--ssh-accept-new', ...sshArgs(known)]);
  assert.equal(accepted.code, 0, show(accepted));
  assert.match(accepted.stderr, /permanently added 127\.0\.0\.1 port \d+ \(SHA256:/);
  assert.equal(readFileSync(known, 'utf8').trim().split('\n').length, 1, 'recorded once for the three members on this host');
  assert.equal((await cli(['logs', ...sshArgs(known)])).code, 0, 'known from now on');

  const other = await keyPair(sshd.dir, 'cli-other-host');
  const changed = await cli([
    'logs',
    '--ssh-accept-new',
    ...sshArgs(sshd.writeKnownHosts('kh-changed', [sshd.knownHostsLine('plain', other)])),
  ]);
  assert.equal(changed.code, 1, show(changed));
  assert.match(changed.stdout, /HAS CHANGED/);
});

test('diagnose --ssh: clocks, all links, log summary; then a killed member: its links cut and exit 1', async () => {
  const known = sshd.writeKnownHosts('kh-diag', [sshd.knownHostsLine('plain')]);
  const healthy = await cli(['diagnose', '--ssh', ...sshArgs(known)]);
  assert.equal(healthy.code, 0, show(healthy));
  assert.match(
    healthy.stdout,
    /Clocks \(member minus this machine\):\n {2}etcd-\d: [+-]\d+\.\d ms ±\d+\.\d · timedatectl: NTPSynchronized=yes/,
  );
  assert.match(healthy.stdout, /All 12 links connect\./);
  assert.match(healthy.stdout, /Service and data dir:\n {2}etcd-\d: etcd active \(running\), pid \d+; data dir \S+ [\d.]+ MiB/);
  assert.match(healthy.stdout, /from the member hosts: all 12 links connect/);

  await cluster.kill('etcd-3');
  const broken = await cli(['diagnose', '--ssh', ...sshArgs(known)]);
  assert.equal(broken.code, 1, show(broken));
  assert.match(broken.stdout, /4 of 12 links cut/);
  // The causes first: the dead member, with its service state over SSH; its cut links are not a partition.
  assert.match(broken.stdout, /^Leader etcd-\d: 1 member\(s\) down \(etcd-3\), quorum kept/);
  assert.match(
    broken.stdout,
    /\n1\. member-failure: CONFIRMED — [^\n]*\n(?: {5}\[[^\n]*\n)*? {5}\[service\] etcd-3: etcd's service is failed/,
  );
  assert.doesNotMatch(broken.stdout, /partition: CONFIRMED/);
  assert.match(broken.stdout, /etcd-3: etcd failed \(failed\); data dir/);
  assert.match(broken.stdout, /CUT +etcd-1 → etcd-3 peer http:\/\/127\.0\.0\.1:\d+: connection refused/);
});
