// Move leader (runbook actions, issue 10): hand leadership to a started, healthy voting follower — by
// default the most caught-up one. The request goes to the current leader, the only member that can act on it.
import type { ClusterSnapshot, MemberReport } from '../model';
import {
  actionError,
  assertMayRun,
  cancelled,
  deadlineIn,
  findMember,
  memberClient,
  type ActionContext,
  type ActionError,
  type ActionName,
  type ActionPlan,
  type ActionResult,
  type PlanStep,
  type StepOutcome,
} from './action';
import type { EndpointClient } from '../client';
import { memberLabel, unavailableReason } from './guard';

/** Deadline of a cluster call that does not move data (etcd answers a leader transfer within its request timeout). */
export const SHORT_CALL_MS = 15_000;

/** Why a member cannot take leadership now, or null when it can (a NOSPACE alarm alone does not stop it leading). */
export function cannotLead(m: MemberReport): string | null {
  if (m.isLearner) return 'it is a learner (learners do not vote and cannot lead; promote it first)';
  if (m.isLeader) return 'it is already the leader';
  if (!m.status) return m.started ? (m.error ?? 'it did not answer status') : 'it has not started';
  return unavailableReason(m, 'defragment');
}

/** The started, healthy voting follower with the highest raft applied index (then raft index, then name). */
export function mostCaughtUpFollower(snapshot: ClusterSnapshot): MemberReport | undefined {
  return snapshot.members
    .filter((m) => cannotLead(m) === null)
    .sort(
      (a, b) =>
        (b.status?.raftAppliedIndex ?? 0) - (a.status?.raftAppliedIndex ?? 0) ||
        (b.status?.raftIndex ?? 0) - (a.status?.raftIndex ?? 0) ||
        memberLabel(a).localeCompare(memberLabel(b)),
    )[0];
}

/** The plan's verdict when a precondition fails: nothing runs, even when insisted on. */
export function refusedPlan(snapshot: ClusterSnapshot, action: ActionName, summary: string, refusal: string): ActionPlan {
  return { action, cluster: snapshot.name, summary, steps: [], guard: null, refusal, mutating: true };
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

/** The plan of a leader transfer to `targetRef` (a name or hex id), or to the most caught-up follower. */
export function planMoveLeader(snapshot: ClusterSnapshot, targetRef?: string): ActionPlan {
  const summary = `Move the leadership of cluster "${snapshot.name}"`;
  const problem = leaderProblem(snapshot);
  if (problem) return refusedPlan(snapshot, 'move-leader', summary, problem);
  const leader = snapshot.members.find((m) => m.isLeader) as MemberReport;
  const target = targetRef === undefined ? mostCaughtUpFollower(snapshot) : findMember(snapshot, targetRef);
  if (!target) {
    const why =
      targetRef === undefined
        ? 'no started, healthy voting follower can take leadership'
        : `no member is named or has the id "${targetRef}"`;
    return refusedPlan(snapshot, 'move-leader', summary, why);
  }
  const why = cannotLead(target);
  if (why) return refusedPlan(snapshot, 'move-leader', summary, `${memberLabel(target)} cannot take leadership: ${why}`);
  const applied = (m: MemberReport): string => String(m.status?.raftAppliedIndex ?? 'unknown');
  return {
    action: 'move-leader',
    cluster: snapshot.name,
    summary: `${summary} from ${memberLabel(leader)} to ${memberLabel(target)}`,
    steps: [
      stepOn(
        leader,
        `ask the leader ${memberLabel(leader)} to transfer leadership to ${memberLabel(target)} (raft applied index ${applied(target)}; the leader's ${applied(leader)})`,
      ),
    ],
    guard: null,
    refusal: null,
    mutating: true,
  };
}

/** Moves leadership as planned from a fresh snapshot; the request goes to the current leader. */
export async function moveLeader(context: ActionContext, targetRef?: string): Promise<ActionResult> {
  const snapshot = await context.inspector.refresh();
  const plan = planMoveLeader(snapshot, targetRef);
  assertMayRun(context, plan);
  const leader = byId(snapshot, plan.steps[0].memberId);
  const target = targetRef === undefined ? mostCaughtUpFollower(snapshot) : findMember(snapshot, targetRef);
  if (cancelled(context) || !target) return endOf(plan, [], null, true);
  context.progress?.(`Moving leadership from ${memberLabel(leader)} to ${memberLabel(target)}`);
  const step = await callMember(context, leader, `moved leadership from ${memberLabel(leader)} to ${memberLabel(target)}`, (client) =>
    client.moveLeader(target.id, deadlineIn(SHORT_CALL_MS)),
  );
  return endOf(plan, [step.outcome], step.error, false);
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
