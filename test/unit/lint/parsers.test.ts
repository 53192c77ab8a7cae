// The env parser reads files the way systemd's EnvironmentFile= does; Go value parsers match strconv.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEnv, EnvLineCache } from '../../../src/lint/parse/env';
import { splitLines } from '../../../src/lint/document';
import { parseGoDuration, parseGoInt, checkEtcdUrl } from '../../../src/lint/values';
import { applyEdits, safeFixEdits } from '../../../src/lint/fixes';
import { lintText } from '../../../src/lint/engine';

const values = (text: string): [string, string | null][] => parseEnv(splitLines(text)).entries.map((e) => [e.key, e.value]);

test('systemd env: comments only at line start, inline # kept, quotes, escapes, continuation, trailing space chomped', () => {
  assert.deepEqual(values('# c\n; c\n  ETCD_A=1 # ms\nETCD_B="x y" \nETCD_C=\'a\\b\'\nETCD_D=a\\\nb\nETCD_E = v  \n'), [
    ['ETCD_A', '1 # ms'],
    ['ETCD_B', 'x y'],
    ['ETCD_C', 'a\\b'],
    ['ETCD_D', 'ab'],
    ['ETCD_E', 'v'],
  ]);
});

test('a quoted value may span lines; positions of later lines stay exact', () => {
  const { entries } = parseEnv(splitLines('ETCD_A="one\ntwo"\nETCD_B=3\n'));
  assert.deepEqual(entries[0].value, 'one\ntwo');
  assert.equal(entries[1].keyRange.start.line, 2);
});

test('the line cache gives the same result as a fresh parse after an edit that shifts lines', () => {
  const cache = new EnvLineCache();
  parseEnv(splitLines('ETCD_A=1\nETCD_B=2\nETCD_C=3'), cache);
  const cached = parseEnv(splitLines('ETCD_X=0\nETCD_A=1\nETCD_B=2\nETCD_C=3'), cache);
  const fresh = parseEnv(splitLines('ETCD_X=0\nETCD_A=1\nETCD_B=2\nETCD_C=3'));
  assert.deepEqual(cached, fresh);
});

test('Go integer and duration parsing', () => {
  assert.equal(parseGoInt('0x3e8', true), 1000n);
  assert.equal(parseGoInt('1_000', true), 1000n);
  assert.equal(parseGoInt('-1', true), undefined);
  assert.equal(parseGoInt('100ms', true), undefined);
  assert.equal(parseGoDuration('1h30m'), 5400e9);
  assert.equal(parseGoDuration('5'), undefined);
  assert.equal(parseGoDuration('0'), 0);
});

test('etcd URL checks', () => {
  assert.equal(checkEtcdUrl('http://10.0.0.1:2380').error, undefined);
  assert.match(checkEtcdUrl('http://10.0.0.1:2380/').error ?? '', /must not contain a path/);
  assert.match(checkEtcdUrl('http://10.0.0.1').error ?? '', /host:port/);
  assert.match(checkEtcdUrl('tcp://10.0.0.1:1').error ?? '', /scheme/);
  assert.equal(checkEtcdUrl('unix://localhost:12345').error, undefined);
});

test('apply all safe fixes: inline comment, trailing slash, trimmed name, 10 x heartbeat', () => {
  const text = [
    'ETCD_NAME=m1',
    'ETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.1:2380/',
    'ETCD_INITIAL_CLUSTER=m1=http://10.0.0.1:2380, m2=http://10.0.0.2:2380,m3=http://10.0.0.3:2380',
    'ETCD_HEARTBEAT_INTERVAL=100 # ms',
    'ETCD_ELECTION_TIMEOUT=300',
    '',
  ].join('\n');
  let fixed = applyEdits(text, safeFixEdits(lintText(text, { format: 'env', version: '3.5' })));
  // A second pass picks up what the first made checkable (the ratio needs a valid heartbeat).
  fixed = applyEdits(fixed, safeFixEdits(lintText(fixed, { format: 'env', version: '3.5' })));
  assert.equal(
    fixed,
    [
      'ETCD_NAME=m1',
      'ETCD_INITIAL_ADVERTISE_PEER_URLS=http://10.0.0.1:2380',
      'ETCD_INITIAL_CLUSTER=m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380,m3=http://10.0.0.3:2380',
      'ETCD_HEARTBEAT_INTERVAL=100',
      'ETCD_ELECTION_TIMEOUT=1000',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    lintText(fixed, { format: 'env', version: '3.5' }).filter((d) => d.severity === 'error'),
    [],
  );
});
