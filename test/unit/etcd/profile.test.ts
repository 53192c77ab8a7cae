import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  normalizeEndpoint,
  parseEndpoints,
  parseEtcdctlAssignments,
  parseUser,
  profileFromEtcdctlEnv,
  profileFromKubeadmManifest,
} from '../../../src/etcd/profile';
import { toHexId } from '../../../src/etcd/ids';

test('ids are printed as 16-digit lowercase hex like etcdctl, without losing uint64 precision', () => {
  assert.equal(toHexId('10276657743932975437'), '8e9e05c52164694d');
  assert.equal(toHexId('1'), '0000000000000001');
  assert.equal(toHexId('18446744073709551615'), 'ffffffffffffffff');
  assert.equal(toHexId(undefined), '0000000000000000');
});

test('endpoints: etcdctl-style host:port and URLs are accepted, bad ones are refused with the reason', () => {
  assert.deepEqual(parseEndpoints('127.0.0.1:2379, https://10.0.0.2:2379'), ['http://127.0.0.1:2379', 'https://10.0.0.2:2379']);
  assert.equal(normalizeEndpoint('http://[::1]:2379'), 'http://[::1]:2379');
  assert.throws(() => parseEndpoints(' , '), /no endpoints/);
  assert.throws(() => normalizeEndpoint('unix://x:1'), /scheme must be http or https/);
  assert.throws(() => normalizeEndpoint('http://10.0.0.1'), /a port is required/);
  assert.throws(() => normalizeEndpoint('http://10.0.0.1:2379/v3'), /must not contain a path/);
  assert.throws(() => normalizeEndpoint('http://exa mple:1'), /invalid endpoint/);
});

test('--user NAME:PASSWORD splits at the first colon, so passwords may contain colons', () => {
  assert.deepEqual(parseUser('root'), { username: 'root' });
  assert.deepEqual(parseUser('root:a:b'), { username: 'root', password: 'a:b' });
});

test('a profile from etcdctl environment variables', () => {
  const p = profileFromEtcdctlEnv({
    ETCDCTL_ENDPOINTS: 'https://10.0.0.1:2379,https://10.0.0.2:2379',
    ETCDCTL_CACERT: '/pki/ca.crt',
    ETCDCTL_CERT: '/pki/c.crt',
    ETCDCTL_KEY: '/pki/c.key',
    ETCDCTL_USER: 'admin',
    ETCDCTL_PASSWORD: 'pw',
  });
  assert.deepEqual(p.endpoints, ['https://10.0.0.1:2379', 'https://10.0.0.2:2379']);
  assert.deepEqual(p.tls, { caFile: '/pki/ca.crt', certFile: '/pki/c.crt', keyFile: '/pki/c.key' });
  assert.equal(p.username, 'admin');
  assert.equal(p.password, 'pw');
  assert.deepEqual(profileFromEtcdctlEnv({}).endpoints, ['http://127.0.0.1:2379'], "etcdctl's default endpoint");
});

test('a profile from a kubeadm etcd static pod manifest', () => {
  const text = readFileSync(join(__dirname, '..', '..', 'fixtures', 'etcd', 'kubeadm-etcd.yaml'), 'utf8');
  const p = profileFromKubeadmManifest(text);
  assert.deepEqual(p.endpoints, ['https://10.0.0.11:2379']);
  assert.deepEqual(p.tls, {
    caFile: '/etc/kubernetes/pki/etcd/ca.crt',
    certFile: '/etc/kubernetes/pki/etcd/server.crt',
    keyFile: '/etc/kubernetes/pki/etcd/server.key',
  });
  assert.throws(() => profileFromKubeadmManifest('kind: Pod\nspec: {}\n'), /spec.containers is missing/);
  assert.throws(
    () => profileFromKubeadmManifest('spec:\n  containers:\n  - name: etcd\n    command: [etcd]\n'),
    /no --advertise-client-urls/,
  );
  assert.throws(() => profileFromKubeadmManifest('spec: [unclosed'), /not a valid YAML manifest/);
});

test('pasted etcdctl export lines are read, quoted or not, and nothing but ETCDCTL_* is kept', () => {
  const env = parseEtcdctlAssignments(
    `export ETCDCTL_ENDPOINTS=https://10.0.0.1:2379,https://10.0.0.2:2379; export ETCDCTL_CACERT="/etc/etcd/ca dir/ca.crt"\nETCDCTL_USER='root' PATH=/evil`,
  );
  assert.deepEqual(env, {
    ETCDCTL_ENDPOINTS: 'https://10.0.0.1:2379,https://10.0.0.2:2379',
    ETCDCTL_CACERT: '/etc/etcd/ca dir/ca.crt',
    ETCDCTL_USER: 'root',
  });
  assert.deepEqual(parseEtcdctlAssignments('nothing here'), {});
});

test('kubeadm manifests: missing containers or flags are named, not a TypeError', () => {
  const withBom = profileFromKubeadmManifest(
    '\ufeffspec:\n  containers:\n  - name: etcd\n    command: [etcd, --advertise-client-urls=https://10.0.0.1:2379]\n',
  );
  assert.deepEqual(withBom.endpoints, ['https://10.0.0.1:2379'], 'a BOM before a manifest is skipped by the YAML parser');
  assert.throws(() => profileFromKubeadmManifest('spec:\n  containers: []\n'), /spec\.containers is empty/);
  assert.throws(() => profileFromKubeadmManifest('spec:\n  containers: [1, "x", null]\n'), /spec\.containers is empty/);
  assert.throws(() => profileFromKubeadmManifest('spec:\n  containers:\n  - name: etcd\n'), /container "etcd" has no command or args/);
  assert.throws(() => profileFromKubeadmManifest('null'), /spec\.containers is missing/);
});
