// Guaranteed cleanup for everything a test starts: processes are killed and folders removed when the
// test calls dispose(), and, as a last resort, when the test process exits for any reason.
import { rmSync } from 'node:fs';

const pids = new Set<number>();
const dirs = new Set<string>();

/** Remembers a process to kill on exit; returns a function that forgets it. */
export function trackProcess(pid: number): () => void {
  pids.add(pid);
  return () => pids.delete(pid);
}

/** Remembers a folder to remove on exit; returns a function that forgets it. */
export function trackDir(dir: string): () => void {
  dirs.add(dir);
  return () => dirs.delete(dir);
}

function killAll(): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  pids.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}
