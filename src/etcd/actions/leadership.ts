// Move leader (runbook actions, issue 10): hand leadership to a started, healthy voting follower — by
// default the most caught-up one. The request goes to the current leader, the only member that can act on it.
import type { ClusterSnapshot, MemberReport } from '../model';
import {
  assertMayRun,
  byId,
  callMember,
  cancelled,
  deadlineIn,
  endOf,
  findMember,
  leaderProblem,
  refusedPlan,
  SHORT_CALL_MS,
  stepOn,
  type ActionContext,
  type ActionPlan,
  type ActionResult,
} from './action';
import { memberLabel, unavailableReason } from './guard';

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
