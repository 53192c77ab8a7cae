// Rolling defragment (runbook step 9), the way operators wish `etcdctl defrag --cluster` worked: optional
// compaction with a retention, learners skipped, followers first, the leader last (in place when the
// followers' defragments predict it is short, else after leadership moved away: see LEADER_IN_PLACE_MS), the
// quorum guard and an optional size rule before each member, and after each member a wait on the member
// itself (it answers, is healthy, has caught up with the leader) before the next.
import type { ClusterSnapshot, MemberReport } from '../model';
import {
  LONG_CALL_MS,
  actionError,
  assertMayRun,
  cancelled,
  deadlineIn,
  endOf,
  memberClient,
  SHORT_CALL_MS,
  type ActionContext,
  type ActionError,
  type ActionPlan,
  type ActionResult,
  type PlanStep,
  type StepOutcome,
} from './action';
import { memberLabel, quorumGuard, unavailableReason, type GuardVerdict } from './guard';
import { mostCaughtUpFollower } from './leadership';
import { nextMember, waitForMember } from './rolling';

/** Options of a rolling defragment. */
export interface DefragOptions {
  /** Compact first, keeping the last N revisions or the revisions of the last `keepDurationMs`; undefined: no compaction. */
  compact?: { keepRevisions?: number; keepDurationMs?: number };
  /** Defragment a member only when its free space (dbSize - dbSizeInUse) is at least this % of its dbSize. */
  minFreePercent?: number;
  /** ...or only when its dbSize is at least this % of its quota. */
  minQuotaPercent?: number;
  /** Wait this long for a member to answer, be healthy and catch up after its defragment (default 120000). */
  catchUpTimeoutMs?: number;
  /**
   * Whether leadership moves away before the leader is defragmented: 'auto' (the default) when the followers'
   * defragments predict the leader's takes longer than LEADER_IN_PLACE_MS, 'always', or 'never'.
   */
  moveLeader?: MoveLeader;
}

/** When leadership moves away before the leader's defragment. */
export type MoveLeader = 'auto' | 'always' | 'never';
export const MOVE_LEADER_CHOICES: readonly MoveLeader[] = ['auto', 'always', 'never'];

/**
 * The longest leader defragment done in place. While the leader defragments it applies nothing, so its own
 * clients wait, and so does every lease keep-alive in the cluster (the leader answers one only once it has
 * applied what it committed); writes through the followers go on. Past etcd's 5 s request timeout keep-alives
 * start failing and short leases can expire, which is worse than a transfer. Below it the transfer costs more:
 * a write in flight while leadership moves is dropped and hangs until etcd's request timeout (about 7 s)
 * before it fails — bench/defrag.ts measured exactly that, and etcdctl defrag --cluster never moves leadership.
 */
export const LEADER_IN_PLACE_MS = 5000;

/**
 * How long the leader's defragment is predicted to take, from the followers' defragments of this run
 * (milliseconds per byte of db, the slowest follower's), or null when no follower was defragmented. Pure.
 */
export function predictedDefragMs(samples: readonly { tookMs: number; dbSize: number }[], dbSize: number): number | null {
  const rates = samples.filter((s) => s.dbSize > 0 && s.tookMs >= 0).map((s) => s.tookMs / s.dbSize);
  return rates.length === 0 ? null : Math.max(...rates) * dbSize;
}

/**
 * Whether leadership moves away before the leader's defragment. In 'auto' without a prediction (no follower
 * was defragmented) it moves: nothing says the defragment is short. Pure.
 */
export function movesLeadership(mode: MoveLeader, predictedMs: number | null): boolean {
  if (mode !== 'auto') return mode === 'always';
  return predictedMs === null || predictedMs > LEADER_IN_PLACE_MS;
}

/** Default wait for a member to serve again and catch up after its defragment. */
export const CATCH_UP_TIMEOUT_MS = 120_000;

/** A member the plan defragments (in order) or skips (with the reason). */
interface Decision {
  member: MemberReport;
  skip: string | null;
}

const percent = (n: number): string => `${Math.round(n * 10) / 10}%`;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Whether the optional size rule lets a member be defragmented: null when it does (or there is no rule),
 * else why not. With both rules, meeting either is enough (fragmented, or close to its quota).
 */
export function ruleSkipReason(m: MemberReport, options: DefragOptions): string | null {
  const { minFreePercent, minQuotaPercent } = options;
  if (minFreePercent === undefined && minQuotaPercent === undefined) return null;
  const status = m.status;
  if (!status) return 'its status is unknown, so the size rule cannot be checked';
  const reasons: string[] = [];
  if (minFreePercent !== undefined) {
    const free = status.dbSize > 0 ? (100 * (status.dbSize - status.dbSizeInUse)) / status.dbSize : 0;
    if (free >= minFreePercent) return null;
    reasons.push(`free space ${percent(free)} of its ${mb(status.dbSize)} db is below ${minFreePercent}%`);
  }
  if (minQuotaPercent !== undefined) {
    if (status.dbSizeQuota === null || status.dbSizeQuota <= 0) {
      reasons.push('its quota is unknown');
    } else {
      const used = (100 * status.dbSize) / status.dbSizeQuota;
      if (used >= minQuotaPercent) return null;
      reasons.push(`its db is ${percent(used)} of its ${mb(status.dbSizeQuota)} quota, below ${minQuotaPercent}%`);
    }
  }
  return reasons.join(', and ');
}

/** Followers first (member-list order), the leader last; learners and members out of service skipped. */
function decide(snapshot: ClusterSnapshot, options: DefragOptions): Decision[] {
  const ordered = [...snapshot.members.filter((m) => !m.isLeader), ...snapshot.members.filter((m) => m.isLeader)];
  return ordered.map((member) => {
    if (member.isLearner) return { member, skip: 'a learner (learners refuse defragment; it holds no more than the leader sends it)' };
    const down = unavailableReason(member, 'defragment');
    if (down !== null) return { member, skip: `out of service (${down})` };
    return { member, skip: ruleSkipReason(member, options) };
  });
}

/** What the compaction keeps, in words. */
function retentionText(compact: NonNullable<DefragOptions['compact']>): string {
  const parts: string[] = [];
  if (compact.keepRevisions !== undefined) parts.push(`the last ${compact.keepRevisions} revisions`);
  if (compact.keepDurationMs !== undefined) parts.push(`the revisions of the last ${Math.round(compact.keepDurationMs / 1000)} s`);
  return parts.length > 0 ? `keeping ${parts.join(' and ')}` : 'up to the current revision';
}

/** An unusable compaction option, or null. */
function compactOptionProblem(compact: DefragOptions['compact']): string | null {
  if (!compact) return null;
  const { keepRevisions, keepDurationMs } = compact;
  if (keepRevisions !== undefined && (!Number.isInteger(keepRevisions) || keepRevisions < 0))
    return `keepRevisions must be a whole number ≥ 0, not ${keepRevisions}`;
  if (keepDurationMs !== undefined && (!Number.isFinite(keepDurationMs) || keepDurationMs < 0))
    return `keepDurationMs must be ≥ 0, not ${keepDurationMs}`;
  return null;
}

/** The plan of a rolling defragment, from a fresh snapshot. Pure. */
export function planDefrag(snapshot: ClusterSnapshot, options: DefragOptions): ActionPlan {
  const decisions = decide(snapshot, options);
  const todo = decisions.filter((d) => d.skip === null);
  const leader = snapshot.members.find((m) => m.isLeader);
  const steps: PlanStep[] = [];
  if (options.compact && leader) {
    steps.push({
      memberId: leader.id,
      memberName: leader.name,
      text: `compact the key-value history ${retentionText(options.compact)} (watchers behind that revision are cancelled)`,
    });
  }
  for (const { member, skip } of decisions) {
    const label = memberLabel(member);
    if (skip !== null) {
      steps.push({ memberId: member.id, memberName: member.name, text: `skip ${label}: ${skip}` });
      continue;
    }
    const mode = options.moveLeader ?? 'auto';
    const inPlace = member.isLeader && mode === 'never' ? ', in place' : '';
    if (member.isLeader && mode !== 'never') {
      const target = mostCaughtUpFollower(snapshot);
      if (target) {
        const to = `${memberLabel(target)} (the most caught-up follower, applied index ${target.status?.raftAppliedIndex ?? '?'})`;
        steps.push({
          memberId: member.id,
          memberName: member.name,
          text:
            mode === 'always'
              ? `move leadership from ${label} to ${to}`
              : `move leadership from ${label} to ${to} only if the followers' defragments predict the leader's takes longer than ${LEADER_IN_PLACE_MS / 1000} s; else the leader is defragmented in place, as etcdctl does`,
        });
      }
    }
    const size = member.status ? ` (db ${mb(member.status.dbSize)}, ${mb(member.status.dbSizeInUse)} in use)` : '';
    steps.push({
      memberId: member.id,
      memberName: member.name,
      text: `defragment ${label}${member.isLeader ? `, the leader, last${inPlace}` : ''}${size}, then wait until it answers, is healthy and has caught up with the leader`,
    });
  }
  const verdicts: GuardVerdict[] = todo.map((d) => quorumGuard(snapshot, d.member.id, 'defragment'));
  const guard = verdicts.find((v) => !v.allowed) ?? verdicts[0] ?? null;
  const refusal = !leader
    ? 'the cluster has no leader: leadership cannot be moved and nothing can be compacted or defragmented safely (runbook step 5)'
    : (compactOptionProblem(options.compact) ??
      (todo.length === 0
        ? `nothing to defragment: ${decisions.map((d) => `${memberLabel(d.member)} skipped, ${d.skip ?? ''}`).join('; ') || 'no members'}`
        : null));
  return {
    action: 'defrag',
    cluster: snapshot.name,
    summary: `Rolling defragment of cluster "${snapshot.name}": ${todo.length} member${todo.length === 1 ? '' : 's'}, followers first, the leader last${options.compact ? ', after compaction' : ''}`,
    steps,
    guard,
    refusal,
    mutating: true,
  };
}

/** A precondition of the compaction that only the running inspector can check (its revision history). */
function durationRefusal(context: ActionContext, options: DefragOptions): string | null {
  const ms = options.compact?.keepDurationMs;
  if (ms === undefined || context.inspector.revisionAt(ms) !== null) return null;
  return `no revision of ${Math.round(ms / 1000)} s ago is known: the revision history is what this inspector has seen on its refreshes (the CLI has none); keep a number of revisions instead`;
}

/** Runs a rolling defragment: see the file's head. Throws ActionRefusedError only before changing anything. */
export async function rollingDefrag(context: ActionContext, options: DefragOptions): Promise<ActionResult> {
  const first = await context.inspector.refresh();
  const plan = planDefrag(first, options);
  if (!plan.refusal) {
    const refusal = durationRefusal(context, options);
    if (refusal) plan.refusal = refusal;
  }
  assertMayRun(context, plan);
  const log = (line: string): void => context.log?.(line);
  const steps: StepOutcome[] = [];
  const result = (error: ActionError | null, wasCancelled = false): ActionResult => endOf(plan, steps, error, wasCancelled);
  const fail = (outcome: StepOutcome, error: ActionError): ActionResult => {
    steps.push({ ...outcome, ok: false, text: `${outcome.text}: ${error.text}${error.meaning ? ` (${error.meaning})` : ''}` });
    log(`${outcome.text} failed: ${error.text}`);
    return result(error);
  };

  // The leader's raft index once the compaction was done: a member defragmented before it has applied the
  // compaction (and run it: etcd compacts in the background on each member) would keep the history.
  let compactedAt: number | null = null;
  /** The followers' defragments of this run: what predicts the leader's. */
  const samples: { tookMs: number; dbSize: number }[] = [];
  if (options.compact) {
    if (cancelled(context)) {
      log('cancelled before the compaction');
      return result(null, true);
    }
    const outcome = await compactFirst(context, first, options.compact);
    if ('error' in outcome) return fail(outcome.step, outcome.error);
    steps.push(outcome.step);
    compactedAt = outcome.raftIndex;
  }

  for (const decision of decide(first, options)) {
    const { member } = decision;
    const label = memberLabel(member);
    if (decision.skip !== null) {
      const size = member.status?.dbSize ?? null;
      steps.push({
        memberId: member.id,
        memberName: member.name,
        ok: true,
        text: `skipped ${label}: ${decision.skip}`,
        tookMs: 0,
        details: { dbSizeBefore: size, dbSizeAfter: size, skipped: decision.skip },
      });
      log(`skipped ${label}: ${decision.skip}`);
      continue;
    }
    if (cancelled(context)) {
      log(`cancelled before ${label}`);
      return result(null, true);
    }
    const started = Date.now();
    const base = { memberId: member.id, memberName: member.name, tookMs: 0 };
    // The leader's defragment stops its applies (see LEADER_IN_PLACE_MS): leadership moves first when that is predicted to be long.
    const next = await nextMember(context, member.id, 'defragment', (leader) => {
      const predicted = predictedDefragMs(samples, leader.status?.dbSize ?? 0);
      const moves = movesLeadership(options.moveLeader ?? 'auto', predicted);
      if (!moves && predicted !== null)
        log(
          `${label} is the leader; its defragment is predicted to take ${Math.round(predicted)} ms (≤ ${LEADER_IN_PLACE_MS} ms): defragmenting it in place`,
        );
      return moves;
    });
    if ('gone' in next)
      return fail({ ...base, ok: false, text: `defragment ${label}` }, { text: `${label} is no longer a member`, meaning: null });
    if ('error' in next) return fail(next.step, next.error);
    if (next.moved) steps.push(next.moved);
    let current = next.member;
    if (!next.guard.allowed && !context.insist) {
      return fail(
        { ...base, ok: false, text: `defragment ${label}`, details: { dbSizeBefore: current.status?.dbSize ?? null, dbSizeAfter: null } },
        {
          text: `the quorum guard refuses: ${next.guard.text}`,
          meaning: 'the cluster changed since the plan; nothing more was defragmented',
        },
      );
    }

    if (compactedAt !== null && (current.status?.raftAppliedIndex ?? 0) < compactedAt) {
      const applied = await waitForMember(context, member.id, options.catchUpTimeoutMs ?? CATCH_UP_TIMEOUT_MS, compactedAt, 'defragment');
      if (applied.problem)
        return fail({ ...base, ok: false, text: `wait for ${label} to apply the compaction` }, { text: applied.problem, meaning: null });
      current = applied.member ?? current;
    }

    const dbSizeBefore = current.status?.dbSize ?? null;
    context.progress?.(`defragmenting ${label}${dbSizeBefore === null ? '' : ` (${mb(dbSizeBefore)})`}`);
    log(`defragment ${label} (${member.endpoint ?? 'no endpoint'}), db ${dbSizeBefore === null ? 'size unknown' : mb(dbSizeBefore)}`);
    let callError: ActionError | null = null;
    let client;
    try {
      client = memberClient(context, current);
      const calledAt = Date.now();
      await client.defragment(deadlineIn(context.longCallMs ?? LONG_CALL_MS));
      if (!current.isLeader && dbSizeBefore !== null) samples.push({ tookMs: Date.now() - calledAt, dbSize: dbSizeBefore });
      log(`${label}: defragment answered OK after ${Date.now() - started} ms`);
    } catch (error) {
      callError = actionError(error);
      log(`${label}: defragment call ended with: ${callError.text} (waiting on the member: it may still be defragmenting)`);
    } finally {
      client?.close();
    }

    // The server keeps defragmenting after a client gives up: wait on the member, not on the call.
    const caughtUp = await waitForMember(context, member.id, options.catchUpTimeoutMs ?? CATCH_UP_TIMEOUT_MS, null, 'defragment');
    const dbSizeAfter = caughtUp.member?.status?.dbSize ?? null;
    const details = { dbSizeBefore, dbSizeAfter };
    const outcome: StepOutcome = {
      ...base,
      ok: true,
      text: `defragmented ${label}`,
      tookMs: Date.now() - started,
      details,
    };
    if (callError) return fail({ ...outcome, text: `defragment ${label}` }, callError);
    if (caughtUp.problem) return fail({ ...outcome, text: `defragment ${label}` }, { text: caughtUp.problem, meaning: null });
    const sizes = dbSizeBefore !== null && dbSizeAfter !== null ? `: db ${mb(dbSizeBefore)} → ${mb(dbSizeAfter)}` : '';
    outcome.text = `defragmented ${label}${sizes}; it answers, is healthy and caught up (applied index ${caughtUp.member?.status?.raftAppliedIndex ?? '?'} ≥ ${caughtUp.target})`;
    steps.push(outcome);
    log(outcome.text);
  }
  return result(null);
}

/** Compaction before the defragments, through the leader, to the revision the retention allows. */
async function compactFirst(
  context: ActionContext,
  snapshot: ClusterSnapshot,
  compact: NonNullable<DefragOptions['compact']>,
): Promise<{ step: StepOutcome; raftIndex: number | null } | { step: StepOutcome; error: ActionError }> {
  const started = Date.now();
  const leader = snapshot.members.find((m) => m.isLeader);
  const step: StepOutcome = { memberId: leader?.id ?? null, memberName: leader?.name ?? null, ok: true, text: 'compact', tookMs: 0 };
  if (!leader) return { step, error: { text: 'no leader to compact through', meaning: null } };
  const client = memberClient(context, leader);
  try {
    const current = await client.revision(deadlineIn(SHORT_CALL_MS));
    const candidates = [current - (compact.keepRevisions ?? 0)];
    if (compact.keepDurationMs !== undefined) {
      const then = context.inspector.revisionAt(compact.keepDurationMs);
      if (then === null) return { step, error: { text: `no revision of ${compact.keepDurationMs} ms ago is known`, meaning: null } };
      candidates.push(then);
    }
    // With both retentions, the one that keeps more wins.
    const revision = Math.min(...candidates);
    const details = { currentRevision: current, revision };
    if (revision <= 1) {
      const text = `compaction skipped: current revision ${current}, ${retentionText(compact)} leaves nothing to compact`;
      context.log?.(text);
      return { step: { ...step, text, tookMs: Date.now() - started, details }, raftIndex: null };
    }
    context.progress?.(`compacting to revision ${revision}`);
    try {
      await client.compact(revision, deadlineIn(context.longCallMs ?? LONG_CALL_MS), true);
    } catch (error) {
      const e = actionError(error);
      // Already compacted at or beyond that revision: the retention asked for is already in place.
      if (!/required revision has been compacted/.test(e.text)) return { step: { ...step, details }, error: e };
      const text = `compaction to revision ${revision} not needed: etcd says "${e.text}"`;
      context.log?.(text);
      return { step: { ...step, text, tookMs: Date.now() - started, details }, raftIndex: null };
    }
    const text = `compacted the history to revision ${revision} (current ${current}, ${retentionText(compact)}) through ${memberLabel(leader)}`;
    context.log?.(text);
    const raftIndex = Number((await client.status(deadlineIn(SHORT_CALL_MS))).raftIndex);
    return { step: { ...step, text, tookMs: Date.now() - started, details }, raftIndex };
  } catch (error) {
    return { step, error: actionError(error) };
  } finally {
    client.close();
  }
}
