// The etcd-inspector command line. Subcommands are dispatched from here; each lives in its own module.
import { runCli } from './cli';
import './status';
import './lint';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    // Exit as soon as the output is flushed: gRPC channels to a hung member would otherwise keep the
    // process alive while they close.
    process.stdout.write('', () => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`etcd-inspector: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
