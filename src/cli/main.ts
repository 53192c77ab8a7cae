// The etcd-inspector command line. Subcommands are dispatched from here; each lives in its own module.
import { runCli } from './cli';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`etcd-inspector: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
