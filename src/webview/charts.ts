// Draws the metric charts with uPlot into the empty containers render.ts makes (`.chart-plot[data-chart]`).
// A live update re-renders the whole page, so each chart's uPlot instance is kept (by cluster and chart) and its
// element moved into the new container; it is redrawn only when its data changed (the view's revision) and
// rebuilt only when its series did (members, threshold). Colours are the theme's, read from CSS variables
// (media/status.css: --chart-*) when a chart draws and read again when VS Code changes the theme (the body's
// class and the variables on <html>). uPlot sets styles through the CSSOM (element.style), which the panel's
// CSP allows; it never writes HTML: member names reach it only as series labels, which it does not show here
// (its legend is off; render.ts's legend is text).
import uPlot from 'uplot';
import { formatAxisValues, formatChartValue, type MetricsChart, type MetricsChartsView } from '../shared/metricsCharts';
import type { StatusViewModel } from '../shared/statusViewModel';
import { SERIES_COLOURS } from './render';

const HEIGHT = 160;
const FALLBACK_WIDTH = 320;

/** The theme's chart colours and font, as last read. */
interface Palette {
  series: string[];
  threshold: string;
  axis: string;
  grid: string;
  font: string;
  /** vscode-light, vscode-dark, vscode-high-contrast or vscode-high-contrast-light. */
  themeKind: string;
}

function themeKind(): string {
  const body = document.body;
  const kind = body.dataset.vscodeThemeKind;
  if (kind) return kind;
  for (const k of ['vscode-high-contrast-light', 'vscode-high-contrast', 'vscode-dark', 'vscode-light'])
    if (body.classList.contains(k)) return k;
  return 'unknown';
}

function readPalette(): Palette {
  const style = getComputedStyle(document.body);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const axis = read('--chart-axis', '#888888');
  return {
    series: Array.from({ length: SERIES_COLOURS }, (_, i) => read(`--chart-series-${i}`, axis)),
    threshold: read('--chart-threshold', axis),
    axis,
    grid: read('--chart-grid', 'rgba(128, 128, 128, 0.25)'),
    font: read('--vscode-font-family', 'sans-serif'),
    themeKind: themeKind(),
  };
}

let palette: Palette | undefined;
const colours = (): Palette => (palette ??= readPalette());

/**
 * The y range: from 0 to the data, and to the threshold when it is one to keep in view or the data come near it.
 * A little room below 0, so that a line at 0 (no leader change) is not hidden under the axis.
 */
function yRange(u: uPlot, chart: MetricsChart, members: number): uPlot.Range.MinMax {
  let max = 0;
  for (let s = 1; s <= members; s++) for (const v of u.data[s] ?? []) if (typeof v === 'number' && v > max) max = v;
  const t = chart.threshold;
  if (t && (t.keepInView || t.value <= max * 2)) max = Math.max(max, t.value);
  if (max <= 0) max = t ? t.value : 1;
  return [-max * 0.04, max * 1.1];
}

/** Local times of the x ticks (24-hour, short enough for narrow charts), with seconds while the series spans less than 10 minutes. */
function timeLabels(u: uPlot, splits: number[]): string[] {
  const times = u.data[0];
  const span = times.length > 1 ? times[times.length - 1] - times[0] : 0;
  const format: Intl.DateTimeFormatOptions =
    span < 600
      ? { hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }
      : { hourCycle: 'h23', hour: '2-digit', minute: '2-digit' };
  return splits.map((t) => new Date(t * 1000).toLocaleTimeString([], format));
}

function chartData(view: MetricsChartsView, chart: MetricsChart): uPlot.AlignedData {
  const threshold = chart.threshold;
  return [view.times, ...chart.values, ...(threshold ? [view.times.map(() => threshold.value)] : [])];
}

/** What makes a chart's series: when it changes, the chart is built again. */
function signature(view: MetricsChartsView, chart: MetricsChart): string {
  return JSON.stringify([view.members.map((m) => m.id), chart.threshold?.value ?? null, chart.unit]);
}

/** One drawn chart. */
class Chart {
  readonly plot: uPlot;
  private container: HTMLElement;
  private chart: MetricsChart;
  private revision: number;
  private draws = 0;
  private marks: Record<string, string> = {};
  private readonly resize: ResizeObserver;

  constructor(
    container: HTMLElement,
    view: MetricsChartsView,
    chart: MetricsChart,
    readonly signature: string,
  ) {
    this.container = container;
    this.chart = chart;
    this.revision = view.revision;
    this.resize = new ResizeObserver(() => this.fit());
    this.plot = new uPlot(this.options(view, chart, container.clientWidth || FALLBACK_WIDTH), chartData(view, chart), container);
    this.resize.observe(container);
  }

  private options(view: MetricsChartsView, chart: MetricsChart, width: number): uPlot.Options {
    const p = colours;
    const font = `11px ${p().font}`;
    const axis = (): Partial<uPlot.Axis> => ({
      stroke: () => p().axis,
      grid: { stroke: () => p().grid, width: 1 },
      ticks: { stroke: () => p().grid, width: 1 },
      font,
    });
    const members = view.members.length;
    const series: uPlot.Series[] = [
      {},
      ...view.members.map((m, i): uPlot.Series => ({
        label: m.label,
        stroke: () => p().series[i % SERIES_COLOURS],
        width: 2,
        dash: i >= SERIES_COLOURS ? [5, 3] : undefined,
        spanGaps: false,
        points: { size: 5, stroke: () => p().series[i % SERIES_COLOURS], fill: () => p().series[i % SERIES_COLOURS] },
      })),
    ];
    if (chart.threshold)
      series.push({
        label: chart.threshold.label,
        stroke: () => p().threshold,
        width: 1,
        dash: [6, 4],
        spanGaps: true,
        points: { show: false },
      });
    return {
      width,
      height: HEIGHT,
      // Room on the right for the last time label.
      padding: [8, 20, 0, 0],
      legend: { show: false },
      cursor: { drag: { x: false, y: false, setScale: false } },
      scales: { x: { time: true }, y: { range: (u) => yRange(u, this.chart, members) } },
      axes: [
        { ...axis(), space: 70, values: (u, splits) => timeLabels(u, splits) },
        {
          ...axis(),
          size: 64,
          values: (_u, splits) => formatAxisValues(this.chart.unit, splits),
          ...(chart.unit === 'changes' ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] } : {}),
        },
      ],
      series,
      hooks: {
        draw: [() => this.drawn()],
        setCursor: [(u) => this.showCursor(u.cursor.idx ?? null)],
      },
    };
  }

  /**
   * Notes what was drawn, on the container: the theme and the member colours it was drawn in, the points and
   * those with a value, and how many draws so far (read by the tests, handy in devtools).
   */
  private drawn(): void {
    const data = this.plot?.data ?? [[]];
    const members = data.length - 1 - (this.chart.threshold ? 1 : 0);
    const valued = data[0].filter((_t, i) => data.slice(1, members + 1).some((values) => typeof values[i] === 'number')).length;
    this.marks = {
      themeKind: colours().themeKind,
      seriesColours: JSON.stringify(colours().series.slice(0, Math.min(members, SERIES_COLOURS))),
      points: String(data[0].length),
      valuedPoints: String(valued),
      draws: String(++this.draws),
    };
    this.mark();
  }

  /** Puts the notes of the last draw on the (possibly new) container. */
  private mark(): void {
    Object.assign(this.container.dataset, this.marks);
  }

  /** The legend shows the values under the cursor, or each member's newest one. */
  private showCursor(idx: number | null): void {
    const values = this.container.closest('figure')?.querySelectorAll<HTMLElement>('.legend-value') ?? [];
    values.forEach((e, i) => {
      const v = idx === null ? undefined : this.plot.data[i + 1]?.[idx];
      e.textContent = idx === null ? (this.chart.latest[i] ?? '') : formatChartValue(this.chart.unit, typeof v === 'number' ? v : null);
    });
  }

  /** Takes the new container of a re-rendered page, and the new data when there is any. */
  adopt(container: HTMLElement, view: MetricsChartsView, chart: MetricsChart): void {
    if (container !== this.container) {
      this.resize.unobserve(this.container);
      this.container = container;
      container.append(this.plot.root);
      this.resize.observe(container);
    }
    this.chart = chart;
    if (view.revision !== this.revision) {
      this.revision = view.revision;
      this.plot.setData(chartData(view, chart));
    } else {
      this.mark();
    }
  }

  /** Follows the container's width (0 while its cluster's tab is hidden: kept as is until shown). */
  private fit(): void {
    const width = this.container.clientWidth;
    if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: HEIGHT });
  }

  redraw(): void {
    this.plot.redraw(false, true);
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot.destroy();
  }
}

const charts = new Map<string, Chart>();

/** Draws every chart container under `root` from the clusters' view-models; forgets charts no longer shown. */
export function drawCharts(root: ParentNode, clusters: readonly StatusViewModel[]): void {
  const shown = new Set<string>();
  for (const container of root.querySelectorAll<HTMLElement>('.chart-plot[data-chart]')) {
    const vm = clusters.find((c) => c.cluster === container.dataset.cluster);
    const view = vm?.metrics;
    const chart = view?.charts.find((c) => c.kind === container.dataset.chart);
    if (!vm || !view || !chart) continue;
    const key = JSON.stringify([vm.cluster, chart.kind]);
    shown.add(key);
    const sig = signature(view, chart);
    let drawn = charts.get(key);
    if (drawn && drawn.signature !== sig) {
      drawn.destroy();
      drawn = undefined;
    }
    if (drawn) drawn.adopt(container, view, chart);
    else charts.set(key, new Chart(container, view, chart, sig));
  }
  for (const [key, chart] of charts)
    if (!shown.has(key)) {
      chart.destroy();
      charts.delete(key);
    }
}

let pending = false;

/** Reads the theme's colours again and redraws every chart (once per frame however many changes arrive). */
function themeChanged(): void {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    palette = readPalette();
    for (const chart of charts.values()) chart.redraw();
  });
}

/** Redraws the charts when VS Code changes the theme: it sets the body's classes and the variables on <html>. */
export function watchTheme(): void {
  const observer = new MutationObserver(themeChanged);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}
