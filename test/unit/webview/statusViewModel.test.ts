// The status webview's view-model: what a glance at the panel says for healthy, quorum-lost, hostile and
// unreachable clusters, and the two exports (etcdctl JSON, plain-text tables).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildStatusViewModel,
  ENDPOINT_COLUMNS,
  hexIdToDecimal,
  MEMBER_COLUMNS,
  stringifyWithBigInts,
  tableText,
  toEtcdctlStatusJson,
} from '../../../src/shared/statusViewModel';
import { renderStatus } from '../../../src/cli/status';
import { CLUSTER_ID, HOSTILE_ERROR, HOSTILE_NAME, ID1, ID2, ID3, healthy, hostile, member, quorumLost, snapshot } from './snapshots';

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
  assert.equal(vm.checks.length, 9);
  assert.ok(vm.checks.filter((c) => c.id !== 'clock-sync').every((c) => c.outcome === 'pass' && c.action === null));
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
  assert.ok(tableText(vm, 'members').includes(HOSTILE_NAME));
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
  assert.equal(vm.summary, 'NO ANSWER · no endpoint answered');
  assert.equal(vm.banner?.title, 'No endpoint answered');
  assert.deepEqual(vm.problems, ['http://127.0.0.1:1: connection refused (etcd not running or wrong port)']);
  const leader = vm.checks.find((c) => c.id === 'leader-exists');
  assert.equal(leader?.outcome, 'unknown');
  assert.deepEqual(leader?.action, { title: 'Refresh', command: 'etcdInspector.refresh', args: { cluster: 'prod' } });
});

test('export: etcdctl endpoint status -w json shape, answered members only, uint64 ids exact as bare numbers', () => {
  const json = toEtcdctlStatusJson(quorumLost());
  // Only the survivor answered; etcdctl leaves failed endpoints out of its JSON.
  assert.match(json, /"member_id": 10501334649042878790,/);
  assert.match(json, /"cluster_id": 14841639068965178418,/);
  assert.match(json, /"leader": 0,/);
  const parsed = JSON.parse(json) as Array<{ Endpoint: string; Status: Record<string, unknown> }>;
  assert.equal(parsed.length, 1);
  assert.equal(parsed[0].Endpoint, 'http://127.0.0.1:2399');
  assert.deepEqual(Object.keys(parsed[0].Status), [
    'header',
    'version',
    'dbSize',
    'leader',
    'raftIndex',
    'raftTerm',
    'raftAppliedIndex',
    'errors',
    'dbSizeInUse',
    'isLearner',
    'dbSizeQuota',
  ]);
  assert.deepEqual(Object.keys(parsed[0].Status.header as object), ['cluster_id', 'member_id', 'raft_term']);
  assert.deepEqual(parsed[0].Status.errors, ['etcdserver: no leader']);
  // Precision: a JSON.parse into doubles would lose these; the text carries every digit.
  assert.equal(hexIdToDecimal(ID3), 10501334649042878790n);
  assert.equal(hexIdToDecimal(CLUSTER_ID).toString(), '14841639068965178418');
  assert.notEqual(String(Number(10501334649042878790n)), '10501334649042878790');

  const all = JSON.parse(toEtcdctlStatusJson(healthy())) as Array<{ Status: { leader: number } }>;
  assert.equal(all.length, 3);
  assert.match(toEtcdctlStatusJson(healthy()), /"leader": 10276657743932975437,/);
});

test('export: hostile strings stay strings (escaped JSON), never become numbers or markup', () => {
  const json = toEtcdctlStatusJson(hostile());
  const parsed = JSON.parse(json) as Array<{ Status: { errors: string[] } }>;
  assert.deepEqual(parsed[0].Status.errors, [HOSTILE_ERROR]);
  assert.equal(stringifyWithBigInts({ a: '1"2', b: [1n, null, true] }, ''), '{\n"a": "1\\"2",\n"b": [\n1,\nnull,\ntrue\n]\n}');
  assert.throws(() => hexIdToDecimal('12345678901234567'), /not a 64-bit hex member id/);
});

test('copy as table: etcdctl -w table layout; the endpoint cells are the CLI table cells plus TOOK', () => {
  const s = quorumLost();
  const vm = buildStatusViewModel('prod', s, false);
  const text = tableText(vm, 'endpoints');
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
  const members = tableText(vm, 'members');
  assert.match(members, /\| +ID +\| +STATUS +\| +NAME +\| +PEER ADDRS +\| +CLIENT ADDRS +\| +IS LEARNER +\|/);
  assert.match(
    members,
    /\| fd422379fda50e48 \| started \| etcd-2 \| http:\/\/127\.0\.0\.1:2390 \| http:\/\/127\.0\.0\.1:2389 \| false +\|/,
  );
  const checklist = tableText(vm, 'checklist');
  assert.match(checklist, /\| leader-exists +\| FAIL +\| one member is leader +\|/);
  assert.match(checklist, /\| clock-sync +\| unknown +\|/);
});

test('copy as table escapes control characters so a member name cannot break the table or the terminal', () => {
  const s = snapshot('prod', [member(ID1, { name: 'evil\nname\u001b[31m', port: 2379 })]);
  const text = tableText(buildStatusViewModel('prod', s, false), 'members');
  assert.ok(text.includes('evil\\x0aname\\x1b[31m'));
  assert.equal(text.trimEnd().split('\n').length, 5);
});
