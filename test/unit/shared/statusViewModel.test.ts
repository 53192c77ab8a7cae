// The status webview's view-model: what a glance at the panel says for healthy, quorum-lost, hostile and
// unreachable clusters, and that its cells are the ones the CLI prints and the copied tables hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStatusViewModel } from '../../../src/shared/statusViewModel';
import { ENDPOINT_COLUMNS, MEMBER_COLUMNS, tableText } from '../../../src/etcd/printer';
import { renderStatus } from '../../../src/cli/status';
import { HOSTILE_ERROR, HOSTILE_NAME, ID1, ID2, ID3, healthy, hostile, member, quorumLost, snapshot } from '../../support/snapshots';

const col = (name: string): number => ENDPOINT_COLUMNS.indexOf(name);

test('healthy cluster: summary names the leader and counts healthy members, no banner, checks pass without buttons', () => {
  const vm = buildStatusViewModel('prod', healthy(), false);
  assert.equal(vm.summary, 'leader etcd-1 · 3/3 healthy');
  assert.equal(vm.tone, 'ok');
  assert.equal(vm.banner, null);
  assert.equal(vm.loaded, true);
  assert.deepEqual(vm.endpointColumns, [
    'ENDPOINT',
    'ID',
    'VERSION',
    'DB SIZE',
    'IN USE',
    '% NOT IN USE',
    'QUOTA',
    'IS LEADER',
    'IS LEARNER',
    'RAFT TERM',
    'RAFT INDEX',
    'RAFT APPLIED INDEX',
    'ERRORS',
    'HEALTH',
    'TOOK',
  ]);
  const leaderRow = vm.endpointRows.find((r) => r.memberId === ID1);
  assert.equal(leaderRow?.role, 'leader');
  assert.equal(leaderRow?.cells[col('IS LEADER')], 'true');
  assert.equal(leaderRow?.cells[col('DB SIZE')], '20 kB');
  assert.equal(leaderRow?.cells[col('% NOT IN USE')], '20%');
  assert.equal(leaderRow?.cells[col('QUOTA')], '2.1 GB');
  assert.equal(leaderRow?.cells[col('HEALTH')], 'healthy (2 ms)');
  assert.equal(leaderRow?.cells[col('TOOK')], '3 ms');
  assert.equal(vm.endpointRows.filter((r) => r.role === 'leader').length, 1);
  assert.deepEqual(vm.memberColumns, ['ID', 'STATUS', 'NAME', 'PEER ADDRS', 'CLIENT ADDRS', 'IS LEARNER']);
  assert.deepEqual(vm.memberRows[0].cells, [ID1, 'started', 'etcd-1', 'http://127.0.0.1:2380', 'http://127.0.0.1:2379', 'false']);
  assert.equal(vm.checks.length, 13);
  assert.ok(vm.checks.filter((c) => c.id !== 'clock-sync').every((c) => c.outcome === 'pass' && c.action === null));
  // Step 10 (monitoring) has no check pointing at it: the panel offers it on every cluster.
  assert.deepEqual(vm.monitor, {
    title: 'Monitoring script',
    command: 'etcdInspector.showRunbookStep',
    args: { cluster: 'prod', step: 10 },
  });
});

test('quorum lost: NO LEADER summary, a banner naming the down members, failing checks open their runbook step', () => {
  const vm = buildStatusViewModel('prod', quorumLost(), false);
  assert.equal(vm.summary, 'NO LEADER · 1/3 reachable · quorum lost');
  assert.equal(vm.tone, 'error');
  assert.ok(vm.banner);
  assert.equal(vm.banner.title, 'No leader · quorum lost');
  assert.match(vm.banner.detail, /^1 of 3 voting members reachable, quorum needs 2\. Down: etcd-1, etcd-2\./);
  assert.deepEqual(vm.banner.action, {
    title: 'Open runbook step 5',
    command: 'etcdInspector.showRunbookStep',
    args: { cluster: 'prod', step: 5 },
  });
  // The header says why: the cause engine's top cause, its sentence, and its action when the panel may run it.
  assert.equal(vm.banner.cause?.verdict, 'confirmed');
  assert.match(vm.banner.cause?.headline ?? '', /^No leader: quorum lost — 2 of 3 voting members down \(etcd-1: .*etcd-2: /);
  assert.doesNotMatch(vm.banner.cause?.headline ?? '', / since /);
  // With the host's timeline, each down member says since when.
  const snap = quorumLost();
  const down = snap.members.find((m) => m.name === 'etcd-1');
  const timed = buildStatusViewModel('prod', snap, false, { downSince: { [down?.id ?? '']: snap.takenAt } });
  assert.match(timed.banner?.cause?.headline ?? '', /\(etcd-1: [^,]* since /);
  assert.deepEqual(vm.banner.causeAction, {
    title: 'Show the quorum-loss recovery guide',
    command: 'etcdInspector.showRecoveryGuide',
    args: { cluster: 'prod' },
    disabled: null,
  });
  const leader = vm.checks.find((c) => c.id === 'leader-exists');
  assert.equal(leader?.outcome, 'fail');
  assert.deepEqual(leader?.action, {
    title: 'Open runbook step 5',
    command: 'etcdInspector.showRunbookStep',
    args: { cluster: 'prod', step: 5 },
  });
  assert.deepEqual(vm.checks.find((c) => c.id === 'connectivity')?.action?.args, { cluster: 'prod', step: 2 });
  const clock = vm.checks.find((c) => c.id === 'clock-sync');
  assert.equal(clock?.outcome, 'unknown');
  assert.deepEqual(clock?.action?.args, { cluster: 'prod', step: 7 });
  assert.deepEqual(
    vm.checks.filter((c) => c.outcome === 'fail').map((c) => c.id),
    ['leader-exists', 'member-count-quorum', 'connectivity', 'health'],
  );
});

test('unreachable members keep their row: endpoint, id and the reason, empty status cells, tone error', () => {
  const vm = buildStatusViewModel('prod', quorumLost(), false);
  const down = vm.endpointRows.find((r) => r.memberId === ID2);
  assert.ok(down);
  assert.equal(down.tone, 'error');
  assert.equal(down.cells[col('ENDPOINT')], 'http://127.0.0.1:2389');
  assert.equal(down.cells[col('ID')], ID2);
  assert.equal(down.cells[col('ERRORS')], 'connection refused (etcd not running or wrong port)');
  assert.equal(down.cells[col('HEALTH')], 'unreachable');
  for (const c of ['VERSION', 'DB SIZE', 'IS LEADER', 'RAFT TERM', 'TOOK']) assert.equal(down.cells[col(c)], '', c);
  const survivor = vm.endpointRows.find((r) => r.memberId === ID3);
  assert.equal(survivor?.cells[col('HEALTH')], 'unhealthy: etcdserver: no leader');
  assert.equal(survivor?.cells[col('IS LEADER')], 'false');
});

test('an added but unstarted member: STATUS unstarted, no name, peer URL in the endpoint cell', () => {
  const s = snapshot('prod', [member(ID1, { name: 'etcd-1', port: 2379 }), member(ID2, { port: 2389, started: false })]);
  const vm = buildStatusViewModel('prod', s, false);
  assert.deepEqual(vm.memberRows[1].cells, [ID2, 'unstarted', '', 'http://127.0.0.1:2390', '', 'false']);
  assert.equal(vm.endpointRows[1].role, 'unstarted');
  assert.equal(vm.endpointRows[1].cells[col('ENDPOINT')], '(unstarted) http://127.0.0.1:2390');
  assert.equal(vm.endpointRows[1].cells[col('HEALTH')], 'not started');
});

test('hostile member name and error text are kept verbatim as data (escaping is the renderer’s job)', () => {
  const vm = buildStatusViewModel('prod', hostile(), false);
  const row = vm.memberRows.find((r) => r.memberId === ID3);
  assert.equal(row?.cells[MEMBER_COLUMNS.indexOf('NAME')], HOSTILE_NAME);
  assert.equal(vm.endpointRows.find((r) => r.memberId === ID3)?.name, HOSTILE_NAME);
  assert.equal(vm.endpointRows.find((r) => r.memberId === ID3)?.cells[col('ERRORS')], HOSTILE_ERROR);
  assert.ok(vm.checks.some((c) => c.actual.includes(HOSTILE_ERROR)));
  // The copied table keeps the text too: a clipboard is not HTML.
  assert.ok(tableText(hostile(), 'members').includes(HOSTILE_NAME));
});

test('before the first refresh: loaded false, a placeholder summary, no rows', () => {
  assert.equal(buildStatusViewModel('prod', undefined, true).summary, 'refreshing…');
  const vm = buildStatusViewModel('prod', undefined, false);
  assert.equal(vm.loaded, false);
  assert.equal(vm.summary, 'not refreshed yet');
  assert.equal(vm.tone, 'unknown');
  assert.deepEqual([vm.endpointRows.length, vm.memberRows.length, vm.checks.length], [0, 0, 0]);
});

test('no endpoint answered: banner, discovery errors as problems, unknown checks offer a refresh', () => {
  const vm = buildStatusViewModel('prod', snapshot('prod', []), false);
  assert.equal(vm.summary, 'UNREACHABLE · no endpoint answered');
  assert.equal(vm.tone, 'error');
  assert.equal(vm.banner?.title, 'No endpoint answered');
  assert.deepEqual(vm.problems, ['http://127.0.0.1:1: connection refused (etcd not running or wrong port)']);
  const leader = vm.checks.find((c) => c.id === 'leader-exists');
  assert.equal(leader?.outcome, 'unknown');
  assert.deepEqual(leader?.action, { title: 'Refresh', command: 'etcdInspector.refresh', args: { cluster: 'prod' } });
});

test('copy as table: etcdctl -w table layout; the endpoint cells are the CLI table cells plus TOOK', () => {
  const s = quorumLost();
  const vm = buildStatusViewModel('prod', s, false);
  const text = tableText(s, 'endpoints');
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0], /^\+-+(\+-+){14}\+$/);
  assert.match(lines[1], /^\| +ENDPOINT +\| +ID +\|.*\| +HEALTH +\| +TOOK +\|$/);
  assert.equal(lines.length, 3 + 3 + 1);
  // The CLI prints the same 14 cells for each member: one shared row builder.
  const cells = (line: string): string[] =>
    line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
  const cliRows = renderStatus(s)
    .split('\n')
    .filter((l) => l.startsWith('| http'))
    .map(cells);
  assert.deepEqual(
    cliRows,
    vm.endpointRows.map((r) => r.cells.slice(0, 14)),
  );
  assert.deepEqual(
    lines.slice(3, 6).map(cells),
    vm.endpointRows.map((r) => r.cells),
  );
  const members = tableText(s, 'members');
  assert.match(members, /\| +ID +\| +STATUS +\| +NAME +\| +PEER ADDRS +\| +CLIENT ADDRS +\| +IS LEARNER +\|/);
  assert.match(
    members,
    /\| fd422379fda50e48 \| started \| etcd-2 \| http:\/\/127\.0\.0\.1:2390 \| http:\/\/127\.0\.0\.1:2389 \| false +\|/,
  );
  const checklist = tableText(s, 'checklist');
  assert.match(checklist, /\| leader-exists +\| FAIL +\| one member is leader +\|/);
  assert.match(checklist, /\| clock-sync +\| unknown +\|/);
  assert.match(checklist, /\| db-size-quota +\| pass +\|/);
  // The panel shows the same words as the copied table and the CLI.
  const word = (id: string): string | undefined => vm.checks.find((c) => c.id === id)?.result;
  assert.deepEqual([word('leader-exists'), word('clock-sync'), word('db-size-quota')], ['FAIL', 'unknown', 'pass']);
  assert.match(renderStatus(s), /\| db-size-quota +\| pass +\|/);
});

test('copy as table escapes control characters so a member name cannot break the table or the terminal', () => {
  const s = snapshot('prod', [member(ID1, { name: 'evil\nname\u001b[31m', port: 2379 })]);
  const text = tableText(s, 'members');
  assert.ok(text.includes('evil\\x0aname\\x1b[31m'));
  assert.equal(text.trimEnd().split('\n').length, 5);
});
