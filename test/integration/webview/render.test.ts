// The built status webview (dist/webview.js) in real Chromium, in the exact HTML and CSP the panel serves,
// with a stub acquireVsCodeApi standing in for VS Code: the ready handshake, hostile data rendered as text,
// buttons posting the right messages, keyboard use, narrow widths, and screenshots of a quorum-lost cluster.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeNonce, statusPanelHtml } from '../../../src/extension/webview/html';
import { buildStatusViewModel } from '../../../src/shared/statusViewModel';
import { MetricsSeries } from '../../../src/shared/metricsSeries';
import type { ClusterSnapshot } from '../../../src/etcd/model';
import type { HostToWebviewMessage } from '../../../src/shared/messages';
import { HOSTILE_ERROR, HOSTILE_NAME, ID1, ID2, ID3, healthy, hostile, member, quorumLost, snapshot } from '../../support/snapshots';
import { healthyFigures, quantile } from '../../support/figures';
import { CHART_KINDS_SHOWN, CHART_STATE, type ChartState } from '../../support/charts';

const ROOT = join(__dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'dist', 'webview.js');
const STYLE = join(ROOT, 'dist', 'webview.css');
const RESULTS = join(ROOT, 'test-results');

/** A dark theme's variables, as VS Code (Dark Modern) injects them into a webview. */
const DARK_THEME: Record<string, string> = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"Droid Sans Mono", monospace',
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-errorForeground': '#f85149',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-testing-iconPassed': '#73c991',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#026ec1',
  '--vscode-button-border': '#ffffff12',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-button-secondaryHoverBackground': '#3c3c3c',
  '--vscode-editorGroup-border': '#ffffff17',
  '--vscode-keybindingTable-rowsBackground': '#cccccc0a',
  '--vscode-keybindingTable-headerBackground': '#cccccc0a',
  '--vscode-inputValidation-errorBackground': '#5a1d1d',
  '--vscode-inputValidation-errorBorder': '#be1100',
  '--vscode-panel-background': '#181818',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-panelTitle-activeBorder': '#0078d4',
  '--vscode-panelTitle-activeForeground': '#cccccc',
  '--vscode-panelTitle-inactiveForeground': '#9d9d9d',
  '--vscode-editorWidget-background': '#202020',
  '--vscode-widget-border': '#313131',
  '--vscode-badge-background': '#616161',
  '--vscode-badge-foreground': '#f8f8f8',
  '--vscode-scrollbarSlider-background': '#79797966',
  '--vscode-scrollbarSlider-hoverBackground': '#646464b3',
  '--vscode-scrollbarSlider-activeBackground': '#bfbfbf66',
  '--vscode-sash-hoverBorder': '#0078d4',
};

interface Recorded {
  type: string;
  [key: string]: unknown;
}

let server: Server;
let origin: string;
let browser: Browser;
const requests: string[] = [];

before(async () => {
  assert.ok(existsSync(SCRIPT), 'dist/webview.js is built (npm run build)');
  mkdirSync(RESULTS, { recursive: true });
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    if (path === '/') {
      const html = statusPanelHtml({
        cspSource: origin,
        nonce: makeNonce(),
        scriptUri: `${origin}/dist/webview.js`,
        styleUri: `${origin}/dist/webview.css`,
      });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (path === '/dist/webview.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(SCRIPT));
    } else if (path === '/dist/webview.css') {
      res.writeHead(200, { 'content-type': 'text/css' }).end(readFileSync(STYLE));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

// Browser-side code is passed as source text: tsx would wrap named functions in a __name() helper that does
// not exist in the page.
function stubScript(theme: Record<string, string>): string {
  return `(() => {
    const posted = [];
    const problems = [];
    let state;
    window.__posted = posted;
    window.__problems = problems;
    window.__getSavedState = () => state;
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => state,
      setState: (s) => { state = s; },
    });
    document.addEventListener('securitypolicyviolation', (e) => problems.push('CSP ' + e.violatedDirective + ' ' + e.blockedURI));
    window.addEventListener('error', (e) => problems.push('error ' + e.message));
    document.addEventListener('DOMContentLoaded', () => {
      for (const [k, v] of Object.entries(${JSON.stringify(theme)})) document.documentElement.style.setProperty(k, v);
      document.body.classList.add('vscode-dark');
    });
  })();`;
}

/** Every element of the page, shadow roots included, that data could have produced. */
const FIND_DATA_ELEMENTS = `(() => {
  const all = [];
  const walk = (root) => {
    for (const e of root.querySelectorAll('*')) {
      all.push(e);
      if (e.shadowRoot) walk(e.shadowRoot);
    }
  };
  walk(document);
  return {
    b: all.filter((e) => e.localName === 'b').length,
    img: all.filter((e) => e.localName === 'img').length,
    scripts: all.filter((e) => e.localName === 'script').length,
    onerror: all.filter((e) => e.hasAttribute('onerror')).length,
    pwned: window.__pwned,
  };
})()`;

/** The aria-label of the focused element. */
const ACTIVE_LABEL = `document.activeElement?.getAttribute('aria-label') ?? null`;

/** Whether the page itself overflows sideways, and whether each table scrolls inside its focusable region. */
const NARROW_LAYOUT = `(() => {
  const scrollers = Array.from(document.querySelectorAll('.table-scroll'));
  return {
    pageOverflows: document.documentElement.scrollWidth > document.documentElement.clientWidth + 1,
    tablesScroll: scrollers.map((s) => s.scrollWidth > s.clientWidth),
    focusable: scrollers.every((s) => s.tabIndex === 0),
  };
})()`;

/** Opens the panel page with a stub VS Code API that records posted messages, CSP violations and page errors. */
async function openPanel(width = 1200, height = 900, init?: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.addInitScript({ content: stubScript(DARK_THEME) });
  if (init) await page.addInitScript({ content: init });
  await page.goto(`${origin}/`);
  await page.waitForFunction('(window.__posted ?? []).length > 0');
  return page;
}

async function posted(page: Page): Promise<Recorded[]> {
  return page.evaluate<Recorded[]>('window.__posted');
}

async function send(page: Page, message: HostToWebviewMessage): Promise<void> {
  await page.evaluate(`window.postMessage(${JSON.stringify(message)}, '*')`);
}

/** Waits until the web components have laid out (two animation frames after the last update). */
async function settle(page: Page): Promise<void> {
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  await page.waitForTimeout(150);
}

test('hostile member name and error are shown as literal text; no markup or script comes from data', async (t) => {
  const page = await openPanel();
  t.after(() => page.close());
  const first = await posted(page);
  assert.deepEqual(first[0], { type: 'ready' }, 'ready is the first message');

  await send(page, { type: 'state', clusters: [buildStatusViewModel('prod', hostile(), false)] });
  await page.getByText(HOSTILE_NAME, { exact: true }).first().waitFor();
  assert.ok((await page.getByText(HOSTILE_NAME, { exact: true }).count()) >= 1, 'the member name is literal text');
  assert.ok((await page.getByText(HOSTILE_ERROR, { exact: true }).count()) >= 1, 'the error is literal text');
  await settle(page);

  const found = (await page.evaluate(FIND_DATA_ELEMENTS)) as Record<string, unknown>;
  assert.deepEqual(found, { b: 0, img: 0, scripts: 1, onerror: 0, pwned: undefined }, 'only the nonce script exists');
  assert.ok(!requests.includes('/x'), 'the hostile <img src=x> was never fetched');
  assert.deepEqual(await page.evaluate<string[]>('window.__problems'), [], 'no CSP violation, no page error');
});

test('checklist and banner buttons post runCommand with the check’s command; copy and export post their messages', async (t) => {
  const page = await openPanel();
  t.after(() => page.close());
  await send(page, { type: 'state', clusters: [buildStatusViewModel('prod', quorumLost(), false)] });
  await page.getByText('NO LEADER · 1/3 reachable · quorum lost').waitFor();

  await page.getByRole('button', { name: 'Open runbook step 2: Connectivity' }).click();
  let last = (await posted(page)).at(-1);
  assert.deepEqual(last, { type: 'runCommand', command: 'etcdInspector.showRunbookStep', args: { cluster: 'prod', step: 2 } });

  await page.getByRole('button', { name: 'Open runbook step 5: Leader exists' }).click();
  last = (await posted(page)).at(-1);
  assert.deepEqual(last, { type: 'runCommand', command: 'etcdInspector.showRunbookStep', args: { cluster: 'prod', step: 5 } });

  await page.getByRole('button', { name: 'Copy the member list of prod as a text table' }).click();
  assert.deepEqual((await posted(page)).at(-1), { type: 'copyTable', cluster: 'prod', table: 'members' });
  await page.getByRole('button', { name: 'Export the endpoint status of prod as etcdctl JSON' }).click();
  assert.deepEqual((await posted(page)).at(-1), { type: 'exportJson', cluster: 'prod' });
  await page.getByRole('button', { name: 'Refresh prod' }).click();
  assert.deepEqual((await posted(page)).at(-1), { type: 'refresh', cluster: 'prod' });
  // Runbook step 10 (the monitoring script and alert rule) has its own button.
  await page.getByRole('button', { name: 'Monitoring script: runbook step 10 of prod' }).click();
  assert.deepEqual((await posted(page)).at(-1), {
    type: 'runCommand',
    command: 'etcdInspector.showRunbookStep',
    args: { cluster: 'prod', step: 10 },
  });
});

test('keyboard: Tab reaches the banner button, Enter runs it, and focus survives a live update', async (t) => {
  const page = await openPanel();
  t.after(() => page.close());
  const vm = buildStatusViewModel('prod', quorumLost(), false);
  await send(page, { type: 'state', clusters: [vm] });
  await page.getByText('NO LEADER · 1/3 reachable · quorum lost').waitFor();
  await settle(page);

  const target = 'Open runbook step 5: No leader · quorum lost';
  let reached = false;
  for (let i = 0; i < 12 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = (await page.evaluate<string | null>(ACTIVE_LABEL)) === target;
  }
  assert.ok(reached, 'the banner button is reachable with Tab');
  const before = (await posted(page)).length;
  await page.keyboard.press('Enter');
  const after = await posted(page);
  assert.equal(after.length, before + 1);
  assert.deepEqual(after.at(-1), { type: 'runCommand', command: 'etcdInspector.showRunbookStep', args: { cluster: 'prod', step: 5 } });

  await send(page, { type: 'state', clusters: [{ ...vm, refreshing: true }] });
  await page.getByText('· refreshing…').waitFor();
  assert.equal(await page.evaluate<string | null>(ACTIVE_LABEL), target, 'focus kept across the re-render');
});

test('tabs per cluster: the focused cluster is shown, a tab click is remembered with setState', async (t) => {
  const page = await openPanel();
  t.after(() => page.close());
  const clusters = [buildStatusViewModel('staging', healthy(), false), buildStatusViewModel('prod', quorumLost(), false)];
  await send(page, { type: 'state', clusters, focus: 'prod' });
  await page.getByText('NO LEADER · 1/3 reachable · quorum lost').waitFor({ state: 'visible' });
  assert.equal(await page.getByText('leader etcd-1 · 3/3 healthy').isVisible(), false, 'the other cluster’s tab is hidden');
  assert.deepEqual(await page.evaluate<unknown>('window.__getSavedState()'), {
    selectedCluster: 'prod',
  });
  await page.locator('vscode-tab-header', { hasText: 'staging' }).click();
  await page.getByText('leader etcd-1 · 3/3 healthy').waitFor({ state: 'visible' });
  assert.deepEqual(await page.evaluate<unknown>('window.__getSavedState()'), {
    selectedCluster: 'staging',
  });
  // A live update keeps the user's tab.
  await send(page, { type: 'state', clusters });
  await settle(page);
  assert.equal(await page.getByText('leader etcd-1 · 3/3 healthy').isVisible(), true);
});

test('quorum lost in a dark theme: prominent banner, pass/fail in words and symbols; screenshots wide and narrow', async (t) => {
  const page = await openPanel(1280, 1000);
  t.after(() => page.close());
  await send(page, { type: 'state', clusters: [buildStatusViewModel('prod', quorumLost(), false)] });
  await page.getByText('NO LEADER · QUORUM LOST').waitFor();
  await settle(page);
  const banner = page.getByRole('region', { name: 'Cluster problem' });
  assert.match((await banner.textContent()) ?? '', /1 of 3 voting members reachable, quorum needs 2\. Down: etcd-1, etcd-2/);
  // The header names the top cause (the cause engine's sentence) and offers its action.
  assert.match((await banner.locator('.banner-cause').textContent()) ?? '', /^Cause: No leader: quorum lost — 2 of 3 voting members down/);
  await banner.getByRole('button', { name: /Show the quorum-loss recovery guide/ }).waitFor();
  const bannerBox = await banner.boundingBox();
  assert.ok(bannerBox && bannerBox.y < 200, 'the banner is at the top of the page');
  const outcomes = await page.locator('.outcome').allTextContents();
  assert.equal(outcomes.filter((o) => o === '✗ FAIL').length, 4);
  assert.equal(outcomes.filter((o) => o === '? unknown').length, 1);
  // The four of the checklist, and the four /metrics checks on the survivor's figures.
  assert.equal(outcomes.filter((o) => o === '✓ pass').length, 8);
  await page.screenshot({ path: join(RESULTS, 'webview-quorum-lost.png'), fullPage: true });

  await page.setViewportSize({ width: 420, height: 1000 });
  await settle(page);
  const layout = await page.evaluate<unknown>(NARROW_LAYOUT);
  assert.deepEqual(layout, { pageOverflows: false, tablesScroll: [true, true, true], focusable: true });
  await page.screenshot({ path: join(RESULTS, 'webview-quorum-lost-narrow.png'), fullPage: true });
});

// ---------------------------------------------------------------------------------------------------
// Metric charts (uPlot): five per cluster, drawn under the panel's CSP, member names only ever as text,
// redrawn in the theme's colours when VS Code changes it.
// ---------------------------------------------------------------------------------------------------

/** Records every HTML-parsing call (innerHTML, outerHTML, insertAdjacentHTML, …) whose text holds `marker`. */
function htmlSinkSpy(marker: string): string {
  return `(() => {
    const calls = [];
    window.__htmlSinks = calls;
    const record = (sink, value) => { if (String(value).includes(${JSON.stringify(marker)})) calls.push(sink); };
    for (const [proto, name] of [[Element.prototype, 'innerHTML'], [Element.prototype, 'outerHTML'], [ShadowRoot.prototype, 'innerHTML']]) {
      const d = Object.getOwnPropertyDescriptor(proto, name);
      Object.defineProperty(proto, name, { ...d, set(v) { record(name, v); d.set.call(this, v); } });
    }
    const wrap = (proto, name) => {
      const f = proto[name];
      proto[name] = function (...args) { args.forEach((a) => record(name, a)); return f.apply(this, args); };
    };
    wrap(Element.prototype, 'insertAdjacentHTML');
    wrap(Range.prototype, 'createContextualFragment');
    wrap(DOMParser.prototype, 'parseFromString');
    wrap(Document.prototype, 'write');
  })();`;
}

/** The light theme's variables the charts read, as VS Code (Light Modern) injects them. */
const LIGHT_CHARTS: Record<string, string> = {
  '--vscode-foreground': '#3b3b3b',
  '--vscode-descriptionForeground': '#3b3b3b',
  '--vscode-editor-background': '#ffffff',
  '--vscode-charts-foreground': '#616161',
  '--vscode-charts-lines': 'rgba(97, 97, 97, 0.5)',
  '--vscode-charts-red': '#e51400',
  '--vscode-charts-blue': '#1a85ff',
  '--vscode-charts-yellow': '#bf8803',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#388a34',
  '--vscode-charts-purple': '#652d90',
};

const HOSTILE_CHART_NAME = '<img src=x onerror=window.__pwned=3>chartmember';

/** A 3-member cluster over `points` refreshes: a write load's fsync and commit p99, a slow peer, a growing db. */
function chartedCluster(points: number): { snapshot: ClusterSnapshot; series: MetricsSeries } {
  const series = new MetricsSeries();
  let last: ClusterSnapshot | undefined;
  for (let i = 0; i < points; i++) {
    const s = snapshot(
      'prod',
      [2379, 2389, 2399].map((port, m) =>
        member([ID1, ID2, ID3][m], {
          name: m === 2 ? HOSTILE_CHART_NAME : `etcd-${m + 1}`,
          port,
          // The third member is not read at the third refresh: a gap in every chart.
          figures:
            m === 2 && i === 2
              ? null
              : healthyFigures({
                  walFsyncP99: quantile((2 + m + (i % 3)) / 1000),
                  backendCommitP99: quantile((4 + m * 2 + (i % 4)) / 1000),
                  leaderChanges: { count: i > 3 ? m + 1 : m, windowMs: 600_000, scope: 'interval' },
                  db: { totalBytes: 20e6 + i * 1e6 + m * 5e5, inUseBytes: 10e6, quotaBytes: 2_147_483_648 },
                  peerRoundTripP99: [
                    { peerId: 'p1', quantile: quantile((40 - m * 15 + (i % 2) * 10) / 1000, 10) },
                    { peerId: 'p2', quantile: quantile(0.001, 10) },
                  ],
                }),
        }),
      ),
    );
    last = { ...s, takenAt: new Date(Date.parse(s.takenAt) + i * 10_000).toISOString() };
    series.append(last);
  }
  assert.ok(last);
  return { snapshot: last, series };
}

/** Polls an expression in the page (waitForFunction would evaluate it with eval, which the panel's CSP refuses). */
async function until(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${expression}`);
    await page.waitForTimeout(50);
  }
}

test('metric charts: five per cluster drawn by uPlot under the CSP, member names as legend text only, hostile ones included', async (t) => {
  const page = await openPanel(1280, 1400, htmlSinkSpy('chartmember'));
  t.after(() => page.close());
  const { snapshot: s, series } = chartedCluster(6);
  await send(page, { type: 'state', clusters: [buildStatusViewModel('prod', s, false, { metrics: series.view() })] });
  await until(page, `document.querySelectorAll('.chart-plot[data-draws]').length === 5`);
  await settle(page);
  const charts = (await page.evaluate(CHART_STATE)) as ChartState[];
  assert.deepEqual(
    charts.map((c) => c.kind),
    CHART_KINDS_SHOWN,
  );
  for (const c of charts) {
    assert.equal(c.canvases, 1, `${c.kind}: one uPlot canvas`);
    assert.equal(c.points, 6, `${c.kind}: every point`);
    assert.equal(c.valuedPoints, 6, `${c.kind}: every point has a value`);
    assert.equal(c.themeKind, 'vscode-dark', c.kind);
    assert.ok(c.painted > 1000, `${c.kind}: the canvas is drawn on (${c.painted} pixels)`);
    assert.equal(c.legend.length, 3, c.kind);
    assert.ok(c.legend[2].startsWith(HOSTILE_CHART_NAME), `${c.kind}: the hostile name is the legend's text: ${c.legend[2]}`);
  }
  // The members' lines, in the theme's series colours, are on every chart.
  for (const c of charts) assert.ok(c.series > 20, `${c.kind}: ${c.series} pixels of the members' colours ${c.seriesColours.join(', ')}`);
  assert.deepEqual(
    charts[0].seriesColours,
    ['#3794ff', '#89d185', '#b180d7'],
    'the dark theme here has no charts variables: the CSS fallbacks',
  );
  assert.deepEqual(charts[0].legend.slice(0, 2), ['etcd-1 4 ms', 'etcd-2 5 ms']);
  assert.deepEqual(await page.evaluate<string[]>('window.__htmlSinks'), [], 'no member name went through an HTML parser');
  const found = (await page.evaluate(FIND_DATA_ELEMENTS)) as Record<string, unknown>;
  assert.deepEqual(found, { b: 0, img: 0, scripts: 1, onerror: 0, pwned: undefined });
  assert.deepEqual(
    await page.evaluate<string[]>('window.__problems'),
    [],
    'no CSP violation (uPlot styles through the CSSOM), no page error',
  );
  await page.screenshot({ path: join(RESULTS, 'webview-metrics-charts-dark.png'), fullPage: true });
  // A narrow panel: the charts shrink to its width, the page does not scroll sideways.
  await page.setViewportSize({ width: 420, height: 1400 });
  await settle(page);
  await settle(page);
  const narrow = await page.evaluate<{ pageOverflows: boolean; widths: number[]; room: number }>(`({
    pageOverflows: document.documentElement.scrollWidth > document.documentElement.clientWidth + 1,
    widths: Array.from(document.querySelectorAll('.chart-plot canvas')).map((c) => c.getBoundingClientRect().width),
    room: document.querySelector('.chart-plot').clientWidth,
  })`);
  assert.equal(narrow.pageOverflows, false);
  assert.ok(
    narrow.widths.every((w) => w <= narrow.room + 1),
    `canvases ${narrow.widths.join(', ')} within ${narrow.room}`,
  );
  await page.screenshot({ path: join(RESULTS, 'webview-metrics-charts-narrow.png'), fullPage: true });
  // What a chart library writing style attributes would cause is seen: the check above can fail.
  await page.evaluate(`document.body.appendChild(document.createElement('div')).setAttribute('style', 'color: red')`);
  await until(page, `window.__problems.length > 0`);
  assert.match((await page.evaluate<string[]>('window.__problems'))[0], /^CSP style-src/);
});

test('metric charts: a live update keeps each chart (same canvas) and redraws only on a new point; a theme change redraws in its colours', async (t) => {
  const page = await openPanel(1280, 1400);
  t.after(() => page.close());
  const { snapshot: s, series } = chartedCluster(4);
  const state = (): HostToWebviewMessage => ({
    type: 'state',
    clusters: [buildStatusViewModel('prod', s, false, { metrics: series.view() })],
  });
  await send(page, state());
  await until(page, `document.querySelectorAll('.chart-plot[data-draws]').length === 5`);
  await page.evaluate(`window.__canvas = document.querySelector('.chart-plot[data-chart="walFsync"] canvas')`);
  const before = (await page.evaluate(CHART_STATE)) as ChartState[];

  // The same points again (a member arriving mid-refresh): the page is rebuilt, the charts are not.
  await send(page, state());
  await settle(page);
  assert.equal(await page.evaluate(`document.querySelector('.chart-plot[data-chart="walFsync"] canvas') === window.__canvas`), true);
  const same = (await page.evaluate(CHART_STATE)) as ChartState[];
  assert.deepEqual(
    same.map((c) => [c.points, c.draws, c.themeKind]),
    before.map((c) => [c.points, c.draws, c.themeKind]),
    'not drawn again',
  );

  // A new point: drawn into the same canvas.
  series.append({ ...s, takenAt: new Date(Date.parse(s.takenAt) + 10_000).toISOString() });
  await send(page, state());
  await until(page, `document.querySelector('.chart-plot[data-chart="walFsync"]').dataset.points === '5'`);
  assert.equal(await page.evaluate(`document.querySelector('.chart-plot[data-chart="walFsync"] canvas') === window.__canvas`), true);

  // VS Code switches to a light theme: new variables on <html>, a new body class.
  const draws = ((await page.evaluate(CHART_STATE)) as ChartState[]).map((c) => c.draws);
  await page.evaluate(`(() => {
    for (const [k, v] of Object.entries(${JSON.stringify(LIGHT_CHARTS)})) document.documentElement.style.setProperty(k, v);
    document.body.classList.replace('vscode-dark', 'vscode-light');
  })()`);
  await until(page, `Array.from(document.querySelectorAll('.chart-plot')).every((c) => c.dataset.themeKind === 'vscode-light')`);
  await settle(page);
  const light = (await page.evaluate(CHART_STATE)) as ChartState[];
  for (const [i, c] of light.entries()) {
    assert.ok(c.draws > draws[i], `${c.kind} redrawn`);
    assert.deepEqual(c.seriesColours, ['#1a85ff', '#388a34', '#652d90'], `${c.kind}: the light theme's charts.blue, green, purple`);
    assert.ok(c.series > 20, `${c.kind}: ${c.series} pixels in the light theme's colour`);
  }
  assert.equal(
    await page.evaluate<string>(`getComputedStyle(document.querySelector('.chart-legend .swatch')).borderTopColor`),
    'rgb(26, 133, 255)',
    'legend swatch follows',
  );
  assert.deepEqual(await page.evaluate<string[]>('window.__problems'), []);
  await page.screenshot({ path: join(RESULTS, 'webview-metrics-charts-light.png'), fullPage: true });
});

test('a live update keeps the page where the user scrolled it (the charts are far down)', async (t) => {
  const page = await openPanel(1000, 500);
  t.after(() => page.close());
  const { snapshot: s, series } = chartedCluster(3);
  const state: HostToWebviewMessage = { type: 'state', clusters: [buildStatusViewModel('prod', s, false, { metrics: series.view() })] };
  await send(page, state);
  await until(page, `document.querySelectorAll('.chart-plot[data-draws]').length === 5`);
  await page.evaluate(`document.querySelector('.charts').scrollIntoView()`);
  const top = await page.evaluate<number>('window.scrollY');
  assert.ok(top > 500, `scrolled down to the charts (${top})`);
  for (let i = 0; i < 3; i++) {
    await send(page, state);
    await settle(page);
    assert.equal(await page.evaluate<number>('window.scrollY'), top, `after update ${i + 1}`);
  }
});

test('metric charts: before the first point the section says when they start; a cluster without charts has no plot', async (t) => {
  const page = await openPanel();
  t.after(() => page.close());
  await send(page, { type: 'state', clusters: [buildStatusViewModel('prod', healthy(), false)] });
  await page.getByText('The charts start with the next refresh.').waitFor();
  assert.equal(await page.locator('.chart-plot').count(), 0);
});
