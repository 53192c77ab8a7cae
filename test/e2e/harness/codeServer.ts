// End-to-end harness: runs the packaged extension inside a real VS Code workbench (code-server, i.e.
// VS Code for the browser) and drives it with Chromium through playwright-core. code-server and the
// Node it needs come from scripts/setup-code-server.sh, which records their paths in
// $CACHE/code-server.env (the current code-server) or, with --oldest, $CACHE/code-server-oldest.env (the
// oldest one whose VS Code satisfies package.json's engines.vscode). Every server runs in a throwaway user-data-dir and extensions-dir so tests
// never see the developer's own VS Code state, and everything is torn down even if a test dies.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Paths written by scripts/setup-code-server.sh. */
export interface CodeServerInstall {
  /** The Node that code-server was built for (24 for the current one, 20 for the oldest). */
  nodeBin: string;
  codeServerEntry: string;
  codeServerBin: string;
  chromiumBin: string;
  /** As recorded by the set-up script, e.g. "4.139.1". */
  version: string;
}

/** Which install of code-server: the current one, or the oldest one the extension supports (setup-code-server.sh --oldest). */
export type CodeServerFlavor = 'current' | 'oldest';

export interface StartCodeServerOptions {
  /** Which code-server runs the extension (default: current). */
  flavor?: CodeServerFlavor;
  /** A packaged extension to install before the server starts. */
  vsixPath?: string;
  /** Folder opened as the workspace. */
  workspaceDir: string;
  /** Merged over the test defaults in <user-data-dir>/User/settings.json. */
  userSettings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host. */
  extraEnv?: Record<string, string>;
  /** How long to wait for /healthz (default 60 s). */
  startTimeoutMs?: number;
  /** A fixed loopback port (the demo); default: a free one. */
  port?: number;
}

export interface CodeServerHandle {
  /** Workbench URL with the workspace folder selected. */
  url: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  /** Everything code-server printed so far (stdout and stderr interleaved). */
  logs(): string;
  stop(): Promise<void>;
}

export interface Workbench {
  browser: Browser;
  page: Page;
  /** Browser console messages and page errors seen so far, for failure reports. */
  consoleMessages(): string[];
  close(): Promise<void>;
  /** Saves a full-page PNG under the screenshot folder and returns its path. */
  screenshot(name: string): Promise<string>;
}

const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'workbench.enableExperiments': false,
  'window.commandCenter': false,
  // The chat side bar opens by default and squeezes the editor; tests don't need it.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Nearest folder at or above the working directory that has a package.json (the repo root when run via npm or from the repo). */
export function repoRoot(): string {
  let dir = process.cwd();
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export function cacheDir(): string {
  return process.env.ETCD_INSPECTOR_CACHE ?? join(homedir(), '.cache', 'etcd-inspector');
}

/** The env file the set-up script writes for a flavor. */
export function codeServerEnvFile(flavor: CodeServerFlavor = 'current'): string {
  return join(cacheDir(), flavor === 'oldest' ? 'code-server-oldest.env' : 'code-server.env');
}

/** Reads the env file of a flavor; throws with the fix if setup has not been run. */
export function readCodeServerInstall(flavor: CodeServerFlavor = 'current'): CodeServerInstall {
  const envFile = codeServerEnvFile(flavor);
  const setup = `scripts/setup-code-server.sh${flavor === 'oldest' ? ' --oldest' : ''}`;
  if (!existsSync(envFile)) {
    throw new Error(`${envFile} not found: run ${setup} first (installs Node, code-server and Chromium)`);
  }
  const vars = new Map<string, string>();
  for (const line of readFileSync(envFile, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!.trim();
    if ((value.startsWith("'") && value.endsWith("'")) || (value.startsWith('"') && value.endsWith('"'))) {
      value = value.slice(1, -1);
    }
    vars.set(m[1]!, value);
  }
  const need = (key: string): string => {
    const value = vars.get(key);
    if (!value || !existsSync(value)) {
      throw new Error(`${envFile}: ${key} is missing or points at nothing; re-run ${setup}`);
    }
    return value;
  };
  // Env files written before NODE_BIN existed name it NODE24_BIN.
  if (!vars.has('NODE_BIN') && vars.has('NODE24_BIN')) vars.set('NODE_BIN', vars.get('NODE24_BIN') ?? '');
  return {
    nodeBin: need('NODE_BIN'),
    codeServerEntry: need('CODE_SERVER_ENTRY'),
    codeServerBin: need('CODE_SERVER_BIN'),
    chromiumBin: vars.get('CHROMIUM_BIN') || '/usr/bin/chromium',
    version: vars.get('CODE_SERVER_VERSION') ?? 'unknown',
  };
}

// ---------------------------------------------------------------------------------------------------
// Last-resort cleanup: a failed assertion or a crash must not leave servers or temp folders behind.
// ---------------------------------------------------------------------------------------------------
const liveGroups = new Set<number>();
const liveDirs = new Set<string>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // Negative pid: the whole group, so VS Code's extension host and its children go too.
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function cleanupEverything(): void {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  liveGroups.clear();
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  liveDirs.clear();
}

let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', cleanupEverything);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanupEverything();
      process.exit(130);
    });
  }
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const address = server.address();
  await new Promise<void>((res) => server.close(() => res()));
  if (address === null || typeof address === 'string') throw new Error('could not read a bound port');
  return address.port;
}

/** Environment for code-server: the caller's, minus what would leak the test runner or a host VS Code into it. */
function serverEnv(root: string, extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // NODE_OPTIONS may carry tsx's loader; NODE_TEST_CONTEXT would make node:test in any child
    // report to our runner; VSCODE_* / ELECTRON_* come from a developer's integrated terminal.
    if (key === 'NODE_OPTIONS' || key === 'NODE_TEST_CONTEXT' || key.startsWith('VSCODE_') || key.startsWith('ELECTRON_')) continue;
    env[key] = value;
  }
  // code-server writes a default config and other state under the XDG folders; keep them in the temp root.
  env.XDG_CONFIG_HOME = join(root, 'xdg-config');
  env.XDG_DATA_HOME = join(root, 'xdg-data');
  env.XDG_CACHE_HOME = join(root, 'xdg-cache');
  // An empty gallery turns the marketplace off: this machine has no route to it, and tests must
  // not depend on (or wait for) anything outside loopback.
  env.EXTENSIONS_GALLERY = '{}';
  return { ...env, ...extra };
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((res, rej) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (error) rej(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${output}`));
      else res(output);
    });
  });
}

/** Keeps the tail of a noisy log so a long test cannot grow memory without bound. */
class LogBuffer {
  private text = '';
  constructor(private readonly limit = 2 * 1024 * 1024) {}
  append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.limit) this.text = this.text.slice(this.text.length - this.limit);
  }
  toString(): string {
    return this.text;
  }
}

async function waitForHealthz(port: number, child: ChildProcess, logs: LogBuffer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before answering /healthz:\n${logs.toString()}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms (last: ${lastError}):\n${logs.toString()}`);
}

export async function startCodeServer(opts: StartCodeServerOptions): Promise<CodeServerHandle> {
  const install = readCodeServerInstall(opts.flavor);
  installExitHook();

  const root = mkdtempSync(join(tmpdir(), 'etcd-inspector-code-server-'));
  liveDirs.add(root);
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const configFile = join(root, 'config.yaml');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), `${JSON.stringify({ ...DEFAULT_SETTINGS, ...opts.userSettings }, null, 2)}\n`);
  // An explicit config stops code-server from generating one with a random password.
  writeFileSync(configFile, 'auth: none\ncert: false\n');

  const env = serverEnv(root, opts.extraEnv);
  const workspaceDir = resolve(opts.workspaceDir);
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  try {
    if (opts.vsixPath !== undefined) {
      const vsix = resolve(opts.vsixPath);
      if (!existsSync(vsix)) throw new Error(`vsix not found: ${vsix}`);
      const output = await run(install.nodeBin, [install.codeServerEntry, ...common, '--force', '--install-extension', vsix], env, 120_000);
      // code-server exits 0 even for some failed installs, so check that something landed.
      const installed = readdirSync(extensionsDir).filter((name) => !name.startsWith('.') && name !== 'extensions.json');
      if (installed.length === 0) throw new Error(`installing ${vsix} left ${extensionsDir} empty:\n${output}`);
    }
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    liveDirs.delete(root);
    throw error;
  }

  const logs = new LogBuffer();
  let lastError: unknown;
  // The free port is released before code-server binds it, so another process can win the race; retry then.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = opts.port ?? (await freeLoopbackPort());
    const child = spawn(
      install.nodeBin,
      [
        install.codeServerEntry,
        ...common,
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--ignore-last-opened',
        workspaceDir,
      ],
      // detached: its own process group, so stop() can take down the extension host and anything it spawned.
      { env, cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (child.pid === undefined) throw new Error(`could not spawn ${install.nodeBin}`);
    const pid = child.pid;
    liveGroups.add(pid);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => logs.append(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => logs.append(chunk));
    const exited = new Promise<void>((res) => child.once('exit', () => res()));

    const stopServer = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      // The leader is gone; make sure no straggler of its group survives.
      killGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
    };

    try {
      await waitForHealthz(port, child, logs, opts.startTimeoutMs ?? 60_000);
    } catch (error) {
      await stopServer();
      lastError = error;
      if (/EADDRINUSE/.test(logs.toString())) continue;
      break;
    }

    let stopped = false;
    return {
      url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspaceDir)}`,
      port,
      userDataDir,
      extensionsDir,
      logs: () => logs.toString(),
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await stopServer();
        rmSync(root, { recursive: true, force: true });
        liveDirs.delete(root);
      },
    };
  }
  rmSync(root, { recursive: true, force: true });
  liveDirs.delete(root);
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** Opens the workbench in headless Chromium and waits until it has rendered. */
export async function openWorkbench(
  url: string,
  opts: { screenshotDir?: string; timeoutMs?: number; flavor?: CodeServerFlavor } = {},
): Promise<Workbench> {
  const install = readCodeServerInstall(opts.flavor);
  const screenshotDir = opts.screenshotDir ?? join(repoRoot(), 'test-results');
  const browser = await chromium.launch({ executablePath: install.chromiumBin, headless: true, args: CHROMIUM_ARGS });
  const messages: string[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('console', (message) => messages.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => messages.push(`[pageerror] ${error.message}`));
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: opts.timeoutMs ?? 60_000 });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 60_000 });
    // The workbench shell renders before its parts are restored; the activity bar is one of the last.
    await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 60_000 });
    return {
      browser,
      page,
      consoleMessages: () => [...messages],
      close: () => browser.close(),
      screenshot: async (name: string) => {
        mkdirSync(screenshotDir, { recursive: true });
        const file = join(screenshotDir, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
        await page.screenshot({ path: file, fullPage: true });
        return file;
      },
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** Runs a command from the command palette by its title ("Category: Title"), as a user would. */
export async function runCommand(page: Page, title: string, timeoutMs = 15_000): Promise<void> {
  await page.keyboard.press('F1');
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  // F1 opens the palette with '>' already typed; keep it so the palette stays in command mode.
  await input.fill(`>${title}`);
  const match = widget.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await match.waitFor({ state: 'visible', timeout: timeoutMs });
  // Enter runs the focused row, which is normally the best match; a recently used command can
  // outrank it, so click the matching row instead when focus is elsewhere.
  const focused = widget.locator('.quick-input-list .monaco-list-row.focused', { hasText: title });
  if ((await focused.count()) > 0) await page.keyboard.press('Enter');
  else await match.click();
  await input.waitFor({ state: 'hidden', timeout: timeoutMs }).catch(() => undefined);
}

/**
 * The activity bar item of a view container. Its aria-label is the title, followed by the keybinding
 * in parentheses when it has one ("Explorer (Ctrl+Shift+E)"); the label sits on the inner <a>, while
 * the <li> only carries it once selected.
 */
export function activityBarItem(page: Page, title: string): Locator {
  const escaped = title.replace(/"/g, '\\"');
  return page
    .locator('.part.activitybar li.action-item')
    .filter({ has: page.locator(`a.action-label[aria-label="${escaped}"], a.action-label[aria-label^="${escaped} ("]`) })
    .first();
}

/** Shows a view container by clicking its activity bar item, and waits until the side bar shows it. */
export async function openViewContainer(page: Page, title: string, timeoutMs = 15_000): Promise<void> {
  const item = activityBarItem(page, title);
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  // Clicking the item of the container already shown would hide the side bar instead.
  const sideBarVisible = await page.locator('.part.sidebar').isVisible();
  if (!sideBarVisible || (await item.getAttribute('aria-selected')) !== 'true') await item.click();
  // Single-view containers are titled "<container>: <view>", others just "<container>".
  await page.locator('.part.sidebar .composite.title h2', { hasText: title }).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * A view (pane) inside the side bar, found by its name. When a container has a single view, VS Code
 * hides the pane header and shows "Container: View" as the side bar title instead, but the pane and
 * its (hidden) header with aria-label "<name> Section" are still there.
 */
export function viewPane(page: Page, name: string): Locator {
  const escaped = name.replace(/"/g, '\\"');
  return page.locator('.part.sidebar .pane', { has: page.locator(`.pane-header[aria-label="${escaped} Section"]`) }).first();
}

/** Names of the channels in the Output panel's channel picker (opens the Output panel). */
export async function outputChannels(page: Page, timeoutMs = 15_000): Promise<string[]> {
  await runCommand(page, 'Output: Focus on Output View', timeoutMs);
  // The picker is rendered twice (panel title bar and the hidden pane header); both list the same channels.
  const picker = page.locator('.part.panel select[aria-label="Switch Output"]').first();
  await picker.waitFor({ state: 'attached', timeout: timeoutMs });
  return picker.locator('option:not([disabled])').evaluateAll((options) => options.map((o) => o.getAttribute('value') ?? ''));
}

/** Text of the Output panel's editor as rendered (only the visible lines). */
export async function outputText(page: Page): Promise<string> {
  // Monaco renders spaces as U+00A0.
  const text = await page.locator('.part.panel .monaco-editor .view-lines').first().innerText();
  return text.replace(/\u00a0/g, ' ');
}

/** Polls probe() until accept() holds or the time is up; returns the last value either way so the caller's assertion reports it. */
export async function waitFor<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() >= deadline) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The packaged extension to test: $ETCD_INSPECTOR_VSIX, else the newest *.vsix in the repository root. */
export function findVsix(): string {
  const fromEnv = process.env.ETCD_INSPECTOR_VSIX;
  if (fromEnv) return resolve(fromEnv);
  const root = repoRoot();
  const candidates = readdirSync(root)
    .filter((name) => name.endsWith('.vsix'))
    .map((name) => join(root, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (candidates.length === 0) throw new Error(`no .vsix in ${root}: run \`npm run package\` first, or set ETCD_INSPECTOR_VSIX`);
  return candidates[0];
}
