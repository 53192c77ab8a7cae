// The built command line (dist/cli.js) as users run it: a subprocess with etcdctl's environment variables
// removed (a developer's ETCDCTL_* must not reach the tests), a deadline and a large output buffer.
// ETCD_INSPECTOR_CLI points the tests at another build (used to show that they fail on the old code).
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const CLI = process.env.ETCD_INSPECTOR_CLI ?? join(__dirname, '..', '..', 'dist', 'cli.js');

/** One run: its exit status (-1: killed by the deadline or a signal), its output and its wall time. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  /** Variables added to the environment. */
  env?: Record<string, string>;
  /** More variables removed from it besides ETCDCTL_* (e.g. SSH_AUTH_SOCK). */
  unset?: string[];
  timeoutMs?: number;
}

/** The environment a run gets (for tests that spawn the CLI themselves, e.g. to signal it). */
export function cliEnv(options: Pick<CliOptions, 'env' | 'unset'> = {}): Record<string, string | undefined> {
  const kept = Object.entries(process.env).filter(([k]) => !k.startsWith('ETCDCTL') && !options.unset?.includes(k));
  return { ...Object.fromEntries(kept), ...options.env };
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: cliEnv(options), timeout: options.timeoutMs ?? 20_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

/** A run as an assertion message. */
export const showRun = (r: CliRun): string => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
