// The runbook action commands' command lines (what each parses to, which mistakes are usage errors) and what
// they print for a plan, a result, alarms and a hash-KV report. Pure: no cluster; plans and results are built
// by hand or by the real plan functions over hand-built snapshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMutating, parseActionArgs, parseDuration, type ParsedAction, type ParseOutcome } from '../../../src/cli/actions/args';
import { alarmsText, hashKvText, planJson, planRefused, planText, resultText } from '../../../src/cli/actions/print';
import { actionCommand, planVerify } from '../../../src/cli/actions';
import { runCli } from '../../../src/cli/cli';
import type { ActionPlan, ActionResult } from '../../../src/etcd/actions/action';
import { quorumGuard } from '../../../src/etcd/actions/guard';
import { planRemoveMember } from '../../../src/etcd/actions/members';
import { A, B, C, member, snapshot } from '../../support/builders';

function parsed(outcome: ParseOutcome): ParsedAction {
  assert.equal(outcome.kind, 'action', JSON.stringify(outcome));
  return (outcome as { action: ParsedAction }).action;
}

function usage(outcome: ParseOutcome): string {
  assert.equal(outcome.kind, 'usage', JSON.stringify(outcome));
  return (outcome as { error: string }).error;
}

test('defrag: --keep-revisions and --keep-duration imply --compact; percentages and durations are checked', () => {
  assert.deepEqual(parsed(parseActionArgs('defrag', [])).request, { kind: 'defrag', options: {} });
  assert.deepEqual(parsed(parseActionArgs('defrag', ['--compact'])).request, { kind: 'defrag', options: { compact: {} } });
  const full = parsed(
    parseActionArgs('defrag', [
      '--keep-revisions',
      '1000',
      '--keep-duration',
      '1h30m',
      '--min-free-percent',
      '45',
      '--min-quota-percent',
      '80.5',
    ]),
  );
  assert.deepEqual(full.request, {
    kind: 'defrag',
    options: { compact: { keepRevisions: 1000, keepDurationMs: 5_400_000 }, minFreePercent: 45, minQuotaPercent: 80.5 },
  });
  assert.match(usage(parseActionArgs('defrag', ['--keep-revisions=-1'])), /--keep-revisions takes a whole number/);
  assert.match(
    usage(parseActionArgs('defrag', ['--keep-revisions', '-1'])),
    /option --keep-revisions: a value starting with "-" is written --keep-revisions=VALUE/,
  );
  assert.match(usage(parseActionArgs('defrag', ['--keep-revisions', '1e3'])), /--keep-revisions/);
  assert.match(usage(parseActionArgs('defrag', ['--keep-duration', '10'])), /--keep-duration takes a duration/);
  assert.match(usage(parseActionArgs('defrag', ['--min-free-percent', '101'])), /between 0 and 100/);
  assert.match(usage(parseActionArgs('defrag', ['--min-quota-percent', ''])), /between 0 and 100/);
  assert.match(usage(parseActionArgs('defrag', ['--voter'])), /unknown option --voter/);
});

test('parseDuration reads Go-style durations and nothing else', () => {
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.equal(parseDuration('2h3m4s5ms'), 7_384_005);
  for (const bad of ['', '5', 'h', '1d', '-1m', '1 m']) assert.equal(parseDuration(bad), null, bad);
});

test('alarm, member and snapshot take a verb, wherever the options are; MEMBER is optional only where it has a default', () => {
  assert.deepEqual(parsed(parseActionArgs('alarm', ['list'])).request, { kind: 'alarm-list' });
  assert.deepEqual(parsed(parseActionArgs('alarm', ['disarm'])).request, { kind: 'alarm-disarm' });
  assert.deepEqual(parsed(parseActionArgs('alarm', ['--endpoints', 'http://a:2379', 'disarm', 'etcd-2', '--yes'])).request, {
    kind: 'alarm-disarm',
    member: 'etcd-2',
  });
  assert.deepEqual(parsed(parseActionArgs('move-leader', [])).request, { kind: 'move-leader' });
  assert.deepEqual(parsed(parseActionArgs('move-leader', ['8e9e05c52164694d'])).request, {
    kind: 'move-leader',
    member: '8e9e05c52164694d',
  });
  assert.deepEqual(parsed(parseActionArgs('member', ['remove', 'etcd-3'])).request, { kind: 'member-remove', member: 'etcd-3' });
  assert.deepEqual(parsed(parseActionArgs('member', ['-w', 'json', 'promote', 'etcd-4'])).request, {
    kind: 'member-promote',
    member: 'etcd-4',
  });
  assert.match(usage(parseActionArgs('member', ['remove'])), /member remove needs MEMBER/);
  assert.match(usage(parseActionArgs('alarm', [])), /alarm needs one of: list, disarm/);
  assert.match(usage(parseActionArgs('alarm', ['clear'])), /alarm: unknown subcommand/);
  assert.match(usage(parseActionArgs('member', ['--endpoints', 'add'])), /member needs one of/);
  // The issue writes `snapshot save FILE | hashkv | verify | recover`: both readings work.
  assert.deepEqual(parsed(parseActionArgs('snapshot', ['hashkv'])).request, { kind: 'hashkv' });
  assert.deepEqual(parsed(parseActionArgs('snapshot', ['verify', '--yes'])).request, { kind: 'verify' });
  assert.deepEqual(parsed(parseActionArgs('hashkv', [])).request, { kind: 'hashkv' });
  assert.deepEqual(parsed(parseActionArgs('recover', ['--data-dir', 'etcd-1=/var/lib/etcd', '--data-dir', 'etcd-2=/d=2'])).request, {
    kind: 'recover',
    dataDirs: { 'etcd-1': '/var/lib/etcd', 'etcd-2': '/d=2' },
  });
  assert.match(usage(parseActionArgs('recover', ['--data-dir', '/var/lib/etcd'])), /--data-dir takes NAME=DIR/);
  assert.deepEqual(parsed(parseActionArgs('snapshot', ['save', 'snap.db', '--member', 'etcd-2', '--restore-guide', 'g.md'])).request, {
    kind: 'snapshot-save',
    file: 'snap.db',
    member: 'etcd-2',
    restoreGuide: 'g.md',
    dataDirs: {},
  });
  assert.match(usage(parseActionArgs('snapshot', ['save'])), /snapshot save needs FILE/);
  // save's options belong to save.
  assert.match(usage(parseActionArgs('snapshot', ['hashkv', '--member', 'x'])), /unknown option --member/);
});

test('member add: NAME fit for ETCD_INITIAL_CLUSTER, http(s) peer URLs required, the optional fields carried', () => {
  const add = parsed(
    parseActionArgs('member', [
      'add',
      'etcd-4',
      '--peer-urls',
      'https://10.0.0.4:2380,https://[fd00::4]:2380',
      '--client-urls',
      'https://10.0.0.4:2379',
      '--voter',
      '--data-dir',
      '/var/lib/etcd',
      '--token',
      'tok',
      '--config-out',
      'etcd-4.conf',
    ]),
  );
  assert.deepEqual(add.request, {
    kind: 'member-add',
    options: {
      name: 'etcd-4',
      peerURLs: ['https://10.0.0.4:2380', 'https://[fd00::4]:2380'],
      clientURLs: ['https://10.0.0.4:2379'],
      voter: true,
      dataDir: '/var/lib/etcd',
      token: 'tok',
    },
    configOut: 'etcd-4.conf',
  });
  assert.deepEqual(parsed(parseActionArgs('member', ['add', 'n', '--peer-urls', 'http://h:2380'])).request, {
    kind: 'member-add',
    options: { name: 'n', peerURLs: ['http://h:2380'] },
  });
  assert.match(usage(parseActionArgs('member', ['add', 'etcd-4'])), /needs --peer-urls/);
  assert.match(usage(parseActionArgs('member', ['add', 'etcd-4', '--peer-urls', '10.0.0.4:2380'])), /not an http:\/\/ or https:\/\/ URL/);
  assert.match(usage(parseActionArgs('member', ['add', 'etcd-4', '--peer-urls', 'http://h:2380/path'])), /--peer-urls:/);
  assert.match(usage(parseActionArgs('member', ['add', 'a,b=c', '--peer-urls', 'http://h:2380'])), /NAME must be/);
});

test('common options: --output text|json (table accepted), --yes, --force, the connection options; a stray word is not echoed', () => {
  const p = parsed(
    parseActionArgs('move-leader', [
      '--endpoints',
      'http://127.0.0.1:2379',
      '--user',
      'root:pw',
      '--timeout-ms',
      '900',
      '-w',
      'table',
      '-y',
      '--force',
    ]),
  );
  assert.equal(p.output, 'text');
  assert.equal(p.yes, true);
  assert.equal(p.force, true);
  assert.equal(p.connection.endpoints, 'http://127.0.0.1:2379');
  assert.equal(p.connection.user, 'root:pw');
  assert.equal(p.connection['timeout-ms'], '900');
  assert.equal(parsed(parseActionArgs('hashkv', ['--output', 'json'])).output, 'json');
  assert.equal(parsed(parseActionArgs('hashkv', [])).yes, false);
  assert.match(usage(parseActionArgs('hashkv', ['--output', 'yaml'])), /--output must be text or json/);
  assert.match(usage(parseActionArgs('hashkv', ['--yes'])), /unknown option --yes/);
  const stray = usage(parseActionArgs('move-leader', ['etcd-2', 'hunter2']));
  assert.match(stray, /unexpected argument \(not shown/);
  assert.doesNotMatch(stray, /hunter2/);
  const help = parseActionArgs('member', ['--help']);
  assert.equal(help.kind, 'help');
  assert.match((help as { text: string }).text, /member add NAME --peer-urls/);
  assert.match((help as { text: string }).text, /--endpoints URL/);
});

test('which requests are mutating (plan without --yes)', () => {
  const kinds = (args: Array<[Parameters<typeof parseActionArgs>[0], string[]]>) =>
    args.map(([c, a]) => isMutating(parsed(parseActionArgs(c, a)).request));
  assert.deepEqual(
    kinds([
      ['defrag', []],
      ['alarm', ['disarm']],
      ['move-leader', []],
      ['member', ['add', 'n', '--peer-urls', 'http://h:1']],
      ['member', ['remove', 'x']],
      ['member', ['promote', 'x']],
      ['verify', []],
    ]),
    Array(7).fill(true),
  );
  assert.deepEqual(
    kinds([
      ['alarm', ['list']],
      ['hashkv', []],
      ['snapshot', ['save', 'f']],
      ['recover', []],
    ]),
    Array(4).fill(false),
  );
});

function plan(over: Partial<ActionPlan> = {}): ActionPlan {
  return {
    action: 'member-remove',
    cluster: 'prod',
    summary: 'Remove etcd-2 from cluster "prod"',
    steps: [{ memberId: B, memberName: 'etcd-2', text: 'remove etcd-2' }],
    guard: null,
    refusal: null,
    mutating: true,
    ...over,
  };
}

test('a plan says what it would do, the guard verdict, and the next step: --yes, --yes --force, or nothing', () => {
  const open = plan();
  assert.equal(planRefused(open, false), false);
  assert.equal(
    planText(open, false),
    'Remove etcd-2 from cluster "prod"\n  1. remove etcd-2\nNothing was changed: run again with --yes to do it.\n',
  );

  // The guard's arithmetic from the real guard: a 3-member cluster with one member down.
  const s = snapshot([
    member(A, { name: 'etcd-1', isLeader: true }),
    member(B, { name: 'etcd-2' }),
    member(C, { name: 'etcd-3', reachable: false }),
  ]);
  const guard = quorumGuard(s, B, 'remove');
  assert.equal(guard.allowed, false);
  const guarded = plan({ guard });
  assert.equal(planRefused(guarded, false), true);
  assert.equal(planRefused(guarded, true), false, '--force insists');
  const text = planText(guarded, false);
  assert.match(
    text,
    /Quorum guard: refuses \(3 voting members, 1 unhealthy \(etcd-3\): removing etcd-2 leaves a 2-member cluster with 1 of the 2 needed\)/,
  );
  assert.match(text, /run again with --yes --force/);
  assert.match(planText(guarded, true), /run again with --yes to do it/);

  const refused = plan({ refusal: 'no member is named "etcd-9"', guard: null });
  assert.equal(planRefused(refused, true), true, 'a failed precondition is refused even with --force');
  assert.match(planText(refused, true), /Refused: no member is named "etcd-9"\nNothing was changed\.\n$/);
  assert.deepEqual(planJson(refused, true), { plan: refused, wouldRun: false, changed: false });
});

test('the plan of the real member remove, printed with untrusted names made printable', () => {
  const s = snapshot([member(A, { name: 'etcd-1' }), member(B, { name: 'evil\x1b[2J\nforged' }), member(C, { name: 'etcd-3' })]);
  const text = planText(planRemoveMember(s, B), false);
  assert.match(text, /evil\\x1b\[2J\\x0aforged/);
  assert.ok(!text.includes('\x1b'), 'no raw ESC');
  assert.ok(!text.split('\n').some((l) => l.startsWith('forged')), 'no forged line');
});

function result(over: Partial<ActionResult> = {}): ActionResult {
  return { action: 'defrag', cluster: 'prod', ok: true, cancelled: false, steps: [], error: null, ...over };
}

test('a result: one line per step with etcd answer, the error with its meaning, cancellation said', () => {
  const done = resultText(
    result({
      steps: [
        { memberId: B, memberName: 'etcd-2', ok: true, text: 'defragmented: 12 MB → 3 MB', tookMs: 812 },
        { memberId: null, memberName: null, ok: true, text: 'leadership moved', tookMs: 40 },
      ],
    }),
  );
  assert.equal(
    done,
    'defrag on cluster "prod": done\n  ok     etcd-2: defragmented: 12 MB → 3 MB (812 ms)\n  ok     leadership moved (40 ms)\n',
  );
  const failed = resultText(
    result({
      ok: false,
      steps: [{ memberId: C, memberName: '', ok: false, text: 'defragment failed', tookMs: 3 }],
      error: { text: 'etcdserver: unhealthy cluster', meaning: 'etcd refused the change' },
    }),
  );
  assert.match(failed, /: FAILED\n/);
  assert.ok(failed.includes('\n  FAILED 000000000000000c: defragment failed (3 ms)\n'), failed);
  assert.ok(failed.endsWith('error: etcdserver: unhealthy cluster\n  meaning: etcd refused the change\n'), failed);
  const named = resultText(
    result({ steps: [{ memberId: A, memberName: 'etcd-1', ok: true, text: 'defragmented etcd-1: db 2 MB → 1 MB', tookMs: 5 }] }),
  );
  assert.ok(named.includes('\n  ok     defragmented etcd-1: db 2 MB → 1 MB (5 ms)\n'), `not prefixed with the name again: ${named}`);
  assert.match(resultText(result({ ok: false, cancelled: true })), /: cancelled\nCancelled \(Ctrl-C\): stopped before the next member/);
  assert.match(resultText(result({ steps: [{ memberId: A, memberName: 'x', ok: true, text: 'a\x07b', tookMs: 1 }] })), /a\\x07b/);
});

test('alarms: a table with the member name and what to do, CORRUPT explained; none said plainly', () => {
  const s = snapshot([member(A, { name: 'etcd-1' }), member(B, { name: 'etcd-2' })]);
  assert.equal(alarmsText([], s), 'No active alarms.\n');
  const text = alarmsText(
    [
      { memberId: A, alarm: 'NOSPACE' },
      { memberId: B, alarm: 'CORRUPT' },
    ],
    s,
  );
  assert.match(text, /\| etcd-1 \| 000000000000000a \| NOSPACE \| db reached its quota/);
  assert.match(text, /\| etcd-2 \| 000000000000000b \| CORRUPT \| never disarmed from here/);
  assert.match(text, /CORRUPT: etcd found/);
});

test('hash-KV: one row per member, divergent members named', () => {
  const report = {
    revision: 42,
    members: [
      { id: A, name: 'etcd-1', hash: '1234', compactRevision: 5, error: null },
      { id: B, name: 'etcd-2', hash: '9999', compactRevision: 5, error: null },
      { id: C, name: 'etcd-3', hash: null, compactRevision: null, error: 'deadline exceeded' },
    ],
    divergent: [B],
  };
  const text = hashKvText(report);
  assert.match(text, /\| etcd-2 \| 000000000000000b \| 9999 \| 5 +\| DIVERGENT +\|/);
  assert.match(text, /\| etcd-3 .*\| deadline exceeded \|/);
  assert.match(text, /DIVERGENT at revision 42: etcd-2\n$/);
  assert.match(hashKvText({ ...report, divergent: [] }), /Every member compared agrees at revision 42\.\n$/);
});

test('verify has a plan of its own: three steps, nothing refused', () => {
  const p = planVerify(snapshot([member(A)]));
  assert.equal(p.action, 'verify');
  assert.equal(p.steps.length, 3);
  assert.equal(planRefused(p, false), false);
});

/** A CliIo that keeps what was written. */
function io(): { stdout: string; stderr: string; io: { stdout: { write(c: string): boolean }; stderr: { write(c: string): boolean } } } {
  const out = { stdout: '', stderr: '', io: undefined as never };
  out.io = {
    stdout: { write: (c: string) => ((out.stdout += c), true) },
    stderr: { write: (c: string) => ((out.stderr += c), true) },
  } as never;
  return out;
}

const NO_PROCESS = { env: {}, onInterrupt: () => () => undefined };

test('usage errors exit 2 before any cluster is contacted: no endpoints, a file that exists, bad arguments', async (t) => {
  const noEndpoints = io();
  assert.equal(await actionCommand('move-leader', [], noEndpoints.io, NO_PROCESS), 2);
  assert.match(noEndpoints.stderr, /no endpoints: pass --endpoints URL/);

  const dir = mkdtempSync(join(tmpdir(), 'etcd-inspector-actions-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const existing = join(dir, 'snap.db');
  writeFileSync(existing, 'keep me');
  // The endpoint is a closed port: the command must stop at the file check, before connecting.
  const exists = io();
  assert.equal(await actionCommand('snapshot', ['save', existing, '--endpoints', 'http://127.0.0.1:1'], exists.io, NO_PROCESS), 2);
  assert.match(exists.stderr, /snap\.db already exists: choose a new file name/);
  const noFolder = io();
  assert.equal(
    await actionCommand('snapshot', ['save', join(dir, 'none', 's.db'), '--endpoints', 'http://127.0.0.1:1'], noFolder.io, NO_PROCESS),
    2,
  );
  assert.match(noFolder.stderr, /is not a folder/);
  const configExists = io();
  assert.equal(
    await actionCommand(
      'member',
      ['add', 'n', '--peer-urls', 'http://h:1', '--config-out', existing, '--yes', '--endpoints', 'http://127.0.0.1:1'],
      configExists.io,
      NO_PROCESS,
    ),
    2,
  );
  assert.match(configExists.stderr, /already exists/);

  const bad = io();
  assert.equal(await actionCommand('defrag', ['--min-free-percent', 'lots'], bad.io, NO_PROCESS), 2);
  assert.match(bad.stderr, /^etcd-inspector: --min-free-percent takes a percentage.*\n\nUsage: etcd-inspector defrag/);
  const help = io();
  assert.equal(await actionCommand('alarm', ['--help'], help.io, NO_PROCESS), 0);
  assert.match(help.stdout, /^Usage: etcd-inspector alarm list/);
});

test('etcd-inspector --help lists the runbook actions', async () => {
  const out = io();
  assert.equal(await runCli(['--help'], out.io), 0);
  for (const name of ['defrag', 'alarm', 'move-leader', 'member', 'snapshot', 'hashkv', 'verify', 'recover'])
    assert.match(out.stdout, new RegExp(`\\n  ${name} +\\S`), name);
});
