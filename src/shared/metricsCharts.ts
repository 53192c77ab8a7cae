// What the status panel's metric charts draw: one small time series per member for each chart, in the units
// the axes show (ms, MB, changes), null where there is no figure (a gap, never a zero). Built in the
// extension host by MetricsSeries (metricsSeries.ts); the webview only draws it. Pure and free of imports
// that would weigh on the webview bundle.

/** The charts, in the order the panel shows them. */
export const CHART_KINDS = ['walFsync', 'backendCommit', 'peerRoundTrip', 'leaderChanges', 'dbSize'] as const;

/** One of CHART_KINDS. */
export type ChartKind = (typeof CHART_KINDS)[number];

/** The unit of a chart's values and axis. MB are 1000-based, as etcdctl's sizes. */
export type ChartUnit = 'ms' | 'MB' | 'changes';

/** A line across a chart: etcd's guidance or the member's quota. */
export interface ChartThreshold {
  value: number;
  /** "10 ms (etcd's guidance)", "quota 2.1 GB". */
  label: string;
  /** The y axis always reaches it (latencies); else it is drawn only when the data come near it (the quota). */
  keepInView: boolean;
}

/** A member of the charts (every chart has one series per member, in this order). */
export interface ChartMember {
  id: string;
  /** Its name, or its id when it has none. Untrusted: render as text. */
  label: string;
}

/** One chart of a cluster. */
export interface MetricsChart {
  kind: ChartKind;
  title: string;
  unit: ChartUnit;
  /** What a point is, one line under the title. */
  description: string;
  threshold: ChartThreshold | null;
  /** Per member (aligned with MetricsChartsView.members), one value per time; null: no figure then. */
  values: Array<Array<number | null>>;
  /** Per member, its newest value as text ("2.1 ms"), or "no data". */
  latest: string[];
}

/** Every chart of one cluster, over the points kept while the panel is open. */
export interface MetricsChartsView {
  /** When each point was taken (the refresh's takenAt), seconds since the epoch, ascending. */
  times: number[];
  members: ChartMember[];
  charts: MetricsChart[];
  /** Counts the points appended: the webview redraws a chart only when it changes. */
  revision: number;
  /** At most this many points are kept; the oldest go first. */
  capacity: number;
}

/** Text of "no figure" in a legend. */
export const NO_DATA = 'no data';

/** A chart value with its unit, for axes and legends: "0.85 ms", "12 ms", "1.2 s", "25 MB", "2.1 GB", "3". */
export function formatChartValue(unit: ChartUnit, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return NO_DATA;
  if (value === 0) return unit === 'changes' ? '0' : `0 ${unit}`;
  switch (unit) {
    case 'ms':
      if (value >= 1000) return `${trim((value / 1000).toFixed(value < 10_000 ? 1 : 0))} s`;
      if (value >= 10) return `${Math.round(value)} ms`;
      return `${trim(value.toFixed(value >= 1 ? 1 : 2))} ms`;
    case 'MB':
      if (value >= 1000) return `${trim((value / 1000).toFixed(1))} GB`;
      if (value >= 10) return `${Math.round(value)} MB`;
      if (value >= 1) return `${trim(value.toFixed(1))} MB`;
      return `${Math.round(value * 1000)} kB`;
    case 'changes':
      return String(Math.round(value));
  }
}

/**
 * The labels of an axis's ticks, all in one unit (the one of the largest tick): "0 kB, 200 kB, 400 kB" rather
 * than "0 MB, 200 kB", "0 s, 0.5 s, 1 s" rather than "0 ms, 500 ms, 1 s".
 */
export function formatAxisValues(unit: ChartUnit, ticks: readonly number[]): string[] {
  const top = Math.max(0, ...ticks.map((t) => Math.abs(t)));
  const scaled = (factor: number, suffix: string, digits: number): string[] => {
    // The decimals the step between ticks needs (2.5 ms: one), and no more.
    const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) * factor : 1;
    let places = 0;
    while (places < digits && Math.abs(step * 10 ** places - Math.round(step * 10 ** places)) > 1e-6 * 10 ** places) places++;
    return ticks.map((t) => `${trim((t * factor).toFixed(places))} ${suffix}`);
  };
  switch (unit) {
    case 'ms':
      return top >= 1000 ? scaled(1 / 1000, 's', 3) : scaled(1, 'ms', 3);
    case 'MB':
      if (top >= 1000) return scaled(1 / 1000, 'GB', 3);
      return top >= 1 ? scaled(1, 'MB', 3) : scaled(1000, 'kB', 0);
    case 'changes':
      return ticks.map((t) => String(Math.round(t)));
  }
}

const trim = (text: string): string => (text.includes('.') ? text.replace(/\.?0+$/, '') : text);
