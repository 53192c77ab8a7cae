// What SSH adds to a refresh: clock readings for the members /raft/probing could not measure (and every
// host's NTP state) and the connectivity matrix into the `connectivity` check.
// Pure: it takes what operations.ts measured and gives a snapshot with its checks re-evaluated.
import { clockCheck } from '../etcd/checklist';
import type { ClockReading, ClusterSnapshot } from '../etcd/model';
import type { ConnectivityMatrix } from './operations';

/** What the SSH side measured that the checks use, per member id (clocks) or for the cluster. */
export interface SshMeasurements {
  clocks: Map<string, { reading: ClockReading | null; error: string | null }>;
  matrix: ConnectivityMatrix | null;
  /** When the matrix was measured (ms since the epoch), if not just now: the check says how long ago. */
  matrixAt?: number;
}

/** "2 min ago" for a measurement older than a refresh; "" for one just made. */
function age(at: number | undefined, now: number): string {
  if (at === undefined || now - at < 30_000) return '';
  const minutes = Math.round((now - at) / 60_000);
  return minutes < 1 ? ' (measured under a minute ago)' : ` (measured ${minutes} min ago)`;
}

/**
 * The snapshot with SSH's clock readings merged (a /raft/probing reading is kept and gains the host's NTP
 * state; a member without one takes the SSH reading) and its clock-sync and connectivity checks re-evaluated.
 */
export function withSshFindings(s: ClusterSnapshot, measured: SshMeasurements): ClusterSnapshot {
  const members = s.members.map((m) => {
    const ssh = measured.clocks.get(m.id);
    if (!ssh?.reading) return m;
    if (m.clock) return { ...m, clock: { ...m.clock, ...(ssh.reading.ntp ? { ntp: ssh.reading.ntp } : {}) } };
    const merged = { ...m, clock: ssh.reading };
    delete merged.clockError;
    return merged;
  });
  const checks = s.checks.map((c) => {
    if (c.id === 'clock-sync') return clockCheck(members);
    if (c.id === 'connectivity' && measured.matrix) {
      const { links, unreachableHosts } = measured.matrix;
      const cut = links.filter((l) => l.problem !== null);
      const fromHosts =
        cut.length === 0
          ? `from the member hosts${age(measured.matrixAt, Date.parse(s.takenAt))}: all ${links.length} links connect`
          : `from the member hosts${age(measured.matrixAt, Date.parse(s.takenAt))}: ${cut.length} of ${links.length} links cut (${cut.map((l) => `${l.from} → ${l.to} ${l.port}: ${l.problem}`).join('; ')})`;
      const unreached = unreachableHosts.length ? `; not reached over SSH: ${unreachableHosts.map((h) => h.member).join(', ')}` : '';
      const ok = c.ok === false || cut.length > 0 ? false : links.length > 0 ? (c.ok ?? true) : c.ok;
      return {
        ...c,
        ok,
        actual: `${c.actual}; ${fromHosts}${unreached}`,
        suggestion:
          ok === true ? '' : c.suggestion || 'Open the cut links between the member hosts: firewalls, security groups, routes (Step 2).',
      };
    }
    return c;
  });
  return { ...s, members, checks };
}
