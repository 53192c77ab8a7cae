/// <reference lib="dom" />
// The runbook's first screen in a real VS Code: the Clusters tree and the status bar against a real
// etcd 3.5 cluster — healthy, then two of three members killed (no leader, quorum lost), then the
// members back. One member carries a hostile name that must show as plain text.
//
// Needs scripts/setup-etcd.sh, scripts/setup-code-server.sh and a packaged .vsix (npm run package).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { EtcdCluster } from '../harness/etcdCluster';
import {
  findVsix,
  openViewContainer,
  openWorkbench,
  runCommand,
  startCodeServer,
  waitFor,
  type CodeServerHandle,
  type Workbench,
} from './harness/codeServer';

const HOSTILE = '<b>x</b><script>alert(1)</script>';
const UI_TIMEOUT_MS = 60_000;

let cluster: EtcdCluster;
let server: CodeServerHandle;
let workbench: Workbench;
let workspaceDir: string;
const dialogs: string[] = [];

/** Text of every visible row of the Clusters tree (label and description), one string per row. */
async function treeRows(page: Page): Promise<string[]> {
  return page
    .locator('.part.sidebar .monaco-list-row')
    .evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

/** The number on the etcd Inspector activity bar item ('' when there is none). */
async function viewBadge(page: Page): Promise<string> {
  // With a badge the item's label becomes "etcd Inspector - <badge tooltip>"; an empty badge is hidden
  // with display: none on its .badge parent.
  return page
    .locator('.part.activitybar li.action-item', { has: page.locator('a.action-label[aria-label^="etcd Inspector"]') })
    .locator('.badge-content')
    .evaluateAll((els) =>
      els
        .map((e) => (e.parentElement && getComputedStyle(e.parentElement).display !== 'none' ? (e.textContent ?? '').trim() : ''))
        .join(''),
    );
}

/** The status panel's document (VS Code nests a webview in two iframes). */
function panel(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview').frameLocator('#active-frame');
}

async function panelText(page: Page): Promise<string> {
  return (
    (await panel(page)
      .locator('body')
      .textContent({ timeout: 5000 })
      .catch(() => '')) ?? ''
  ).replace(/\s+/g, ' ');
}

async function statusBarText(page: Page): Promise<string> {
  const item = page.locator('.part.statusbar .statusbar-item', { hasText: 'etcd e2e:' }).first();
  return (await item.textContent().catch(() => '')) ?? '';
}

before(async () => {
  cluster = await EtcdCluster.start({ version: '3.5', size: 3, names: ['etcd-1', 'etcd-2', HOSTILE] });
  workspaceDir = mkdtempSync(join(tmpdir(), 'etcd-inspector-e2e-clusters-'));
  server = await startCodeServer({
    vsixPath: findVsix(),
    workspaceDir,
    userSettings: {
      'etcdInspector.clusters': [{ name: 'e2e', endpoints: [cluster.endpoints[2]] }],
      'etcdInspector.refreshIntervalSeconds': 2,
      'etcdInspector.requestTimeoutMs': 1000,
    },
  });
  workbench = await openWorkbench(server.url);
  workbench.page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await openViewContainer(workbench.page, 'etcd Inspector', UI_TIMEOUT_MS);
});

after(async () => {
  await workbench?.close();
  await server?.stop();
  await cluster?.destroy();
  if (workspaceDir) rmSync(workspaceDir, { recursive: true, force: true });
});

test('a healthy cluster: leader and all three members in the tree, the hostile name as text, status bar', async () => {
  const page = workbench.page;
  const leader = await cluster.waitForLeader();
  const rows = await waitFor(
    () => treeRows(page),
    (r) => r.some((x) => x.includes('3/3 healthy')) && r.length >= 4,
    UI_TIMEOUT_MS,
  );
  await workbench.screenshot('tree-healthy');
  const clusterRow = rows.find((r) => r.startsWith('e2e')) ?? '';
  assert.match(clusterRow, new RegExp(`leader ${leader.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · 3/3 healthy`));
  for (const name of ['etcd-1', 'etcd-2', HOSTILE])
    assert.ok(
      rows.some((r) => r.startsWith(name)),
      `${name} in ${JSON.stringify(rows)}`,
    );
  assert.ok(
    rows.some((r) => /[0-9a-f]{16} · leader/.test(r)),
    'the leader row says so',
  );
  // The hostile name is shown literally, and no element was made of it.
  assert.equal(await page.locator('.part.sidebar b, .part.sidebar script').count(), 0);
  const status = await waitFor(
    () => statusBarText(page),
    (t) => t.includes('3/3 healthy'),
    UI_TIMEOUT_MS,
  );
  assert.match(status, /etcd e2e: leader .* · 3\/3 healthy/);

  // A click on the status bar opens the endpoint status panel.
  // The item is re-rendered on every refresh, and a click that lands while it is replaced does nothing: click
  // until the panel's tab is there (clicking again only reveals the same panel).
  const statusItem = page.locator('.part.statusbar .statusbar-item', { hasText: 'etcd e2e:' }).first();
  const statusTab = page.locator('.tabs-container .tab', { hasText: 'etcd Status' }).first();
  const opened = await waitFor(
    async () => {
      if (!(await statusTab.isVisible())) await statusItem.click();
      return statusTab.isVisible();
    },
    (visible) => visible,
    UI_TIMEOUT_MS,
    2000,
  );
  assert.ok(opened, 'a click on the status bar item opens the endpoint status panel');
  const text = await waitFor(
    () => panelText(page),
    (t) => t.includes('Endpoint status') && t.includes(HOSTILE),
    UI_TIMEOUT_MS,
  );
  await workbench.screenshot('webview-healthy');
  for (const column of ['ENDPOINT', 'DB SIZE', '% NOT IN USE', 'RAFT APPLIED INDEX', 'HEALTH', 'TOOK'])
    assert.ok(text.includes(column), column);
  assert.ok(text.includes('leader-exists') && text.includes('alarms-clear'), 'the checklist is shown');
  assert.ok(!text.includes('FAIL'), 'no check fails on a healthy cluster');
  assert.equal(await panel(page).locator('b, img').count(), 0, 'nothing was made of the hostile name');
  assert.deepEqual(dialogs, [], 'no script of the hostile name ran');

  // Export JSON opens etcdctl's `endpoint status -w json` shape beside the panel.
  await panel(page).locator('vscode-button', { hasText: 'Export JSON' }).first().click();
  const json = page.locator('.monaco-editor .view-lines', { hasText: '"Endpoint"' }).first();
  await json.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  const exported = ((await json.textContent()) ?? '').replace(/\u00a0/g, ' ');
  assert.match(exported, /"Status"/);
  assert.ok(exported.includes(cluster.endpoints[0]) || exported.includes(cluster.endpoints[1]) || exported.includes(cluster.endpoints[2]));
});

test('two of three killed: NO LEADER, quorum lost, the dead members with their reason; status bar and badge follow', async () => {
  const page = workbench.page;
  await cluster.kill('etcd-1');
  await cluster.kill('etcd-2');
  const rows = await waitFor(
    () => treeRows(page),
    (r) => r.some((x) => x.includes('NO LEADER · 1/3 reachable · quorum lost')),
    UI_TIMEOUT_MS,
  );
  await workbench.screenshot('tree-quorum-lost');
  assert.equal(rows.filter((r) => r.includes('connection refused')).length, 2, JSON.stringify(rows));
  assert.ok(
    rows.some((r) => r.startsWith(HOSTILE) && r.includes('etcdserver: no leader')),
    JSON.stringify(rows),
  );
  const status = await waitFor(
    () => statusBarText(page),
    (t) => t.includes('NO LEADER'),
    UI_TIMEOUT_MS,
  );
  assert.match(status, /etcd e2e: NO LEADER · 1\/3 reachable · quorum lost/);
  const badge = await waitFor(
    () => viewBadge(page),
    (b) => b === '1',
    UI_TIMEOUT_MS,
  );
  assert.equal(badge, '1', 'the view badge counts the cluster without a leader');
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'has no leader' });
  await toast.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  assert.match((await toast.first().textContent()) ?? '', /etcd cluster "e2e" has no leader/);

  // The open status panel follows live: the banner and the failing checks of the runbook.
  const text = await waitFor(
    () => panelText(page),
    (t) => /NO LEADER/i.test(t) && t.includes('FAIL'),
    UI_TIMEOUT_MS,
  );
  await workbench.screenshot('webview-quorum-lost-e2e');
  assert.match(text, /QUORUM LOST|quorum lost/i);
  const leaderRow = panel(page).locator('vscode-table-row', { hasText: 'leader-exists' }).first();
  assert.match((await leaderRow.textContent()) ?? '', /FAIL[\s\S]*no leader/);
  assert.match((await leaderRow.textContent()) ?? '', /Step 5: Fix Quorum Loss/);
  // Its action opens the runbook step filled in for this cluster.
  await leaderRow.locator('vscode-button').first().click();
  const editor = page.locator('.monaco-editor .view-lines', { hasText: 'Fix Quorum Loss' }).first();
  await editor.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  // Monaco renders spaces as U+00A0.
  const doc = ((await editor.textContent()) ?? '').replace(/\u00a0/g, ' ');
  assert.match(doc, /cluster "e2e"/);
  assert.ok(doc.includes(`--name='${HOSTILE}'`), 'the hostile name is shell-quoted in the commands');
});

test('members back: the tree shows a leader again after a refresh, and says so once', async () => {
  const page = workbench.page;
  await Promise.all([cluster.restart('etcd-1'), cluster.restart('etcd-2')]);
  await runCommand(page, 'etcd Inspector: Refresh');
  const rows = await waitFor(
    () => treeRows(page),
    (r) => r.some((x) => /leader .* · 3\/3 healthy/.test(x)),
    UI_TIMEOUT_MS,
  );
  assert.ok(
    rows.some((r) => r.startsWith('e2e') && r.includes('3/3 healthy')),
    JSON.stringify(rows),
  );
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'has a leader again' });
  await toast.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  assert.equal(
    await waitFor(
      () => viewBadge(page),
      (b) => b === '',
      UI_TIMEOUT_MS,
    ),
    '',
    'no badge once the leader is back',
  );
});

test('the status panel survives a window reload and comes back with live data', async () => {
  const page = workbench.page;
  await runCommand(page, 'Developer: Reload Window');
  await page.locator('.monaco-workbench').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  // The runbook document opened last is in front; the restored panel renders once its tab is shown.
  const tab = page.locator('.tabs-container .tab', { hasText: 'etcd Status' }).first();
  await tab.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await tab.click();
  const text = await waitFor(
    () => panelText(page),
    (t) => t.includes('Endpoint status') && t.includes('3/3 healthy'),
    UI_TIMEOUT_MS,
  );
  assert.match(text, /leader .* · 3\/3 healthy/);
});

/**
 * Types into the quick input titled `title` (input box or quick pick) and accepts. Waiting for the title matters:
 * right after a command is chosen the command palette's own input is still the visible one, and text typed
 * there (then Enter) would go to the palette, not to the prompt the command opens.
 */
async function answer(page: Page, title: string, text: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  const input = widget.locator('.quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await input.fill(text);
  await waitFor(
    () => input.inputValue(),
    (v) => v === text,
    UI_TIMEOUT_MS,
  );
  await page.keyboard.press('Enter');
}

test('import a cluster from pasted etcdctl variables, then remove it after a confirmation naming it', async () => {
  const page = workbench.page;
  await runCommand(page, 'etcd Inspector: Import Cluster from etcdctl Environment');
  await answer(page, 'import from etcdctl environment', `export ETCDCTL_ENDPOINTS=${cluster.endpoints[0]}`);
  await answer(page, 'cluster name', 'imported');
  const rows = await waitFor(
    () => treeRows(page),
    (r) => r.some((x) => x.startsWith('imported') && x.includes('3/3 healthy')),
    UI_TIMEOUT_MS,
  );
  assert.ok(
    rows.some((r) => r.startsWith('imported')),
    JSON.stringify(rows),
  );

  await runCommand(page, 'etcd Inspector: Remove Cluster');
  await answer(page, 'Remove which cluster?', 'imported');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  assert.match((await dialog.textContent()) ?? '', /Remove the etcd cluster "imported"/);
  await dialog.locator('.monaco-button', { hasText: 'Remove' }).first().click();
  const after = await waitFor(
    () => treeRows(page),
    (r) => !r.some((x) => x.startsWith('imported')),
    UI_TIMEOUT_MS,
  );
  assert.ok(!after.some((r) => r.startsWith('imported')));
  assert.ok(
    after.some((r) => r.startsWith('e2e')),
    'the other cluster stays',
  );
});
