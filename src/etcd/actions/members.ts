// Add member, promote learner, remove member (runbook step 6 and issue 10): membership changes that go to the
// leader through a one-member client, with the new member's configuration generated from the live member list
// by the same generator as "Generate Member Configuration".
import { toHexId } from '../ids';
import type { ClusterSnapshot, MemberReport } from '../model';
import { generateMemberConfig, validateNewMember } from '../../lint/memberConfig';
import { checkEtcdUrl } from '../../lint/values';
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
  type StepOutcome,
} from './action';
import { memberLabel, quorumGuard, unavailableReason, type GuardVerdict } from './guard';
import { mostCaughtUpFollower } from './leadership';

/** What the operator asks for when adding a member. */
export interface AddMemberOptions {
  name: string;
  peerURLs: string[];
  /** The client URLs it will advertise (default: its peer host on port 2379). */
  clientURLs?: string[];
  /** Add it as a voting member instead of a learner. */
  voter?: boolean;
  /** ETCD_DATA_DIR of the generated configuration. */
  dataDir?: string;
  /** ETCD_INITIAL_CLUSTER_TOKEN of the generated configuration. */
  token?: string;
}

/** The quorum arithmetic of adding a voting member: the started, healthy voters must be a quorum of the grown cluster. */
export function voterAddGuard(snapshot: ClusterSnapshot, name: string): GuardVerdict {
  const voting = snapshot.members.filter((m) => !m.isLearner);
  const unavailable = voting.flatMap((m) => {
    const reason = unavailableReason(m, 'restart');
    return reason === null ? [] : [{ id: m.id, name: memberLabel(m), reason }];
  });
  const available = voting.length - unavailable.length;
  const size = voting.length + 1;
  const needed = Math.floor(size / 2) + 1;
  const state =
    unavailable.length === 0 ? 'all healthy' : `${unavailable.length} unavailable (${unavailable.map((u) => u.name).join(', ')})`;
  const allowed = available >= needed;
  return {
    allowed,
    text: `${voting.length} voting member${voting.length === 1 ? '' : 's'}, ${state}: adding ${name} as a voter makes a ${size}-member cluster that needs ${needed}, and ${available} ${available === 1 ? 'is' : 'are'} started until ${name} starts${allowed ? '' : ' (add it as a learner instead, then promote it)'}`,
    votingMembers: voting.length,
    needed,
    availableAfter: available,
    unavailable,
  };
}

/** The plan of adding a member: learner by default; a voter only when the started voters stay a quorum. */
export function planAddMember(snapshot: ClusterSnapshot, options: AddMemberOptions): ActionPlan {
  const role = options.voter ? 'a voting member' : 'a learner';
  const summary = `Add member ${options.name} to cluster "${snapshot.name}" as ${role}`;
  const refuse = (why: string): ActionPlan => refusedPlan(snapshot, 'member-add', summary, why);
  if (options.peerURLs.length === 0) return refuse('give at least one peer URL');
  for (const peerUrl of options.peerURLs) {
    const invalid = validateNewMember({ name: options.name, peerUrl });
    if (invalid) return refuse(invalid);
  }
  for (const clientUrl of options.clientURLs ?? []) {
    const invalid = checkEtcdUrl(clientUrl.trim()).error;
    if (invalid) return refuse(invalid);
  }
  const named = snapshot.members.find((m) => m.name === options.name);
  if (named) return refuse(`a member named ${options.name} already exists (${named.id})`);
  for (const url of options.peerURLs) {
    const owner = snapshot.members.find((m) => m.peerURLs.includes(url.trim()));
    if (owner) return refuse(`the peer URL ${url} is already used by ${memberLabel(owner)} (${owner.id})`);
  }
  const problem = leaderProblem(snapshot);
  if (problem) return refuse(problem);
  const leader = snapshot.members.find((m) => m.isLeader) as MemberReport;
  const learners = snapshot.members.filter((m) => m.isLearner);
  const note =
    !options.voter && learners.length > 0
      ? ` (the cluster already has a learner, ${learners.map(memberLabel).join(', ')}: etcd allows one unless --max-learners is raised)`
      : '';
  return {
    action: 'member-add',
    cluster: snapshot.name,
    summary,
    steps: [
      stepOn(
        leader,
        `ask the leader ${memberLabel(leader)} to add ${options.name} (peer URLs ${options.peerURLs.join(', ')}) as ${role}${note}`,
      ),
      stepOn(null, `start ${options.name} with the generated configuration (ETCD_INITIAL_CLUSTER_STATE=existing)`),
      ...(options.voter ? [] : [stepOn(null, `promote ${options.name} once its raft index has caught up with the leader's`)]),
    ],
    guard: options.voter ? voterAddGuard(snapshot, options.name) : null,
    refusal: null,
    mutating: true,
  };
}

/** The new member's env-style etcd.conf from the live member list: every current member plus the new one. */
export function newMemberConfig(snapshot: ClusterSnapshot, options: AddMemberOptions): string {
  return configOf(
    snapshot.members.map((m) => ({ id: m.id, name: m.name, peerURLs: m.peerURLs })),
    options,
  );
}

function configOf(members: Array<{ id: string; name: string; peerURLs: string[] }>, options: AddMemberOptions): string {
  const peerURLs = options.peerURLs.map((u) => u.trim());
  // The new member itself (already in the list after the add, with no name until it starts) is written from the options.
  const current = members.filter((m) => m.name !== options.name && !m.peerURLs.some((u) => peerURLs.includes(u)));
  return generateMemberConfig(
    { name: options.name, peerUrl: peerURLs[0], peerUrls: peerURLs, clientUrls: options.clientURLs },
    {
      // A member added but never started has no name yet: etcd only compares the peer URLs of the others.
      members: current.map((m) => ({ name: m.name || m.id, peerURLs: m.peerURLs })),
      learner: !options.voter,
      dataDir: options.dataDir,
      token: options.token,
    },
  );
}

/** Adds the member through the leader; returns its configuration (null when the add failed or did not run). */
export async function addMember(context: ActionContext, options: AddMemberOptions): Promise<ActionResult & { config: string | null }> {
  const snapshot = await context.inspector.refresh();
  const plan = planAddMember(snapshot, options);
  assertMayRun(context, plan);
  if (cancelled(context)) return { ...endOf(plan, [], null, true), config: null };
  const leader = byId(snapshot, plan.steps[0].memberId);
  const role = options.voter ? 'a voting member' : 'a learner';
  let config: string | null = null;
  let memberId: string | null = null;
  context.progress?.(`Adding ${options.name} as ${role}`);
  const step = await callMember(context, leader, `added ${options.name} as ${role}`, async (client) => {
    const added = await client.memberAdd(
      options.peerURLs.map((u) => u.trim()),
      !options.voter,
      deadlineIn(SHORT_CALL_MS),
    );
    memberId = toHexId(added.member.ID);
    // The member list etcd answered with is the freshest there is: the configuration is written from it.
    config = configOf(
      added.members.map((m) => ({ id: toHexId(m.ID), name: m.name, peerURLs: m.peerURLs })),
      options,
    );
  });
  if (memberId) step.outcome.details = { memberId };
  return { ...endOf(plan, [step.outcome], step.error, false), config };
}

/** How far a learner's applied raft index is from the leader's raft index (null when either is unknown). */
export function learnerProgress(
  snapshot: ClusterSnapshot,
  learner: MemberReport,
): { applied: number; leaderIndex: number; caughtUp: boolean } | null {
  const leader = snapshot.members.find((m) => m.isLeader);
  if (!leader?.status || !learner.status) return null;
  const applied = learner.status.raftAppliedIndex;
  const leaderIndex = leader.status.raftIndex;
  return { applied, leaderIndex, caughtUp: applied >= leaderIndex };
}

/** The plan of promoting a learner: only a started learner, through the leader; says whether it has caught up. */
export function planPromote(snapshot: ClusterSnapshot, ref: string): ActionPlan {
  const summary = `Promote learner ${ref} of cluster "${snapshot.name}" to a voting member`;
  const refuse = (why: string): ActionPlan => refusedPlan(snapshot, 'member-promote', summary, why);
  const learner = findMember(snapshot, ref);
  if (!learner) return refuse(`no member is named or has the id "${ref}"`);
  if (!learner.isLearner) return refuse(`${memberLabel(learner)} is not a learner: it already votes`);
  if (!learner.started) return refuse(`${memberLabel(learner)} has not started: start it with its generated configuration first`);
  const problem = leaderProblem(snapshot);
  if (problem) return refuse(problem);
  const leader = snapshot.members.find((m) => m.isLeader) as MemberReport;
  const progress = learnerProgress(snapshot, learner);
  const where = !progress
    ? `its raft index is unknown (${learner.error ?? 'it did not answer status'}): etcd refuses the promotion unless it is in sync`
    : progress.caughtUp
      ? `its raft applied index ${progress.applied} has caught up with the leader's ${progress.leaderIndex}`
      : `its raft applied index ${progress.applied} is ${progress.leaderIndex - progress.applied} behind the leader's ${progress.leaderIndex}: etcd refuses the promotion until it is in sync`;
  return {
    action: 'member-promote',
    cluster: snapshot.name,
    summary: `Promote learner ${memberLabel(learner)} of cluster "${snapshot.name}" to a voting member`,
    steps: [stepOn(leader, `ask the leader ${memberLabel(leader)} to promote ${memberLabel(learner)}; ${where}`)],
    guard: null,
    refusal: null,
    mutating: true,
  };
}

/** Promotes a learner through the leader. */
export async function promoteLearner(context: ActionContext, ref: string): Promise<ActionResult> {
  const snapshot = await context.inspector.refresh();
  const plan = planPromote(snapshot, ref);
  assertMayRun(context, plan);
  const learner = findMember(snapshot, ref) as MemberReport;
  if (cancelled(context)) return endOf(plan, [], null, true);
  const leader = byId(snapshot, plan.steps[0].memberId);
  context.progress?.(`Promoting ${memberLabel(learner)}`);
  const step = await callMember(context, leader, `promoted ${memberLabel(learner)} to a voting member`, (client) =>
    client.memberPromote(learner.id, deadlineIn(SHORT_CALL_MS)),
  );
  return endOf(plan, [step.outcome], step.error, false);
}

/**
 * The plan of removing a member, with the quorum guard's verdict. A member already down may go (it does not
 * reduce the active count); the leader first hands leadership to the most caught-up follower, which then
 * carries the removal.
 */
export function planRemoveMember(snapshot: ClusterSnapshot, ref: string): ActionPlan {
  const summary = `Remove member ${ref} from cluster "${snapshot.name}"`;
  const refuse = (why: string): ActionPlan => refusedPlan(snapshot, 'member-remove', summary, why);
  const target = findMember(snapshot, ref);
  if (!target) return refuse(`no member is named or has the id "${ref}"`);
  const problem = leaderProblem(snapshot);
  if (problem) return refuse(`${problem}; removing a member needs a quorum`);
  const leader = snapshot.members.find((m) => m.isLeader) as MemberReport;
  const guard = quorumGuard(snapshot, target.id, 'remove');
  const down = target.isLearner ? null : unavailableReason(target, 'remove');
  const label = `${memberLabel(target)} (${target.id}${target.isLearner ? ', a learner' : ''}${down ? `, down: ${down}` : ''})`;
  const plan: ActionPlan = {
    action: 'member-remove',
    cluster: snapshot.name,
    summary: `Remove member ${label} from cluster "${snapshot.name}"`,
    steps: [],
    guard,
    refusal: null,
    mutating: true,
  };
  if (!target.isLeader) {
    plan.steps.push(stepOn(leader, `ask the leader ${memberLabel(leader)} to remove ${memberLabel(target)}`));
    return plan;
  }
  const follower = mostCaughtUpFollower(snapshot);
  if (!follower)
    return { ...plan, refusal: `${memberLabel(target)} is the leader and no started, healthy voting follower can take over first` };
  plan.steps.push(
    stepOn(target, `ask the leader ${memberLabel(target)} to transfer leadership to ${memberLabel(follower)}, the most caught-up follower`),
    stepOn(follower, `ask the new leader ${memberLabel(follower)} to remove ${memberLabel(target)}`),
  );
  return plan;
}

/** How long to wait for the cluster to report the new leader after a transfer etcd said was done. */
const LEADER_SEEN_MS = 10_000;

/** Removes a member through the leader; the leader itself hands leadership away first. */
export async function removeMember(context: ActionContext, ref: string): Promise<ActionResult> {
  let snapshot = await context.inspector.refresh();
  let plan = planRemoveMember(snapshot, ref);
  assertMayRun(context, plan);
  const target = findMember(snapshot, ref) as MemberReport;
  const outcomes: StepOutcome[] = [];
  if (target.isLeader) {
    const follower = byId(snapshot, plan.steps[0].memberId === target.id ? plan.steps[1].memberId : null);
    if (cancelled(context)) return endOf(plan, outcomes, null, true);
    context.progress?.(`Moving leadership from ${memberLabel(target)} to ${memberLabel(follower)}`);
    const moved = await callMember(context, target, `moved leadership from ${memberLabel(target)} to ${memberLabel(follower)}`, (client) =>
      client.moveLeader(follower.id, deadlineIn(SHORT_CALL_MS)),
    );
    outcomes.push(moved.outcome);
    if (moved.error) return endOf(plan, outcomes, moved.error, false);
    // A fresh snapshot before the removal: the guard is asked again, and the target must no longer lead.
    const until = Date.now() + LEADER_SEEN_MS;
    do snapshot = await context.inspector.refresh();
    while ((snapshot.leaderId === null || snapshot.leaderId === target.id) && Date.now() < until && !cancelled(context));
    plan = planRemoveMember(snapshot, target.id);
    const stillLeads = snapshot.leaderId === target.id;
    const refusal = stillLeads
      ? `${memberLabel(target)} is still the leader after the transfer: ${memberLabel(target)} was not removed`
      : (plan.refusal ?? (plan.guard && !plan.guard.allowed && !context.insist ? `the quorum guard refuses: ${plan.guard.text}` : null));
    if (refusal) return endOf(plan, outcomes, { text: refusal, meaning: null }, false);
  }
  if (cancelled(context)) return endOf(plan, outcomes, null, true);
  const via = byId(snapshot, plan.steps[plan.steps.length - 1].memberId);
  context.progress?.(`Removing ${memberLabel(target)}`);
  const removed = await callMember(context, via, `removed ${memberLabel(target)} (${target.id})`, (client) =>
    client.memberRemove(target.id, deadlineIn(SHORT_CALL_MS)),
  );
  outcomes.push(removed.outcome);
  return endOf(plan, outcomes, removed.error, false);
}
