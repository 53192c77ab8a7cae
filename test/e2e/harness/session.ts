// One e2e session: a temp workspace with the given files, code-server with the packaged extension, and
// Chromium on the workbench; step() wraps a test body so that a failure carries a screenshot, the
// code-server log tail and the browser console tail.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findVsix, openWorkbench, startCodeServer, type CodeServerFlavor, type CodeServerHandle, type Workbench } from './codeServer';

/** A running e2e session. */
export interface E2eSession {
  server: CodeServerHandle;
  workbench: Workbench;
  workspaceDir: string;
  /** Runs a test body; on failure the error says where the screenshot is and what the server and browser logged. */
  step(name: string, body: (wb: Workbench) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export async function startE2eSession(options: {
  name: string;
  files?: Record<string, string>;
  userSettings?: Record<string, unknown>;
  /** Which code-server (default: current). */
  flavor?: CodeServerFlavor;
}): Promise<E2eSession> {
  const workspaceDir = mkdtempSync(join(tmpdir(), `etcd-inspector-e2e-${options.name}-`));
  for (const [file, text] of Object.entries(options.files ?? {})) writeFileSync(join(workspaceDir, file), text);
  let server: CodeServerHandle | undefined;
  try {
    server = await startCodeServer({ vsixPath: findVsix(), workspaceDir, userSettings: options.userSettings, flavor: options.flavor });
    const workbench = await openWorkbench(server.url, { flavor: options.flavor });
    const started = server;
    return {
      server: started,
      workbench,
      workspaceDir,
      async step(name, body) {
        try {
          await body(workbench);
        } catch (error) {
          const shot = await workbench
            .screenshot(`${options.name}-failure-${name}`)
            .catch((e: unknown) => `(screenshot failed: ${String(e)})`);
          const message = error instanceof Error ? error.message : String(error);
          throw new Error(
            `${name}: ${message}\nscreenshot: ${shot}\n--- code-server log (tail) ---\n${started.logs().slice(-4000)}\n--- browser console (tail) ---\n${workbench.consoleMessages().slice(-30).join('\n')}`,
            { cause: error },
          );
        }
      },
      async close() {
        await workbench.close();
        await started.stop();
        rmSync(workspaceDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.stop();
    rmSync(workspaceDir, { recursive: true, force: true });
    throw error;
  }
}
