// Smoke test of the packaged extension in a real VS Code workbench: the .vsix installs, its view
// container shows in the activity bar, the Clusters view opens with its empty-state welcome, and
// opening it activates the extension (its Output channel exists and logs the activation).
//
// Needs scripts/setup-code-server.sh and a packaged .vsix (npm run package, or ETCD_INSPECTOR_VSIX).
// Run: node --import tsx --test test/e2e/smoke.e2e.test.ts
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  activityBarItem,
  openViewContainer,
  outputChannels,
  outputText,
  runCommand,
  viewPane,
  waitFor,
  type Workbench,
} from './harness/codeServer';
import { startE2eSession, type E2eSession } from './harness/session';

const CONTAINER_TITLE = 'etcd Inspector';
const VIEW_NAME = 'Clusters';
const CHANNEL = 'etcd Inspector';
// The extension host starts after the workbench has rendered, and contributions from it appear later still.
const UI_TIMEOUT_MS = 60_000;

let session: E2eSession | undefined;

before(async () => {
  session = await startE2eSession({
    name: 'smoke',
    files: {
      'etcd.conf': ['ETCD_NAME=infra0', 'ETCD_DATA_DIR=/var/lib/etcd', 'ETCD_LISTEN_CLIENT_URLS=http://127.0.0.1:2379', ''].join('\n'),
    },
  });
});

after(async () => {
  await session?.close();
});

/** Runs one step; on failure the error carries a screenshot path and the server and browser log tails. */
function step(name: string, body: (wb: Workbench) => Promise<void>): Promise<void> {
  assert.ok(session, 'workbench did not open');
  return session.step(name, body);
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
