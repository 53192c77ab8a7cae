// The command lines of the runbook actions (defrag, alarm, move-leader, member, snapshot, hashkv, verify,
// recover): parsed into what to do, or a usage error. Pure: no cluster is contacted here.
import { parseArgs } from 'node:util';
import { MOVE_LEADER_CHOICES, type DefragOptions } from '../../etcd/actions/defrag';
import type { AddMemberOptions } from '../../etcd/actions/members';
import { normalizeEndpoint } from '../../etcd/profile';
import type { ACTION_COMMANDS } from '../cli';
import { argumentError, CONNECTION_HELP, CONNECTION_OPTIONS } from '../status';

/** A top-level command this module serves (cli.ts lists them, main.ts registers each). */
export type ActionCommandName = (typeof ACTION_COMMANDS)[number];

/** What the command line asks for. */
export type ActionRequest =
  | { kind: 'defrag'; options: DefragOptions }
  | { kind: 'alarm-list' }
  | { kind: 'alarm-disarm'; member?: string }
  | { kind: 'move-leader'; member?: string }
  | { kind: 'member-add'; options: AddMemberOptions; configOut?: string }
  | { kind: 'member-remove'; member: string }
  | { kind: 'member-promote'; member: string }
  | { kind: 'snapshot-save'; file: string; member?: string; restoreGuide?: string; dataDirs: Record<string, string>; token?: string }
  | { kind: 'hashkv' }
  | { kind: 'verify' }
  | { kind: 'recover'; dataDirs: Record<string, string> };

/** A parsed command line. */
export interface ParsedAction {
  request: ActionRequest;
  output: 'text' | 'json';
  /** Run it; without, a mutating action prints its plan and changes nothing. */
  yes: boolean;
  /** Run even when the quorum guard refuses (ActionContext.insist). */
  force: boolean;
  /** The connection options, for profileFromArgs. */
  connection: Record<string, string | boolean | undefined>;
}

/** The outcome of parsing: the action, a request for help (exit 0), or a usage error (exit 2) with the help to show. */
export type ParseOutcome =
  { kind: 'action'; action: ParsedAction } | { kind: 'help'; text: string } | { kind: 'usage'; error: string; help: string };

const MUTATING_KINDS = ['defrag', 'alarm-disarm', 'move-leader', 'member-add', 'member-remove', 'member-promote', 'verify'] as const;

/** A request that changes the cluster: without --yes it prints its plan only. */
export type MutatingRequest = Extract<ActionRequest, { kind: (typeof MUTATING_KINDS)[number] }>;

/** Whether a request changes the cluster. */
export function isMutating(request: ActionRequest): request is MutatingRequest {
  return (MUTATING_KINDS as readonly string[]).includes(request.kind);
}

const COMMON_HELP = `${CONNECTION_HELP}  --output text|json         output format (default text); -w for short
`;
const RUN_HELP = `  --yes                      do it (without --yes the plan is printed and nothing changes)
`;
const FORCE_HELP = `  --force                    run even when the quorum guard refuses (with --yes)
`;
const EXIT_HELP = `Exit status: 0 done (or plan printed), 1 the action failed, was refused or cancelled, 2 bad arguments or no
endpoint answered. Ctrl-C stops before the next member. ETCD_INSPECTOR_READ_ONLY=1 refuses every change.
`;

/** --help of each command. */
export const ACTION_HELP: Record<ActionCommandName, string> = {
  defrag: `Usage: etcd-inspector defrag [options]

Rolling defragment: learners skipped, followers one at a time, the leader last; after each member, wait until
it is healthy and caught up again. The leader is defragmented in place (as etcdctl does) unless the followers'
defragments predict it takes longer than 5 s: then leadership first moves to the most caught-up follower.

Options:
  --compact                  compact first (to the latest revision unless --keep-... says otherwise)
  --keep-revisions N         compact, keeping the last N revisions (implies --compact)
  --keep-duration D          compact, keeping the revisions of the last D, e.g. 30m, 1h (implies --compact)
  --min-free-percent P       defragment a member only when at least P% of its db is free
  --min-quota-percent P      ...or only when its db is at least P% of its quota
  --move-leader WHEN         auto (the default), always or never: move leadership away before the leader
${RUN_HELP}${FORCE_HELP}${COMMON_HELP}
${EXIT_HELP}`,
  alarm: `Usage: etcd-inspector alarm list [options]
       etcd-inspector alarm disarm [MEMBER] [options]

list: the active alarms. disarm: the NOSPACE alarm of MEMBER (a name or hex id), by default of every member
with one; refused until every member's db is below 95% of its quota. CORRUPT is never disarmed from here.

Options:
${RUN_HELP}${COMMON_HELP}
${EXIT_HELP}`,
  'move-leader': `Usage: etcd-inspector move-leader [MEMBER] [options]

Moves leadership to MEMBER (a started voting member: name or hex id), by default the most caught-up follower.

Options:
${RUN_HELP}${FORCE_HELP}${COMMON_HELP}
${EXIT_HELP}`,
  member: `Usage: etcd-inspector member add NAME --peer-urls URL[,URL] [options]
       etcd-inspector member remove MEMBER [options]
       etcd-inspector member promote MEMBER [options]

add: adds NAME as a learner (or a voter with --voter) and prints (or writes) its etcd configuration.
remove: removes MEMBER (name or hex id); removing the leader moves leadership away first.
promote: promotes the learner MEMBER once it has caught up with the leader.

Options of add:
  --peer-urls URL[,URL]      the new member's peer URLs (required)
  --client-urls URL[,URL]    its client URLs, for the configuration
  --voter                    add it as a voting member instead of a learner
  --data-dir DIR             its data dir, for the configuration
  --token T                  the cluster's initial-cluster-token, for the configuration
  --config-out FILE          write the configuration to FILE (a new file) instead of printing it
Options:
${RUN_HELP}${FORCE_HELP}${COMMON_HELP}
${EXIT_HELP}`,
  snapshot: `Usage: etcd-inspector snapshot save FILE [--member MEMBER] [--restore-guide FILE] [options]
       etcd-inspector snapshot hashkv | verify | recover [options]   (the same as hashkv, verify, recover)

save: streams a snapshot of MEMBER's db (default: the leader's) into FILE (a new file), then prints its size
and sha256, and "etcdutl snapshot status" when etcdutl is installed.

Options of save:
  --member MEMBER            the member to take the snapshot from (name or hex id)
  --restore-guide FILE       write the restore guide (etcdutl snapshot restore for every member) to FILE
  --data-dir NAME=DIR        a member's data dir, for the guide (repeatable)
  --token T                  the new cluster token the guide uses
Options:
${COMMON_HELP}
${EXIT_HELP}`,
  hashkv: `Usage: etcd-inspector hashkv [options]

Hash-KV of every voting member at one common revision, compared between members with the same compact
revision; divergent members are named (exit 1).

Options:
${COMMON_HELP}
${EXIT_HELP}`,
  verify: `Usage: etcd-inspector verify [options]

Verify write: put, get and delete a key under /etcd-inspector/verify/, with the time each took.

Options:
${RUN_HELP}${COMMON_HELP}
${EXIT_HELP}`,
  recover: `Usage: etcd-inspector recover [--data-dir NAME=DIR ...] [options]

Prints the quorum-loss recovery guide for this cluster (markdown): which members are down and why, and
every command of each way back. It runs none of them.

Options:
  --data-dir NAME=DIR        a member's data dir, for the commands (repeatable)
${COMMON_HELP}
${EXIT_HELP}`,
};

const BASE_OPTIONS = {
  ...CONNECTION_OPTIONS,
  output: { type: 'string', short: 'w', default: 'text' },
  help: { type: 'boolean', short: 'h' },
} as const;
const RUN_OPTIONS = { yes: { type: 'boolean', short: 'y' } } as const;
const FORCE_OPTIONS = { force: { type: 'boolean' } } as const;
const DATA_DIR_OPTIONS = { 'data-dir': { type: 'string', multiple: true } } as const;

/** Options each (sub)command takes besides BASE_OPTIONS. */
const OPTIONS = {
  defrag: {
    ...RUN_OPTIONS,
    ...FORCE_OPTIONS,
    compact: { type: 'boolean' },
    'keep-revisions': { type: 'string' },
    'keep-duration': { type: 'string' },
    'min-free-percent': { type: 'string' },
    'min-quota-percent': { type: 'string' },
    'move-leader': { type: 'string' },
  },
  'alarm list': {},
  'alarm disarm': RUN_OPTIONS,
  'move-leader': { ...RUN_OPTIONS, ...FORCE_OPTIONS },
  'member add': {
    ...RUN_OPTIONS,
    ...FORCE_OPTIONS,
    'peer-urls': { type: 'string' },
    'client-urls': { type: 'string' },
    voter: { type: 'boolean' },
    'data-dir': { type: 'string' },
    token: { type: 'string' },
    'config-out': { type: 'string' },
  },
  'member remove': { ...RUN_OPTIONS, ...FORCE_OPTIONS },
  'member promote': { ...RUN_OPTIONS, ...FORCE_OPTIONS },
  'snapshot save': { member: { type: 'string' }, 'restore-guide': { type: 'string' }, token: { type: 'string' }, ...DATA_DIR_OPTIONS },
  hashkv: {},
  verify: RUN_OPTIONS,
  recover: DATA_DIR_OPTIONS,
} as const;
type Verb = keyof typeof OPTIONS;

/** Positional arguments each verb takes after its own words: [required, optional]. */
const POSITIONALS: Record<Verb, [number, number]> = {
  defrag: [0, 0],
  'alarm list': [0, 0],
  'alarm disarm': [0, 1],
  'move-leader': [0, 1],
  'member add': [1, 0],
  'member remove': [1, 0],
  'member promote': [1, 0],
  'snapshot save': [1, 0],
  hashkv: [0, 0],
  verify: [0, 0],
  recover: [0, 0],
};

const SUBCOMMANDS: Partial<Record<ActionCommandName, string[]>> = {
  alarm: ['list', 'disarm'],
  member: ['add', 'remove', 'promote'],
  snapshot: ['save', 'hashkv', 'verify', 'recover'],
};

/** Parses the arguments after the command's name. */
export function parseActionArgs(command: ActionCommandName, args: string[]): ParseOutcome {
  const help = ACTION_HELP[command];
  const usage = (error: string): ParseOutcome => ({ kind: 'usage', error, help });
  // The verb: the command itself, or its first positional word (alarm list, member add, snapshot save).
  let verb: Verb;
  let rest = args;
  const subcommands = SUBCOMMANDS[command];
  if (subcommands) {
    const at = firstPositional(args);
    if (at < 0 || !subcommands.includes(args[at])) {
      if (args.includes('--help') || args.includes('-h')) return { kind: 'help', text: help };
      return usage(
        at < 0
          ? `${command} needs one of: ${subcommands.join(', ')}`
          : `${command}: unknown subcommand (one of: ${subcommands.join(', ')})`,
      );
    }
    const sub = args[at];
    rest = [...args.slice(0, at), ...args.slice(at + 1)];
    verb = (command === 'snapshot' && sub !== 'save' ? sub : `${command} ${sub}`) as Verb;
  } else {
    verb = command as Verb;
  }
  let parsed: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  try {
    // Each verb's own option set; read through one loose shape (buildRequest checks each value's type).
    parsed = parseArgs({
      args: rest,
      options: { ...BASE_OPTIONS, ...OPTIONS[verb] },
      strict: true,
      allowPositionals: true,
    }) as typeof parsed;
  } catch (error) {
    return usage(argumentError(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help', text: help };
  const [required, optional] = POSITIONALS[verb];
  if (positionals.length < required)
    return usage(`${verb} needs ${verb === 'member add' ? 'NAME' : verb === 'snapshot save' ? 'FILE' : 'MEMBER'}`);
  if (positionals.length > required + optional)
    return usage('unexpected argument (not shown, in case it is a secret): a password goes in --user NAME:PASSWORD or $ETCDCTL_PASSWORD');
  const output = values.output === 'table' ? 'text' : values.output;
  if (output !== 'text' && output !== 'json') return usage('--output must be text or json');
  const str = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  let request: ActionRequest;
  try {
    request = buildRequest(verb, positionals, str, values);
  } catch (error) {
    if (error instanceof ArgumentError) return usage(error.message);
    throw error;
  }
  const connection = Object.fromEntries(
    Object.keys(CONNECTION_OPTIONS).map((k) => [k, typeof values[k] === 'boolean' ? (values[k] as boolean) : str(k)]),
  );
  return { kind: 'action', action: { request, output, yes: values.yes === true, force: values.force === true, connection } };
}

class ArgumentError extends Error {}

/** Options that take a value, in any verb: `--endpoints URL add` has its verb third. */
const VALUED = new Set(
  [BASE_OPTIONS, ...Object.values(OPTIONS)].flatMap((o) =>
    Object.entries(o as Record<string, { type: string; short?: string }>).flatMap(([name, spec]) =>
      spec.type === 'string' ? [`--${name}`, ...(spec.short ? [`-${spec.short}`] : [])] : [],
    ),
  ),
);

/** The index of the first positional argument (the verb of alarm, member, snapshot), or -1. */
function firstPositional(args: string[]): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return i + 1 < args.length ? i + 1 : -1;
    if (!arg.startsWith('-') || arg === '-') return i;
    if (VALUED.has(arg)) i++;
  }
  return -1;
}

function buildRequest(
  verb: Verb,
  positionals: string[],
  str: (name: string) => string | undefined,
  values: Record<string, unknown>,
): ActionRequest {
  const [first] = positionals;
  switch (verb) {
    case 'defrag':
      return { kind: 'defrag', options: defragOptions(str, values.compact === true) };
    case 'alarm list':
      return { kind: 'alarm-list' };
    case 'alarm disarm':
      return first === undefined ? { kind: 'alarm-disarm' } : { kind: 'alarm-disarm', member: memberRef(first) };
    case 'move-leader':
      return first === undefined ? { kind: 'move-leader' } : { kind: 'move-leader', member: memberRef(first) };
    case 'member add': {
      const peer = str('peer-urls');
      if (!peer) throw new ArgumentError('member add needs --peer-urls URL[,URL]');
      const options: AddMemberOptions = { name: memberName(first), peerURLs: urlList('--peer-urls', peer) };
      const client = str('client-urls');
      if (client !== undefined) options.clientURLs = urlList('--client-urls', client);
      if (values.voter === true) options.voter = true;
      const dataDir = str('data-dir');
      if (dataDir !== undefined) options.dataDir = nonEmpty('--data-dir', dataDir);
      const token = str('token');
      if (token !== undefined) options.token = nonEmpty('--token', token);
      const configOut = str('config-out');
      return configOut === undefined
        ? { kind: 'member-add', options }
        : { kind: 'member-add', options, configOut: nonEmpty('--config-out', configOut) };
    }
    case 'member remove':
      return { kind: 'member-remove', member: memberRef(first) };
    case 'member promote':
      return { kind: 'member-promote', member: memberRef(first) };
    case 'snapshot save': {
      const request: ActionRequest = { kind: 'snapshot-save', file: nonEmpty('FILE', first), dataDirs: dataDirs(values['data-dir']) };
      const member = str('member');
      if (member !== undefined) request.member = memberRef(member);
      const guide = str('restore-guide');
      if (guide !== undefined) request.restoreGuide = nonEmpty('--restore-guide', guide);
      const token = str('token');
      if (token !== undefined) request.token = nonEmpty('--token', token);
      return request;
    }
    case 'hashkv':
      return { kind: 'hashkv' };
    case 'verify':
      return { kind: 'verify' };
    case 'recover':
      return { kind: 'recover', dataDirs: dataDirs(values['data-dir']) };
  }
}

function nonEmpty(what: string, value: string): string {
  if (value.trim() === '') throw new ArgumentError(`${what} must not be empty`);
  return value;
}

/** MEMBER: a name or a hex id; the action looks it up in a fresh snapshot. */
function memberRef(value: string): string {
  return nonEmpty('MEMBER', value).trim();
}

/** NAME of a new member: etcd accepts any name, but one with spaces or '=' or ',' breaks --initial-cluster. */
function memberName(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(value))
    throw new ArgumentError('NAME must be letters, digits, ".", "_" or "-" (it goes into ETCD_INITIAL_CLUSTER)');
  return value;
}

/** A comma-separated list of http(s) URLs without a path. */
function urlList(option: string, value: string): string[] {
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (items.length === 0) throw new ArgumentError(`${option} needs at least one URL`);
  return items.map((item) => {
    if (!/^https?:\/\//i.test(item)) throw new ArgumentError(`${option}: "${item}" is not an http:// or https:// URL`);
    try {
      return normalizeEndpoint(item);
    } catch (error) {
      throw new ArgumentError(`${option}: ${(error as Error).message}`);
    }
  });
}

/** --data-dir NAME=DIR, repeated. */
function dataDirs(values: unknown): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const item of Array.isArray(values) ? (values as string[]) : []) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw new ArgumentError('--data-dir takes NAME=DIR (a member name and its data dir)');
    dirs[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return dirs;
}

/** --keep-revisions, --keep-duration, --min-free-percent, --min-quota-percent, --move-leader. */
function defragOptions(str: (name: string) => string | undefined, compact: boolean): DefragOptions {
  const options: DefragOptions = {};
  const moveLeader = str('move-leader');
  if (moveLeader !== undefined) {
    const choice = MOVE_LEADER_CHOICES.find((c) => c === moveLeader);
    if (!choice) throw new ArgumentError(`--move-leader takes ${MOVE_LEADER_CHOICES.join(', ')}, got "${moveLeader}"`);
    options.moveLeader = choice;
  }
  const keepRevisions = str('keep-revisions');
  const keepDuration = str('keep-duration');
  if (compact || keepRevisions !== undefined || keepDuration !== undefined) {
    options.compact = {};
    if (keepRevisions !== undefined) {
      const n = Number(keepRevisions);
      if (!/^\d+$/.test(keepRevisions) || !Number.isSafeInteger(n))
        throw new ArgumentError(`--keep-revisions takes a whole number of revisions, got "${keepRevisions}"`);
      options.compact.keepRevisions = n;
    }
    if (keepDuration !== undefined) {
      const ms = parseDuration(keepDuration);
      if (ms === null || ms <= 0)
        throw new ArgumentError(`--keep-duration takes a duration such as 30m, 1h or 1h30m, got "${keepDuration}"`);
      options.compact.keepDurationMs = ms;
    }
  }
  for (const [option, key] of [
    ['min-free-percent', 'minFreePercent'],
    ['min-quota-percent', 'minQuotaPercent'],
  ] as const) {
    const value = str(option);
    if (value === undefined) continue;
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100)
      throw new ArgumentError(`--${option} takes a percentage between 0 and 100, got "${value}"`);
    options[key] = n;
  }
  return options;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go-style duration ("90s", "30m", "1h30m", "1.5h") in ms, or null. */
export function parseDuration(text: string): number | null {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return null;
  let total = 0;
  for (const [, n, , unit] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) total += Number(n) * UNIT_MS[unit];
  return Math.round(total);
}
