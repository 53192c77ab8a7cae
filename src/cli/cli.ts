// Argument dispatch of the etcd-inspector command line, separate from main.ts so tests can run it in-process.

/** Where the CLI writes. */
export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

/** Exit codes shared by every subcommand. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const USAGE = `Usage: etcd-inspector <command> [options]

Commands:
  status    endpoint status, health, alarms and the runbook checklist of a cluster
  lint      check etcd configuration files (env-style etcd.conf or YAML --config-file)
  diagnose  status plus the suggested runbook steps for every failing check
            (--ssh: plus clocks, connectivity between the member hosts and log findings over SSH)
  logs      every member's etcd log over SSH, with a summary of the runbook's patterns per member
  alerts    Prometheus alerting rules for etcd (etcd's mixin thresholds, the runbook steps to follow)

Runbook actions (without --yes a mutating one prints its plan and changes nothing):
  defrag       rolling defragment, optionally compacting first, the leader last
  alarm        list the alarms | disarm NOSPACE once every db has room below its quota
  move-leader  move leadership to a member (default: the most caught-up follower)
  member       add a member (a learner by default) | remove | promote a learner
  snapshot     save a snapshot to a file, with its sha256 and a restore guide
  hashkv       compare the hash of every voting member's keys at one revision
  verify       put, get and delete a key: does the cluster take writes?
  recover      print the quorum-loss recovery guide for this cluster

Run "etcd-inspector <command> --help" for a command's options.
`;

/** The runbook action commands, all served by actions.ts (listed here so main.ts need not load it). */
export const ACTION_COMMANDS = ['defrag', 'alarm', 'move-leader', 'member', 'snapshot', 'hashkv', 'verify', 'recover'] as const;

type Command = (args: string[], io: CliIo) => Promise<number>;
const COMMANDS: Record<string, Command> = {};

/** Registers a subcommand; each command module calls this. */
export function registerCommand(name: string, command: Command): void {
  COMMANDS[name] = command;
}

export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`etcd-inspector: unknown command "${name}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  return command(rest, io);
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';
