// The etcd-inspector command line. Subcommands are dispatched from here; each lives in its own module.
//
// The exit status is the CLI's promise to scripts and CI: 0 means a complete result was printed and every
// check passed. So it starts as failure, and only a command that ran to its end sets it. If Node's event
// loop ever empties while a command is still pending (a bug: some awaited work was left with nothing to
// wake it), the beforeExit guard says so and exits 2 instead of letting Node exit with 0.
import { ACTION_COMMANDS, registerCommand, runCli } from './cli';
import { codeCacheDir, useCodeCache } from './codeCache';
import { syncWriter } from './stdio';

// The command bundles' compiled code is kept between runs (codeCache.ts), on every Node version.
const codeCache = process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : useCodeCache(__dirname, codeCacheDir);

// Each command's module (and what it imports: the gRPC client and protobufjs's runtime for status, the rule
// engine for lint) is loaded only when that command runs; loading all of them cost every run about 200 ms. The build
// makes each one a bundle of its own (esbuild.config.mjs, CLI_COMMANDS), so `--help` compiles only this.
registerCommand('status', async (args, io) => (await import('./status.js')).statusCommand(args, io, false));
registerCommand('diagnose', async (args, io) =>
  // With --ssh the SSH layer (ssh2) is needed: its own bundle, so plain diagnose never loads it.
  args.includes('--ssh')
    ? (await import('./ssh.js')).diagnoseSshCommand(args, io)
    : (await import('./status.js')).statusCommand(args, io, true),
);
registerCommand('logs', async (args, io) => (await import('./ssh.js')).logsCommand(args, io));
registerCommand('lint', async (args, io) => (await import('./lint.js')).runLint(args, io));
registerCommand('alerts', async (args, io) => (await import('./alerts.js')).alertsCommand(args, io));
// The runbook actions share one bundle (dist/cli-actions.js); the list is cli.ts's, kept free of their imports.
for (const name of ACTION_COMMANDS) {
  registerCommand(name, async (args, io) => (await import('./actions.js')).actionCommand(name, args, io));
}

// Written synchronously (stdio.ts): Node's process.stdout and process.stderr are built only if needed.
const io = { stdout: syncWriter(1, () => process.stdout), stderr: syncWriter(2, () => process.stderr) };

// An IP in TLS SNI (a --server-name given as an IP) makes Node warn (DEP0123) on every such run. The
// certificate is still verified against it; the warning tells the user nothing they can act on, so that
// one code is dropped and every other warning printed as Node would.
process.removeAllListeners('warning');
process.on('warning', (warning: Error & { code?: string }) => {
  if (warning.code === 'DEP0123') return;
  io.stderr.write(`(node:${process.pid}) ${warning.code ? `[${warning.code}] ` : ''}${warning.name}: ${warning.message}\n`);
});

const INTERNAL_ERROR = 2;
let finished = false;
process.exitCode = INTERNAL_ERROR;

process.on('beforeExit', () => {
  if (finished) return;
  finished = true;
  io.stderr.write('etcd-inspector: internal error: the command did not complete (no result was printed); please report this\n');
  process.exit(INTERNAL_ERROR);
});

runCli(process.argv.slice(2), io).then(
  (code) => {
    finished = true;
    process.exitCode = code;
    // Exit as soon as the output is flushed: gRPC channels to a hung member would otherwise keep the
    // process alive while they close.
    codeCache?.save();
    io.stdout.flush(() => io.stderr.flush(() => process.exit(code)));
  },
  (error: unknown) => {
    finished = true;
    io.stderr.write(`etcd-inspector: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(INTERNAL_ERROR);
  },
);
