// The pure half of the member-host commands: which members a command reaches (the snapshot's, or the ssh.hosts
// names when the cluster gave no member list), the log document (the pattern summary on top, each member's log
// under its header, a member whose host failed with its error as it is), the clock comparison with the
// clock-sync verdict, and untrusted names and errors kept printable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { A, B, C, member, snapshot } from '../../../support/builders';
import { summarizeLog } from '../../../../src/etcd/logs/patterns';
import {
  clocksDocument,
  hostMembers,
  linesProblem,
  logsDocument,
  matrixDocument,
  outcomes,
  startItems,
  windowLabel,
} from '../../../../src/extension/ssh/text';

test('the members a host command reaches: the snapshot, one member, or the ssh.hosts names when no member list came', () => {
  const s = snapshot([member(A, { leader: A }), member(B, { leader: A })]);
  assert.deepEqual(
    hostMembers(s, undefined).map((m) => m.id),
    [A, B],
  );
  assert.deepEqual(
    hostMembers(s, undefined, B).map((m) => m.id),
    [B],
  );
  const none = snapshot([]);
  assert.deepEqual(hostMembers(none, { hosts: { 'etcd-1': '10.0.0.1', 'etcd-2': '10.0.0.2' } }), [
    { id: 'etcd-1', name: 'etcd-1', peerURLs: [], clientURLs: [] },
    { id: 'etcd-2', name: 'etcd-2', peerURLs: [], clientURLs: [] },
  ]);
  assert.deepEqual(hostMembers(undefined, undefined), []);
});

test('log window words and the lines input check', () => {
  assert.equal(windowLabel({ lines: 1000 }), 'last 1000 lines');
  assert.equal(windowLabel({ since: '-1h' }), 'since -1h');
  assert.equal(linesProblem('500'), undefined);
  for (const bad of ['0', '-3', '1.5', 'ten', '', '2000000']) assert.ok(linesProblem(bad), bad);
});

const ELECTED =
  '{"level":"info","ts":"2024-01-02T10:00:00.000Z","logger":"raft","caller":"etcdserver/zap_raft.go:77","msg":"raft.node: 8e9e05c52164694d elected leader 8e9e05c52164694d at term 2"}';

test('the log document: the summary with every member on top, then each log under its header; a failed host says why', () => {
  const s = snapshot([member(A, { leader: A, name: 'etcd-1' }), member(B, { leader: A, name: 'etcd-2\u001b[31m\u202e' })]);
  const [m1, m2] = hostMembers(s, undefined);
  const list = outcomes(
    [m1, m2],
    [{ member: m2, error: new Error('SSH to root@10.0.0.2:22: connection refused (no SSH server on that port)') }],
    [{ member: m1, value: { text: `${ELECTED}\n`, summary: summarizeLog(`${ELECTED}\n`) } }],
    (m) => (m === m1 ? '10.0.0.1' : undefined),
  );
  const text = logsDocument('prod', { lines: 1000 }, list);
  const [summary, rest] = text.split('\n====================');
  assert.match(summary, /^etcd log summary: 2 members \(last 1000 lines, cluster prod\)/);
  assert.match(summary, /\netcd-1: 1 line/);
  assert.match(summary, /elected leader +1/);
  assert.match(summary, /etcd-2\\u202e: log not read: SSH to root@10\.0\.0\.2:22: connection refused/);
  assert.ok(rest.startsWith(' etcd-1 (10.0.0.1) ===================='), rest.slice(0, 80));
  assert.ok(text.includes(`${ELECTED}\n`), 'the log as it was read');
  assert.match(text, /={20} etcd-2\\u202e ={20}\nlog not read: SSH to root@10\.0\.0\.2:22: connection refused/);
  assert.ok(!text.includes('\u001b') && !text.includes('\u202e'), 'no raw escape or bidi override from a member name');
});

test('the clock document: the clock-sync verdict over the SSH readings, each offset with its NTP state and the /raft/probing reading beside it', () => {
  const s = snapshot([
    member(A, { leader: A, name: 'etcd-1', clock: { source: 'raft-probing', offsetMs: 1.5, uncertaintyMs: 0.5, samples: 5 } }),
    member(B, { leader: A, name: 'etcd-2' }),
    member(C, { leader: A, name: 'etcd-3' }),
  ]);
  const [m1, m2, m3] = hostMembers(s, undefined);
  const ssh = (offsetMs: number, synchronized: boolean | null) => ({
    source: 'ssh' as const,
    offsetMs,
    uncertaintyMs: 2,
    samples: 3,
    ntp: { synchronized, detail: `timedatectl: NTPSynchronized=${synchronized ? 'yes' : 'no'}` },
  });
  const skewed = clocksDocument(
    'prod',
    s,
    outcomes(
      [m1, m2, m3],
      [{ member: m3, error: new Error('sudo needs a password on etcd-3') }],
      [
        { member: m1, value: ssh(1, true) },
        { member: m2, value: ssh(5000, false) },
      ],
      () => undefined,
    ),
  );
  assert.match(skewed, /^Member clocks of cluster "prod" over SSH/);
  assert.match(skewed, /\nclock-sync: FAIL: etcd-2 is 4999(\.0)? ms ahead of etcd-1/);
  assert.match(
    skewed,
    /\netcd-1: \+1\.0 ms ±2\.0 ms \(best of 3 samples\); NTP synchronized \(timedatectl: NTPSynchronized=yes\); \/raft\/probing: \+1\.5 ms ±0\.5 ms\n/,
  );
  assert.match(skewed, /\netcd-2: \+5000\.0 ms ±2\.0 ms .*NTP NOT synchronized/);
  assert.match(skewed, /\netcd-3: not read: sudo needs a password on etcd-3\n/);
  const fine = clocksDocument(
    'prod',
    s,
    outcomes(
      [m1, m2],
      [],
      [
        { member: m1, value: ssh(1, true) },
        { member: m2, value: ssh(-3, true) },
      ],
      () => undefined,
    ),
  );
  assert.match(fine, /\nclock-sync: pass: /);
  assert.match(fine, /\netcd-2: −3\.0 ms/);
});

test('the connectivity document prints the matrix with untrusted text made printable', () => {
  const text = matrixDocument('prod', {
    links: [{ from: 'etcd-1', to: 'etcd-2\u202e', port: 'peer', url: 'http://10.0.0.2:2380', problem: 'connection refused' }],
    unreachableHosts: [],
  });
  assert.match(text, /^Member connectivity of cluster "prod"/);
  assert.match(text, /\n1 of 1 links cut\.\n {2}CUT {2}etcd-1 → etcd-2\\u202e peer http:\/\/10\.0\.0\.2:2380: connection refused\n/);
});

test('Start Member offers the members that are down, with why', () => {
  const s = snapshot([member(A, { leader: A }), member(B, { reachable: false }), member(C, { started: false, name: '' })]);
  assert.deepEqual(
    startItems(s).map((i) => [i.memberId, i.label, i.description]),
    [
      [B, 'm-b', `${B} · down: connection refused (etcd not running or wrong port)`],
      [C, '(not started)', `${C} · not started`],
    ],
  );
});
