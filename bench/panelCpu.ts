// CPU of VS Code's extension host with the status panel open (its metric charts fed by every refresh) against
// the panel closed, on a healthy 5-member etcd 3.5 cluster refreshing at the default interval (10 s).
//   npm run bench:panel   (packages the extension first; about 6 minutes)
// The packaged extension runs in code-server, driven by Chromium (the e2e harness). Three phases of a minute,
// alternating round after round so that the machine's own load spreads over all of them: idle (the Explorer
// shown, so nothing refreshes), refreshing (the Clusters view shown, the panel closed), and the panel open (the
// Clusters view still shown): the last two refresh alike, so their difference is what the panel costs in the
// extension host (view-models with the chart series, posts to the webview), not the refreshes themselves.
// CPU time is utime + stime of the extension host process (/proc/<pid>/stat), found by its command line
// (--type=extensionHost) among the processes under this code-server. Writes the table README shows
// (bench/figures.ts).
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { EtcdCluster } from '../test/harness/etcdCluster';
import {
  findVsix,
  openViewContainer,
  openWorkbench,
  readCodeServerInstall,
  runCommand,
  startCodeServer,
  waitFor,
} from '../test/e2e/harness/codeServer';
import { measuredOn, median, publish } from './figures';

/** Length of one measured phase. */
const PHASE_MS = 60_000;
/** Rounds of (idle, refreshing, panel open); BENCH_PANEL_ROUNDS overrides. */
const ROUNDS = Number(process.env.BENCH_PANEL_ROUNDS ?? 3);
/** Time for the state to settle after the panel opens or closes, before a phase is measured. */
const SETTLE_MS = 5_000;
const UI_TIMEOUT_MS = 60_000;

/** Runs a command to its end and returns its stdout, asynchronously. */
function output(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`${file} exited ${code}`))));
  });
}

/** /proc/<pid>/stat's fields after the command name (which may hold spaces and parentheses). */
async function statFields(pid: number): Promise<string[]> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
async function cpuTicks(pid: number): Promise<number> {
  const fields = await statFields(pid);
  // fields[0] is field 3 (state): field n is fields[n - 3].
  return Number(fields[11]) + Number(fields[12]);
}

async function cmdline(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
}

/** The extension host of the code-server whose command line names `userDataDir` (other servers may be running). */
async function extensionHostPid(userDataDir: string): Promise<number> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  for (const pid of pids) {
    if (!/--type=extensionHost/.test(await cmdline(pid))) continue;
    // Walk up to the server: its command line names our user-data-dir.
    for (let p = pid, hops = 0; p > 1 && hops < 10; hops++) {
      if ((await cmdline(p)).includes(userDataDir)) return pid;
      p = Number((await statFields(p).catch(() => []))[1] ?? 0);
    }
  }
  throw new Error(`no extension host (--type=extensionHost) under the code-server of ${userDataDir}`);
}

/** The status panel's document (VS Code nests a webview in two iframes), or undefined when it is closed. */
async function panelFrame(page: Page): Promise<Frame | undefined> {
  const outer = await (
    await page
      .locator('iframe.webview')
      .first()
      .elementHandle({ timeout: 1000 })
      .catch(() => null)
  )?.contentFrame();
  const inner = await (
    await outer
      ?.locator('#active-frame')
      .elementHandle({ timeout: 1000 })
      .catch(() => null)
  )?.contentFrame();
  return inner ?? undefined;
}

/** The points of the first chart (0 when the panel is closed or not drawn yet). */
async function chartPoints(page: Page): Promise<number> {
  const frame = await panelFrame(page);
  if (!frame) return 0;
  return Number(await frame.evaluate(`document.querySelector('.chart-plot')?.dataset.points ?? 0`).catch(() => 0));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What is shown while a phase runs. */
type PhaseKind = 'idle' | 'refreshing' | 'panel';

const PHASE_TEXT: Record<PhaseKind, string> = {
  idle: 'idle: Explorer shown, nothing refreshes',
  refreshing: 'Clusters view shown, status panel closed',
  panel: 'Clusters view shown, status panel open (charts fed by every refresh)',
};

interface Phase {
  kind: PhaseKind;
  cpuMs: number;
  /** Chart points added while it ran (open phases: one per refresh). */
  points: number;
}

async function main(): Promise<void> {
  const ticksPerSecond = Number(await output('getconf', ['CLK_TCK']));
  const cluster = await EtcdCluster.start({ version: '3.5', size: 5 });
  const workspaceDir = mkdtempSync(join(tmpdir(), 'etcd-bench-panel-'));
  const server = await startCodeServer({
    vsixPath: findVsix(),
    workspaceDir,
    // The default refresh interval (10 s) and timeout: nothing of the extension's is set but the cluster.
    userSettings: { 'etcdInspector.clusters': [{ name: 'bench', endpoints: [cluster.endpoints[0]] }] },
  });
  const workbench = await openWorkbench(server.url);
  const phases: Phase[] = [];
  try {
    const page = workbench.page;
    await openViewContainer(page, 'etcd Inspector', UI_TIMEOUT_MS);
    await waitFor(
      () => page.locator('.part.sidebar .monaco-list-row').allTextContents(),
      (rows) => rows.some((r) => r.includes('5/5 healthy')),
      UI_TIMEOUT_MS,
    );
    const pid = await extensionHostPid(server.userDataDir);
    console.log(`extension host: pid ${pid}: ${(await cmdline(pid)).slice(0, 160)}`);
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ['idle', 'refreshing', 'panel'] as const) {
        if (kind === 'idle') {
          await runCommand(page, 'View: Close All Editors');
          await page.locator('iframe.webview').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
          await openViewContainer(page, 'Explorer', UI_TIMEOUT_MS);
        } else if (kind === 'refreshing') {
          await openViewContainer(page, 'etcd Inspector', UI_TIMEOUT_MS);
        } else {
          await runCommand(page, 'etcd Inspector: Open Endpoint Status');
          await waitFor(
            () => chartPoints(page),
            (n) => n > 0,
            UI_TIMEOUT_MS,
          );
        }
        await sleep(SETTLE_MS);
        const points = await chartPoints(page);
        const before = await cpuTicks(pid);
        await sleep(PHASE_MS);
        const cpuMs = ((await cpuTicks(pid)) - before) * (1000 / ticksPerSecond);
        const phase = { kind, cpuMs, points: kind === 'panel' ? (await chartPoints(page)) - points : 0 };
        phases.push(phase);
        console.log(
          `round ${round + 1}, ${PHASE_TEXT[kind]}: extension host ${cpuMs.toFixed(0)} ms CPU in ${PHASE_MS / 1000} s${kind === 'panel' ? ` (${phase.points} chart points added)` : ''}`,
        );
      }
    }
  } finally {
    await workbench.close();
    await server.stop();
    await cluster.destroy();
    rmSync(workspaceDir, { recursive: true, force: true });
  }

  const cpu = (kind: PhaseKind): number[] => phases.filter((p) => p.kind === kind).map((p) => p.cpuMs);
  const perMinute = (ms: number): string => `${ms.toFixed(0)} ms (${((ms / PHASE_MS) * 100).toFixed(1)}% of a core)`;
  const each = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(', ');
  const points = phases.filter((p) => p.kind === 'panel').map((p) => p.points);
  const rows: string[][] = (['idle', 'refreshing', 'panel'] as const).map((kind) => [
    kind === 'panel' ? `${PHASE_TEXT[kind]}, ${points.join(', ')} points a minute` : PHASE_TEXT[kind],
    perMinute(median(cpu(kind))),
    each(cpu(kind)),
  ]);
  rows.push(['the panel’s cost: open minus closed', perMinute(median(cpu('panel')) - median(cpu('refreshing'))), '']);
  console.log(rows.map((r) => r.join(' | ')).join('\n'));
  await publish(
    'panel',
    { header: ['extension host, healthy 5-member etcd 3.5, refresh every 10 s', 'CPU per minute (median)', 'each minute (ms)'], rows },
    `${measuredOn('npm run bench:panel')} code-server ${readCodeServerInstall().version} with the packaged extension; ${ROUNDS} alternating rounds of one minute each (the webview's own CPU, in the browser, is not counted).`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
