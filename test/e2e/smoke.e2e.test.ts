// Smoke test of the packaged extension in a real VS Code workbench: the .vsix installs, its view
// container shows in the activity bar, the Clusters view opens with its empty-state welcome, and
// opening it activates the extension (its Output channel exists and logs the activation).
//
// Needs scripts/setup-code-server.sh and a packaged .vsix (npm run package, or ETCD_INSPECTOR_VSIX).
// Run: node --import tsx --test test/e2e/smoke.e2e.test.ts
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  activityBarItem,
  findVsix,
  openViewContainer,
  openWorkbench,
  outputChannels,
  outputText,
  runCommand,
  startCodeServer,
  viewPane,
  waitFor,
  type CodeServerHandle,
  type Workbench,
} from './harness/codeServer';

const CONTAINER_TITLE = 'etcd Inspector';
const VIEW_NAME = 'Clusters';
const CHANNEL = 'etcd Inspector';
// The extension host starts after the workbench has rendered, and contributions from it appear later still.
const UI_TIMEOUT_MS = 60_000;

let workspaceDir: string | undefined;
let server: CodeServerHandle | undefined;
let workbench: Workbench | undefined;

before(async () => {
  const vsix = findVsix();
  workspaceDir = mkdtempSync(join(tmpdir(), 'etcd-inspector-e2e-ws-'));
  writeFileSync(
    join(workspaceDir, 'etcd.conf'),
    ['ETCD_NAME=infra0', 'ETCD_DATA_DIR=/var/lib/etcd', 'ETCD_LISTEN_CLIENT_URLS=http://127.0.0.1:2379', ''].join('\n'),
  );
  server = await startCodeServer({ vsixPath: vsix, workspaceDir });
  workbench = await openWorkbench(server.url);
});

after(async () => {
  await workbench?.close();
  await server?.stop();
  if (workspaceDir) rmSync(workspaceDir, { recursive: true, force: true });
});

/** Runs one step; on failure saves a screenshot and the server log tail into the error. */
async function step(name: string, body: (wb: Workbench) => Promise<void>): Promise<void> {
  assert.ok(workbench, 'workbench did not open');
  try {
    await body(workbench);
  } catch (error) {
    const shot = await workbench
      .screenshot(`smoke-failure-${name}`)
      .catch((screenshotError: unknown) => `(screenshot failed: ${String(screenshotError)})`);
    const message = error instanceof Error ? error.message : String(error);
    const serverLog = server?.logs().slice(-4000) ?? '';
    const consoleTail = workbench.consoleMessages().slice(-30).join('\n');
    throw new Error(
      `${message}\nscreenshot: ${shot}\n--- code-server log (tail) ---\n${serverLog}\n--- browser console (tail) ---\n${consoleTail}`,
      {
        cause: error,
      },
    );
  }
}

test('the activity bar has an "etcd Inspector" item', async () => {
  await step('activity-bar', async ({ page }) => {
    const item = activityBarItem(page, CONTAINER_TITLE);
    await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const label = await item.locator('a.action-label').getAttribute('aria-label');
    assert.equal(label, CONTAINER_TITLE);
  });
});

test('clicking it shows the Clusters view with its empty-state welcome', async () => {
  await step('clusters-view', async ({ page }) => {
    await openViewContainer(page, CONTAINER_TITLE, UI_TIMEOUT_MS);
    const pane = viewPane(page, VIEW_NAME);
    await pane.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.equal((await pane.locator('.pane-header h3.title').textContent())?.trim(), VIEW_NAME);
    const welcome = pane.locator('.welcome-view-content');
    await welcome.getByText('No etcd clusters configured', { exact: false }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.ok(await welcome.getByRole('button', { name: 'Open Settings' }).isVisible(), 'the welcome has an Open Settings button');
  });
});

test('opening the view activated the extension', async () => {
  await step('activation', async (wb) => {
    const { page } = wb;
    // The channel is created by activate(), so its presence before any of our commands runs proves
    // that opening the view (onView activation) activated the extension.
    const channels = await waitFor(
      () => outputChannels(page),
      (names) => names.includes(CHANNEL),
      UI_TIMEOUT_MS,
    );
    assert.ok(channels.includes(CHANNEL), `Output channels: ${channels.join(', ')}`);

    await runCommand(page, 'etcd Inspector: Show Log');
    const text = await waitFor(
      () => outputText(page),
      (t) => t.includes('activated'),
      UI_TIMEOUT_MS,
    );
    assert.match(text, /etcd Inspector \S+ activated/);
    await wb.screenshot('smoke-activated');
  });
});
