// The status panel's metric time series of one cluster: a point per completed refresh (each member's figures
// from /metrics, src/metrics/figures.ts), kept by the panel's host while the panel is open and dropped with
// it. Bounded: at most `capacity` points, the oldest dropped first; a member that left the cluster is kept
// while it has a value in the window, then forgotten. Pure: the host appends snapshots, the view is what the
// webview draws (metricsCharts.ts).
import type { ClusterSnapshot, MemberReport } from '../etcd/model';
import { CHURN_WINDOW_MS, MIN_QUANTILE_SAMPLES, RATE_WINDOW_MS, type Quantile } from '../metrics/figures';
import { THRESHOLDS } from '../metrics/judge';
import { formatBytes } from '../etcd/format';
import { CHART_KINDS, formatChartValue, type ChartKind, type MetricsChart, type MetricsChartsView } from './metricsCharts';

/** Points kept per cluster: an hour at the default refresh interval (10 s). */
export const MAX_POINTS = 360;

const MB = 1e6;

/** One member's values, one array per chart, aligned with the times. */
interface Row {
  id: string;
  label: string;
  values: Record<ChartKind, Array<number | null>>;
}

/** A p99 over the rate window, in ms; a since-start figure is history, not a point in time: a gap. */
function intervalMs(q: Quantile | null): number | null {
  return q && q.scope === 'interval' && q.seconds !== null ? q.seconds * 1000 : null;
}

/** The values of one member at one refresh, in the charts' units. */
function pointOf(m: MemberReport): Record<ChartKind, number | null> {
  const f = m.metrics;
  const peers = (f?.peerRoundTripP99 ?? []).map((p) => intervalMs(p.quantile)).filter((v): v is number => v !== null);
  const dbBytes = f?.db.totalBytes ?? m.status?.dbSize ?? null;
  return {
    walFsync: intervalMs(f?.walFsyncP99 ?? null),
    backendCommit: intervalMs(f?.backendCommitP99 ?? null),
    peerRoundTrip: peers.length > 0 ? Math.max(...peers) : null,
    leaderChanges: f?.leaderChanges && f.leaderChanges.scope === 'interval' ? f.leaderChanges.count : null,
    dbSize: dbBytes === null ? null : dbBytes / MB,
  };
}

/** The smallest quota among the members (the first one a growing db reaches), in bytes. */
function quotaOf(s: ClusterSnapshot): number | null {
  const quotas = s.members
    .map((m) => m.metrics?.db.quotaBytes ?? m.status?.dbSizeQuota ?? null)
    .filter((q): q is number => q !== null && q > 0);
  return quotas.length > 0 ? Math.min(...quotas) : null;
}

const minutes = (ms: number): string => `${Math.round(ms / 60_000)} min`;

/** A disk latency chart: a p99 of one of etcd's disk histograms over the rate window, etcd's guidance as its line. */
function diskChart(
  kind: ChartKind,
  title: string,
  family: string,
  events: string,
  guidanceSeconds: number,
): Omit<MetricsChart, 'values' | 'latest'> {
  return {
    kind,
    title,
    unit: 'ms',
    description: `p99 of ${family} over the last ${minutes(RATE_WINDOW_MS)}; a gap: fewer than ${MIN_QUANTILE_SAMPLES} ${events} then, or /metrics not read`,
    threshold: {
      value: guidanceSeconds * 1000,
      label: `${formatChartValue('ms', guidanceSeconds * 1000)} (etcd's guidance)`,
      keepInView: true,
    },
  };
}

/** Title, unit, description and fixed threshold of each chart. */
const CHARTS: Record<ChartKind, Omit<MetricsChart, 'values' | 'latest'>> = {
  walFsync: diskChart('walFsync', 'WAL fsync p99', 'etcd_disk_wal_fsync_duration_seconds', 'fsyncs', THRESHOLDS.walFsyncSeconds.docs),
  backendCommit: diskChart(
    'backendCommit',
    'Backend commit p99',
    'etcd_disk_backend_commit_duration_seconds',
    'commits',
    THRESHOLDS.backendCommitSeconds.docs,
  ),
  peerRoundTrip: {
    kind: 'peerRoundTrip',
    title: 'Peer round trip p99',
    unit: 'ms',
    description: `the slowest of the member's peers, p99 over the last ${minutes(RATE_WINDOW_MS)}; etcd samples each peer every 30 s, so the first points take minutes`,
    threshold: {
      value: THRESHOLDS.peerRoundTripSeconds * 1000,
      label: `${formatChartValue('ms', THRESHOLDS.peerRoundTripSeconds * 1000)} (etcd's mixin)`,
      keepInView: true,
    },
  },
  leaderChanges: {
    kind: 'leaderChanges',
    title: 'Leader changes',
    unit: 'changes',
    description: `leader changes each member saw in the last ${minutes(CHURN_WINDOW_MS)} (less while fewer reads are kept)`,
    threshold: {
      value: THRESHOLDS.leaderChanges,
      label: `${THRESHOLDS.leaderChanges} in ${minutes(CHURN_WINDOW_MS)} (etcd's mixin)`,
      keepInView: true,
    },
  },
  dbSize: {
    kind: 'dbSize',
    title: 'DB size',
    unit: 'MB',
    description: "each member's db file against the quota (the smallest member quota)",
    threshold: null,
  },
};

/** The time series of one cluster's charts. */
export class MetricsSeries {
  private times: number[] = [];
  private quotas: Array<number | null> = [];
  private rows: Row[] = [];
  private lastTakenAt: string | undefined;
  private revision = 0;
  private cached: MetricsChartsView | null | undefined;

  constructor(private readonly capacity = MAX_POINTS) {}

  /** Number of points kept. */
  get length(): number {
    return this.times.length;
  }

  /**
   * Adds the point of a completed refresh; false when there is none to add (no snapshot yet, or the same
   * refresh again: the registry fires per member while a refresh runs, with the previous takenAt).
   */
  append(s: ClusterSnapshot | undefined): boolean {
    if (!s || s.takenAt === this.lastTakenAt) return false;
    const t = Date.parse(s.takenAt) / 1000;
    if (!Number.isFinite(t)) return false;
    this.lastTakenAt = s.takenAt;
    // The clock went back: times must ascend, so start over rather than draw a line back in time.
    if (this.times.length > 0 && t <= this.times[this.times.length - 1]) this.clear();
    const before = this.times.length;
    this.times.push(t);
    this.quotas.push(quotaOf(s));
    const seen = new Set<string>();
    for (const m of s.members) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      let row = this.rows.find((r) => r.id === m.id);
      if (!row) {
        row = { id: m.id, label: '', values: emptyValues(before) };
        this.rows.push(row);
      }
      row.label = m.name || m.id;
      const point = pointOf(m);
      for (const kind of CHART_KINDS) row.values[kind].push(point[kind]);
    }
    for (const row of this.rows) if (!seen.has(row.id)) for (const kind of CHART_KINDS) row.values[kind].push(null);
    while (this.times.length > this.capacity) {
      this.times.shift();
      this.quotas.shift();
      for (const row of this.rows) for (const kind of CHART_KINDS) row.values[kind].shift();
    }
    // A member gone from the cluster stays while one of its values is in the window.
    this.rows = this.rows.filter((r) => seen.has(r.id) || CHART_KINDS.some((k) => r.values[k].some((v) => v !== null)));
    this.revision++;
    this.cached = undefined;
    return true;
  }

  private clear(): void {
    this.times = [];
    this.quotas = [];
    this.rows = [];
  }

  /** What the webview draws (copies: the series goes on changing); null before the first point. */
  view(): MetricsChartsView | null {
    if (this.cached !== undefined) return this.cached;
    if (this.times.length === 0) return (this.cached = null);
    const quota = lastNonNull(this.quotas);
    const charts = CHART_KINDS.map((kind): MetricsChart => {
      const spec = CHARTS[kind];
      const threshold =
        kind === 'dbSize'
          ? quota === null
            ? null
            : { value: quota / MB, label: `quota ${formatBytes(quota)}`, keepInView: false }
          : spec.threshold;
      return {
        ...spec,
        threshold,
        values: this.rows.map((r) => [...r.values[kind]]),
        // The newest point, not the newest figure: a member that stopped answering says "no data".
        latest: this.rows.map((r) => formatChartValue(spec.unit, r.values[kind][this.times.length - 1] ?? null)),
      };
    });
    this.cached = {
      times: [...this.times],
      members: this.rows.map((r) => ({ id: r.id, label: r.label })),
      charts,
      revision: this.revision,
      capacity: this.capacity,
    };
    return this.cached;
  }
}

function emptyValues(length: number): Record<ChartKind, Array<number | null>> {
  const values = {} as Record<ChartKind, Array<number | null>>;
  for (const kind of CHART_KINDS) values[kind] = new Array<number | null>(length).fill(null);
  return values;
}

function lastNonNull(values: ReadonlyArray<number | null>): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i];
  return null;
}
