// What every runbook action shares: its context (the cluster's inspector, cancel, progress, log), the plan
// it shows before it changes anything, its result, and etcd's error strings with what they mean.
import { EndpointClient } from '../client';
import type { ClusterInspector } from '../probe';
import type { ClusterSnapshot, MemberReport } from '../model';
import type { GuardVerdict } from './guard';
import { memberLabel } from './guard';

/** The actions, as the CLI and the log name them. */
export type ActionName =
  | 'defrag'
  | 'alarm-disarm'
  | 'move-leader'
  | 'member-add'
  | 'member-remove'
  | 'member-promote'
  | 'snapshot-save'
  | 'hashkv'
  | 'verify'
  | 'rolling-restart'
  | 'member-start';

/** Default deadline of one long call (defragment, compaction, snapshot): a large db takes minutes. */
export const LONG_CALL_MS = 10 * 60_000;

/** Deadline of a cluster call that does not move data (etcd answers a leader transfer within its request timeout). */
export const SHORT_CALL_MS = 15_000;

/** Everything an action needs besides its own options. */
export interface ActionContext {
  /** The cluster's inspector: fresh snapshots before each guarded step; its profile for one-member clients. */
  inspector: ClusterInspector;
  /** Cancel: checked before each member and between steps, never in the middle of a call. */
  signal?: AbortSignal;
  /** Progress for the operator (the extension's notification, the CLI's stderr). */
  progress?: (message: string) => void;
  /** What was done and etcd's answer, one line each (the output channel, the CLI's stderr). */
  log?: (line: string) => void;
  /** Deadline of one long call, ms (default LONG_CALL_MS). */
  longCallMs?: number;
  /** Set when the cluster is read-only: every mutating action refuses before it does anything. */
  readOnly?: boolean;
  /** The user insists: run even when the quorum guard refuses. */
  insist?: boolean;
}

/** One line of a plan: what will be done to which member. */
export interface PlanStep {
  memberId: string | null;
  memberName: string | null;
  text: string;
}

/** What an action would do, shown before it runs (the CLI without --yes, the extension's modal). */
export interface ActionPlan {
  action: ActionName;
  cluster: string;
  /** One line naming the cluster and what will happen. */
  summary: string;
  steps: PlanStep[];
  /** The quorum guard's verdict for the member taken out of service first, when the action does that. */
  guard: GuardVerdict | null;
  /**
   * A precondition that fails (no leader to move, a NOSPACE alarm still needed, a member not found): the
   * action does not run even when the user insists. A refusing guard is `guard.allowed === false` instead.
   */
  refusal: string | null;
  /** False for read-only actions (hash-KV, snapshot save): they run under read-only too. */
  mutating: boolean;
}

/** What happened to one member or step. */
export interface StepOutcome {
  memberId: string | null;
  memberName: string | null;
  ok: boolean;
  /** What was done and etcd's answer (or error with its meaning). */
  text: string;
  tookMs: number;
  /** Figures for the JSON output: db sizes before and after, hashes, times. */
  details?: Record<string, unknown>;
}

/** The end of an action. */
export interface ActionResult {
  action: ActionName;
  cluster: string;
  ok: boolean;
  cancelled: boolean;
  steps: StepOutcome[];
  /** The failure that stopped it, etcd's words and what they mean. */
  error: ActionError | null;
}

/** A failure as etcd said it, with a sentence on what it means when it is one etcd operators meet. */
export interface ActionError {
  text: string;
  meaning: string | null;
}

/** Raised by a mutating action on a read-only cluster or when its plan is refused (and not insisted on). */
export class ActionRefusedError extends Error {
  constructor(
    message: string,
    readonly plan?: ActionPlan,
  ) {
    super(message);
    this.name = 'ActionRefusedError';
  }
}

/** The sentence given for a read-only cluster. */
export function readOnlyRefusal(cluster: string, because = "etcdInspector.readOnly or the cluster's readOnly setting"): string {
  return `cluster "${cluster}" is read-only (${because}): no change was made`;
}

/** etcd's error strings and what they mean for the operator. */
const MEANINGS: Array<[RegExp, string]> = [
  [
    /etcdserver: unhealthy cluster/,
    'etcd refused the change because a member has not been connected to the leader for 5 s (it checks this before any reconfiguration): bring every member back, or wait a few seconds after a restart, then try again',
  ],
  [
    /etcdserver: re-configuration failed due to not enough started members/,
    'after this change too few started members would remain for a quorum: start the missing members first (runbook step 4)',
  ],
  [
    /etcdserver: can only promote a learner member which is in sync with leader/,
    "the learner's raft log is still behind the leader's: wait until it has caught up (its raft index close to the leader's), then promote it",
  ],
  [/etcdserver: can only promote a learner member/, 'only a learner can be promoted; this member already votes'],
  [
    /etcdserver: too many learner members in cluster/,
    'etcd allows one learner at a time (--max-learners, default 1): promote or remove the existing learner first',
  ],
  [
    /etcdserver: bad leader transferee/,
    'the target cannot take leadership: it is a learner, unknown, or not connected to the leader; choose a started voting member',
  ],
  [/etcdserver: not leader/, 'the request went to a member that is not the leader (leadership changed meanwhile): refresh and try again'],
  [/etcdserver: member not found/, 'no member has that id any more (it was removed meanwhile): refresh the member list'],
  [/etcdserver: member not started|not started/i, 'the member was added but has not started: start it with the generated configuration'],
  [/etcdserver: peerURL exists/, 'a member with that peer URL is already in the cluster'],
  [/etcdserver: ID removed/, 'this member was removed from the cluster; a removed member cannot come back with its old data'],
  [/etcdserver: no leader/, 'the cluster has no leader (quorum lost, partition, or an election in progress): see runbook step 5'],
  [
    /mvcc: required revision has been compacted/,
    'the revision asked for is older than the last compaction: use a newer revision (the hashes were not compared)',
  ],
  [/mvcc: required revision is a future revision/, 'the revision asked for is newer than this member has: it is behind'],
  [
    /etcdserver: mvcc: database space exceeded|database space exceeded/,
    'the NOSPACE alarm is active: compact, defragment, then disarm the alarm',
  ],
  [/etcdserver: request timed out/, 'etcd could not commit the request in time (slow disk, overloaded or partitioned cluster)'],
  [/etcdserver: leader changed/, 'leadership changed while the request was in flight: refresh and try again'],
  [
    /etcdserver: permission denied|permission denied/,
    'the user lacks the role this request needs (maintenance and cluster calls need root)',
  ],
];

/** What an etcd error string means, or null when it is not one operators meet in these actions. */
export function explainEtcdError(text: string): string | null {
  return MEANINGS.find(([re]) => re.test(text))?.[1] ?? null;
}

/** An ActionError from whatever a call threw: etcd's own words, cleaned of grpc-js's decoration, and their meaning. */
export function actionError(error: unknown): ActionError {
  const raw = error instanceof Error ? error.message : String(error);
  const text = raw
    .replace(/^\d+ [A-Z_]+: /, '')
    .replace(/\s*\(\d{4}-\d\d-\d\dT[\d:.]+Z\)/g, '')
    .trim();
  return { text: text || 'no detail given', meaning: explainEtcdError(text) };
}

/** Finds a member by name or 16-digit hex id (ids with leading zeros may be given without them). */
export function findMember(snapshot: ClusterSnapshot, ref: string): MemberReport | undefined {
  const wanted = ref.trim();
  const byName = snapshot.members.filter((m) => m.name === wanted);
  if (byName.length === 1) return byName[0];
  if (/^[0-9a-f]{1,16}$/i.test(wanted)) {
    const id = wanted.toLowerCase().padStart(16, '0');
    return snapshot.members.find((m) => m.id === id);
  }
  return undefined;
}

/** A client bound to one member's endpoint, for one mutating call sequence: no retries, closed by the caller. */
export function memberClient(context: ActionContext, member: MemberReport): EndpointClient {
  if (!member.endpoint) throw new Error(`${memberLabel(member)} has no client URL that can be reached from here`);
  return new EndpointClient(member.endpoint, context.inspector.profile);
}

/** A deadline `ms` from now. */
export function deadlineIn(ms: number): Date {
  return new Date(Date.now() + ms);
}

/** Renders a plan as the lines the CLI prints and the extension's modal shows. */
export function renderPlan(plan: ActionPlan): string {
  const lines = [plan.summary, ...plan.steps.map((s, i) => `  ${i + 1}. ${s.text}`)];
  if (plan.guard) lines.push(`Quorum guard: ${plan.guard.allowed ? 'allows' : 'refuses'} (${plan.guard.text})`);
  if (plan.refusal) lines.push(`Refused: ${plan.refusal}`);
  else if (plan.guard && !plan.guard.allowed) lines.push('Refused unless insisted on (--force): it would cost the cluster its quorum.');
  return lines.join('\n');
}

/** Throws when the action may not run: a read-only cluster, a failed precondition, a refusing guard not insisted on. */
export function assertMayRun(context: ActionContext, plan: ActionPlan): void {
  if (plan.mutating && context.readOnly) throw new ActionRefusedError(readOnlyRefusal(plan.cluster), plan);
  if (plan.refusal) throw new ActionRefusedError(plan.refusal, plan);
  if (plan.guard && !plan.guard.allowed && !context.insist) {
    throw new ActionRefusedError(`the quorum guard refuses: ${plan.guard.text}`, plan);
  }
}

/** True once the user cancelled. */
export function cancelled(context: ActionContext): boolean {
  return context.signal?.aborted === true;
}

/** The plan's verdict when a precondition fails: nothing runs, even when insisted on. */
export function refusedPlan(snapshot: ClusterSnapshot, action: ActionName, summary: string, refusal: string, mutating = true): ActionPlan {
  return { action, cluster: snapshot.name, summary, steps: [], guard: null, refusal, mutating };
}

/** A plan line about a member. */
export function stepOn(m: MemberReport | null, text: string): PlanStep {
  return { memberId: m?.id ?? null, memberName: m ? memberLabel(m) : null, text };
}

/** Why the leader cannot be asked anything from here, or null. */
export function leaderProblem(snapshot: ClusterSnapshot): string | null {
  const leader = snapshot.members.find((m) => m.isLeader);
  if (!leader) return 'the cluster has no leader (quorum lost or an election in progress): see runbook step 5';
  if (!leader.endpoint || !leader.reachable)
    return `the leader ${memberLabel(leader)} cannot be reached from here (${leader.error ?? 'no client URL'})`;
  return null;
}

/** The member of a plan step (plans name members that exist in the snapshot they were built from). */
export function byId(snapshot: ClusterSnapshot, id: string | null): MemberReport {
  const found = snapshot.members.find((m) => m.id === id);
  if (!found) throw new Error(`member ${id ?? '(none)'} is not in the snapshot`);
  return found;
}

/**
 * One mutating call to exactly one member through its own client (closed after), timed and logged with
 * etcd's answer; a failure becomes etcd's words and their meaning.
 */
export async function callMember(
  context: ActionContext,
  member: MemberReport,
  done: string,
  call: (client: EndpointClient) => Promise<unknown>,
): Promise<{ outcome: StepOutcome; error: ActionError | null }> {
  const started = Date.now();
  let client: EndpointClient | undefined;
  try {
    client = memberClient(context, member);
    await call(client);
    const outcome = { memberId: member.id, memberName: memberLabel(member), ok: true, text: done, tookMs: Date.now() - started };
    context.log?.(`${done} (through ${memberLabel(member)} at ${member.endpoint}, ${outcome.tookMs} ms): OK`);
    return { outcome, error: null };
  } catch (e) {
    const error = actionError(e);
    const text = `failed through ${memberLabel(member)}: ${error.text}${error.meaning ? ` — ${error.meaning}` : ''}`;
    context.log?.(`${text} (at ${member.endpoint ?? 'no endpoint'})`);
    return { outcome: { memberId: member.id, memberName: memberLabel(member), ok: false, text, tookMs: Date.now() - started }, error };
  } finally {
    client?.close();
  }
}

/** The result of an action that ran (or was cancelled) after its plan. */
export function endOf(plan: ActionPlan, steps: StepOutcome[], error: ActionError | null, wasCancelled: boolean): ActionResult {
  return { action: plan.action, cluster: plan.cluster, ok: !error && !wasCancelled, cancelled: wasCancelled, steps, error };
}
