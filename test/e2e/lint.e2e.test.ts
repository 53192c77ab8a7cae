// The configuration linter in a real VS Code workbench (code-server): a bad etcd.conf gets a squiggle under the
// value it is about and a Problems entry with etcd's message, a quick fix chosen from the lightbulb menu rewrites
// the value and the diagnostic goes away (from a Problems list that is shown and still lists the file's other
// finding, so an empty or hidden list cannot pass); an etcd YAML config gets diagnostics too; "Generate Member
// Configuration" writes the runbook's step-6 config for a joining member into a new document.
//
// Needs scripts/setup-code-server.sh and a packaged .vsix (npm run package, or ETCD_INSPECTOR_VSIX).
// Run: ETCD_INSPECTOR_VSIX=$PWD/etcd-inspector.vsix node --import tsx --test test/e2e/lint.e2e.test.ts
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { runCommand, waitFor, type Workbench } from './harness/codeServer';
import { startE2eSession, type E2eSession } from './harness/session';

const UI_TIMEOUT_MS = 60_000;
const FIX_TITLE = 'Set election timeout to 5000 ms (10 x heartbeat)';

const ENV_CONF = [
  'ETCD_NAME=infra0',
  'ETCD_DATA_DIR=/var/lib/etcd',
  'ETCD_LISTEN_PEER_URLS=http://127.0.0.1:2380',
  'ETCD_INITIAL_ADVERTISE_PEER_URLS=http://127.0.0.1:2380',
  'ETCD_INITIAL_CLUSTER=infra0=http://127.0.0.1:2380,infra1=http://127.0.0.2:2380,infra2=http://127.0.0.3:2380',
  'ETCD_INITIAL_CLUSTER_TOKEN=etcd-cluster-1',
  'ETCD_HEARTBEAT_INTERVAL=500',
  'ETCD_ELECTION_TIMEOUT=2000',
  // A typo the quick fix leaves alone: its warning stays in the Problems list.
  'ETCD_SNAPSHOT_COUNTT=10000',
  '',
].join('\n');
const ELECTION_LINE = 8; // 1-based, as Go to Line wants it

const YAML_CONF = ['name: infra0', 'heartbeat-interval: 100ms', 'election-timeout: 1000', ''].join('\n');

let session: E2eSession | undefined;

before(async () => {
  session = await startE2eSession({ name: 'lint', files: { 'etcd.conf': ENV_CONF, 'etcd.conf.yml': YAML_CONF } });
});

after(async () => {
  await session?.close();
});

/** Runs one step; on failure the error carries a screenshot path and the server and browser log tails. */
function step(name: string, body: (wb: Workbench) => Promise<void>): Promise<void> {
  assert.ok(session, 'workbench did not open');
  return session.step(name, body);
}

/** Opens a workspace file through Quick Open, as a user would. */
async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  await input.fill(name);
  // "etcd.conf" also matches etcd.conf.yml, which ranks first once it was opened: pick the exact name.
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const firstLine = (els: Element[]): string[] => els.map((r) => (r as unknown as { innerText: string }).innerText.split('\n')[0].trim());
  const names = await waitFor(
    () => rows.evaluateAll(firstLine),
    (n) => n.includes(name),
    UI_TIMEOUT_MS,
  );
  assert.ok(names.includes(name), `Quick Open offers: ${names.join(', ')}`);
  await rows.nth(names.indexOf(name)).click();
  // The window title starts with the active editor's name ("etcd.conf - <folder> - code-server", "● " when dirty).
  const title = await waitFor(
    () => page.title(),
    (t) => t.replace(/^● /, '').startsWith(`${name} - `),
    UI_TIMEOUT_MS,
  );
  assert.ok(title.replace(/^● /, '').startsWith(`${name} - `), `window title: ${title}`);
}

/** The active editor's text as rendered (Monaco renders spaces as U+00A0). */
async function editorText(page: Page): Promise<string> {
  const text = await page.locator('.part.editor .editor-group-container.active .monaco-editor .view-lines').first().innerText();
  return text.replace(/\u00a0/g, ' ');
}

/** The Problems panel's rows (message, code and position as rendered), or undefined while the panel is not
 * shown: a hidden list has no rows, and must never pass for an empty one. */
async function problems(page: Page): Promise<string[] | undefined> {
  if (!(await page.locator('.part.panel .markers-panel').isVisible())) return undefined;
  return page
    .locator('.part.panel .markers-panel .monaco-list-row')
    .evaluateAll((rows) => rows.map((r) => (r as unknown as { innerText: string }).innerText));
}

/** Shows the Problems panel (toggling it only when it is not shown already). */
async function showProblems(page: Page): Promise<void> {
  if (!(await page.locator('.part.panel .markers-panel').isVisible())) await runCommand(page, 'View: Toggle Problems');
  await page.locator('.part.panel .markers-panel').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
}

/** The parts of the DOM the squiggle geometry needs (the test's TypeScript has no DOM library). */
interface Rect {
  top: number;
  left: number;
  right: number;
  width: number;
}
interface DomElement {
  getBoundingClientRect(): Rect;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  firstElementChild: DomElement | null;
  textContent: string | null;
}

/** Where the error squiggles of the active editor are: the text of the line each sits on and the columns it
 * spans (0-based, end exclusive), from where Monaco drew it next to the rendered line (a monospace font). */
async function errorSquiggles(page: Page): Promise<{ line: string; from: number; to: number }[]> {
  return page
    .locator('.part.editor .editor-group-container.active .monaco-editor')
    .first()
    .evaluate((node) => {
      const editor = node as unknown as DomElement;
      const lines = Array.from(editor.querySelectorAll('.view-lines .view-line')).map((l) => {
        // The line's element is as wide as the editor; its first span is as wide as its text.
        const text = (l.textContent ?? '').replace(/\u00a0/g, ' ');
        const span = (l.firstElementChild ?? l).getBoundingClientRect();
        return { top: l.getBoundingClientRect().top, left: span.left, charWidth: text.length > 0 ? span.width / text.length : 1, text };
      });
      return Array.from(editor.querySelectorAll('.view-overlays .squiggly-error')).map((s) => {
        const r = s.getBoundingClientRect();
        const line = lines.find((l) => Math.abs(l.top - r.top) < 2);
        if (!line) return { line: '(no rendered line at this height)', from: -1, to: -1 };
        return {
          line: line.text,
          from: Math.round((r.left - line.left) / line.charWidth),
          to: Math.round((r.right - line.left) / line.charWidth),
        };
      });
    });
}

test("a bad etcd.conf shows a squiggle and a Problems entry with etcd's own message", async () => {
  await step('squiggle', async (wb) => {
    const { page } = wb;
    await openFile(page, 'etcd.conf');
    await page.locator('.part.editor .monaco-editor .squiggly-error').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    // The one error squiggle sits under the election timeout's value "2000" (line 8, columns 22-26), the
    // range the rule reports: not merely somewhere in the file.
    assert.deepEqual(await errorSquiggles(page), [{ line: 'ETCD_ELECTION_TIMEOUT=2000', from: 22, to: 26 }]);
    await showProblems(page);
    const rows = await waitFor(
      () => problems(page),
      (r) => r?.some((x) => x.includes('election-timeout-ratio')) === true,
      UI_TIMEOUT_MS,
    );
    const row = rows?.find((x) => x.includes('election-timeout-ratio'));
    assert.ok(row, `Problems: ${rows?.join(' | ') ?? '(panel not shown)'}`);
    assert.match(row, /\[Ln 8, Col 23\]/);
    assert.match(row, /should be at least as 5 times as --heartbeat-interval\[500ms\]/);
    await wb.screenshot('lint-squiggle');
  });
});

test('the quick fix chosen from the Ctrl+. menu sets the election timeout and clears the error', async () => {
  await step('quickfix', async (wb) => {
    const { page } = wb;
    await page.locator('.part.editor .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget .quick-input-box input').fill(`:${ELECTION_LINE}:26`);
    await page.keyboard.press('Enter');
    const item = page.locator('.action-widget .monaco-list-row', { hasText: FIX_TITLE }).first();
    // The code actions for the cursor position arrive from the language server asynchronously; if the menu
    // opened before they did (or the keystroke beat the cursor move), close it and ask again.
    for (let attempt = 0; attempt < 6; attempt++) {
      await page.keyboard.press('Control+.');
      if (
        await item.waitFor({ state: 'visible', timeout: 10_000 }).then(
          () => true,
          () => false,
        )
      )
        break;
      await page.keyboard.press('Escape');
    }
    await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await wb.screenshot('lint-quickfix');
    await item.click();
    const text = await waitFor(
      () => editorText(page),
      (t) => t.includes('ETCD_ELECTION_TIMEOUT=5000'),
      UI_TIMEOUT_MS,
    );
    assert.match(text, /ETCD_ELECTION_TIMEOUT=5000/);
    assert.doesNotMatch(text, /ETCD_ELECTION_TIMEOUT=2000/);
    // The list must be shown and still hold the file's other finding (the unknown key), so that it is known to
    // list this file's problems: then the error's absence means the error is gone.
    await showProblems(page);
    const typo = (x: string): boolean => x.includes('unknown-key') && x.includes('ETCD_SNAPSHOT_COUNTT');
    const rows = await waitFor(
      () => problems(page),
      (r) => r !== undefined && r.some(typo) && !r.some((x) => x.includes('election-timeout')),
      UI_TIMEOUT_MS,
    );
    assert.ok(rows, 'the Problems panel is not shown');
    assert.ok(rows.some(typo), `Problems: ${rows.join(' | ')}`);
    assert.ok(!rows.some((x) => x.includes('election-timeout')), `Problems: ${rows.join(' | ')}`);
    const squiggles = await waitFor(
      () => errorSquiggles(page),
      (n) => n.length === 0,
      UI_TIMEOUT_MS,
    );
    assert.deepEqual(squiggles, []);
    // The typo's warning squiggle is still drawn: the editor shows decorations, it just has no error left.
    assert.ok((await page.locator('.part.editor .monaco-editor .view-overlays .squiggly-warning').count()) > 0);
  });
});

test('an etcd YAML config (etcd.conf.yml) gets diagnostics too', async () => {
  await step('yaml', async ({ page }) => {
    await openFile(page, 'etcd.conf.yml');
    await page.locator('.part.editor .monaco-editor .squiggly-error').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.deepEqual(await errorSquiggles(page), [{ line: 'heartbeat-interval: 100ms', from: 20, to: 25 }]);
    await showProblems(page);
    const heartbeat = (x: string): boolean => x.includes('invalid-value') && x.includes('configYAML.heartbeat-interval');
    const rows = await waitFor(
      () => problems(page),
      (r) => r?.some(heartbeat) === true,
      UI_TIMEOUT_MS,
    );
    assert.ok(rows?.some(heartbeat), `Problems: ${rows?.join(' | ') ?? '(panel not shown)'}`);
  });
});

test('"Generate Member Configuration" writes a joining member\'s config into a new document', async () => {
  await step('generate', async (wb) => {
    const { page } = wb;
    // Back to etcd.conf (the first tab; it holds the quick fix unsaved), whose cluster settings carry over.
    await page.locator('.tabs-container .tab').first().click();
    const title = await waitFor(
      () => page.title(),
      (t) => t.replace(/^● /, '').startsWith('etcd.conf - '),
      UI_TIMEOUT_MS,
    );
    assert.ok(title.replace(/^● /, '').startsWith('etcd.conf - '), `window title: ${title}`);
    await runCommand(page, 'etcd Inspector: Generate Member Configuration');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await page.locator('.quick-input-widget', { hasText: 'Name of the new member' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await input.fill('infra3');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'Peer URL of infra3' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await input.fill('http://127.0.0.4:2380');
    await page.keyboard.press('Enter');
    // An untitled tab is titled after its first line, so wait for the text rather than the tab.
    const text = await waitFor(
      () => editorText(page),
      (t) => t.includes('ETCD_INITIAL_CLUSTER_STATE') && t.includes('ETCD_NAME=infra3'),
      UI_TIMEOUT_MS,
    );
    assert.match(text, /^ETCD_NAME=infra3$/m);
    assert.match(text, /^ETCD_INITIAL_CLUSTER=.*infra0=http:\/\/127\.0\.0\.1:2380.*infra3=http:\/\/127\.0\.0\.4:2380/m);
    assert.match(text, /^ETCD_INITIAL_CLUSTER_STATE=existing$/m);
    assert.match(text, /^ETCD_INITIAL_ADVERTISE_PEER_URLS=http:\/\/127\.0\.0\.4:2380$/m);
    // Cluster-wide settings carry over from the etcd.conf in the editor (after the quick fix above).
    assert.match(text, /^ETCD_INITIAL_CLUSTER_TOKEN=etcd-cluster-1$/m);
    assert.match(text, /^ETCD_ELECTION_TIMEOUT=5000$/m);
    await wb.screenshot('lint-generate-member');
  });
});
