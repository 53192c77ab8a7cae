// The runbook actions on the command line: defrag, alarm, move-leader, member, snapshot, hashkv, verify,
// recover (src/etcd/actions does the work). A mutating action without --yes prints its plan from a fresh
// refresh and changes nothing; with --yes it runs, progress on stderr, the result on stdout. Ctrl-C aborts
// through the action's signal: it stops before the next member, never in the middle of a call.
import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ClusterInspector } from '../etcd/probe';
import type { ClusterSnapshot } from '../etcd/model';
import type { ConnectionProfile } from '../etcd/profile';
import { ActionRefusedError, readOnlyRefusal, type ActionContext, type ActionPlan, type ActionResult } from '../etcd/actions/action';
import { disarmNospace, listAlarms, planDisarm } from '../etcd/actions/alarms';
import { hashKvCheck, verifyWrite } from '../etcd/actions/consistency';
import { planDefrag, rollingDefrag } from '../etcd/actions/defrag';
import { moveLeader, planMoveLeader } from '../etcd/actions/leadership';
import { addMember, planAddMember, planPromote, planRemoveMember, promoteLearner, removeMember } from '../etcd/actions/members';
import { saveSnapshot } from '../etcd/actions/snapshot';
import { recoveryGuide, restoreGuide } from '../etcd/runbook/recovery';
import { formatBytes } from '../etcd/format';
import { printable } from '../shared/text';
import { EXIT, type CliIo } from './cli';
import { profileFromArgs } from './status';
import {
  isMutating,
  parseActionArgs,
  type ActionCommandName,
  type ActionRequest,
  type MutatingRequest,
  type ParsedAction,
} from './actions/args';
import {
  alarmsJson,
  alarmsText,
  hashKvText,
  planBody,
  planJson,
  planRefused,
  planText,
  printableLines,
  resultText,
  savedText,
} from './actions/print';

/** The process hooks an action command uses; tests of the runner may pass their own. */
export interface ActionEnvironment {
  env: Record<string, string | undefined>;
  /** Subscribes to Ctrl-C; returns the unsubscribe. */
  onInterrupt(listener: () => void): () => void;
}

const PROCESS: ActionEnvironment = {
  env: process.env,
  onInterrupt(listener) {
    process.on('SIGINT', listener);
    return () => process.off('SIGINT', listener);
  },
};

/** Runs one action command (`etcd-inspector <command> ...args`); resolves to the exit status. */
export async function actionCommand(command: ActionCommandName, args: string[], io: CliIo, environment = PROCESS): Promise<number> {
  const outcome = parseActionArgs(command, args);
  if (outcome.kind === 'help') {
    io.stdout.write(outcome.text);
    return EXIT.ok;
  }
  if (outcome.kind === 'usage') {
    io.stderr.write(`etcd-inspector: ${outcome.error}\n\n${outcome.help}`);
    return EXIT.usage;
  }
  const action = outcome.action;
  const problem = await outputFileProblem(action);
  if (problem) {
    io.stderr.write(`etcd-inspector: ${printable(problem)}\n`);
    return EXIT.usage;
  }
  let profile: ConnectionProfile;
  try {
    profile = await profileFromArgs(action.connection, environment.env);
  } catch (error) {
    io.stderr.write(`etcd-inspector: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  const inspector = new ClusterInspector(profile);
  const controller = new AbortController();
  let interrupts = 0;
  const unsubscribe = environment.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) {
      io.stderr.write('etcd-inspector: cancelling: stopping before the next member (Ctrl-C again to quit at once)\n');
      controller.abort();
    } else {
      io.stderr.write('etcd-inspector: quitting now; a call in flight may still complete on the server\n');
      process.exit(130);
    }
  });
  try {
    let snapshot: ClusterSnapshot;
    try {
      snapshot = await inspector.refresh();
    } catch (error) {
      io.stderr.write(`etcd-inspector: ${printable((error as Error).message)}\n`);
      return EXIT.usage;
    }
    if (snapshot.members.length === 0) {
      io.stderr.write(`etcd-inspector: no endpoint answered\n${snapshot.errors.map((e) => `  ${printable(e)}\n`).join('')}`);
      return EXIT.usage;
    }
    const context: ActionContext = {
      inspector,
      signal: controller.signal,
      progress: (message) => io.stderr.write(`etcd-inspector: ${printable(message)}\n`),
      log: (line) => io.stderr.write(`  ${printable(line)}\n`),
      insist: action.force,
      // For scripts and CI jobs that must never change a cluster, as the etcdInspector.readOnly setting does.
      readOnly: /^(1|true|yes)$/i.test(environment.env.ETCD_INSPECTOR_READ_ONLY ?? ''),
    };
    return await runAction(action, snapshot, context, io);
  } finally {
    unsubscribe();
    inspector.dispose();
  }
}

/** Files the command would write must not exist yet (nothing is overwritten) and their folder must. */
async function outputFileProblem(action: ParsedAction): Promise<string | null> {
  const request = action.request;
  const files =
    request.kind === 'member-add' && request.configOut && action.yes
      ? [request.configOut]
      : request.kind === 'snapshot-save'
        ? [request.file, ...(request.restoreGuide ? [request.restoreGuide] : [])]
        : [];
  for (const file of files) {
    if (await exists(file)) return `${file} already exists: choose a new file name (nothing is overwritten)`;
    const folder = dirname(resolve(file));
    const isFolder = await stat(folder).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isFolder) return `cannot write ${file}: ${folder} is not a folder`;
    if (
      !(await access(folder, constants.W_OK).then(
        () => true,
        () => false,
      ))
    )
      return `cannot write ${file}: ${folder} is not writable`;
  }
  return null;
}

function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
  );
}

/** How each mutating request is planned (without --yes) and run (with --yes). */
type Mutation<R> = {
  plan(snapshot: ClusterSnapshot, request: R): ActionPlan;
  run(context: ActionContext, request: R): Promise<ActionResult>;
};
const MUTATIONS: { [K in MutatingRequest['kind']]: Mutation<Extract<MutatingRequest, { kind: K }>> } = {
  defrag: { plan: (s, r) => planDefrag(s, r.options), run: (c, r) => rollingDefrag(c, r.options) },
  'alarm-disarm': { plan: (s, r) => planDisarm(s, r.member), run: (c, r) => disarmNospace(c, r.member) },
  'move-leader': { plan: (s, r) => planMoveLeader(s, r.member), run: (c, r) => moveLeader(c, r.member) },
  'member-add': { plan: (s, r) => planAddMember(s, r.options), run: (c, r) => addMember(c, r.options) },
  'member-remove': { plan: (s, r) => planRemoveMember(s, r.member), run: (c, r) => removeMember(c, r.member) },
  'member-promote': { plan: (s, r) => planPromote(s, r.member), run: (c, r) => promoteLearner(c, r.member) },
  verify: { plan: (s) => planVerify(s), run: (c) => verifyWrite(c) },
};

/** The entry of MUTATIONS for this request (TypeScript cannot correlate the key with the request's kind). */
function mutation(request: MutatingRequest): Mutation<MutatingRequest> {
  return MUTATIONS[request.kind] as Mutation<MutatingRequest>;
}

/** The plan of a mutating request, from the snapshot just taken. */
export function planOf(request: MutatingRequest, snapshot: ClusterSnapshot): ActionPlan {
  return mutation(request).plan(snapshot, request);
}

/** verifyWrite has no plan function of its own: it writes one throw-away key. */
export function planVerify(snapshot: ClusterSnapshot): ActionPlan {
  const step = (text: string) => ({ memberId: null, memberName: null, text });
  return {
    action: 'verify',
    cluster: snapshot.name,
    summary: `Verify write on cluster "${snapshot.name}": put, get and delete one key under /etcd-inspector/verify/`,
    steps: [step('put a key under /etcd-inspector/verify/'), step('get it back and compare'), step('delete it')],
    guard: null,
    refusal: null,
    mutating: true,
  };
}

async function runAction(action: ParsedAction, snapshot: ClusterSnapshot, context: ActionContext, io: CliIo): Promise<number> {
  const { request, output } = action;
  const json = output === 'json';
  const print = (value: unknown, text: string): void => {
    io.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text);
  };
  if (isMutating(request) && context.readOnly) {
    const plan = planOf(request, snapshot);
    const refused = readOnlyRefusal(snapshot.name, 'ETCD_INSPECTOR_READ_ONLY is set');
    if (json) io.stdout.write(`${JSON.stringify({ ok: false, refused, changed: false, plan }, null, 2)}\n`);
    else io.stdout.write(`${planBody(plan)}Refused: ${printable(refused)}\n`);
    return EXIT.failed;
  }
  if (isMutating(request) && !action.yes) {
    const plan = planOf(request, snapshot);
    print(planJson(plan, action.force), planText(plan, action.force));
    return planRefused(plan, action.force) ? EXIT.failed : EXIT.ok;
  }
  switch (request.kind) {
    case 'alarm-list': {
      const alarms = await listAlarms(context);
      print(alarmsJson(alarms, snapshot), alarmsText(alarms, snapshot));
      return EXIT.ok;
    }
    case 'recover': {
      const guide = recoveryGuide(snapshot, context.inspector.profile, { dataDirs: request.dataDirs });
      print({ cluster: snapshot.name, guide }, printableLines(guide));
      return EXIT.ok;
    }
    case 'hashkv': {
      const result = await settle(hashKvCheck(context), io, json, false);
      if (!('report' in result)) return result.code;
      print(result, `${hashKvText(result.report)}${result.ok ? '' : resultText(result)}`);
      return result.ok && result.report.divergent.length === 0 ? EXIT.ok : EXIT.failed;
    }
    case 'snapshot-save':
      return saveCommand(request, snapshot, context, io, json);
    case 'member-add': {
      const result = await settle(addMember(context, request.options), io, json, action.force);
      if (!('config' in result)) return result.code;
      let configFile: string | null = null;
      let writeError: string | null = null;
      if (request.configOut && result.config !== null) {
        try {
          await writeFile(request.configOut, result.config, { flag: 'wx' });
          configFile = request.configOut;
        } catch (error) {
          writeError = `could not write ${request.configOut}: ${(error as Error).message}`;
        }
      }
      const newId = result.steps[0]?.details?.memberId;
      const idLine = typeof newId === 'string' ? `New member id: ${newId} (a member not started yet has no name: use this id)\n` : '';
      const tail =
        result.config === null
          ? ''
          : configFile
            ? `Configuration of ${request.options.name} written to ${configFile}\n`
            : `\n# etcd configuration of ${request.options.name} (start it with this, then promote it once it has caught up)\n${result.config}`;
      print({ ...result, configFile }, resultText(result) + printableLines(idLine + tail));
      if (writeError) {
        io.stderr.write(`etcd-inspector: ${printable(writeError)}\n`);
        return EXIT.failed;
      }
      return result.ok ? EXIT.ok : EXIT.failed;
    }
    default: {
      const result = await settle(mutation(request).run(context, request), io, json, action.force);
      if (!('steps' in result)) return result.code;
      print(result, resultText(result));
      return result.ok ? EXIT.ok : EXIT.failed;
    }
  }
}

/**
 * The action's result, or the exit status after printing why there is none: a refusal (plan and reason,
 * exit 1) or an unexpected error (exit 1). Actions throw only ActionRefusedError, before changing anything.
 */
async function settle<T extends ActionResult>(
  running: Promise<T>,
  io: CliIo,
  json: boolean,
  force: boolean,
): Promise<T | { code: number }> {
  try {
    return await running;
  } catch (error) {
    if (error instanceof ActionRefusedError) {
      const plan = error.plan;
      if (json) {
        io.stdout.write(`${JSON.stringify({ ok: false, refused: error.message, changed: false, plan: plan ?? null }, null, 2)}\n`);
      } else if (plan && planRefused(plan, force)) {
        // The refusal is the plan's own (a failed precondition, the guard): planText says it and what next.
        io.stdout.write(planText(plan, force));
      } else {
        if (plan) io.stdout.write(planBody(plan));
        io.stdout.write(`Refused: ${printable(error.message)}\nNothing was changed.\n`);
      }
      return { code: EXIT.failed };
    }
    io.stderr.write(`etcd-inspector: ${printable(error instanceof Error ? error.message : String(error))}\n`);
    return { code: EXIT.failed };
  }
}

/** snapshot save: stream with progress, then size and sha256, etcdutl's status, and the restore guide. */
async function saveCommand(
  request: Extract<ActionRequest, { kind: 'snapshot-save' }>,
  snapshot: ClusterSnapshot,
  context: ActionContext,
  io: CliIo,
  json: boolean,
): Promise<number> {
  let lastReport = 0;
  const onBytes = (bytes: number): void => {
    const now = Date.now();
    if (now - lastReport < 1000) return;
    lastReport = now;
    context.progress?.(`received ${formatBytes(bytes)}`);
  };
  const options: { memberRef?: string; onBytes: (bytes: number) => void } = { onBytes };
  if (request.member !== undefined) options.memberRef = request.member;
  const result = await settle(saveSnapshot(context, request.file, options), io, json, false);
  if (!('saved' in result)) return result.code;
  if (!result.ok || result.saved === null) {
    io.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : resultText(result));
    return EXIT.failed;
  }
  const guideOptions: { dataDirs?: Record<string, string>; token?: string } = { dataDirs: request.dataDirs };
  if (request.token !== undefined) guideOptions.token = request.token;
  const guide = restoreGuide(snapshot, context.inspector.profile, result.saved.file, guideOptions);
  let guideFile: string | null = null;
  if (request.restoreGuide) {
    try {
      await writeFile(request.restoreGuide, guide, { flag: 'wx' });
      guideFile = request.restoreGuide;
    } catch (error) {
      io.stderr.write(`etcd-inspector: could not write ${printable(request.restoreGuide)}: ${printable((error as Error).message)}\n`);
    }
  }
  if (json) {
    io.stdout.write(`${JSON.stringify({ ...result, restoreGuideFile: guideFile, restoreGuide: guide }, null, 2)}\n`);
  } else {
    io.stdout.write(savedText(result.saved));
    io.stdout.write(guideFile ? `Restore guide written to ${printable(guideFile)}\n` : `\n${printableLines(guide)}`);
  }
  return request.restoreGuide && !guideFile ? EXIT.failed : EXIT.ok;
}
