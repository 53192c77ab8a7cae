// The printer: etcdctl's `-w json` export with exact uint64 ids, hex↔decimal ids, and the sentences and
// words that the CLI and the status panel both print.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snapshotProblems, stringifyWithBigInts, toEtcdctlStatusJson } from '../../../src/etcd/printer';
import { hexIdToDecimal, toHexId } from '../../../src/etcd/ids';
import { buildStatusViewModel } from '../../../src/shared/statusViewModel';
import { renderStatus } from '../../../src/cli/status';
import { CLUSTER_ID, HOSTILE_ERROR, ID3, healthy, hostile, quorumLost } from '../../support/snapshots';

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

test('ids: hex and decimal are exact inverses over all 64 bits', () => {
  for (const hex of [ID3, CLUSTER_ID, '0000000000000001', 'ffffffffffffffff', '0000000000000000'])
    assert.equal(toHexId(hexIdToDecimal(hex)), hex);
  assert.equal(toHexId('18446744073709551615'), 'ffffffffffffffff');
});

test('problems: an endpoint that is no member and a member warning read the same in the CLI and the panel', () => {
  const s = healthy();
  s.unmatchedEndpoints = [{ endpoint: 'http://127.0.0.1:1', error: 'connection refused' }];
  s.members[1].warnings = [{ kind: 'advertised-url', message: 'advertises http://10.0.0.2:2379: not contacted' }];
  const problems = snapshotProblems(s);
  assert.deepEqual(problems, [
    "Endpoint http://127.0.0.1:1 is not a member's client URL: connection refused",
    `Member ${s.members[1].name} advertises http://10.0.0.2:2379: not contacted`,
  ]);
  assert.deepEqual(buildStatusViewModel('prod', s, false).problems, problems);
  const cli = renderStatus(s);
  for (const p of problems) assert.ok(cli.includes(`${p}\n`), p);
});
