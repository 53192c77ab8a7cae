// The pure parts of reading member clocks: etcd's RFC 3339 timestamps, one sample's offset, the best
// sample, and the clock-sync verdicts from the readings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRfc3339, readingOf, sampleOf } from '../../../src/etcd/clock';
import { CLOCK_SPREAD_LIMIT_MS, clockCheck, type ClockMember } from '../../../src/etcd/checklist';
import type { ClockReading } from '../../../src/etcd/model';
import { A, B, C, member, snapshot } from '../../support/builders';
import { profileFromKubeadmManifest } from '../../../src/etcd/profile';
import { parseClusterSettings } from '../../../src/shared/settings';
import { profileFromArgs } from '../../../src/cli/status';

test('parseRfc3339: Go RFC3339Nano as etcd marshals time.Now(): nanoseconds kept, trailing zeros dropped, any zone', () => {
  const base = Date.UTC(2026, 10, 27, 20, 57, 12);
  assert.equal(parseRfc3339('2026-11-27T20:57:12Z'), base);
  assert.ok(Math.abs((parseRfc3339('2026-11-27T20:57:12.095140507Z') as number) - (base + 95.140507)) < 1e-3);
  assert.equal(parseRfc3339('2026-11-27T20:57:12.5Z'), base + 500);
  // The sub-millisecond part survives: two timestamps 1 µs apart differ by 0.001 ms.
  const a = parseRfc3339('2026-11-27T20:57:12.000001Z') as number;
  const b = parseRfc3339('2026-11-27T20:57:12.000002Z') as number;
  assert.ok(Math.abs(b - a - 0.001) < 1e-4, String(b - a));
  // A member whose local zone is not UTC: the same instant.
  assert.equal(parseRfc3339('2026-11-27T21:57:12.5+01:00'), base + 500);
  assert.equal(parseRfc3339('2026-11-27T15:27:12.5-05:30'), base + 500);
  for (const bad of [
    '',
    '2026-11-27 20:57:12Z',
    '2026-11-27T20:57:12',
    '2026-11-27T20:57:12.1234567890Z',
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-27T24:00:00Z',
    '2026-11-27T20:57:12+25:00',
    'null',
  ])
    assert.equal(parseRfc3339(bad), null, bad);
});

test('sampleOf: the member read its clock halfway through the round trip; Date.now() is whole ms (+0.5)', () => {
  // Answer seen at wall 1000 (really 1000.5 on average) after a 10 ms round trip: midpoint 995.5.
  assert.deepEqual(sampleOf(995.5, 1000, 10), { offsetMs: 0, roundTripMs: 10 });
  assert.deepEqual(sampleOf(4000, 1000, 2), { offsetMs: 4000 - 1000.5 + 1, roundTripMs: 2 });
});

test('readingOf: the shortest round trip wins, uncertainty is half of it plus half a millisecond', () => {
  assert.equal(readingOf([]), null);
  const reading = readingOf([
    { offsetMs: 40, roundTripMs: 80 },
    { offsetMs: 3.25, roundTripMs: 1 },
    { offsetMs: -20, roundTripMs: 30 },
  ]);
  assert.deepEqual(reading, { source: 'raft-probing', offsetMs: 3.25, uncertaintyMs: 1, samples: 3 });
});

const at = (offsetMs: number, uncertaintyMs = 1, extra: Partial<ClockReading> = {}): ClockReading => ({
  source: 'raft-probing',
  offsetMs,
  uncertaintyMs,
  samples: 5,
  ...extra,
});
const m = (name: string, clock: ClockReading | null, over: Partial<ClockMember> = {}): ClockMember => ({
  id: `00000000000000${name.slice(-2)}`,
  name,
  started: true,
  clock,
  ...(clock ? {} : { clockError: 'http://h:2380/raft/probing: connection refused (etcd not running or wrong port)' }),
  ...over,
});

test('clock-sync passes when every pair of members is within the limit, uncertainties included', () => {
  const c = clockCheck([m('etcd-1', at(1.04, 0.2)), m('etcd-2', at(-0.5, 0.3)), m('etcd-3', at(2.1, 0.2))]);
  assert.equal(c.ok, true);
  assert.equal(c.stepId, 'clock');
  assert.equal(c.suggestion, '');
  assert.equal(c.expected, `member clocks within ${CLOCK_SPREAD_LIMIT_MS} ms of each other (etcd warns at 1 s)`);
  assert.equal(c.actual, 'max spread 2.6 ms; offsets from here: etcd-1 +1.0 ms ±0.2, etcd-2 -0.5 ms ±0.3, etcd-3 +2.1 ms ±0.2');
  // This machine's own clock does not matter: all three 40 s behind it, together, still pass.
  assert.equal(clockCheck([m('a1', at(-40_000)), m('a2', at(-40_001)), m('a3', at(-39_999))]).ok, true);
});

test('clock-sync fails when two members are certainly further apart than the limit, and says which is ahead', () => {
  const c = clockCheck([m('etcd-1', at(0.4)), m('etcd-2', at(3000.2, 1.5)), m('etcd-3', at(-0.1))]);
  assert.equal(c.ok, false);
  assert.match(c.actual, /^etcd-2 is 3000 ms ahead of etcd-3 \(±2\.5\); offsets from here: /);
  assert.match(c.suggestion, /chronyc makestep/);
  // Just over the limit once the uncertainties are taken off: fail; just under: not a failure.
  assert.equal(clockCheck([m('x1', at(0, 5)), m('x2', at(CLOCK_SPREAD_LIMIT_MS + 11, 5))]).ok, false);
  assert.notEqual(clockCheck([m('x1', at(0, 5)), m('x2', at(CLOCK_SPREAD_LIMIT_MS + 9, 5))]).ok, false);
  // A failure stands even when another member could not be measured.
  assert.equal(clockCheck([m('y1', at(0)), m('y2', at(-900)), m('y3', null)]).ok, false);
});

test('clock-sync is unknown when the readings are too uncertain to tell either way', () => {
  // 400 ms apart: within 500 ms by the offsets, but each ±80 ms could make it 560.
  const c = clockCheck([m('far-1', at(0, 80)), m('far-2', at(400, 80))]);
  assert.equal(c.ok, null);
  assert.match(c.actual, /^max spread 400 ms, but the readings are too uncertain to tell/);
  assert.equal(clockCheck([m('far-1', at(0, 40)), m('far-2', at(400, 40))]).ok, true, 'at most 480 apart: pass');
});

test('clock-sync is unknown with fewer than two readings, naming the members not measured and SSH', () => {
  const none = clockCheck([m('etcd-1', null), m('etcd-2', null, { clockError: 'http://h:2380/raft/probing: no answer within 1000 ms' })]);
  assert.equal(none.ok, null);
  assert.match(
    none.actual,
    /^not measured: etcd-1 \(http:\/\/h:2380\/raft\/probing: connection refused .*\); etcd-2 \(.*no answer within 1000 ms\); SSH/,
  );
  assert.match(none.suggestion, /SSH/);
  const one = clockCheck([m('etcd-1', at(0.3)), m('etcd-2', null), m('etcd-3', null)]);
  assert.equal(one.ok, null);
  assert.match(one.actual, /not measured: etcd-2 .*; etcd-3 .*; offsets from here: etcd-1 \+0\.3 ms ±1\.0$/);
  // Two of three measured and close: still unknown, the third could be off.
  const partial = clockCheck([m('etcd-1', at(0.3)), m('etcd-2', at(0.1)), m('etcd-3', null)]);
  assert.equal(partial.ok, null);
  assert.match(partial.actual, /^max spread 0\.2 ms among the measured; not measured: etcd-3 \(/);
  // A member added but never started has no clock to read and is not asked for one.
  assert.equal(clockCheck([m('etcd-1', at(0)), m('etcd-2', at(1)), m('', null, { started: false, clockError: undefined })]).ok, true);
  assert.equal(clockCheck([]).ok, null);
});

test('clock-sync: a one-member cluster has no peer to drift from; SSH readings and NTP state are shown', () => {
  const single = clockCheck([m('solo', at(12))]);
  assert.equal(single.ok, true);
  assert.match(single.actual, /^a single member/);
  const mixed = clockCheck([
    m('etcd-1', at(0.2)),
    m('etcd-2', at(4, 6, { source: 'ssh', ntp: { synchronized: false, detail: 'System clock synchronized: no' } })),
  ]);
  assert.equal(mixed.ok, true);
  assert.match(mixed.actual, /etcd-2 \+4\.0 ms ±6\.0 \(ssh\); NTP not synchronized on etcd-2$/);
});

test('the checklist evaluates clock-sync from the members of the snapshot', () => {
  const measured = snapshot([member(A, { clock: at(0) }), member(B, { clock: at(1) }), member(C, { clock: at(2000) })]);
  assert.equal(measured.checks.find((c) => c.id === 'clock-sync')?.ok, false);
  const unmeasured = snapshot([member(A), member(B), member(C)]);
  assert.equal(unmeasured.checks.find((c) => c.id === 'clock-sync')?.ok, null);
});

test('peer TLS files: the clusters setting, a kubeadm manifest (--peer-* flags) and the CLI flags give peerTls', async () => {
  const { clusters, problems } = parseClusterSettings([
    {
      name: 'p',
      endpoints: ['https://10.0.0.1:2379'],
      peerTls: { caFile: '/pki/peer-ca.crt', certFile: '/pki/peer.crt', keyFile: '/pki/peer.key', x: 1 },
    },
  ]);
  assert.deepEqual(problems, []);
  assert.deepEqual(clusters[0].peerTls, {
    caFile: '/pki/peer-ca.crt',
    certFile: '/pki/peer.crt',
    keyFile: '/pki/peer.key',
    serverName: undefined,
  });
  const manifest = `spec:\n  containers:\n  - name: etcd\n    command:\n    - etcd\n    - --advertise-client-urls=https://10.0.0.1:2379\n    - --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt\n    - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt\n    - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key\n`;
  assert.deepEqual(profileFromKubeadmManifest(manifest).peerTls, {
    caFile: '/etc/kubernetes/pki/etcd/ca.crt',
    certFile: '/etc/kubernetes/pki/etcd/peer.crt',
    keyFile: '/etc/kubernetes/pki/etcd/peer.key',
  });
  const profile = await profileFromArgs(
    { endpoints: 'https://10.0.0.1:2379', 'peer-cacert': '/ca.pem', 'peer-cert': '/p.pem', 'peer-key': '/p-key.pem' },
    {},
  );
  assert.deepEqual(profile.peerTls, { caFile: '/ca.pem', certFile: '/p.pem', keyFile: '/p-key.pem' });
  assert.equal((await profileFromArgs({ endpoints: 'http://10.0.0.1:2379' }, {})).peerTls, undefined);
});
