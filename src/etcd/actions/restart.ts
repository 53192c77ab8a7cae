// Rolling restart (runbook step 4) and starting a member that is down. The restart itself is the member
// host's business (a MemberService: over SSH, `sudo -n systemctl restart etcd` by default); this file is the
// etcd side: followers first, the leader last after leadership moved away (a leader that stops makes the
// cluster wait an election timeout), the quorum guard before each member (a restart whose absence would
// lose quorum is refused), and after each a wait until the member answers, is healthy and has caught up
// before the next. It stops at the first failure and can be cancelled between members.
import type { ClusterSnapshot, MemberReport } from '../model';
import {
  assertMayRun,
  cancelled,
  endOf,
  type ActionContext,
  type ActionError,
  type ActionPlan,
  type ActionResult,
  type PlanStep,
  type StepOutcome,
} from './action';
import { memberLabel, quorumGuard, type GuardVerdict } from './guard';
import { mostCaughtUpFollower } from './leadership';
import { nextMember, waitForMember } from './rolling';

/** Runs etcd's service on a member's host. */
export interface MemberService {
  /** Restarts etcd on the member's host; resolves once the command returned (the member may still be starting). */
  restart(member: MemberReport): Promise<void>;
  /** Starts etcd on the member's host. */
  start(member: MemberReport): Promise<void>;
  /** Where and how, for the plan: "over SSH to root@10.0.0.1: sudo -n systemctl restart etcd". */
  describe(member: MemberReport, what: 'restart' | 'start'): string;
}

export interface RestartOptions {
  service: MemberService;
  /** Only these members (names or ids); default every started member. */
  only?: string[];
  /** Wait this long for a member to answer, be healthy and catch up after its restart (default 60000). */
  catchUpTimeoutMs?: number;
}

export const RESTART_CATCH_UP_MS = 60_000;

const matches = (m: MemberReport, only: string[] | undefined): boolean => !only || only.includes(m.name) || only.includes(m.id);

/** Followers (learners included) first in member-list order, the leader last. */
function order(snapshot: ClusterSnapshot, only: string[] | undefined): MemberReport[] {
  const chosen = snapshot.members.filter((m) => m.started && matches(m, only));
  return [...chosen.filter((m) => !m.isLeader), ...chosen.filter((m) => m.isLeader)];
}

/** The plan of a rolling restart. Pure. */
export function planRollingRestart(snapshot: ClusterSnapshot, options: Pick<RestartOptions, 'only' | 'service'>): ActionPlan {
  const members = order(snapshot, options.only);
  const unknown = (options.only ?? []).filter((n) => !snapshot.members.some((m) => m.name === n || m.id === n));
  const steps: PlanStep[] = [];
  for (const m of members) {
    if (m.isLeader) {
      const target = mostCaughtUpFollower(snapshot);
      if (target)
        steps.push({
          memberId: m.id,
          memberName: m.name,
          text: `move leadership from ${memberLabel(m)} to ${memberLabel(target)} (the most caught-up follower)`,
        });
    }
    steps.push({
      memberId: m.id,
      memberName: m.name,
      text: `restart ${memberLabel(m)}${m.isLeader ? ', the leader, last' : m.isLearner ? ' (learner)' : ''} (${options.service.describe(m, 'restart')}), then wait until it answers, is healthy and has caught up with the leader`,
    });
  }
  const verdicts: GuardVerdict[] = members.map((m) => quorumGuard(snapshot, m.id, 'restart'));
  const guard = verdicts.find((v) => !v.allowed) ?? verdicts[0] ?? null;
  const leader = snapshot.members.find((m) => m.isLeader);
  const refusal =
    unknown.length > 0
      ? `not a member of this cluster: ${unknown.join(', ')}`
      : members.length === 0
        ? 'no started member to restart'
        : !leader
          ? 'the cluster has no leader: a rolling restart would only make that worse; find why first (runbook steps 1 to 3), or start the members that are down'
          : null;
  return {
    action: 'rolling-restart',
    cluster: snapshot.name,
    summary: `Rolling restart of cluster "${snapshot.name}": ${members.length} member${members.length === 1 ? '' : 's'}, one at a time, followers first, the leader last`,
    steps,
    guard,
    refusal,
    mutating: true,
  };
}

/** Runs a rolling restart. Throws ActionRefusedError only before changing anything. */
export async function rollingRestart(context: ActionContext, options: RestartOptions): Promise<ActionResult> {
  const first = await context.inspector.refresh();
  const plan = planRollingRestart(first, options);
  assertMayRun(context, plan);
  const steps: StepOutcome[] = [];
  const log = (line: string): void => context.log?.(line);
  const fail = (outcome: StepOutcome, error: ActionError): ActionResult => {
    steps.push({ ...outcome, ok: false, text: `${outcome.text}: ${error.text}` });
    log(`${outcome.text} failed: ${error.text}`);
    return endOf(plan, steps, error, false);
  };
  for (const planned of order(first, options.only)) {
    const label = memberLabel(planned);
    if (cancelled(context)) {
      log(`cancelled before ${label}`);
      return endOf(plan, steps, null, true);
    }
    const started = Date.now();
    const base: StepOutcome = { memberId: planned.id, memberName: planned.name, ok: true, text: `restart ${label}`, tookMs: 0 };
    // A leader that stops makes the cluster wait an election timeout: leadership moves first, when there is a voter to take it.
    const next = await nextMember(context, planned.id, 'restart', (_leader, snapshot) =>
      snapshot.members.some((m) => !m.isLearner && !m.isLeader),
    );
    if ('gone' in next) return fail(base, { text: `${label} is no longer a member`, meaning: null });
    if ('error' in next) return fail(next.step, next.error);
    if (next.moved) steps.push(next.moved);
    const { member } = next;
    if (!next.guard.allowed && !context.insist)
      return fail(base, { text: `the quorum guard refuses: ${next.guard.text}`, meaning: 'nothing more was restarted' });
    context.progress?.(`restarting ${label}`);
    log(`restart ${label}: ${options.service.describe(member, 'restart')}`);
    try {
      await options.service.restart(member);
    } catch (error) {
      return fail(base, { text: (error as Error).message, meaning: null });
    }
    const back = await waitForMember(context, member.id, options.catchUpTimeoutMs ?? RESTART_CATCH_UP_MS, null, 'restart');
    if (back.problem) return fail({ ...base, tookMs: Date.now() - started }, { text: back.problem, meaning: null });
    const text = `restarted ${label}; it answers, is healthy and caught up (applied index ${back.member?.status?.raftAppliedIndex ?? '?'} ≥ ${back.target})`;
    steps.push({ ...base, text, tookMs: Date.now() - started });
    log(text);
  }
  return endOf(plan, steps, null, false);
}

/** The plan of starting a member that is down. Pure. */
export function planStartMember(snapshot: ClusterSnapshot, memberRef: string, service: MemberService): ActionPlan {
  const member = snapshot.members.find((m) => m.name === memberRef || m.id === memberRef);
  const up = member && member.reachable && member.health?.healthy === true;
  return {
    action: 'member-start',
    cluster: snapshot.name,
    summary: `Start etcd on ${member ? memberLabel(member) : memberRef} of cluster "${snapshot.name}"`,
    steps: member
      ? [
          {
            memberId: member.id,
            memberName: member.name,
            text: `start ${memberLabel(member)} (${service.describe(member, 'start')}), then wait until it answers and is healthy`,
          },
        ]
      : [],
    guard: null,
    refusal: !member ? `${memberRef} is not a member of this cluster` : up ? `${memberLabel(member)} is already running and healthy` : null,
    mutating: true,
  };
}

/** Starts a member that is down and waits until it serves. */
export async function startMember(
  context: ActionContext,
  memberRef: string,
  service: MemberService,
  timeoutMs = RESTART_CATCH_UP_MS,
): Promise<ActionResult> {
  const snapshot = await context.inspector.refresh();
  const plan = planStartMember(snapshot, memberRef, service);
  assertMayRun(context, plan);
  const member = snapshot.members.find((m) => m.name === memberRef || m.id === memberRef) as MemberReport;
  const started = Date.now();
  const base: StepOutcome = { memberId: member.id, memberName: member.name, ok: true, text: `start ${memberLabel(member)}`, tookMs: 0 };
  try {
    await service.start(member);
  } catch (error) {
    const e: ActionError = { text: (error as Error).message, meaning: null };
    return endOf(plan, [{ ...base, ok: false, text: `${base.text}: ${e.text}` }], e, false);
  }
  const back = await waitForMember(context, member.id, timeoutMs, null, 'restart');
  if (back.problem) {
    const e: ActionError = { text: back.problem, meaning: null };
    return endOf(plan, [{ ...base, ok: false, text: `${base.text}: ${e.text}`, tookMs: Date.now() - started }], e, false);
  }
  return endOf(
    plan,
    [{ ...base, text: `started ${memberLabel(member)}; it answers and is healthy`, tookMs: Date.now() - started }],
    null,
    false,
  );
}
