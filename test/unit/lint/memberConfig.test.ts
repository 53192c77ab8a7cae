// "Generate member configuration" output lints clean with the joining member in initial-cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, parseDocument } from '../../../src/lint/engine';
import { generateMemberConfig, validateNewMember } from '../../../src/lint/memberConfig';

const EXISTING =
  'ETCD_NAME=etcd-1\nETCD_INITIAL_CLUSTER="etcd-1=http://10.0.0.1:2380,etcd-2=http://10.0.0.2:2380,etcd-3=http://10.0.0.3:2380"\nETCD_INITIAL_CLUSTER_TOKEN=prod-1\nETCD_HEARTBEAT_INTERVAL=200\nETCD_ELECTION_TIMEOUT=2000\n';

test('builds the runbook step 6 member config from an existing member, and it lints without errors', () => {
  const text = generateMemberConfig({ name: 'etcd-new', peerUrl: 'http://10.0.0.4:2380' }, parseDocument(EXISTING, 'env'));
  assert.match(text, /^ETCD_NAME=etcd-new$/m);
  assert.match(
    text,
    /^ETCD_INITIAL_CLUSTER="etcd-1=http:\/\/10\.0\.0\.1:2380,etcd-2=http:\/\/10\.0\.0\.2:2380,etcd-3=http:\/\/10\.0\.0\.3:2380,etcd-new=http:\/\/10\.0\.0\.4:2380"$/m,
  );
  assert.match(text, /^ETCD_INITIAL_CLUSTER_STATE=existing$/m);
  assert.match(text, /^ETCD_INITIAL_ADVERTISE_PEER_URLS=http:\/\/10\.0\.0\.4:2380$/m);
  assert.match(text, /^ETCD_ADVERTISE_CLIENT_URLS=http:\/\/10\.0\.0\.4:2379$/m);
  assert.match(text, /^ETCD_HEARTBEAT_INTERVAL=200$/m);
  assert.deepEqual(
    lintText(text, { format: 'env', version: '3.5' }).filter((d) => d.severity === 'error'),
    [],
  );
});

test('rejects names etcd would mangle and malformed peer URLs', () => {
  assert.ok(validateNewMember({ name: 'a b', peerUrl: 'http://10.0.0.4:2380' }));
  assert.ok(validateNewMember({ name: 'ok', peerUrl: 'http://10.0.0.4:2380/' }));
  assert.equal(validateNewMember({ name: 'ok', peerUrl: 'http://10.0.0.4:2380' }), undefined);
});

test('a value etcd would refuse in the source config is not copied into the new member (found in code-server)', () => {
  const yaml = parseDocument('name: m1\nheartbeat-interval: 100ms\nelection-timeout: 1000\n', 'yaml');
  const text = generateMemberConfig({ name: 'm4', peerUrl: 'http://10.0.0.4:2380' }, yaml);
  assert.doesNotMatch(text, /ETCD_HEARTBEAT_INTERVAL/);
  assert.match(text, /^ETCD_ELECTION_TIMEOUT=1000$/m);
  assert.deepEqual(
    lintText(text, { format: 'env', version: '3.5' }).filter((d) => d.severity === 'error'),
    [],
  );
});
