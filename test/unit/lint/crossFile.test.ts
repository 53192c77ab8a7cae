// checkAcrossFiles: the configs of several members of one cluster must agree. Each cross-file code has a case
// that must report it (on the file it names, with the fix it offers) and the same members agreeing, which must
// not; configs of unrelated clusters, and single or cluster-less configs, are never compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CROSS_FILE_CODES, checkAcrossFiles, type MemberConfig } from '../../../src/lint/crossFile';
import { parseDocument } from '../../../src/lint/engine';
import { applyEdits } from '../../../src/lint/fixes';
import type { LintDiagnostic } from '../../../src/lint/types';

const CLUSTER = 'm1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380,m3=http://10.0.0.3:2380';

/** One member's env file; `set` overrides or adds variables (without the ETCD_ prefix), null removes one. */
function member(n: number, set: Record<string, string | null> = {}): string {
  const vars: Record<string, string | null> = {
    NAME: `m${n}`,
    INITIAL_ADVERTISE_PEER_URLS: `http://10.0.0.${n}:2380`,
    INITIAL_CLUSTER: CLUSTER,
    INITIAL_CLUSTER_TOKEN: 'etcd-cluster-1',
    INITIAL_CLUSTER_STATE: 'new',
    HEARTBEAT_INTERVAL: '100',
    ELECTION_TIMEOUT: '1000',
    ...set,
  };
  return Object.entries(vars)
    .filter((e): e is [string, string] => e[1] !== null)
    .map(([k, v]) => `ETCD_${k}=${v}\n`)
    .join('');
}

const configs = (...texts: string[]): MemberConfig[] =>
  texts.map((t, i) => ({ uri: `/etc/etcd/m${i + 1}.conf`, doc: parseDocument(t, 'env') }));

/** The findings per file, by code. */
function codes(found: Map<string, LintDiagnostic[]>): Record<string, string[]> {
  return Object.fromEntries([...found].map(([uri, ds]) => [uri, ds.map((d) => d.code)]));
}

const AGREEING = [member(1), member(2), member(3)];

test('three members that agree: no cross-file finding', () => {
  assert.deepEqual(codes(checkAcrossFiles(configs(...AGREEING), '3.5')), {});
});

interface Case {
  code: string;
  /** Three member files, one of them changed. */
  texts: string[];
  /** The file that gets the finding, and the line it sits on (0-based). */
  on: string;
  line: number;
  /** The value the first fix writes, if the finding has one. */
  fixed?: RegExp;
}

const CASES: Case[] = [
  {
    // m4 bootstraps with state new although nobody lists it: it is joining, so state must be existing.
    code: 'cross-file-join',
    texts: [member(1), member(2), member(4, { INITIAL_CLUSTER: `${CLUSTER},m4=http://10.0.0.4:2380` })],
    on: '/etc/etcd/m3.conf',
    line: 4,
    fixed: /^ETCD_INITIAL_CLUSTER_STATE=existing$/m,
  },
  {
    code: 'cross-file-initial-cluster',
    texts: [member(1), member(2), member(3, { INITIAL_CLUSTER: CLUSTER.replace('10.0.0.2', '10.0.0.12') })],
    on: '/etc/etcd/m3.conf',
    line: 2,
  },
  {
    code: 'cross-file-token',
    texts: [member(1), member(2), member(3, { INITIAL_CLUSTER_TOKEN: 'etcd-cluster-2' })],
    on: '/etc/etcd/m3.conf',
    line: 3,
  },
  {
    code: 'cross-file-timing',
    texts: [member(1), member(2), member(3, { HEARTBEAT_INTERVAL: '250' })],
    on: '/etc/etcd/m3.conf',
    line: 5,
    fixed: /^ETCD_HEARTBEAT_INTERVAL=100$/m,
  },
  {
    // The others list m3 at 10.0.0.3; m3 advertises another address.
    code: 'cross-file-member',
    texts: [member(1), member(2), member(3, { INITIAL_ADVERTISE_PEER_URLS: 'http://10.0.0.33:2380' })],
    on: '/etc/etcd/m3.conf',
    line: 1,
    fixed: /^ETCD_INITIAL_ADVERTISE_PEER_URLS=http:\/\/10\.0\.0\.3:2380$/m,
  },
];

for (const c of CASES) {
  test(`${c.code}: reported on the member that differs, and gone when it agrees`, () => {
    const found = checkAcrossFiles(configs(...c.texts), '3.5');
    const mine = (found.get(c.on) ?? []).filter((d) => d.code === c.code);
    assert.equal(mine.length, 1, JSON.stringify(codes(found)));
    assert.equal(mine[0].severity, 'warning');
    assert.equal(mine[0].range.start.line, c.line, mine[0].message);
    if (c.fixed) {
      const i = Number(/m(\d)\.conf$/.exec(c.on)?.[1]) - 1;
      assert.match(applyEdits(c.texts[i], mine[0].fixes?.[0].edits ?? []), c.fixed);
    }
    assert.deepEqual(codes(checkAcrossFiles(configs(...AGREEING), '3.5')), {});
  });
}

test('cross-file-member: two members with the same name are both told', () => {
  const found = checkAcrossFiles(configs(member(1), member(2), member(3, { NAME: 'm2' })), '3.5');
  for (const uri of ['/etc/etcd/m2.conf', '/etc/etcd/m3.conf'])
    assert.ok(
      (found.get(uri) ?? []).some((d) => d.code === 'cross-file-member' && /same name "m2"/.test(d.message)),
      `${uri}: ${JSON.stringify(codes(found))}`,
    );
});

test('cross-file-timing: the election timeout too, with the value of the member it differs from', () => {
  const found = checkAcrossFiles(configs(member(1), member(2, { ELECTION_TIMEOUT: '2500' })), '3.5');
  const d = found.get('/etc/etcd/m2.conf')?.find((x) => x.code === 'cross-file-timing');
  assert.match(d?.message ?? '', /election-timeout is 2500 ms here but 1000 ms in m1\.conf/);
  assert.ok(found.get('/etc/etcd/m1.conf')?.some((x) => x.code === 'cross-file-timing'));
});

test('unrelated clusters (no shared token or peer URL) are never compared', () => {
  const other = (n: number): string =>
    member(n, {
      INITIAL_CLUSTER: 'x1=http://10.1.0.1:2380,x2=http://10.1.0.2:2380,x3=http://10.1.0.3:2380',
      NAME: `x${n}`,
      INITIAL_ADVERTISE_PEER_URLS: `http://10.1.0.${n}:2380`,
      INITIAL_CLUSTER_TOKEN: 'other-cluster',
      HEARTBEAT_INTERVAL: '300',
      ELECTION_TIMEOUT: '3000',
    });
  assert.deepEqual(codes(checkAcrossFiles(configs(member(1), member(2), other(1), other(2)), '3.5')), {});
});

test('a single config, or configs without initial-cluster, take no part', () => {
  assert.deepEqual(codes(checkAcrossFiles(configs(member(1, { HEARTBEAT_INTERVAL: '999' })), '3.5')), {});
  const bare = member(2, { INITIAL_CLUSTER: null, HEARTBEAT_INTERVAL: '999' });
  assert.deepEqual(codes(checkAcrossFiles(configs(member(1), bare), '3.5')), {});
});

test('the cases cover every cross-file code', () => {
  assert.deepEqual([...new Set(CASES.map((c) => c.code))].sort(), [...CROSS_FILE_CODES].sort());
});
