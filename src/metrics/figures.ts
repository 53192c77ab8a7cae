// Figures of a member over an interval, from the scrapes kept of it. Counters and histograms on /metrics
// are cumulative since the member started, so every rate and quantile is the difference between the newest
// scrape and an earlier one in the window (Prometheus' rate()/increase() over [5m], and [15m] for leader
// changes, as etcd's alerting mixin uses them). A restart resets the counters: it is detected (the process
// start time changed or a counter went backwards) and the figures then start from the restart, never
// negative. With a single scrape (the first refresh, or right after a restart) figures are "since start".
import { histogramDelta, histogramQuantile, type Histogram } from './histogram';
import type { MetricsSample } from './sample';
import { byCodePoint } from '../shared/text';

/** The window of quantiles and rates: the mixin's rate(...[5m]). */
export const RATE_WINDOW_MS = 5 * 60_000;
/** The window of leader changes: the mixin's increase(...[15m]). */
export const CHURN_WINDOW_MS = 15 * 60_000;
/** Fewer samples than this in an interval give no quantile (etcd samples peer round trips every 30 s). */
export const MIN_QUANTILE_SAMPLES = 5;
/**
 * A quantile since the member started needs this many: a fresh member's first samples are its bootstrap
 * (creating the WAL and the db), slow on any disk, and would read as a slow disk.
 */
export const MIN_SINCE_START_SAMPLES = 100;
/** Scrapes kept per member: a refresh every second for the churn window at most. */
const MAX_KEPT = CHURN_WINDOW_MS / 1000;

/** Where a figure comes from: the difference of two scrapes, or one scrape's totals since the member started. */
export type FigureScope = 'interval' | 'since-start';

/** A p99 and how many samples it rests on. seconds is null when there were too few samples to judge. */
export interface Quantile {
  seconds: number | null;
  samples: number;
  scope: FigureScope;
}

/** What a member's metrics say, over `intervalMs` (or since it started). Null fields were not on its page. */
export interface MemberFigures {
  /** When the newest scrape was read (ms since the epoch, this machine). */
  at: number;
  /** Length of the interval of the rates and quantiles; null when they are since the member started. */
  intervalMs: number | null;
  /** Seconds the member has been running (its start time against its clock, as read by this machine). */
  uptimeSeconds: number | null;
  /** The member restarted within the kept scrapes: figures start from the restart. */
  restarted: boolean;
  hasLeader: boolean | null;
  /** Leader changes this member saw in `windowMs` (the churn window, or less when fewer scrapes are kept). */
  leaderChanges: { count: number; windowMs: number; scope: FigureScope } | null;
  walFsyncP99: Quantile | null;
  backendCommitP99: Quantile | null;
  /** Round trip to each peer (hex id), p99. */
  peerRoundTripP99: Array<{ peerId: string; quantile: Quantile }>;
  proposals: {
    committedPerSecond: number | null;
    appliedPerSecond: number | null;
    failedPerSecond: number | null;
    /** Failed proposals in the interval (or since start). */
    failed: number | null;
    /** Proposals waiting now (a gauge). */
    pending: number | null;
  };
  db: { totalBytes: number | null; inUseBytes: number | null; quotaBytes: number | null };
  residentMemoryBytes: number | null;
  openFds: number | null;
  maxFds: number | null;
}

/** True when `later` cannot follow `earlier` without a restart in between. */
function restartedBetween(earlier: MetricsSample, later: MetricsSample): boolean {
  if (earlier.startTime !== null && later.startTime !== null && Math.abs(later.startTime - earlier.startTime) > 1) return true;
  const backwards = (a: number | null, b: number | null): boolean => a !== null && b !== null && b < a;
  return (
    backwards(earlier.leaderChanges, later.leaderChanges) ||
    backwards(earlier.proposalsFailed, later.proposalsFailed) ||
    backwards(earlier.walFsync?.count ?? null, later.walFsync?.count ?? null) ||
    backwards(earlier.backendCommit?.count ?? null, later.backendCommit?.count ?? null)
  );
}

function quantile(earlier: Histogram | null | undefined, later: Histogram | null, scope: FigureScope): Quantile | null {
  if (!later) return null;
  const h = earlier && scope === 'interval' ? histogramDelta(earlier, later) : later;
  if (!h) return null;
  const q = h.count >= (scope === 'interval' ? MIN_QUANTILE_SAMPLES : MIN_SINCE_START_SAMPLES) ? histogramQuantile(0.99, h) : NaN;
  return { seconds: Number.isFinite(q) ? q : null, samples: h.count, scope };
}

/**
 * A quantile over the interval when it has enough samples, else since start (a quiet member writes little:
 * its disk figure is then its history, labelled so).
 */
function bestQuantile(earlier: Histogram | null | undefined, later: Histogram | null, hasBaseline: boolean): Quantile | null {
  const interval = hasBaseline ? quantile(earlier, later, 'interval') : null;
  if (interval && interval.seconds !== null) return interval;
  const since = quantile(null, later, 'since-start');
  if (since && since.seconds !== null) return since;
  return interval ?? since;
}

const perSecond = (a: number | null, b: number | null, seconds: number): number | null =>
  a === null || b === null || seconds <= 0 ? null : Math.max(0, b - a) / seconds;

/** The scrapes of one member, newest last, and the figures they give. */
export class MemberMetricsHistory {
  private samples: MetricsSample[] = [];

  add(sample: MetricsSample): void {
    const last = this.samples[this.samples.length - 1];
    // Only the scrapes since the last restart can be compared with the newest.
    if (last && restartedBetween(last, sample)) {
      this.samples = [];
      this.restartSeenAt = sample.at;
    }
    this.samples.push(sample);
    const oldest = sample.at - CHURN_WINDOW_MS;
    while (this.samples.length > 1 && (this.samples[0].at < oldest || this.samples.length > MAX_KEPT)) this.samples.shift();
  }

  /** When a restart was last detected (ms since the epoch), while it is within the churn window. */
  private restartSeenAt: number | null = null;

  get latest(): MetricsSample | undefined {
    return this.samples[this.samples.length - 1];
  }

  /** All kept scrapes, oldest first (for charts). */
  get all(): readonly MetricsSample[] {
    return this.samples;
  }

  figures(): MemberFigures | null {
    const now = this.latest;
    if (!now) return null;
    // The baseline of rates: the oldest scrape within the rate window (not the newest itself).
    const baseline = this.samples.find((s) => s !== now && s.at >= now.at - RATE_WINDOW_MS);
    const churnBase = this.samples[0] !== now ? this.samples[0] : undefined;
    const seconds = baseline ? (now.at - baseline.at) / 1000 : 0;
    const uptimeSeconds = now.startTime !== null ? Math.max(0, now.at / 1000 - now.startTime) : null;
    const restarted = this.restartSeenAt !== null && now.at - this.restartSeenAt <= CHURN_WINDOW_MS;
    const sinceStart = (value: number | null): number | null =>
      value === null || uptimeSeconds === null || uptimeSeconds <= 0 ? null : value / uptimeSeconds;
    return {
      at: now.at,
      intervalMs: baseline ? now.at - baseline.at : null,
      uptimeSeconds,
      restarted,
      hasLeader: now.hasLeader,
      leaderChanges:
        now.leaderChanges === null
          ? null
          : churnBase && churnBase.leaderChanges !== null
            ? { count: Math.max(0, now.leaderChanges - churnBase.leaderChanges), windowMs: now.at - churnBase.at, scope: 'interval' }
            : { count: now.leaderChanges, windowMs: (uptimeSeconds ?? 0) * 1000, scope: 'since-start' },
      walFsyncP99: bestQuantile(baseline?.walFsync, now.walFsync, baseline !== undefined),
      backendCommitP99: bestQuantile(baseline?.backendCommit, now.backendCommit, baseline !== undefined),
      peerRoundTripP99: Object.entries(now.peerRoundTrip)
        .map(([peerId, h]) => ({ peerId, quantile: bestQuantile(baseline?.peerRoundTrip[peerId], h, baseline !== undefined) }))
        .filter((p): p is { peerId: string; quantile: Quantile } => p.quantile !== null)
        .sort((a, b) => byCodePoint(a.peerId, b.peerId)),
      proposals: baseline
        ? {
            committedPerSecond: perSecond(baseline.proposalsCommitted, now.proposalsCommitted, seconds),
            appliedPerSecond: perSecond(baseline.proposalsApplied, now.proposalsApplied, seconds),
            failedPerSecond: perSecond(baseline.proposalsFailed, now.proposalsFailed, seconds),
            failed:
              now.proposalsFailed === null || baseline.proposalsFailed === null
                ? null
                : Math.max(0, now.proposalsFailed - baseline.proposalsFailed),
            pending: now.proposalsPending,
          }
        : {
            committedPerSecond: sinceStart(now.proposalsCommitted),
            appliedPerSecond: sinceStart(now.proposalsApplied),
            failedPerSecond: sinceStart(now.proposalsFailed),
            failed: now.proposalsFailed,
            pending: now.proposalsPending,
          },
      db: { totalBytes: now.dbTotalBytes, inUseBytes: now.dbInUseBytes, quotaBytes: now.quotaBackendBytes },
      residentMemoryBytes: now.residentMemoryBytes,
      openFds: now.openFds,
      maxFds: now.maxFds,
    };
  }
}

/** The histories of a cluster's members, by member id. */
export class MetricsHistory {
  private readonly members = new Map<string, MemberMetricsHistory>();

  add(memberId: string, sample: MetricsSample): MemberFigures | null {
    let history = this.members.get(memberId);
    if (!history) this.members.set(memberId, (history = new MemberMetricsHistory()));
    history.add(sample);
    return history.figures();
  }

  member(memberId: string): MemberMetricsHistory | undefined {
    return this.members.get(memberId);
  }

  /** Forgets members no longer in the cluster. */
  keepOnly(ids: Set<string>): void {
    for (const id of this.members.keys()) if (!ids.has(id)) this.members.delete(id);
  }
}
