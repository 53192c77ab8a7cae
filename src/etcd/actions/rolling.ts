// What the rolling actions (defragment, restart) do between members: take a fresh look at the next member,
// move leadership off it when asked, ask the quorum guard, and afterwards wait until the member answers, is
// healthy and has caught up with the leader.
import type { ClusterSnapshot, MemberReport } from '../model';
import { callMember, deadlineIn, SHORT_CALL_MS, type ActionContext, type ActionError, type StepOutcome } from './action';
import { memberLabel, quorumGuard, unavailableReason, type GuardVerdict, type OutOfServiceAction } from './guard';
import { mostCaughtUpFollower } from './leadership';

/** Pause between two looks at a member that is catching up. */
const POLL_MS = 250;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until the member answers status, is healthy (a NOSPACE alarm alone is fine: defragmenting is how it
 * is fixed) and has applied the leader's raft index as read once the defragment call returned.
 */
export async function waitForMember(
  context: ActionContext,
  id: string,
  timeoutMs: number,
  raftIndex: number | null,
  action: OutOfServiceAction,
): Promise<{ member: MemberReport | undefined; target: number | null; problem: string | null }> {
  const until = Date.now() + timeoutMs;
  let target = raftIndex;
  let last: MemberReport | undefined;
  let why: string;
  for (;;) {
    const fresh = await context.inspector.refresh();
    const leader = fresh.members.find((m) => m.isLeader && m.status);
    target ??= leader?.status?.raftIndex ?? null;
    last = fresh.members.find((m) => m.id === id);
    if (!last) return { member: undefined, target, problem: `the member left the cluster during the ${action}` };
    const down = unavailableReason(last, action);
    if (down !== null) why = down;
    else if (target === null) why = 'the cluster names no leader to catch up with';
    else if ((last.status?.raftAppliedIndex ?? 0) < target)
      why = `applied index ${last.status?.raftAppliedIndex ?? '?'} < leader's ${target}`;
    else return { member: last, target, problem: null };
    if (Date.now() > until) {
      return {
        member: last,
        target,
        problem: `${memberLabel(last)} did not answer, become healthy and catch up within ${timeoutMs} ms (${why})`,
      };
    }
    await sleep(POLL_MS);
  }
}

/** Moves leadership from `leader` to the most caught-up follower and waits until the cluster names the new leader. */
export async function moveLeadershipAway(
  context: ActionContext,
  snapshot: ClusterSnapshot,
  leader: MemberReport,
): Promise<{ step: StepOutcome; snapshot: ClusterSnapshot } | { step: StepOutcome; error: ActionError }> {
  const started = Date.now();
  const target = mostCaughtUpFollower(snapshot);
  const step: StepOutcome = {
    memberId: leader.id,
    memberName: leader.name,
    ok: true,
    text: `move leadership from ${memberLabel(leader)} to ${target ? memberLabel(target) : '(none)'}`,
    tookMs: 0,
    details: { from: leader.id, to: target?.id ?? null },
  };
  if (!target) return { step, error: { text: 'no started, healthy voting follower can take leadership', meaning: null } };
  context.progress?.(`moving leadership to ${memberLabel(target)}`);
  const call = await callMember(context, leader, `leadership transfer to ${memberLabel(target)} accepted`, (client) =>
    client.moveLeader(target.id, deadlineIn(SHORT_CALL_MS)),
  );
  if (call.error) return { step, error: call.error };
  const until = Date.now() + SHORT_CALL_MS;
  for (;;) {
    const fresh = await context.inspector.refresh();
    if (fresh.leaderId !== null && fresh.leaderId !== leader.id && fresh.leaderAgreement === true) {
      const text = `moved leadership from ${memberLabel(leader)} to ${fresh.leaderName ?? fresh.leaderId}`;
      context.log?.(text);
      return { step: { ...step, text, tookMs: Date.now() - started }, snapshot: fresh };
    }
    if (Date.now() > until) {
      return {
        step,
        error: { text: `${memberLabel(leader)} is still the leader ${SHORT_CALL_MS} ms after the transfer was accepted`, meaning: null },
      };
    }
    await sleep(POLL_MS);
  }
}

/**
 * The next member of a rolling action, just before it goes out of service: from a fresh refresh; when it
 * leads and `movesLeadership(it, snapshot)` says so, leadership moved to the most caught-up follower first (that step
 * returned as `moved`); and the quorum guard's verdict on the cluster as it is then. The caller decides what
 * a refusal means (`context.insist`) and words its own failure.
 */
export async function nextMember(
  context: ActionContext,
  id: string,
  action: OutOfServiceAction,
  movesLeadership: (leader: MemberReport, snapshot: ClusterSnapshot) => boolean,
): Promise<
  | { member: MemberReport; snapshot: ClusterSnapshot; moved: StepOutcome | null; guard: GuardVerdict }
  | { gone: true }
  | { step: StepOutcome; error: ActionError }
> {
  let snapshot = await context.inspector.refresh();
  let member = snapshot.members.find((m) => m.id === id);
  if (!member) return { gone: true };
  let moved: StepOutcome | null = null;
  if (member.isLeader && movesLeadership(member, snapshot)) {
    const away = await moveLeadershipAway(context, snapshot, member);
    if ('error' in away) return away;
    moved = away.step;
    snapshot = away.snapshot;
    member = snapshot.members.find((m) => m.id === id) ?? member;
  }
  return { member, snapshot, moved, guard: quorumGuard(snapshot, id, action) };
}
