// Renders the status view-models with VS Code Elements. Every value goes in as text (el() in dom.ts); state
// is shown with a symbol and a word as well as a colour, so it reads in high contrast and to screen readers.
import type { CheckOutcome, StatusAction, StatusViewModel, TableKind, Tone } from '../shared/statusViewModel';
import type { MetricsChart, MetricsChartsView } from '../shared/metricsCharts';
import { TONE_WORDS } from '../shared/clusterState';
import { el, type Child } from './dom';

/** What the rendered buttons do; main.ts turns these into messages to the host. */
export interface Actions {
  refresh(cluster: string): void;
  run(action: StatusAction): void;
  copyTable(cluster: string, table: TableKind): void;
  exportJson(cluster: string): void;
  select(cluster: string): void;
}

/** Initial widths (percent) of ENDPOINT … TOOK: room for URLs, errors and health text. */
const ENDPOINT_WIDTHS = [12, 10.5, 5, 4.5, 4.5, 5, 4.5, 4.5, 5, 4, 4.5, 5.5, 14, 13, 3.5];

const TONE_SYMBOL: Record<Tone, string> = { ok: '✓', warning: '⚠', error: '✗', unknown: '?' };
const OUTCOME: Record<CheckOutcome, { symbol: string; tone: Tone }> = {
  pass: { symbol: '✓', tone: 'ok' },
  fail: { symbol: '✗', tone: 'error' },
  unknown: { symbol: '?', tone: 'unknown' },
};

function symbol(text: string): HTMLSpanElement {
  return el('span', { class: 'symbol', 'aria-hidden': 'true' }, text);
}

function button(
  key: string,
  label: string,
  onClick: () => void,
  opts: { secondary?: boolean; ariaLabel?: string; disabled?: string | null } = {},
): HTMLElement {
  const b = el(
    'vscode-button',
    {
      'data-key': key,
      secondary: opts.secondary,
      'aria-label': opts.ariaLabel,
      disabled: !!opts.disabled,
      title: opts.disabled ?? undefined,
    },
    label,
  );
  if (!opts.disabled) b.addEventListener('click', onClick);
  return b;
}

function actionButton(key: string, action: StatusAction, actions: Actions, context: string): HTMLElement {
  const why = action.disabled ? ` (disabled: ${action.disabled})` : '';
  return button(key, action.title, () => actions.run(action), {
    secondary: true,
    ariaLabel: `${action.title}: ${context}${why}`,
    disabled: action.disabled,
  });
}

/** A check's buttons: its runbook step, then the actions that fix it; a disabled one says why in text too. */
function checkButtons(key: (suffix: string) => string, check: StatusViewModel['checks'][number], actions: Actions): HTMLElement {
  const buttons = [
    check.action ? actionButton(key(`check-${check.id}`), check.action, actions, check.title) : null,
    ...check.fixes.map((f, i) => actionButton(key(`fix-${check.id}-${i}`), f, actions, check.title)),
  ];
  const reasons = [...new Set(check.fixes.flatMap((f) => (f.disabled ? [f.disabled] : [])))];
  return el('span', { class: 'check-actions' }, ...buttons, ...reasons.map((r) => el('span', { class: 'disabled-reason muted' }, ` ${r}`)));
}

/** A VS Code Elements table in a horizontally scrolling, keyboard-focusable region. */
function table(
  key: string,
  label: string,
  columns: string[],
  rows: { cells: Child[]; className?: string }[],
  minWidth: number,
  widths: number[],
): HTMLElement {
  const header = el('vscode-table-header', { slot: 'header' }, ...columns.map((c) => el('vscode-table-header-cell', {}, c)));
  const body = el(
    'vscode-table-body',
    { slot: 'body' },
    ...rows.map((r) => el('vscode-table-row', { class: r.className }, ...r.cells.map((c) => el('vscode-table-cell', {}, c)))),
  );
  const t = el('vscode-table', { 'bordered-rows': true, zebra: true, resizable: true, 'aria-label': label }, header, body);
  t.style.minWidth = `${minWidth}px`;
  if (widths.length === columns.length) applyWidthsWhenShown(t, widths);
  return el(
    'div',
    { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': `${label} (scrolls horizontally)`, 'data-key': key },
    t,
  );
}

// vscode-table turns percentages into widths against its own width, measured when it is connected: inside a
// tab panel that is not laid out yet that is 0 and the widths are dropped. Apply them once the table first has a
// width (after the table's own resize observer ran); later resizes keep the proportions or the user's drags.
function applyWidthsWhenShown(t: HTMLElementTagNameMap['vscode-table'], widths: number[]): void {
  let lastWidth = 0;
  const observer = new ResizeObserver((entries) => {
    if (!t.isConnected) return observer.disconnect();
    const width = entries[entries.length - 1]?.contentRect.width ?? 0;
    if (lastWidth === 0 && width > 0) requestAnimationFrame(() => (t.columns = widths.map((w) => `${w}%`)));
    lastWidth = width;
  });
  observer.observe(t);
}

function section(title: string, id: string, tools: Child[], ...content: Child[]): HTMLElement {
  return el(
    'section',
    { class: 'section', 'aria-labelledby': id },
    el('div', { class: 'section-head' }, el('h3', { id }, title), el('div', { class: 'tools' }, ...tools)),
    ...content,
  );
}

function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString();
}

function slug(text: string): string {
  let hash = 0;
  for (const c of text) hash = (hash * 31 + c.charCodeAt(0)) | 0;
  return `c${(hash >>> 0).toString(36)}`;
}

/** Colours of the chart series (media/status.css: --chart-series-N); members past them are drawn dashed. */
export const SERIES_COLOURS = 6;

/** A member's mark in a chart legend: a short line in its series colour (charts.ts draws with the same). */
function swatch(i: number): HTMLElement {
  const mark = el('span', { class: i >= SERIES_COLOURS ? 'swatch dashed' : 'swatch', 'aria-hidden': 'true' });
  mark.style.borderTopColor = `var(--chart-series-${i % SERIES_COLOURS})`;
  return mark;
}

/**
 * One chart: title, what a point is, the plot's (empty) container that charts.ts fills with uPlot, and a
 * legend of the members as text with each one's newest value. The plot is found by its data attributes.
 */
function chartFigure(cluster: string, view: MetricsChartsView, chart: MetricsChart): HTMLElement {
  const line = chart.threshold ? `; dashed line: ${chart.threshold.label}` : '';
  return el(
    'figure',
    { class: 'chart' },
    el(
      'figcaption',
      {},
      el('span', { class: 'chart-title' }, chart.title),
      el('span', { class: 'muted' }, ` (${chart.unit}${line})`),
      el('span', { class: 'chart-description muted' }, chart.description),
    ),
    el('div', {
      class: 'chart-plot',
      'data-chart': chart.kind,
      'data-cluster': cluster,
      role: 'img',
      'aria-label': `${chart.title} of ${cluster} per member, ${view.times.length} points; newest values in the legend`,
    }),
    el(
      'ul',
      { class: 'chart-legend', 'aria-label': `${chart.title}: newest value per member` },
      ...view.members.map((m, i) =>
        el(
          'li',
          { 'data-series': i },
          swatch(i),
          el('span', { class: 'legend-name' }, m.label),
          ' ',
          el('span', { class: 'legend-value' }, chart.latest[i] ?? ''),
        ),
      ),
    ),
  );
}

/** The metric charts of a cluster, or a line saying when they start. */
function metricsSection(vm: StatusViewModel, id: string): HTMLElement {
  const view = vm.metrics;
  const intro = view
    ? `One point per refresh while this panel is open (${view.times.length} of at most ${view.capacity}); a gap is a refresh without that figure.`
    : 'The charts start with the next refresh.';
  return section(
    'Metrics',
    id,
    [],
    el('p', { class: 'muted chart-intro' }, intro),
    view && el('div', { class: 'charts' }, ...view.charts.map((chart) => chartFigure(vm.cluster, view, chart))),
  );
}

/** One cluster's page: summary, banner, endpoint status, metrics, members, alarms, checklist. */
export function renderCluster(vm: StatusViewModel, actions: Actions): HTMLElement {
  const c = vm.cluster;
  const k = (suffix: string): string => JSON.stringify([c, suffix]);
  const ids = slug(c);
  const meta = [
    vm.clusterId ? `cluster ${vm.clusterId}` : null,
    vm.takenAt ? `refreshed ${formatTime(vm.takenAt)}` : null,
    vm.elapsedMs !== null ? `${vm.elapsedMs} ms` : null,
  ].filter((x): x is string => x !== null);

  const summary = el(
    'header',
    { class: `summary tone-${vm.tone}` },
    el(
      'div',
      { class: 'summary-text' },
      el('h2', {}, c),
      el(
        'p',
        { class: 'summary-line' },
        symbol(TONE_SYMBOL[vm.tone]),
        el('span', { class: 'visually-hidden' }, `${TONE_WORDS[vm.tone]}: `),
        vm.summary,
      ),
      el('p', { class: 'meta' }, meta.join(' · '), vm.refreshing ? el('span', { class: 'refreshing' }, ' · refreshing…') : null),
    ),
    el(
      'div',
      { class: 'tools' },
      button(k('refresh'), 'Refresh', () => actions.refresh(c), { ariaLabel: `Refresh ${c}` }),
      button(k('export'), 'Export JSON', () => actions.exportJson(c), {
        secondary: true,
        ariaLabel: `Export the endpoint status of ${c} as etcdctl JSON`,
      }),
      actionButton(k('monitor'), vm.monitor, actions, `runbook step ${vm.monitor.args.step ?? ''} of ${c}`),
    ),
  );

  const banner =
    vm.banner &&
    el(
      'div',
      { class: 'banner', role: 'region', 'aria-label': 'Cluster problem' },
      el('p', { class: 'banner-title' }, symbol('✗'), vm.banner.title.toUpperCase()),
      el('p', { class: 'banner-detail' }, vm.banner.detail),
      vm.banner.cause &&
        el(
          'p',
          { class: 'banner-cause' },
          el('strong', {}, vm.banner.cause.verdict === 'confirmed' ? 'Cause: ' : 'Likely cause: '),
          vm.banner.cause.headline,
        ),
      vm.banner.action && actionButton(k('banner'), vm.banner.action, actions, vm.banner.title),
      vm.banner.causeAction && actionButton(k('banner-cause'), vm.banner.causeAction, actions, vm.banner.title),
    );

  if (!vm.loaded) {
    return el(
      'div',
      { class: 'cluster' },
      summary,
      el('p', { class: 'placeholder' }, vm.refreshing ? 'Refreshing…' : 'Not refreshed yet.'),
    );
  }

  const problems =
    vm.problems.length > 0 &&
    el('ul', { class: 'problems', 'aria-label': 'Problems' }, ...vm.problems.map((p) => el('li', {}, symbol('✗'), ' ', p)));

  const healthIndex = vm.endpointColumns.indexOf('HEALTH');
  const endpointRows = vm.endpointRows.map((r) => ({
    className: `row tone-${r.tone} role-${r.role}`,
    cells: r.cells.map((cell, i) => (i === healthIndex ? el('span', {}, symbol(TONE_SYMBOL[r.tone]), ' ', cell) : cell)),
  }));
  const statusIndex = vm.memberColumns.indexOf('STATUS');
  const memberRows = vm.memberRows.map((r) => ({
    className: `row tone-${r.tone}`,
    cells: r.cells.map((cell, i) => (i === statusIndex ? el('span', {}, symbol(cell === 'started' ? '●' : '○'), ' ', cell) : cell)),
  }));

  const copy = (table: TableKind, what: string): HTMLElement =>
    button(k(`copy-${table}`), 'Copy as table', () => actions.copyTable(c, table), {
      secondary: true,
      ariaLabel: `Copy the ${what} of ${c} as a text table`,
    });

  const checkRows = vm.checks.map((ch) => {
    const o = OUTCOME[ch.outcome];
    return {
      className: `row tone-${o.tone}`,
      cells: [
        el('span', { class: `outcome tone-${o.tone}` }, symbol(o.symbol), ' ', ch.result),
        el('span', {}, el('strong', {}, ch.title), el('br'), el('code', {}, ch.id)),
        ch.expected,
        ch.actual,
        ch.outcome === 'pass' ? '' : el('span', {}, ch.suggestion, ch.step ? el('span', { class: 'step' }, ` (${ch.step})`) : null),
        ch.action || ch.fixes.length ? checkButtons(k, ch, actions) : '',
      ] as Child[],
    };
  });

  const alarms =
    vm.alarms.length === 0
      ? el('p', { class: 'muted' }, symbol('✓'), ' No active alarms.')
      : el(
          'ul',
          { class: 'alarms' },
          ...vm.alarms.map((a) =>
            el('li', {}, symbol('⚠'), ' ', el('strong', {}, a.alarm), ` on ${a.memberName || a.memberId} (${a.memberId})`),
          ),
        );

  return el(
    'div',
    { class: 'cluster' },
    summary,
    banner,
    problems,
    section(
      'Runbook checklist',
      `${ids}-checks`,
      [copy('checklist', 'runbook checklist')],
      table(
        k('t-checks'),
        `Runbook checklist of ${c}`,
        ['RESULT', 'CHECK', 'EXPECTED', 'ACTUAL', 'SUGGESTED ACTION', 'ACTION'],
        checkRows,
        900,
        [10, 14, 16, 22, 20, 18],
      ),
    ),
    section(
      'Endpoint status',
      `${ids}-endpoints`,
      [copy('endpoints', 'endpoint status')],
      table(k('t-endpoints'), `Endpoint status of ${c}`, vm.endpointColumns, endpointRows, 1600, ENDPOINT_WIDTHS),
    ),
    metricsSection(vm, `${ids}-metrics`),
    section(
      'Members',
      `${ids}-members`,
      [copy('members', 'member list')],
      table(k('t-members'), `Members of ${c}`, vm.memberColumns, memberRows, 800, [15, 10, 15, 24, 24, 12]),
    ),
    section('Alarms', `${ids}-alarms`, [], alarms),
  );
}

/** Every cluster as a tab; `selected` is the cluster name whose tab is open. */
export function renderAll(vms: StatusViewModel[], selected: string | undefined, actions: Actions): HTMLElement {
  if (vms.length === 0) {
    return el('p', { class: 'placeholder' }, 'No clusters configured. Add one to the etcdInspector.clusters setting.');
  }
  const index = Math.max(
    0,
    vms.findIndex((vm) => vm.cluster === selected),
  );
  const tabs = el('vscode-tabs', { 'selected-index': index, 'aria-label': 'Clusters' });
  for (const vm of vms) {
    tabs.append(
      el(
        'vscode-tab-header',
        { slot: 'header', 'data-key': JSON.stringify([vm.cluster, 'tab']), class: `tone-${vm.tone}` },
        symbol(TONE_SYMBOL[vm.tone]),
        ' ',
        vm.cluster,
        el('span', { class: 'visually-hidden' }, ` (${TONE_WORDS[vm.tone]})`),
      ),
    );
  }
  for (const vm of vms) tabs.append(el('vscode-tab-panel', {}, renderCluster(vm, actions)));
  tabs.addEventListener('vsc-tabs-select', (event) => {
    const detail = (event as CustomEvent<{ selectedIndex?: number }>).detail;
    const vm = typeof detail?.selectedIndex === 'number' ? vms[detail.selectedIndex] : undefined;
    if (vm) actions.select(vm.cluster);
  });
  return tabs;
}
