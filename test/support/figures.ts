// Figures of a healthy member (src/metrics/figures.ts) for tests of what is built on them.
import type { MemberFigures, Quantile } from '../../src/metrics/figures';

/** A p99 with its samples, over the interval unless said. */
export const quantile = (seconds: number | null, samples = 100, scope: Quantile['scope'] = 'interval'): Quantile => ({
  seconds,
  samples,
  scope,
});

/** A member with a fast disk, no leader change, fast peers (to `peers`), nothing failing, room in its db. */
export function healthyFigures(over: Partial<MemberFigures> = {}, peers: string[] = []): MemberFigures {
  return {
    at: Date.parse('2026-11-26T04:30:00.000Z'),
    intervalMs: 60_000,
    uptimeSeconds: 3600,
    restarted: false,
    hasLeader: true,
    leaderChanges: { count: 0, windowMs: 15 * 60_000, scope: 'interval' },
    walFsyncP99: quantile(0.002),
    backendCommitP99: quantile(0.004),
    peerRoundTripP99: peers.map((peerId) => ({ peerId, quantile: quantile(0.0008, 10) })),
    proposals: { committedPerSecond: 10, appliedPerSecond: 10, failedPerSecond: 0, failed: 0, pending: 0 },
    db: { totalBytes: 20480, inUseBytes: 16384, quotaBytes: 2147483648 },
    residentMemoryBytes: 5e7,
    openFds: 30,
    maxFds: 20000,
    ...over,
  };
}
