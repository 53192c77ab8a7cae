/// <reference lib="dom" />
// Runbook actions in a real VS Code against a real etcd 3.5 cluster: Move Leader from the palette (pick the
// cluster and the target, confirm the modal) moves the tree's leader marker; the same command on a cluster
// configured read-only is refused, saying so, and changes nothing; the tree's menu offers no change on a
// read-only cluster; etcdInspector.readOnly hides the command from the palette.
//
// The same etcd cluster is configured twice: "staging" (writable) and "production" (readOnly: true).
// Needs scripts/setup-etcd.sh, scripts/setup-code-server.sh and a packaged .vsix (npm run package).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { EtcdCluster } from '../harness/etcdCluster';
import { openViewContainer, runCommand, waitFor } from './harness/codeServer';
import { startE2eSession, type E2eSession } from './harness/session';

const UI_TIMEOUT_MS = 60_000;
const NAMES = ['etcd-1', 'etcd-2', 'etcd-3'];

let cluster: EtcdCluster;
let session: E2eSession;

/** Text of every visible row of the Clusters tree (label and description), one string per row. */
async function treeRows(page: Page): Promise<string[]> {
  return page
    .locator('.part.sidebar .monaco-list-row')
    .evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

/** Names of the members the tree marks as leader (rows "etcd-2 <id> · leader"). */
async function treeLeaders(page: Page): Promise<string[]> {
  const rows = await treeRows(page);
  // Label and description run together in the row's text: "etcd-291a65e2d02e29fa3 · leader".
  return [...new Set(rows.flatMap((r) => /^(etcd-\d)\s*[0-9a-f]{16} · leader$/.exec(r)?.[1] ?? []))];
}

/** The status panel's document (VS Code nests a webview in two iframes). */
function panel(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview').frameLocator('#active-frame');
}

/** Waits for the quick input titled `title`, types `text` and accepts (see clusters.e2e.test.ts). */
async function answer(page: Page, title: string, text: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  const input = widget.locator('.quick-input-box input');
  await input.fill(text);
  await waitFor(
    () => input.inputValue(),
    (v) => v === text,
    UI_TIMEOUT_MS,
  );
  // The list filters as typed: wait until the first row is the one meant.
  await widget
    .locator('.quick-input-list .monaco-list-row', { hasText: text })
    .first()
    .waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await page.keyboard.press('Enter');
}

/** The labels of the context menu of the tree row starting with `label` (the menu is closed again). */
async function contextMenu(page: Page, label: string): Promise<string[]> {
  const row = page.locator('.part.sidebar .monaco-list-row', { hasText: label }).first();
  await row.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu').first();
  await menu.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  const items = await menu
    .locator('.action-label')
    .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()).filter((t) => t !== ''));
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS }).catch(() => undefined);
  return items;
}

before(async () => {
  cluster = await EtcdCluster.start({ version: '3.5', size: 3, names: NAMES });
  session = await startE2eSession({
    name: 'actions',
    userSettings: {
      'etcdInspector.clusters': [
        { name: 'staging', endpoints: [cluster.endpoints[0]] },
        { name: 'production', endpoints: [cluster.endpoints[1]], readOnly: true },
      ],
      'etcdInspector.refreshIntervalSeconds': 2,
      'etcdInspector.requestTimeoutMs': 1000,
    },
  });
  await openViewContainer(session.workbench.page, 'etcd Inspector', UI_TIMEOUT_MS);
});

after(async () => {
  await session?.close();
  await cluster?.destroy();
});

test('Move Leader from the palette: pick the cluster and a follower, confirm the modal, the tree marks the new leader', async () => {
  await session.step('move-leader', async (wb) => {
    const page = wb.page;
    const before = await cluster.waitForLeader();
    const leaders = await waitFor(
      () => treeLeaders(page),
      (l) => l.length === 1 && l[0] === before,
      UI_TIMEOUT_MS,
    );
    assert.deepEqual(leaders, [before], 'the tree marks the leader etcd reports');
    const target = NAMES.filter((n) => n !== before)[1];

    await runCommand(page, 'etcd Inspector: Move Leader');
    await answer(page, 'Move leader: which cluster?', 'staging');
    await answer(page, 'Move leader of "staging"', target);
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const text = (await dialog.textContent()) ?? '';
    await wb.screenshot('actions-move-leader-modal');
    assert.match(text, new RegExp(`Move the leadership of cluster "staging" from ${before} to ${target}\\?`));
    assert.match(text, new RegExp(`ask the leader ${before} to transfer leadership to ${target}`));
    await dialog.locator('.monaco-button', { hasText: 'Move Leader' }).first().click();

    const after = await waitFor(
      () => treeLeaders(page),
      (l) => l.length === 1 && l[0] === target,
      UI_TIMEOUT_MS,
    );
    await wb.screenshot('actions-move-leader-done');
    assert.deepEqual(after, [target], 'the leader marker moved to the chosen member');
    assert.equal(await cluster.waitForLeader(), target, 'etcd agrees');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Move leader of cluster "staging": done' });
    await toast.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  });
});

test('the same command on the read-only cluster is refused, saying so, and the leader stays', async () => {
  await session.step('read-only', async (wb) => {
    const page = wb.page;
    const leader = await cluster.waitForLeader();
    await runCommand(page, 'etcd Inspector: Move Leader');
    await answer(page, 'Move leader: which cluster?', 'production');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'is read-only' });
    await toast.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await wb.screenshot('actions-read-only-refused');
    assert.match(
      (await toast.first().textContent()) ?? '',
      /Move leader refused: cluster "production" is read-only \(etcdInspector\.readOnly or the cluster's readOnly setting\): no change was made/,
    );
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no confirmation was asked');
    assert.equal(await cluster.waitForLeader(), leader);

    // The tree offers changes on the writable cluster only; inspecting stays on both.
    const production = await contextMenu(page, 'production');
    const staging = await contextMenu(page, 'staging');
    assert.ok(production.includes('List Alarms') && production.includes('Save Snapshot'), JSON.stringify(production));
    assert.ok(!production.includes('Move Leader') && !production.includes('Defragment Cluster (Rolling)'), JSON.stringify(production));
    assert.ok(staging.includes('Move Leader') && staging.includes('Defragment Cluster (Rolling)'), JSON.stringify(staging));
  });
});

test("the status panel's checklist: a dead member's row offers Remove, which asks the modal; on the read-only cluster it is disabled with the reason", async () => {
  await session.step('checklist', async (wb) => {
    const page = wb.page;
    const leader = await cluster.waitForLeader();
    const victim = NAMES.find((n) => n !== leader) as string;
    await cluster.kill(victim);
    try {
      await runCommand(page, 'etcd Inspector: Open Endpoint Status');
      const remove = panel(page)
        .locator('vscode-button', { hasText: `Remove ${victim}…` })
        .filter({ visible: true })
        .first();
      await remove.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      await wb.screenshot('actions-checklist-staging');
      assert.equal(await remove.getAttribute('disabled'), null, 'enabled on the writable cluster');
      await remove.click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      const text = (await dialog.textContent()) ?? '';
      assert.match(text, new RegExp(`Remove member ${victim} \\([0-9a-f]{16}, down: .*\\) from cluster "staging"\\?`));
      assert.match(text, /Quorum guard: allows/);
      await dialog.locator('.monaco-button', { hasText: 'Cancel' }).first().click();
      await dialog.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });

      await panel(page).locator('vscode-tab-header', { hasText: 'production' }).first().click();
      const disabled = panel(page)
        .locator('vscode-button', { hasText: `Remove ${victim}…` })
        .filter({ visible: true })
        .first();
      await disabled.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      await wb.screenshot('actions-checklist-production');
      assert.notEqual(await disabled.getAttribute('disabled'), null, 'disabled on the read-only cluster');
      const row = panel(page)
        .locator('vscode-table-row', { hasText: `Remove ${victim}…` })
        .filter({ visible: true })
        .first();
      assert.match((await row.textContent()) ?? '', /"production" is read-only/);
    } finally {
      if ((await page.locator('.monaco-dialog-box').count()) > 0) await page.keyboard.press('Escape');
      await cluster.restart(victim);
    }
    await runCommand(page, 'View: Close All Editors');
    // Back to a healthy cluster for the next test (the panel's tab stays; the tree is in the side bar).
    await waitFor(
      () => treeRows(page),
      (r) => r.filter((x) => x.includes('3/3 healthy')).length === 2,
      UI_TIMEOUT_MS,
    );
  });
});

test('etcdInspector.readOnly: the change disappears from the palette and from every cluster menu', async () => {
  await session.step('global-read-only', async (wb) => {
    const page = wb.page;
    // Through the Settings editor, as a user would (code-server does not pick up a settings.json written behind its back).
    await runCommand(page, 'Preferences: Open Settings (UI)');
    const editor = page.locator('.settings-editor').first();
    await editor.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await page.waitForTimeout(500);
    await page.keyboard.type('etcdInspector.readOnly');
    const item = editor.locator('.setting-item-bool', { hasText: 'Refuse every action that changes a cluster' }).first();
    await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await item.locator('.setting-value-checkbox').first().click();
    await waitFor(
      () => item.locator('.setting-value-checkbox').first().getAttribute('aria-checked'),
      (v) => v === 'true',
      UI_TIMEOUT_MS,
    );
    // The Settings editor writes a change after a short delay; closing it before would lose the change. Wait until
    // the item shows it is configured (VS Code marks it once written).
    await editor
      .locator('.setting-item-contents.is-configured', { hasText: 'Refuse every action that changes a cluster' })
      .first()
      .waitFor({
        state: 'visible',
        timeout: UI_TIMEOUT_MS,
      });
    await page.waitForTimeout(1000);
    await wb.screenshot('actions-global-read-only-setting');
    // Recent VS Code opens the Settings editor as a modal editor: close it (Escape first clears the search).
    const modal = page.locator('.monaco-modal-editor-block');
    for (let i = 0; i < 3 && (await modal.count()) > 0; i++) {
      await page.keyboard.press('Escape');
      await modal.waitFor({ state: 'detached', timeout: 3000 }).catch(() => undefined);
    }
    if ((await modal.count()) > 0) await runCommand(page, 'View: Close Editor');
    const staging = await waitFor(
      () => contextMenu(page, 'staging'),
      (items) => !items.includes('Move Leader'),
      UI_TIMEOUT_MS,
      1000,
    );
    assert.ok(!staging.includes('Move Leader') && staging.includes('List Alarms'), JSON.stringify(staging));
    const offered = async (): Promise<number> => {
      await page.keyboard.press('F1');
      const widget = page.locator('.quick-input-widget');
      const input = widget.locator('.quick-input-box input');
      await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      await input.fill('>etcd Inspector: Move Leader');
      // Let the list filter what was typed.
      await page.waitForTimeout(1000);
      const n = await widget.locator('.quick-input-list .monaco-list-row', { hasText: 'etcd Inspector: Move Leader' }).count();
      await page.keyboard.press('Escape');
      return n;
    };
    assert.equal(await waitFor(offered, (n) => n === 0, UI_TIMEOUT_MS, 1000), 0, 'Move Leader is hidden from the palette');
  });
});
