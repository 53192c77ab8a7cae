/// <reference lib="dom" />
// Diagnose Cluster in a real VS Code against a real etcd 3.5 cluster that lost quorum (two of three members
// killed): the palette command opens the report as a Markdown preview whose first line names the cause and the
// members down; a notification offers the runbook step and the action, and "Open Step 5: …" opens that step.
// Then Export Cluster Timeline: the members going down and the leader lost, as JSON, in order.
// Needs scripts/setup-etcd.sh, scripts/setup-code-server.sh and a packaged .vsix (npm run package).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { EtcdCluster } from '../harness/etcdCluster';
import { openViewContainer, runCommand, waitFor } from './harness/codeServer';
import { startE2eSession, type E2eSession } from './harness/session';

const UI_TIMEOUT_MS = 60_000;

let cluster: EtcdCluster;
let session: E2eSession;

/** The text of the Markdown preview (a webview: two nested iframes), or '' while it is not there. */
async function previewText(page: Page): Promise<string> {
  for (const frame of page.frames()) {
    const text = await frame
      .locator('.markdown-body')
      .first()
      .textContent({ timeout: 500 })
      .catch(() => null);
    if (text) return text;
  }
  return '';
}

/** The text of every editor line of the active editor (Monaco renders the visible lines). */
async function editorText(page: Page): Promise<string> {
  return page
    .locator('.editor-group-container.active .view-lines .view-line')
    .evaluateAll((lines) => lines.map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n'));
}

before(async () => {
  cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  session = await startE2eSession({
    name: 'diagnose',
    userSettings: {
      'etcdInspector.clusters': [{ name: 'prod', endpoints: cluster.endpoints }],
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

test('Diagnose Cluster: quorum lost — the report names the cause first, the notification opens the runbook step; the timeline exports in order', async () => {
  await session.step('diagnose', async (wb) => {
    const page = wb.page;
    // The tree has seen the healthy cluster before the fault, so the timeline has something to compare with.
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'prod' }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await waitFor(
      async () => (await page.locator('.part.sidebar').textContent()) ?? '',
      (t) => /3\/3 healthy/.test(t),
      UI_TIMEOUT_MS,
    );
    await cluster.kill('etcd-1');
    await cluster.kill('etcd-2');
    await waitFor(
      async () => (await page.locator('.part.sidebar').textContent()) ?? '',
      (t) => /NO LEADER/.test(t),
      UI_TIMEOUT_MS,
    );

    await runCommand(page, 'etcd Inspector: Diagnose Cluster');
    const report = await waitFor(
      () => previewText(page),
      (t) => /Why is there no leader\?/.test(t),
      UI_TIMEOUT_MS,
    );
    await wb.screenshot('diagnose-report');
    assert.match(
      report,
      /No leader: quorum lost — 2 of 3 voting members down \(etcd-1: connection refused \(etcd not running or wrong port\) since \d\d:\d\d:\d\d UTC, etcd-2: connection refused/,
    );
    assert.match(report, /1\. quorum — CONFIRMED/);
    assert.match(report, /Timeline \(newest last\)/);
    assert.match(report, /member-down · etcd-1 down/);

    const toast = page.locator('.notification-toast', { hasText: 'No leader: quorum lost' });
    await toast.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await toast.locator('.monaco-button', { hasText: 'Open Step 5: Fix Quorum Loss' }).click();
    const step = await waitFor(
      () => editorText(page),
      (t) => /# Step 5: Fix Quorum Loss — cluster "prod"/.test(t),
      UI_TIMEOUT_MS,
    );
    assert.match(step, /Step 5: Fix Quorum Loss/);

    await runCommand(page, 'etcd Inspector: Export Cluster Timeline');
    const json = await waitFor(
      () => editorText(page),
      (t) => /"cluster": "prod"/.test(t) && /leader-lost/.test(t),
      UI_TIMEOUT_MS,
    );
    await wb.screenshot('diagnose-timeline');
    const kinds = [...json.matchAll(/"kind": "([a-z-]+)"/g)].map((m) => m[1]);
    assert.ok(kinds.includes('member-down') && kinds.includes('leader-lost'), kinds.join(', '));
  });
});
