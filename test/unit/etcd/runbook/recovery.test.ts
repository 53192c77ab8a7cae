// The restore guide and the quorum-loss recovery guide as documents: what they say for 2 of 3 down, all down and
// a healthy cluster, which survivor they choose, etcd 3.4's restore tool, TLS flags, and a hostile member name
// that must stay one shell word (checked by running the extracted commands through sh with recording stubs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_LEADER, type MemberReport } from '../../../../src/etcd/model';
import type { ConnectionProfile } from '../../../../src/etcd/profile';
import { BUMP_REVISION, recoveryGuide, restoreGuide } from '../../../../src/etcd/runbook/recovery';
import { A, B, C, member, snapshot } from '../../../support/builders';
import { codeBlocks, commandsStartingWith, shellCommands } from '../../../support/markdown';

const D = '000000000000000d';
const E = '000000000000000e';
const TAKEN_AT = '2026-11-27T18:00:00.000Z';

const plain: ConnectionProfile = { name: 'prod', endpoints: ['http://10.0.0.1:2379'] };
const tlsProfile: ConnectionProfile = {
  name: 'prod',
  endpoints: ['https://10.0.0.1:2379'],
  tls: { caFile: '/pki/ca.crt', certFile: '/pki/client.crt', keyFile: '/pki/client.key' },
  username: 'root',
  password: 'hunter2',
};

function host(id: string, name: string, over: Parameters<typeof member>[1] = {}): MemberReport {
  const n = parseInt(id, 16) - 9;
  return member(id, {
    name,
    peerURLs: [`http://10.0.0.${n}:2380`],
    clientURLs: [`http://10.0.0.${n}:2379`],
    endpoint: `http://10.0.0.${n}:2379`,
    ...over,
  });
}

function cluster(members: MemberReport[]) {
  const s = snapshot(members);
  s.takenAt = TAKEN_AT;
  return s;
}

const twoDown = () =>
  cluster([
    host(A, 'etcd-1', { reachable: false, error: 'connect ECONNREFUSED 10.0.0.1:2379', errorKind: 'refused' }),
    host(B, 'etcd-2', { reachable: false, error: 'deadline exceeded after 2000 ms', errorKind: 'timeout' }),
    host(C, 'etcd-3', { leader: NO_LEADER, term: 7, raftIndex: 4242 }),
  ]);

/** The markdown outside its code blocks. */
function prose(markdown: string): string {
  return markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1\n/gm, '');
}

test('recovery, 2 of 3 down: names the down members with their errors and how many must come back', () => {
  const doc = recoveryGuide(twoDown(), plain);
  assert.match(doc, /^# Quorum-loss recovery — cluster `prod`\n/);
  assert.match(doc, /3 voting members; quorum needs 2; 1 answers: at least \*\*1\*\* more must come back/);
  assert.match(doc, /\*\*down\*\* `etcd-1` \(id 000000000000000a, [^\n]*\): `connect ECONNREFUSED 10\.0\.0\.1:2379` \(refused\)/);
  assert.match(doc, /\*\*down\*\* `etcd-2` [^\n]*: `deadline exceeded after 2000 ms` \(timeout\)/);
  assert.match(doc, /answers `etcd-3` [^\n]*raft term 7, raft index 4242, not healthy: `etcdserver: no leader`/);
  assert.ok(!doc.includes('This cluster has quorum'));
});

test('recovery option 1: systemctl start and journalctl on each down member, its health from its own client URL', () => {
  const doc = recoveryGuide(twoDown(), plain);
  const option1 = doc.slice(doc.indexOf('## Option 1'), doc.indexOf('## Option 2'));
  const blocks = codeBlocks(option1);
  assert.equal(blocks.length, 2, 'one block per down member');
  for (const [i, block] of blocks.entries()) {
    const n = i + 1;
    assert.match(block, new RegExp(`^# on etcd-${n} \\(10\\.0\\.0\\.${n}\\)`));
    assert.deepEqual(shellCommands(block), [
      'systemctl start etcd',
      'systemctl status etcd --no-pager',
      'journalctl -u etcd -n 100 --no-pager',
      'ls -la /var/lib/etcd/member',
      `etcdctl --endpoints=http://10.0.0.${n}:2379 endpoint health`,
    ]);
  }
  assert.ok(!option1.includes('etcd-3'), 'the member that answers is not restarted');
});

test('recovery option 2: a snapshot from the survivor, then the restore guide’s commands for every member', () => {
  const doc = recoveryGuide(twoDown(), plain, { dataDirs: { 'etcd-2': '/data/etcd' } });
  const option2 = doc.slice(doc.indexOf('## Option 2'), doc.indexOf('## Option 3'));
  assert.match(option2, /etcdctl --endpoints=http:\/\/10\.0\.0\.3:2379 snapshot save etcd-\$\(date \+%Y%m%d-%H%M%S\)\.db {3}# from etcd-3/);
  const restores = commandsStartingWith(option2, 'etcdutl snapshot restore "$SNAPSHOT"');
  assert.equal(restores.length, 3);
  assert.match(restores[1], /--data-dir=\/data\/etcd\.restored-[0-9a-f]{8}/);
  assert.equal(commandsStartingWith(option2, 'etcd --name=').length, 3);
});

test('recovery option 3: --force-new-cluster on the survivor, written out, never anything else forced', () => {
  const doc = recoveryGuide(twoDown(), plain, { dataDirs: { 'etcd-3': '/srv/etcd3' } });
  const option3 = doc.slice(doc.indexOf('## Option 3'));
  assert.match(option3, /Survivor: \*\*`etcd-3`\*\*/);
  assert.match(option3, /raft panics/);
  const forced = commandsStartingWith(doc, 'etcd --force-new-cluster');
  assert.deepEqual(forced, [
    [
      'etcd --force-new-cluster --name=etcd-3 \\',
      '  --data-dir=/srv/etcd3 \\',
      '  --listen-peer-urls=http://10.0.0.3:2380 \\',
      '  --initial-advertise-peer-urls=http://10.0.0.3:2380 \\',
      '  --listen-client-urls=http://10.0.0.3:2379 \\',
      '  --advertise-client-urls=http://10.0.0.3:2379',
    ].join('\n'),
  ]);
  const survivorFlags = '--endpoints=http://10.0.0.3:2379';
  assert.deepEqual(commandsStartingWith(doc, `etcdctl ${survivorFlags} member add`), [
    `etcdctl ${survivorFlags} member add etcd-1 \\\n  --peer-urls=http://10.0.0.1:2380 \\\n  --learner`,
    `etcdctl ${survivorFlags} member add etcd-2 \\\n  --peer-urls=http://10.0.0.2:2380 \\\n  --learner`,
  ]);
  const rejoin = commandsStartingWith(option3, 'etcd --name=');
  assert.equal(rejoin.length, 2);
  assert.match(
    rejoin[0],
    /--initial-cluster=etcd-3=http:\/\/10\.0\.0\.3:2380,etcd-1=http:\/\/10\.0\.0\.1:2380 \\\n {2}--initial-cluster-state=existing$/,
  );
  assert.match(
    rejoin[1],
    /--initial-cluster=etcd-3=[^ ]*,etcd-1=[^ ]*,etcd-2=http:\/\/10\.0\.0\.2:2380 \\\n {2}--initial-cluster-state=existing$/,
  );
  assert.equal(commandsStartingWith(option3, `etcdctl ${survivorFlags} member promote`).length, 2);
  assert.deepEqual(commandsStartingWith(option3, 'mv '), [
    'mv /var/lib/etcd /var/lib/etcd.before-force-new-cluster',
    'mv /var/lib/etcd /var/lib/etcd.before-force-new-cluster',
  ]);
  assert.ok(option3.indexOf('mv /var/lib/etcd') < option3.indexOf('etcd --force-new-cluster'), 'old members are wiped before forcing');
});

test('recovery option 3 chooses the highest raft term first, then the highest raft index', () => {
  const five = (t1: number, i1: number, t2: number, i2: number) =>
    cluster([
      host(A, 'etcd-1', { reachable: false }),
      host(B, 'etcd-2', { reachable: false }),
      host(C, 'etcd-3', { reachable: false }),
      host(D, 'etcd-4', { leader: NO_LEADER, term: t1, raftIndex: i1 }),
      host(E, 'etcd-5', { leader: NO_LEADER, term: t2, raftIndex: i2 }),
    ]);
  assert.match(recoveryGuide(five(5, 900, 6, 100), plain), /Survivor: \*\*`etcd-5`\*\*/, 'term beats index');
  assert.match(recoveryGuide(five(6, 100, 5, 900), plain), /Survivor: \*\*`etcd-4`\*\*/, 'term beats index');
  assert.match(recoveryGuide(five(6, 901, 6, 900), plain), /Survivor: \*\*`etcd-4`\*\*/, 'same term: index');
  assert.match(recoveryGuide(five(6, 900, 6, 901), plain), /Survivor: \*\*`etcd-5`\*\*/, 'same term: index');
  assert.match(recoveryGuide(five(6, 900, 6, 901), plain), /at least \*\*1\*\* more/);
});

test('recovery, all down: every member to bring back, no survivor to force, only an existing backup to restore', () => {
  const doc = recoveryGuide(
    cluster([host(A, 'etcd-1', { reachable: false }), host(B, 'etcd-2', { reachable: false }), host(C, 'etcd-3', { reachable: false })]),
    plain,
  );
  assert.match(doc, /NO LEADER, 0 of 3 voting members reachable/);
  assert.match(doc, /0 answer: at least \*\*2\*\* more must come back/);
  assert.equal(commandsStartingWith(doc, 'systemctl start etcd').length, 3);
  assert.match(doc, /No voting member answers status, so none can be chosen/);
  assert.match(doc, /no member answers now, so only an existing backup will do/);
  assert.deepEqual(commandsStartingWith(doc, 'etcd --force-new-cluster'), []);
  assert.ok(!/snapshot save/.test(doc));
  assert.equal(commandsStartingWith(doc, 'etcdutl snapshot restore').length, 3, 'restoring from a backup still works');
});

test('recovery with quorum: says so first, that none of it is needed, and writes no recovery command', () => {
  const healthy = cluster([host(A, 'etcd-1'), host(B, 'etcd-2', { reachable: false }), host(C, 'etcd-3')]);
  const doc = recoveryGuide(healthy, plain);
  const lines = doc.split('\n').filter(Boolean);
  assert.match(
    lines[2],
    /^\*\*This cluster has quorum\*\*: 2 of 3 voting members answer \(quorum needs 2\) and `etcd-1` leads\. None of this guide is needed/,
  );
  assert.match(doc, /Down: `etcd-2`\. Bring it back \(Step 4: Restart Failed Members\) or replace it \(Step 6/);
  assert.deepEqual(codeBlocks(doc), []);
  assert.ok(!doc.includes('## Option'));
});

test('recovery when members answer but none leads: not a lost quorum of members, but the guide follows', () => {
  const split = cluster([
    host(A, 'etcd-1', { leader: NO_LEADER }),
    host(B, 'etcd-2', { leader: NO_LEADER }),
    host(C, 'etcd-3', { reachable: false }),
  ]);
  const doc = recoveryGuide(split, plain);
  assert.match(doc, /2 of 3 voting members answer \(quorum needs 2\), yet none names a leader/);
  assert.ok(doc.includes('## Option 3'));
});

test('restore guide: one restore per voting member from the same file, one new token, the whole cluster, fresh data dirs', () => {
  const s = cluster([host(A, 'etcd-1'), host(B, 'etcd-2'), host(C, 'etcd-3'), host(D, 'learner-4', { isLearner: true })]);
  const dataDirs = { 'etcd-1': '/data/one/', 'etcd-2': '/data/two' };
  const doc = restoreGuide(s, plain, '/backups/snap 1.db', { dataDirs });
  assert.match(doc, /Not restored: learner `learner-4`/);
  assert.match(doc, /`etcd-3`: `\/var\/lib\/etcd` \(the default: adjust to its --data-dir \/ ETCD_DATA_DIR\)/);
  assert.deepEqual(commandsStartingWith(doc, 'etcdutl snapshot status'), [`etcdutl snapshot status '/backups/snap 1.db' -w table`]);
  const restores = commandsStartingWith(doc, 'etcdutl snapshot restore');
  assert.equal(restores.length, 3);
  const initialCluster = 'etcd-1=http://10.0.0.1:2380,etcd-2=http://10.0.0.2:2380,etcd-3=http://10.0.0.3:2380';
  const tokens = new Set<string>();
  for (const [i, command] of restores.entries()) {
    const n = i + 1;
    assert.ok(command.startsWith(`etcdutl snapshot restore '/backups/snap 1.db' \\\n`), command);
    assert.ok(command.includes(`--name=etcd-${n} `));
    assert.ok(command.includes(`--initial-cluster=${initialCluster} `));
    assert.ok(command.includes(`--initial-advertise-peer-urls=http://10.0.0.${n}:2380 `));
    assert.ok(command.endsWith(`--bump-revision=${BUMP_REVISION} --mark-compacted`));
    tokens.add(/--initial-cluster-token=(\S+)/.exec(command)?.[1] ?? '');
  }
  assert.equal(tokens.size, 1, 'the same token for every member');
  const [token] = tokens;
  assert.match(token, /^etcd-restore-20261127-180000-[0-9a-f]{8}$/);
  const dirs = restores.map((c) => /--data-dir=(\S+)/.exec(c)?.[1]);
  assert.match(dirs[0] ?? '', /^\/data\/one\.restored-[0-9a-f]{8}$/);
  assert.match(dirs[1] ?? '', /^\/data\/two\.restored-[0-9a-f]{8}$/);
  assert.match(dirs[2] ?? '', /^\/var\/lib\/etcd\.restored-[0-9a-f]{8}$/);
  const starts = commandsStartingWith(doc, 'etcd --name=');
  assert.equal(starts.length, 3);
  for (const [i, start] of starts.entries()) {
    assert.ok(start.includes(`--data-dir=${dirs[i]} `), 'started on the restored dir');
    assert.ok(start.includes(`--initial-cluster-token=${token} `));
  }
  assert.ok(doc.indexOf('systemctl stop etcd') < doc.indexOf('etcdutl snapshot restore'), 'every member stopped first');
  assert.equal(commandsStartingWith(doc, 'systemctl stop etcd').length, 3);
  assert.match(prose(doc), /Kubernetes: --bump-revision and --mark-compacted/);
  assert.match(prose(doc), /informers/);

  const given = restoreGuide(s, plain, '/b.db', { token: 'my-token' });
  assert.equal(
    commandsStartingWith(given, 'etcdutl snapshot restore').filter((c) => c.includes('--initial-cluster-token=my-token ')).length,
    3,
  );
  const later = cluster(s.members);
  later.takenAt = '2026-11-28T09:30:00.000Z';
  assert.ok(!restoreGuide(later, plain, '/backups/snap 1.db', { dataDirs }).includes(token), 'a later guide gets another token');
});

test('restore guide on etcd 3.4 members: etcdctl snapshot restore for every member alike, no revision bump', () => {
  const v34 = (m: MemberReport) => ({ ...m, status: m.status && { ...m.status, version: '3.4.23' } });
  for (const s of [
    cluster([host(A, 'etcd-1'), host(B, 'etcd-2'), host(C, 'etcd-3')].map(v34)),
    cluster([v34(host(A, 'etcd-1')), host(B, 'etcd-2'), host(C, 'etcd-3', { reachable: false })]),
  ]) {
    const doc = restoreGuide(s, plain, '/b.db');
    assert.deepEqual(commandsStartingWith(doc, 'etcdutl'), []);
    assert.deepEqual(commandsStartingWith(doc, 'ETCDCTL_API=3 etcdctl snapshot status'), [
      'ETCDCTL_API=3 etcdctl snapshot status /b.db -w table',
    ]);
    const restores = commandsStartingWith(doc, 'ETCDCTL_API=3 etcdctl snapshot restore /b.db');
    assert.equal(restores.length, 3);
    for (const r of restores) assert.ok(!r.includes('--bump-revision') && !r.includes('--mark-compacted'), r);
    assert.match(doc, /`etcd-1` runs etcd `3\.4\.23`/);
    assert.match(doc, /etcdctl of etcd 3\.4 has neither flag/);
  }
});

test('TLS profile: every etcdctl command carries the CA, client certificate, key and user, never the password', () => {
  const s = twoDown();
  for (const m of s.members) {
    m.clientURLs = m.clientURLs.map((u) => u.replace('http:', 'https:'));
  }
  for (const doc of [recoveryGuide(s, tlsProfile), restoreGuide(s, tlsProfile, '/b.db')]) {
    const etcdctl = codeBlocks(doc)
      .flatMap(shellCommands)
      .filter((c) => c.startsWith('etcdctl '));
    assert.ok(etcdctl.length >= 3);
    for (const c of etcdctl)
      assert.match(
        c,
        /^etcdctl --endpoints=https:\/\/\S+ --cacert=\/pki\/ca\.crt --cert=\/pki\/client\.crt --key=\/pki\/client\.key --user=root /,
        c,
      );
    assert.ok(!doc.includes('hunter2'));
    assert.match(doc, /# TLS: add the member’s own --cert-file/);
  }
});

// ---------------------------------------------------------------------------------------------- hostile name

const HOSTILE = `evil'; touch pwned-semi; echo '$(touch pwned-subst)\`touch pwned-tick\`\n\`\`\`\n# Injected heading\n<img src=x onerror=alert(1)>`;

function hostileCluster() {
  return cluster([
    host(A, 'etcd-1', { reachable: false }),
    host(B, HOSTILE, { reachable: false, error: `refused\n## Fake section\n\`\`\`\nrm -rf /` }),
    host(C, 'etcd-3', { leader: NO_LEADER }),
  ]);
}

test('a hostile member name: the markdown keeps its structure (no block closed early, no heading, no raw HTML line)', () => {
  for (const doc of [recoveryGuide(hostileCluster(), plain), restoreGuide(hostileCluster(), plain, '/b.db')]) {
    const text = prose(doc);
    assert.ok(!/^#+ (Injected heading|Fake section)/m.test(text), 'no injected heading');
    assert.ok(!/^<img/m.test(text), 'no HTML line');
    assert.ok(!/^rm -rf/m.test(text));
    for (const block of codeBlocks(doc)) assert.ok(!/^#+ (Injected|Fake)/m.test(block.replace(/'[^']*'/g, '')), 'only inside quotes');
  }
  const recovery = recoveryGuide(hostileCluster(), plain);
  assert.ok(recovery.includes('\\x0a'), 'the newline of the name is shown as an escape in prose');
});

/** Runs every command of a document through sh with stub programs that record their arguments. */
function runWithStubs(doc: string, dir: string): string[][] {
  mkdirSync(dir);
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls');
  mkdirSync(bin, { recursive: true });
  const stub = `#!/bin/sh\n{ printf '%s\\0' "$(basename "$0")" "$@"; printf '\\n'; } >> '${log}'\n`;
  for (const name of ['etcdutl', 'etcdctl', 'etcd', 'systemctl', 'journalctl', 'sha256sum', 'ls', 'mv', 'cp', 'date', 'basename']) {
    writeFileSync(join(bin, name), name === 'basename' ? '#!/bin/sh\necho "${1##*/}"\n' : stub);
    chmodSync(join(bin, name), 0o755);
  }
  for (const command of codeBlocks(doc).flatMap(shellCommands)) {
    const run = spawnSync('/bin/sh', ['-c', command], {
      cwd: dir,
      env: { PATH: bin, SNAPSHOT: '/b.db', LEARNER_ID: 'ab' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, `${command}\n${run.stderr}`);
  }
  return readFileSync(log, 'utf8')
    .split('\0\n')
    .filter(Boolean)
    .map((line) => line.split('\0'));
}

test('a hostile member name stays one argument in every command sh runs, and runs nothing', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'recovery-guide-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const docs = [recoveryGuide(hostileCluster(), plain), restoreGuide(hostileCluster(), plain, '/b.db')];
  const calls = docs.flatMap((doc, i) => runWithStubs(doc, join(dir, String(i))));
  for (const i of ['0', '1'])
    assert.deepEqual(
      readdirSync(join(dir, i)).filter((f) => f.startsWith('pwned')),
      [],
      'nothing the name holds was run',
    );
  const named = calls.filter((argv) => argv.includes(`--name=${HOSTILE}`));
  // restore + start of the restore guide, the same in option 2, and the rejoin of option 3.
  assert.equal(named.filter((a) => a[0] === 'etcdutl').length, 2);
  assert.equal(named.filter((a) => a[0] === 'etcd').length, 3);
  const add = calls.find((argv) => argv[0] === 'etcdctl' && argv.includes('add'));
  assert.ok(add);
  assert.ok(
    calls.some((argv) => argv[0] === 'etcdctl' && argv[argv.indexOf('add') + 1] === HOSTILE),
    'member add NAME is one argument',
  );
  const initialCluster = `--initial-cluster=etcd-1=http://10.0.0.1:2380,${HOSTILE}=http://10.0.0.2:2380,etcd-3=http://10.0.0.3:2380`;
  assert.equal(
    calls.filter((argv) => argv.includes(initialCluster)).length,
    12,
    'restore and start of 3 members, in the guide and in option 2',
  );
});
