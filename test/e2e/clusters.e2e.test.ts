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
import type { Page } from 'playwright-core';
import { EtcdCluster } from '../harness/etcdCluster';
import {
  activityBarItem,
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

/** Text of every visible row of the Clusters tree (label and description), one string per row. */
async function treeRows(page: Page): Promise<string[]> {
  return page
    .locator('.part.sidebar .monaco-list-row')
    .evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

/** The number on the etcd Inspector activity bar item ('' when there is none). */
async function viewBadge(page: Page): Promise<string> {
  const badge = activityBarItem(page, 'etcd Inspector').locator('.badge-content');
  if (!(await badge.isVisible().catch(() => false))) return '';
  return ((await badge.textContent()) ?? '').trim();
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
