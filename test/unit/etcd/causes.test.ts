// The cause engine on hand-built snapshots: each of the six causes ranked first for its fault with evidence
// pointing at its source, the others not confirmed; a healthy cluster confirms nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAUSE_IDS, diagnose, memberListDisagreements, type Cause, type CauseId, type DiagnosisInput } from '../../../src/etcd/causes';
import { causesMarkdown, renderCauses } from '../../../src/etcd/printer';
import { NO_LEADER, type ClockReading, type MemberListView, type MemberReport } from '../../../src/etcd/model';
import type { LogSummary } from '../../../src/etcd/logs/patterns';
import { A, B, C, member, snapshot } from '../../support/builders';
import { healthyFigures, quantile } from '../../support/figures';

const clock = (offsetMs: number): ClockReading => ({ source: 'raft-probing', offsetMs, uncertaintyMs: 1, samples: 2 });
const peersOf = (id: string): string[] => [A, B, C].filter((x) => x !== id);
/** A healthy member: answers, follows A, fast disk and peers, clock in step. */
const ok = (id: string, over: Partial<Parameters<typeof member>[1]> = {}): MemberReport =>
  member(id, { clock: clock(0), metrics: healthyFigures({}, peersOf(id)), ...over });
const down = (id: string): MemberReport => member(id, { reachable: false, errorKind: 'refused' });

function byId(causes: Cause[], id: CauseId): Cause {
  const found = causes.find((c) => c.id === id);
  assert.ok(found, id);
  return found;
}

/** The top cause is `id`, confirmed; no other is confirmed. */
function ranksFirst(input: DiagnosisInput, id: CauseId): Cause[] {
  const d = diagnose(input);
  assert.deepEqual([...d.causes.map((c) => c.id)].sort(), [...CAUSE_IDS].sort());
  assert.equal(d.causes[0].id, id, JSON.stringify(d.causes.map((c) => [c.id, c.verdict])));
  assert.equal(d.causes[0].verdict, 'confirmed');
  assert.ok(d.causes[0].evidence.length > 0);
  for (const c of d.causes.slice(1)) assert.notEqual(c.verdict, 'confirmed', `${c.id}: ${c.summary}`);
  return d.causes;
}

function logs(id: string, example: string): LogSummary {
  return {
    lines: 100,
    json: 100,
    text: 0,
    unparseable: 0,
    truncatedLines: 0,
    skippedOlder: false,
    first: '2026-11-27T12:00:00Z',
    last: '2026-11-27T12:05:00Z',
    patterns: [
      { id: id as never, count: 3, first: '2026-11-27T12:01:00Z', last: '2026-11-27T12:04:11Z', terms: null, examples: [example] },
    ],
  };
}

test('a healthy cluster: nothing confirmed, the headline names the leader', () => {
  const d = diagnose({ snapshot: snapshot([ok(A), ok(B), ok(C)]) });
  assert.equal(d.hasLeader, true);
  assert.equal(d.headline, 'Leader m-a: no cause of an election problem found');
  assert.ok(
    d.causes.every((c) => c.verdict !== 'confirmed' && c.verdict !== 'likely'),
    JSON.stringify(d.causes.map((c) => [c.id, c.verdict])),
  );
  for (const id of ['quorum', 'partition', 'slow-disk', 'member-failure', 'clock-skew'] as const)
    assert.equal(byId(d.causes, id).verdict, 'ruled-out', id);
  // The files were not at hand: the configuration cannot be ruled out, and the engine says what would decide it.
  assert.equal(byId(d.causes, 'config-mismatch').verdict, 'unknown');
  assert.match(byId(d.causes, 'config-mismatch').decide ?? '', /configuration files linted together/);
  assert.equal(
    byId(diagnose({ snapshot: snapshot([ok(A), ok(B), ok(C)]), config: { files: 3, findings: [] } }).causes, 'config-mismatch').verdict,
    'ruled-out',
  );
});

test('quorum lost: two of three down; the headline is a sentence to act on with the step', () => {
  const input = {
    snapshot: { ...snapshot([down(A), down(B), ok(C, { leader: NO_LEADER })]), takenAt: '2026-11-27T12:05:00.000Z' },
    downSince: { [A]: '2026-11-27T12:04:11.000Z' },
  };
  const causes = ranksFirst(input, 'quorum');
  const d = diagnose(input);
  assert.equal(d.hasLeader, false);
  assert.match(
    d.headline,
    /^No leader: quorum lost — 2 of 3 voting members down \(m-a: connection refused [^,]* since 12:04:11 UTC, m-b: connection refused .*\); bring 1 back \(step 4\) or recover \(step 5\)$/,
  );
  assert.equal(causes[0].stepId, 'quorum');
  assert.equal(causes[0].action?.command, 'etcdInspector.showRecoveryGuide');
  assert.equal(byId(causes, 'member-failure').verdict, 'likely', 'the failures are why quorum is lost');
});

test('one member down, quorum kept: a member failure, confirmed; quorum ruled out', () => {
  const causes = ranksFirst({ snapshot: snapshot([ok(A), ok(B), down(C)]) }, 'member-failure');
  assert.match(causes[0].summary, /^1 member\(s\) down \(m-c\), quorum kept/);
  assert.equal(byId(causes, 'quorum').verdict, 'ruled-out');
  // With SSH: the service state is evidence too.
  const withService = diagnose({
    snapshot: snapshot([ok(A), ok(B), down(C)]),
    services: [{ member: 'm-c', active: 'failed', sub: 'failed' }],
  });
  assert.ok(withService.causes[0].evidence.some((e) => e.source === 'service' && /failed/.test(e.text)));
});

test('a partition: a member up and answering follows no leader while the others follow one', () => {
  const causes = ranksFirst({ snapshot: snapshot([ok(A), ok(B), ok(C, { leader: NO_LEADER })]) }, 'partition');
  assert.match(causes[0].summary, /^network partition — m-c is up and answering but cut off from the leader m-a/);
  assert.ok(causes[0].evidence.some((e) => e.source === 'status' && /^m-c knows no leader$/.test(e.text)));
  // Logs of lost peer streams make it likely where the status alone says nothing.
  const hinted = diagnose({
    snapshot: snapshot([ok(A), ok(B), ok(C)]),
    logs: [{ member: 'm-c', summary: logs('lost-peer-stream', 'lost TCP streaming connection with remote peer') }],
  });
  assert.equal(byId(hinted.causes, 'partition').verdict, 'likely');
  assert.equal(byId(hinted.causes, 'partition').evidence.find((e) => e.source === 'logs')?.at, '2026-11-27T12:04:11Z');
});

test('a slow disk: from /metrics at the mixin level, or slow fdatasync in a log', () => {
  const slow = ok(B, { metrics: healthyFigures({ walFsyncP99: quantile(0.8) }, peersOf(B)) });
  const causes = ranksFirst({ snapshot: snapshot([ok(A), slow, ok(C)]) }, 'slow-disk');
  assert.match(causes[0].summary, /^slow disk — m-b: WAL fsync p99 800 ms > 10 ms, warning \(mixin\)/);
  const fromLogs = ranksFirst(
    {
      snapshot: snapshot([ok(A), ok(B), ok(C)]),
      logs: [{ member: 'm-a', summary: logs('slow-fdatasync', 'slow fdatasync took=1.2s') }],
    },
    'slow-disk',
  );
  assert.ok(fromLogs[0].evidence.some((e) => e.source === 'logs' && e.member === 'm-a'));
  // Over etcd's guidance only: likely, not confirmed.
  const guidance = diagnose({
    snapshot: snapshot([ok(A, { metrics: healthyFigures({ walFsyncP99: quantile(0.02) }, peersOf(A)) }), ok(B), ok(C)]),
  });
  assert.equal(byId(guidance.causes, 'slow-disk').verdict, 'likely');
  // No figures at all: unknown, with what would decide it.
  const none = diagnose({ snapshot: snapshot([member(A), member(B), member(C)]) });
  assert.equal(byId(none.causes, 'slow-disk').verdict, 'unknown');
});

test('clock skew: two members certainly more than 500 ms apart', () => {
  const causes = ranksFirst({ snapshot: snapshot([ok(A), ok(B), ok(C, { clock: clock(3000) })]) }, 'clock-skew');
  assert.match(causes[0].summary, /^clock skew — m-c is 3000 ms ahead of m-a/);
});

test('a configuration mismatch: an endpoint answering as a member of another cluster', () => {
  const s = snapshot([ok(A), ok(B), ok(C)]);
  s.unmatchedEndpoints = [{ endpoint: 'http://127.0.0.1:9999', error: null, clusterId: '1234567890abcdef', memberId: '00000000000000ff' }];
  const causes = ranksFirst({ snapshot: s }, 'config-mismatch');
  assert.match(causes[0].summary, /^configuration mismatch — http:\/\/127\.0\.0\.1:9999 belongs to another cluster \(1234567890abcdef\)/);
  // Linter findings across the members' files make it likely.
  const linted = diagnose({
    snapshot: snapshot([ok(A), ok(B), ok(C)]),
    config: {
      files: 3,
      findings: [{ file: 'etcd-2.conf', line: 4, code: 'cross-file-initial-cluster', message: 'differs from etcd-1.conf' }],
    },
  });
  assert.equal(byId(linted.causes, 'config-mismatch').verdict, 'likely');
  assert.equal(
    byId(linted.causes, 'config-mismatch').evidence[0].text,
    'etcd-2.conf:5: cross-file-initial-cluster: differs from etcd-1.conf',
  );
});

test('text and Markdown reports: ranked, with evidence and steps; a hostile member name stays text', () => {
  const hostile = member(C, { name: '<img src=x>[link](http://evil)|`x`\u001b[31m', reachable: false, errorKind: 'refused' });
  const d = diagnose({ snapshot: snapshot([ok(A), ok(B), hostile]) });
  const text = renderCauses(d);
  assert.match(text, /^Leader m-a: 1 member\(s\) down/);
  assert.match(text, /\n1\. member-failure: CONFIRMED — /);
  assert.match(text, /\n {5}-> Step 4: Restart Failed Members; Start Member \(SSH\)\n/);
  // eslint-disable-next-line no-control-regex -- the point is that no control character gets through
  assert.doesNotMatch(text, /\u001b/);
  const md = causesMarkdown(d, 'prod', (c) => `command:etcdInspector.showRunbookStep?${c.stepId}`);
  assert.match(md, /^# Diagnosis — cluster "prod"\n/);
  assert.match(md, /\[Step 4: Restart Failed Members\]\(command:etcdInspector\.showRunbookStep\?restart\)/);
  // Neither markup nor a link survives: every bracket and angle bracket of the name is escaped.
  assert.doesNotMatch(md, /(?<!\\)<img|(?<!\\)\[link(?<!\\)\]/);
  assert.match(md, /\\<img src=x\\>\\\[link\\\]\(http:\/\/evil\)\\\|\\`x\\`/);
});

test('the connectivity matrix: a peer link cut between two members that are up is a partition; links to a dead member are not', () => {
  const link = (from: string, to: string, problem: string | null) => ({ from, to, port: 'peer' as const, problem });
  const cut = diagnose({
    snapshot: snapshot([ok(A), ok(B), ok(C)]),
    matrix: { links: [link('m-a', 'm-b', 'timeout'), link('m-b', 'm-a', null)] },
  });
  assert.equal(cut.causes[0].id, 'partition');
  assert.match(cut.causes[0].summary, /^peer links cut — m-a → m-b/);
  const dead = ranksFirst(
    {
      snapshot: snapshot([ok(A), ok(B), down(C)]),
      matrix: { links: [link('m-a', 'm-c', 'connection refused'), link('m-b', 'm-c', 'connection refused')] },
    },
    'member-failure',
  );
  assert.notEqual(byId(dead, 'partition').verdict, 'confirmed');
});

/** A member list as one member gives it: [name, id, peer URLs]. */
function view(member: string, list: Array<[string, string, string[]]> | null, error: string | null = null): MemberListView {
  return {
    member,
    memberId: member,
    members: list && list.map(([name, id, peerURLs]) => ({ id, name, peerURLs, isLearner: false })),
    error,
  };
}

test('member lists: a member that missed a change is named with what it lacks, adds and places elsewhere', () => {
  const three: Array<[string, string, string[]]> = [
    ['etcd-1', '01', ['http://a:2380']],
    ['etcd-2', '02', ['http://b:2380']],
    ['etcd-3', '03', ['http://c:2380']],
  ];
  const four: Array<[string, string, string[]]> = [...three, ['', '04', ['http://d:2380']]];
  assert.deepEqual(memberListDisagreements([view('etcd-1', three), view('etcd-2', three), view('etcd-3', three)]), []);
  // Order of members and of peer URLs does not matter; a member that could not be asked is left out.
  assert.deepEqual(
    memberListDisagreements([view('etcd-1', three), view('etcd-2', [...three].reverse()), view('etcd-3', null, 'timeout')]),
    [],
  );
  assert.deepEqual(memberListDisagreements([view('etcd-1', four), view('etcd-2', four), view('etcd-3', three)]), [
    "etcd-3's member list does not list 04 (etcd-1, etcd-2 agree on 4 member(s))",
  ]);
  const moved: Array<[string, string, string[]]> = [
    three[0],
    ['etcd-2', '02', ['http://b2:2380']],
    three[2],
    ['x', '09', ['http://x:2380']],
  ];
  assert.deepEqual(memberListDisagreements([view('etcd-1', three), view('etcd-2', three), view('etcd-3', moved)]), [
    "etcd-3's member list lists x, which the others do not; has etcd-2 at http://b2:2380 where the others have http://b:2380 (etcd-1, etcd-2 agree on 3 member(s))",
  ]);
  // One list read: nothing to compare.
  assert.deepEqual(memberListDisagreements([view('etcd-1', three)]), []);
});

test('member lists that disagree make the configuration mismatch likely, with each disagreement as evidence', () => {
  const s = snapshot([member(A, { isLeader: true }), member(B), member(C)]);
  const three: Array<[string, string, string[]]> = s.members.map((m) => [m.name, m.id, m.peerURLs]);
  const added: Array<[string, string, string[]]> = [...three, ['', 'ffffffffffffffff', ['http://10.0.0.9:2380']]];
  const d = diagnose({ snapshot: s, memberViews: [view('etcd-1', added), view('etcd-2', added), view('etcd-3', three)] });
  const mismatch = d.causes.find((c) => c.id === 'config-mismatch');
  assert.equal(mismatch?.verdict, 'likely');
  assert.match(
    mismatch?.summary ?? '',
    /^the members disagree on who is in the cluster: etcd-3's member list does not list ffffffffffffffff/,
  );
  assert.deepEqual(
    mismatch?.evidence.filter((e) => e.source === 'member-list').map((e) => e.text),
    ["etcd-3's member list does not list ffffffffffffffff (etcd-1, etcd-2 agree on 4 member(s))"],
  );
  // Lists that agree change nothing.
  const agreed = diagnose({ snapshot: s, memberViews: [view('etcd-1', three), view('etcd-2', three), view('etcd-3', three)] });
  assert.equal(agreed.causes.find((c) => c.id === 'config-mismatch')?.verdict, 'unknown');
});
