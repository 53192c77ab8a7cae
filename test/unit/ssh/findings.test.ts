// What SSH's measurements do to a snapshot's checks: a member /raft/probing could not read takes its SSH
// reading and clock-sync is evaluated again (pass, or FAIL for a skewed host); a probing reading is kept and
// gains the host's NTP state; the matrix's cut links fail the connectivity check, saying how old they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withSshFindings, type SshMeasurements } from '../../../src/ssh/findings';
import type { ClockReading } from '../../../src/etcd/model';
import { A, B, C, member, snapshot } from '../../support/builders';

const probing = (offsetMs: number): ClockReading => ({ source: 'raft-probing', offsetMs, uncertaintyMs: 1, samples: 1 });
const ssh = (offsetMs: number): ClockReading => ({
  source: 'ssh',
  offsetMs,
  uncertaintyMs: 5,
  samples: 3,
  ntp: { synchronized: true, detail: 'timedatectl: NTPSynchronized=yes' },
});
const measured = (over: Partial<SshMeasurements>): SshMeasurements => ({ clocks: new Map(), matrix: null, ...over });

function unmeasured() {
  const s = snapshot([member(A, { clock: probing(1) }), member(B, { clock: probing(-2) }), member(C)]);
  s.members[2].clockError = 'http://c:2380/raft/probing: connection refused';
  return { ...s, takenAt: '2026-11-27T22:00:00.000Z' };
}

test('a member without a probing reading takes its SSH reading; clock-sync is evaluated again', () => {
  const s = unmeasured();
  assert.equal(s.checks.find((c) => c.id === 'clock-sync')?.ok, null, 'unknown before: C not measured');
  const fine = withSshFindings(s, measured({ clocks: new Map([[C, { reading: ssh(3), error: null }]]) }));
  assert.equal(fine.members[2].clock?.source, 'ssh');
  assert.equal(fine.members[2].clockError, undefined);
  assert.equal(fine.checks.find((c) => c.id === 'clock-sync')?.ok, true);
  const skewed = withSshFindings(s, measured({ clocks: new Map([[C, { reading: ssh(5000), error: null }]]) }));
  assert.equal(skewed.checks.find((c) => c.id === 'clock-sync')?.ok, false);
  assert.equal(s.members[2].clock, null, 'the input is not changed');
});

test('a probing reading is kept and gains the host NTP state', () => {
  const s = unmeasured();
  const out = withSshFindings(s, measured({ clocks: new Map([[A, { reading: ssh(40), error: null }]]) }));
  assert.equal(out.members[0].clock?.source, 'raft-probing');
  assert.equal(out.members[0].clock?.offsetMs, 1);
  assert.equal(out.members[0].clock?.ntp?.synchronized, true);
});

test('the matrix: cut links fail connectivity with each link named; an old matrix says how old', () => {
  const s = unmeasured();
  const matrix = {
    links: [
      { from: 'm-a', to: 'm-c', port: 'peer' as const, url: 'http://c:2380', problem: 'connection refused' },
      { from: 'm-b', to: 'm-a', port: 'peer' as const, url: 'http://a:2380', problem: null },
    ],
    unreachableHosts: [],
  };
  const now = withSshFindings(s, measured({ matrix }));
  const check = now.checks.find((c) => c.id === 'connectivity');
  assert.equal(check?.ok, false);
  assert.match(check?.actual ?? '', /from the member hosts: 1 of 2 links cut \(m-a → m-c peer: connection refused\)$/);
  assert.notEqual(check?.suggestion, '');
  const old = withSshFindings(
    s,
    measured({ matrix: { ...matrix, links: [matrix.links[1]] }, matrixAt: Date.parse(s.takenAt) - 5 * 60_000 }),
  );
  assert.match(
    old.checks.find((c) => c.id === 'connectivity')?.actual ?? '',
    /from the member hosts \(measured 5 min ago\): all 1 links connect$/,
  );
});
