import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable } from '../../../src/etcd/printer';
import { printable } from '../../../src/shared/text';
import { parseClusterSettings } from '../../../src/shared/settings';

test('tables have etcdctl-style borders and aligned columns', () => {
  const out = renderTable(
    ['A', 'LONG HEADER'],
    [
      ['x', 'y'],
      ['wider', ''],
    ],
  );
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.length, 6);
  assert.ok(lines.every((l) => l.length === lines[0].length));
  assert.equal(lines[0], '+-------+-------------+');
  assert.equal(lines[1], '|   A   | LONG HEADER |');
  assert.equal(lines[3], '| x     | y           |');
});

test('untrusted text cannot drive the terminal: control characters are escaped', () => {
  assert.equal(printable('etcd-1\u001b[31m\r\n'), 'etcd-1\\x1b[31m\\x0d\\x0a');
  assert.equal(printable('<b>x</b><script>'), '<b>x</b><script>');
});

test('cluster settings: well-formed entries kept, bad ones dropped with a reason', () => {
  const { clusters, problems } = parseClusterSettings([
    { name: 'prod', endpoints: [' https://10.0.0.1:2379 '], tls: { caFile: '/ca.pem', bogus: 1 }, username: 'root' },
    { name: '', endpoints: ['http://x:1'] },
    { name: 'empty', endpoints: [] },
    'nonsense',
  ]);
  assert.deepEqual(clusters, [
    {
      name: 'prod',
      endpoints: ['https://10.0.0.1:2379'],
      tls: { caFile: '/ca.pem', certFile: undefined, keyFile: undefined, serverName: undefined },
      username: 'root',
    },
  ]);
  assert.equal(problems.length, 3);
  assert.deepEqual(parseClusterSettings({}).problems, ['etcdInspector.clusters must be an array']);
});

test('cluster settings: endpoints are normalised; one with a password in it is dropped without repeating the password', () => {
  const { clusters, problems } = parseClusterSettings([
    { name: 'prod', endpoints: ['10.0.0.1:2379', 'https://root:Hunter2@10.0.0.2:2379', 'https://10.0.0.3:2379/'] },
  ]);
  assert.deepEqual(clusters[0].endpoints, ['http://10.0.0.1:2379', 'https://10.0.0.3:2379']);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /credentials in the URL/);
  assert.ok(!problems[0].includes('Hunter2'));
});
