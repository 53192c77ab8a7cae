/// <reference lib="dom" />
// The status panel's metric charts in a real VS Code (code-server, Chromium) against a real 3-member etcd 3.5
// cluster with a write load: the charts fill from each refresh's /metrics figures, uPlot draws them under the
// panel's real CSP (no violation, in the console or in the webview's document), and a theme change (light →
// dark → high contrast) redraws them in the theme's colours.
//
// Needs scripts/setup-etcd.sh, scripts/setup-code-server.sh and a packaged .vsix (npm run package).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { EtcdCluster, startWriters } from '../harness/etcdCluster';
import { openViewContainer, repoRoot, runCommand, waitFor } from './harness/codeServer';
import { startE2eSession, type E2eSession } from './harness/session';
import { CHART_KINDS_SHOWN, CHART_STATE, type ChartState } from '../support/charts';

const UI_TIMEOUT_MS = 60_000;
const NAMES = ['etcd-1', 'etcd-2', 'etcd-3'];
const CSP_MESSAGE = /Content Security Policy|Refused to (apply|load|execute|evaluate)/i;
/**
 * The chart that may stay empty here: etcd adds to a peer's round-trip histogram in bursts every 30 s (seen on
 * 3.5: its `_count` grows by 2 each 30 s), so the few seconds between this test's refreshes often hold no
 * sample and the interval figure is a gap (the scrape reads every peer's histogram: test/unit/metrics). Its
 * canvas is still drawn (axes, the 150 ms line) and is checked as such.
 */
const EMPTY_FOR_NOW = 'peerRoundTrip';

let cluster: EtcdCluster;
let writers: ReturnType<typeof startWriters>;
let session: E2eSession;

/** The status panel's document (VS Code nests a webview in two iframes), as a Frame to evaluate in. */
async function panelFrame(page: Page): Promise<Frame> {
  const outer = await (await page.locator('iframe.webview').first().elementHandle({ timeout: UI_TIMEOUT_MS }))?.contentFrame();
  assert.ok(outer, 'the webview iframe');
  const inner = await (await outer.locator('#active-frame').elementHandle({ timeout: UI_TIMEOUT_MS }))?.contentFrame();
  assert.ok(inner, "the webview's active frame");
  return inner;
}

async function charts(page: Page): Promise<ChartState[]> {
  try {
    return (await (await panelFrame(page)).evaluate(CHART_STATE)) as ChartState[];
  } catch {
    return []; // the frame was replaced meanwhile: ask again
  }
}

/** Violations seen by the listener installed in the panel's document (null: no listener there). */
async function violations(page: Page): Promise<string[] | null> {
  return (await (await panelFrame(page)).evaluate('window.__cspViolations ?? null')) as string[] | null;
}

const cspConsole = (): string[] => session.workbench.consoleMessages().filter((m) => CSP_MESSAGE.test(m));

/** Picks a colour theme as a user does ("Preferences: Color Theme", its name) and waits until the workbench wears it. */
async function setTheme(page: Page, theme: string, workbenchClass: string): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await input.fill(theme);
  const row = widget.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first();
  await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await row.click();
  await page.locator(`.monaco-workbench.${workbenchClass}`).waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });
}

/** Waits until every chart was drawn again in `themeKind` (after `draws`), with member lines in view. */
async function redrawnIn(page: Page, themeKind: string, draws: number[]): Promise<ChartState[]> {
  return waitFor(
    () => charts(page),
    (cs) =>
      cs.length === 5 &&
      cs.every((c, i) => c.themeKind === themeKind && c.draws > (draws[i] ?? 0) && (c.kind === EMPTY_FOR_NOW || c.series > 0)),
    UI_TIMEOUT_MS,
  );
}

/** Shows the charts and saves the whole window and the panel alone. */
async function screenshots(page: Page, name: string): Promise<void> {
  await (await panelFrame(page)).evaluate(`document.querySelector('.charts').closest('section').scrollIntoView()`);
  await session.workbench.screenshot(name);
  await page
    .locator('iframe.webview')
    .first()
    .screenshot({ path: join(repoRoot(), 'test-results', `${name}-panel.png`) });
}

before(async () => {
  cluster = await EtcdCluster.start({ version: '3.5', size: 3, names: NAMES });
  writers = startWriters(cluster.endpoints, { pauseMs: 20, deadlineMs: 2000 });
  session = await startE2eSession({
    name: 'metrics',
    userSettings: {
      'etcdInspector.clusters': [{ name: 'e2e', endpoints: cluster.endpoints }],
      'etcdInspector.refreshIntervalSeconds': 2,
      'workbench.colorTheme': 'Default Light Modern',
    },
  });
  // The Clusters view activates the extension (its commands are in the palette from then on).
  const page = session.workbench.page;
  await openViewContainer(page, 'etcd Inspector', UI_TIMEOUT_MS);
  await waitFor(
    () => page.locator('.part.sidebar .monaco-list-row').allTextContents(),
    (rows) => rows.some((r) => r.includes('3/3 healthy')),
    UI_TIMEOUT_MS,
  );
});

after(async () => {
  await writers?.stop();
  await session?.close();
  await cluster?.destroy();
});

test('the charts fill from real /metrics under a write load, drawn by uPlot with no CSP violation', async () => {
  await session.step('charts', async (wb) => {
    const page = wb.page;
    const consoleBefore = cspConsole().length;
    await runCommand(page, 'etcd Inspector: Open Endpoint Status');
    const frame = await panelFrame(page);
    await frame.locator('.chart-plot').first().waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });
    // From here on a violation in the panel's document is also recorded there (the console has them all).
    await frame.evaluate(`(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
    })()`);

    // Disk, leader and db figures are there from the second refresh the panel sees.
    const filled = await waitFor(
      () => charts(page),
      (cs) => cs.length === 5 && cs.every((c) => c.kind === EMPTY_FOR_NOW || (c.valuedPoints >= 2 && c.series > 0)),
      UI_TIMEOUT_MS,
      1000,
    );
    console.log(`charts: ${filled.map((c) => `${c.kind} ${c.valuedPoints}/${c.points} (${c.legend.join('; ')})`).join(', ')}`);
    assert.deepEqual(
      filled.map((c) => c.kind),
      CHART_KINDS_SHOWN,
    );
    for (const c of filled) {
      assert.equal(c.canvases, 1, `${c.kind}: a uPlot canvas`);
      assert.ok(c.points >= 2, `${c.kind}: at least 2 points (${c.points})`);
      assert.ok(c.painted > 1000, `${c.kind}: the canvas is drawn on (${c.painted} pixels)`);
      assert.equal(c.themeKind, 'vscode-light', c.kind);
      assert.deepEqual(c.legend.map((l) => l.split(' ')[0]).sort(), NAMES, `${c.kind}: one legend row per member`);
      if (c.kind === EMPTY_FOR_NOW) continue;
      assert.ok(c.valuedPoints >= 2, `${c.kind}: at least 2 points with values (${c.valuedPoints} of ${c.points})`);
      assert.ok(c.series > 0, `${c.kind}: member lines are on the canvas in ${c.seriesColours.join(', ')}`);
    }
    // Under a write load the disk figures are numbers, not gaps.
    const fsync = filled[0].legend.map((l) => l.replace(/^\S+ /, ''));
    assert.ok(
      fsync.every((v) => /^\d+(\.\d+)? m?s$/.test(v)),
      `WAL fsync p99 per member: ${fsync.join(', ')}`,
    );
    await screenshots(page, 'metrics-charts-light');

    assert.deepEqual(cspConsole().slice(consoleBefore), [], 'no CSP violation in the console');
    assert.deepEqual(await violations(page), [], 'no CSP violation in the panel');
  });
});

test('a theme change redraws the charts in its colours: dark, then high contrast', async () => {
  await session.step('themes', async (wb) => {
    const page = wb.page;
    const consoleBefore = cspConsole().length;
    const light = await charts(page);
    assert.equal(light.length, 5);

    await setTheme(page, 'Dark Modern', 'vs-dark');
    const dark = await redrawnIn(
      page,
      'vscode-dark',
      light.map((c) => c.draws),
    );
    for (const [i, c] of dark.entries()) {
      assert.notDeepEqual(c.seriesColours, light[i].seriesColours, `${c.kind}: the dark theme's colours, not the light one's`);
      assert.ok(c.painted > 1000, `${c.kind} drawn`);
    }
    await screenshots(page, 'metrics-charts-dark');

    await setTheme(page, 'Dark High Contrast', 'hc-black');
    const hc = await redrawnIn(
      page,
      'vscode-high-contrast',
      dark.map((c) => c.draws),
    );
    for (const c of hc) assert.ok(c.painted > 1000, `${c.kind} drawn in high contrast`);
    await screenshots(page, 'metrics-charts-high-contrast');

    assert.deepEqual(cspConsole().slice(consoleBefore), [], 'no CSP violation in the console');
    assert.deepEqual(await violations(page), [], 'no CSP violation in the panel');

    // Both watchers do see a violation in the panel's document: a style attribute, which the CSP refuses.
    await (await panelFrame(page)).evaluate(`document.body.appendChild(document.createElement('div')).setAttribute('style', 'color: red')`);
    const seen = await waitFor(
      async () => (await violations(page)) ?? [],
      (v) => v.length > 0,
      10_000,
    );
    assert.match(seen[0] ?? '', /^style-src/);
    const logged = await waitFor(
      async () => cspConsole().slice(consoleBefore),
      (m) => m.length > 0,
      10_000,
    );
    assert.ok(logged.length > 0, 'the console shows a violation in the panel');
  });
});
