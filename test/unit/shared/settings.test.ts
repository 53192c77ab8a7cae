// The pure half of the extension's settings object: every setting package.json declares has an effect
// and a default the getters fall back to, values written by hand are checked against the declaration,
// and writes of the clusters list keep what they do not touch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  SECTION,
  SETTING_EFFECTS,
  SETTING_KEYS,
  changedSettings,
  declaredSettings,
  clusterIsReadOnly,
  hasCluster,
  parseClusterSettings,
  readEnumSetting,
  readNumberSetting,
  tunnelLabel,
  tunnelSshOptions,
  withCluster,
  withoutCluster,
} from '../../../src/shared/settings';
import { DEFAULT_TIMEOUT_MS, metricsBaseUrl } from '../../../src/etcd/profile';

const packageJson = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown; type?: string; minimum?: number }> } };
};
const properties = packageJson.contributes.configuration.properties;

test('every setting package.json declares has an effect in SETTING_EFFECTS, and every effect a declaration with a default', () => {
  assert.deepEqual(Object.keys(properties).sort(), SETTING_KEYS.map((k) => `${SECTION}.${k}`).sort());
  const declared = declaredSettings(packageJson);
  for (const key of SETTING_KEYS) assert.deepEqual(declared[key].default, properties[`${SECTION}.${key}`].default, key);
  assert.equal(declared.requestTimeoutMs.minimum, 100);
  assert.equal(declared.requestTimeoutMs.default, DEFAULT_TIMEOUT_MS, "the CLI's default deadline is the extension's");
  assert.deepEqual(declared.etcdVersion.enum, ['3.4', '3.5', '3.6']);
  assert.throws(
    () => declaredSettings({ contributes: { configuration: { properties: { 'etcdInspector.clusters': { type: 'array' } } } } }),
    /declares no default for etcdInspector\.clusters/,
  );
});

test('what a change requires: the clusters and the deadline reconnect, the interval reschedules, the linter settings only re-lint', () => {
  assert.deepEqual(SETTING_EFFECTS, {
    clusters: 'reconnect',
    requestTimeoutMs: 'reconnect',
    refreshIntervalSeconds: 'reschedule',
    etcdVersion: 'relint',
    maxNumberOfProblems: 'relint',
    readOnly: 'rerender',
  });
  // VS Code's affectsConfiguration is true for the section itself and for each changed key.
  const changed = new Set(['etcdInspector', 'etcdInspector.requestTimeoutMs', 'etcdInspector.etcdVersion']);
  assert.deepEqual(
    changedSettings((key) => changed.has(key)),
    ['requestTimeoutMs', 'etcdVersion'],
  );
  assert.deepEqual(
    changedSettings((key) => key === 'editor.fontSize'),
    [],
  );
});

test('numbers written by hand are checked against the declaration: wrong type or below the minimum gives the default and says so', () => {
  const declared = declaredSettings(packageJson);
  assert.deepEqual(readNumberSetting('requestTimeoutMs', 1500, declared.requestTimeoutMs), { value: 1500 });
  assert.deepEqual(readNumberSetting('requestTimeoutMs', undefined, declared.requestTimeoutMs), { value: 2000 });
  assert.deepEqual(readNumberSetting('requestTimeoutMs', '1500', declared.requestTimeoutMs), {
    value: 2000,
    problem: 'etcdInspector.requestTimeoutMs must be a number: using 2000',
  });
  assert.deepEqual(readNumberSetting('requestTimeoutMs', 5, declared.requestTimeoutMs), {
    value: 2000,
    problem: 'etcdInspector.requestTimeoutMs must be at least 100: using 2000',
  });
  assert.equal(readNumberSetting('refreshIntervalSeconds', 0, declared.refreshIntervalSeconds).value, 0, '0 turns auto-refresh off');
  assert.equal(readNumberSetting('refreshIntervalSeconds', Number.NaN, declared.refreshIntervalSeconds).value, 10);
  assert.deepEqual(readEnumSetting('etcdVersion', '3.4', declared.etcdVersion), { value: '3.4' });
  assert.deepEqual(readEnumSetting('etcdVersion', '3.7', declared.etcdVersion), {
    value: '3.5',
    problem: 'etcdInspector.etcdVersion must be one of 3.4, 3.5, 3.6: using 3.5',
  });
});

test('clusters writes: an entry replaces the one of its name in place or is appended; others keep keys this version does not read', () => {
  const raw: unknown[] = [
    { name: 'a', endpoints: ['http://a:2379'], ssh: { user: 'core' } },
    { name: 'b', endpoints: ['http://b:2379'] },
    'not an entry',
  ];
  const added = withCluster(raw, { name: 'c', endpoints: ['https://c:2379'], tls: { caFile: '/ca.pem' } });
  assert.deepEqual(added, [...raw, { name: 'c', endpoints: ['https://c:2379'], tls: { caFile: '/ca.pem' } }]);
  const replaced = withCluster(raw, { name: 'b', endpoints: ['http://b2:2379'], username: 'root' });
  assert.deepEqual(replaced, [raw[0], { name: 'b', endpoints: ['http://b2:2379'], username: 'root' }, raw[2]]);
  assert.deepEqual(withoutCluster(raw, 'b'), [raw[0], raw[2]], 'the hand-written ssh block of "a" and the malformed entry stay');
  assert.deepEqual(withCluster(undefined, { name: 'x', endpoints: ['http://x:1'] }), [{ name: 'x', endpoints: ['http://x:1'] }]);
  assert.deepEqual(withoutCluster({ not: 'a list' }, 'x'), []);
  assert.equal(hasCluster(raw, 'a'), true);
  assert.equal(hasCluster(raw, 'c'), false);
  assert.equal(raw.length, 3, 'the value read from VS Code is not modified');
});

test('an ssh block is read (well-formed values kept, each wrong one dropped with a reason) and documented in package.json', () => {
  const { clusters, problems } = parseClusterSettings([{ name: 'a', endpoints: ['http://a:2379'], ssh: { user: 'core', port: 22 } }]);
  assert.deepEqual(clusters, [{ name: 'a', endpoints: ['http://a:2379'], ssh: { user: 'core', port: 22 } }]);
  assert.deepEqual(problems, []);
  const full = {
    user: 'core',
    port: 2222,
    identityFile: '~/.ssh/etcd',
    jumpHost: 'bastion',
    knownHostsFile: '/etc/ssh/etcd_known_hosts',
    hosts: { 'etcd-1': 'root@10.0.0.1:22' },
    commands: { logs: 'tail -n {lines} /var/log/etcd.log' },
    unit: 'etcd-member',
    configFile: '/etc/etcd/etcd.conf',
    sshConfig: false,
    timeoutMs: 5000,
  };
  assert.deepEqual(parseClusterSettings([{ name: 'b', endpoints: ['http://b:2379'], ssh: full }]).clusters[0].ssh, full);
  const wrong = parseClusterSettings([
    {
      name: 'c',
      endpoints: ['http://c:2379'],
      ssh: {
        user: 7,
        port: 70000,
        hosts: { 'etcd-1': 3, 'etcd-2': 'h2' },
        commands: { rm: 'rm -rf /', clock: 'date +%s' },
        sshConfig: true,
        timeoutMs: 0,
      },
    },
    { name: 'd', endpoints: ['http://d:2379'], ssh: 'root@host' },
    // As JSON.parse makes it: "__proto__" is an own key there, and a member name like any other.
    { name: 'e', endpoints: ['http://e:2379'], ssh: JSON.parse('{"hosts": {"__proto__": "h-proto"}}') },
  ]);
  const protoHosts = wrong.clusters[2].ssh?.hosts ?? {};
  assert.equal(Object.getPrototypeOf(protoHosts), Object.prototype, 'the map keeps its prototype');
  assert.ok(Object.hasOwn(protoHosts, '__proto__') && Object.getOwnPropertyDescriptor(protoHosts, '__proto__')?.value === 'h-proto');
  assert.deepEqual(wrong.clusters[0].ssh, { hosts: { 'etcd-2': 'h2' }, commands: { clock: 'date +%s' } });
  assert.equal(wrong.clusters[1].ssh, undefined);
  assert.deepEqual(wrong.problems, [
    'etcdInspector.clusters[0] ("c").ssh.user must be a non-empty string: ignored',
    'etcdInspector.clusters[0] ("c").ssh.port must be a port number (1-65535): ignored',
    'etcdInspector.clusters[0] ("c").ssh.timeoutMs must be a number of milliseconds (at least 100): ignored',
    'etcdInspector.clusters[0] ("c").ssh.sshConfig must be a path or false: ignored',
    'etcdInspector.clusters[0] ("c").ssh.hosts.etcd-1 must be a non-empty string: ignored',
    'etcdInspector.clusters[0] ("c").ssh.commands.rm is not a known command: ignored',
    'etcdInspector.clusters[1] ("d").ssh must be an object: SSH settings ignored',
  ]);
  const item = (properties[`${SECTION}.clusters`] as { items?: { properties?: Record<string, { properties?: Record<string, unknown> }> } })
    .items;
  assert.deepEqual(Object.keys(item?.properties?.ssh?.properties ?? {}).sort(), [
    'commands',
    'configFile',
    'dataDir',
    'hosts',
    'identityFile',
    'jumpHost',
    'knownHostsFile',
    'port',
    'sshConfig',
    'timeoutMs',
    'unit',
    'user',
  ]);
});

test('readOnly: the setting defaults to false; a cluster entry may be read-only on its own, and a malformed value counts as read-only', () => {
  const declared = declaredSettings(packageJson);
  assert.equal(declared.readOnly.default, false);
  assert.equal(properties['etcdInspector.readOnly'].type, 'boolean');
  const { clusters, problems } = parseClusterSettings([
    { name: 'production', endpoints: ['http://10.0.0.1:2379'], readOnly: true },
    { name: 'staging', endpoints: ['http://10.0.0.2:2379'], readOnly: false },
    { name: 'typo', endpoints: ['http://10.0.0.3:2379'], readOnly: 'yes' },
    { name: 'plain', endpoints: ['http://10.0.0.4:2379'] },
  ]);
  assert.deepEqual(
    clusters.map((c) => [c.name, c.readOnly]),
    [
      ['production', true],
      ['staging', undefined],
      ['typo', true],
      ['plain', undefined],
    ],
  );
  assert.deepEqual(problems, ['etcdInspector.clusters[2] ("typo"): readOnly must be true or false: the cluster is treated as read-only']);
});

test('clusterIsReadOnly: the setting in any scope, or the entry in effect or the user entry of that name; a workspace cannot loosen it', () => {
  const user = [
    { name: 'production', endpoints: ['http://a:2379'], readOnly: true },
    { name: 'staging', endpoints: ['http://b:2379'] },
  ];
  const workspace = [
    { name: 'production', endpoints: ['http://a:2379'], readOnly: false },
    { name: 'staging', endpoints: ['http://b:2379'] },
  ];
  // No setting anywhere: only the entries decide.
  assert.equal(clusterIsReadOnly([undefined, undefined, undefined], 'production', [user]), true);
  assert.equal(clusterIsReadOnly([undefined, undefined, undefined], 'staging', [user]), false);
  assert.equal(clusterIsReadOnly([undefined], 'unknown', [user]), false);
  // A workspace list that says readOnly: false does not undo the user's entry.
  assert.equal(clusterIsReadOnly([undefined], 'production', [workspace, user]), true);
  assert.equal(clusterIsReadOnly([undefined], 'production', [workspace, undefined]), false);
  // etcdInspector.readOnly in the user's settings, a workspace setting false: still read-only.
  assert.equal(clusterIsReadOnly([true, false, undefined], 'staging', [user]), true);
  assert.equal(clusterIsReadOnly([false, true, undefined], 'staging', [user]), true, 'a workspace can turn it on');
  assert.equal(clusterIsReadOnly([false, false, false], 'staging', [user]), false);
  assert.equal(clusterIsReadOnly(['yes'], 'staging', [user]), true, 'a malformed value counts as read-only');
});

test("a metrics block: false, or a port and scheme of the members' metrics listener; a wrong value is dropped with a reason; documented in package.json", () => {
  const parse = (metrics: unknown) => parseClusterSettings([{ name: 'm', endpoints: ['https://m:2379'], metrics }]);
  assert.equal(parse(false).clusters[0].metrics, false);
  assert.deepEqual(parse({ port: 2381, scheme: 'http' }).clusters[0].metrics, { port: 2381, scheme: 'http' });
  assert.equal(parse(undefined).clusters[0].metrics, undefined);
  const wrong = parse({ port: 0, scheme: 'ftp', url: 'http://x' });
  assert.deepEqual(wrong.clusters[0].metrics, {});
  assert.deepEqual(wrong.problems, [
    'etcdInspector.clusters[0] ("m").metrics.port must be a port number (1-65535): ignored',
    'etcdInspector.clusters[0] ("m").metrics.scheme must be "http" or "https": ignored',
    'etcdInspector.clusters[0] ("m").metrics.url is not a metrics setting: ignored',
  ]);
  const notObject = parse(true);
  assert.equal(notObject.clusters[0].metrics, undefined);
  assert.match(notObject.problems[0], /metrics must be false or an object \{ port, scheme \}: ignored/);
  const item = (properties[`${SECTION}.clusters`] as unknown as { items: { properties: Record<string, { oneOf?: unknown[] }> } }).items;
  assert.equal(item.properties.metrics?.oneOf?.length, 2);
  // The URL a member's metrics are read at.
  assert.equal(metricsBaseUrl('https://10.0.0.1:2379', { port: 2381, scheme: 'http' }), 'http://10.0.0.1:2381');
  assert.equal(metricsBaseUrl('https://[fd00::1]:2379', { port: 2381 }), 'https://[fd00::1]:2381');
  assert.equal(metricsBaseUrl('https://10.0.0.1:2379', undefined), 'https://10.0.0.1:2379');
  assert.equal(metricsBaseUrl('https://10.0.0.1:2379', false), 'https://10.0.0.1:2379');
});

test("a tunnel block: a host, { via, user, port, identityFile, jumpHost, knownHostsFile }, or true (through the ssh block's jumpHost); a cluster whose tunnel has no usable host is not shown (never reached directly instead); documented in package.json", () => {
  const read = parseClusterSettings([
    { name: 'short', endpoints: ['https://10.0.0.1:2379'], tunnel: 'ops@bastion-1:2222' },
    {
      name: 'full',
      endpoints: ['https://10.0.0.1:2379'],
      tunnel: { via: 'bastion-1', user: 'ops', port: 22, identityFile: '~/.ssh/ops', jumpHost: 'edge', knownHostsFile: '/k' },
    },
    { name: 'loose', endpoints: ['http://10.0.0.1:2379'], tunnel: { via: ' bastion-2 ', port: 0, user: '', proxyCommand: 'nc %h %p' } },
    { name: 'no-via', endpoints: ['http://10.0.0.2:2379'], tunnel: { user: 'ops' } },
    { name: 'hostile', endpoints: ['http://10.0.0.3:2379'], tunnel: '-oProxyCommand=touch /tmp/x' },
    { name: 'boolean', endpoints: ['http://10.0.0.4:2379'], tunnel: true },
    {
      name: 'through-jump',
      endpoints: ['http://10.0.0.5:2379'],
      ssh: { user: 'core', jumpHost: 'edge, ops@bastion-1:2222' },
      tunnel: true,
    },
    { name: 'one-hop', endpoints: ['http://10.0.0.6:2379'], ssh: { jumpHost: 'bastion-2' }, tunnel: true },
    { name: 'false', endpoints: ['http://10.0.0.7:2379'], tunnel: false },
  ]);
  assert.deepEqual(
    read.clusters.map((c) => [c.name, c.tunnel]),
    [
      ['short', { via: 'ops@bastion-1:2222' }],
      ['full', { via: 'bastion-1', user: 'ops', port: 22, identityFile: '~/.ssh/ops', jumpHost: 'edge', knownHostsFile: '/k' }],
      ['loose', { via: 'bastion-2' }],
      ['through-jump', { via: 'ops@bastion-1:2222', jumpHost: 'edge' }],
      ['one-hop', { via: 'bastion-2' }],
    ],
  );
  const where = (i: number, name: string): string => `etcdInspector.clusters[${i}] ("${name}")`;
  const dropped = (i: number, name: string): string =>
    `${where(i, name)} is not shown: its tunnel cannot be used, and it is not connected to directly instead`;
  assert.deepEqual(read.problems, [
    `${where(2, 'loose')}.tunnel.user must be a non-empty string: ignored`,
    `${where(2, 'loose')}.tunnel.port must be a port number (1-65535): ignored`,
    `${where(2, 'loose')}.tunnel.proxyCommand is not a tunnel setting: ignored`,
    `${where(3, 'no-via')}.tunnel.via must name the SSH host ([user@]host[:port] or an ~/.ssh/config alias)`,
    dropped(3, 'no-via'),
    `${where(4, 'hostile')}.tunnel.via: "-oProxyCommand=touch /tmp/x" is not an SSH host: expected [user@]host[:port]`,
    dropped(4, 'hostile'),
    `${where(5, 'boolean')}.tunnel: true goes through the ssh block's jumpHost, and this cluster's ssh block has none`,
    dropped(5, 'boolean'),
    `${where(8, 'false')}.tunnel must be an SSH host or an object { via, user, port, identityFile, jumpHost, knownHostsFile }`,
    dropped(8, 'false'),
  ]);
  // The login comes from the cluster's ssh block where the tunnel says nothing; its port and jump host never.
  const ssh = {
    user: 'core',
    port: 2200,
    identityFile: '/id',
    jumpHost: 'edge',
    knownHostsFile: '/kh',
    sshConfig: false as const,
    timeoutMs: 900,
    unit: 'etcd',
  };
  assert.deepEqual(tunnelSshOptions({ via: 'bastion-1' }, ssh), {
    user: 'core',
    identityFile: '/id',
    knownHostsFile: '/kh',
    sshConfig: false,
    timeoutMs: 900,
  });
  assert.deepEqual(tunnelSshOptions({ via: 'bastion-1', user: 'ops', port: 22, jumpHost: 'gw' }, ssh), {
    user: 'ops',
    port: 22,
    identityFile: '/id',
    jumpHost: 'gw',
    knownHostsFile: '/kh',
    sshConfig: false,
    timeoutMs: 900,
  });
  assert.deepEqual(tunnelSshOptions({ via: 'bastion-1' }, undefined), {});
  assert.equal(tunnelLabel({ via: 'ops@bastion-1' }), 'via ops@bastion-1');
  const item = (
    properties[`${SECTION}.clusters`] as { items?: { properties?: Record<string, { anyOf?: { properties?: Record<string, unknown> }[] }> } }
  ).items;
  const objectForm = item?.properties?.tunnel?.anyOf?.find((v) => v.properties);
  assert.deepEqual(Object.keys(objectForm?.properties ?? {}).sort(), ['identityFile', 'jumpHost', 'knownHostsFile', 'port', 'user', 'via']);
});
