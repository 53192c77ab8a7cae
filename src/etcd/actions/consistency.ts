// Consistency and verification: hash-KV of every voting member at one common revision (compared only
// between members with the same compact revision), and the runbook's "verify the fix": put, get and
// delete a key under a reserved prefix through the leader, each timed.
import { randomBytes } from 'node:crypto';
import type { ClusterSnapshot, MemberReport } from '../model';
import {
  ActionRefusedError,
  actionError,
  assertMayRun,
  deadlineIn,
  leaderProblem,
  memberClient,
  refusedPlan,
  type ActionContext,
  type ActionPlan,
  type ActionResult,
  type StepOutcome,
} from './action';
import { memberLabel } from './guard';

/** Keys written by verifyWrite live under this prefix (and are deleted again). */
export const VERIFY_PREFIX = '/etcd-inspector/verify/';

/** Hash-KV of every voting member at one revision; `divergent` names the members whose hash disagrees. */
export interface HashKvReport {
  revision: number;
  members: Array<{ id: string; name: string; hash: string | null; compactRevision: number | null; error: string | null }>;
  divergent: string[];
}

/** One member's hash-KV answer (or failure), as compared by compareHashes. */
export type HashKvMember = HashKvReport['members'][number];

/** How long a member that has not applied the common revision yet gets to catch up. */
const FUTURE_REVISION_WAIT_MS = 2000;

/**
 * Compares hashes only between members that hashed from the same compact revision: within each such
 * group the hash most members share is the reference and the others are divergent; when no hash has a
 * strict majority (1 against 1), every member of the group is named. Members that failed are not
 * compared (and not divergent); a member alone with its compact revision is not compared either.
 */
export function compareHashes(members: HashKvMember[]): { divergent: string[]; notes: string[] } {
  const groups = new Map<number, HashKvMember[]>();
  for (const m of members) {
    if (m.hash === null || m.compactRevision === null) continue;
    const group = groups.get(m.compactRevision) ?? [];
    group.push(m);
    groups.set(m.compactRevision, group);
  }
  const divergent: string[] = [];
  const notes: string[] = [];
  for (const [compactRevision, group] of groups) {
    if (group.length < 2) {
      if (groups.size > 1 || members.length > 1)
        notes.push(`${group[0].name}: alone with compact revision ${compactRevision}, not compared`);
      continue;
    }
    const counts = new Map<string, number>();
    for (const m of group) counts.set(m.hash as string, (counts.get(m.hash as string) ?? 0) + 1);
    if (counts.size === 1) continue;
    const [topHash, topCount] = [...counts].sort((a, b) => b[1] - a[1])[0];
    const majority = topCount * 2 > group.length;
    for (const m of group) if (!majority || m.hash !== topHash) divergent.push(m.name);
    notes.push(
      majority
        ? `compact revision ${compactRevision}: ${topCount} of ${group.length} members agree on hash ${topHash}`
        : `compact revision ${compactRevision}: no hash is shared by a majority of ${group.length} members`,
    );
  }
  for (const m of members) if (m.error !== null) notes.push(`${m.name}: not compared (${m.error})`);
  return { divergent, notes };
}

/** The leader of a snapshot, or a refusal for an action that needs one. */
function leaderOrRefuse(snapshot: ClusterSnapshot, action: 'hashkv' | 'verify', what: string): MemberReport {
  const problem = leaderProblem(snapshot);
  const leader = snapshot.members.find((m) => m.isLeader);
  if (problem === null && leader) return leader;
  const summary = `${action === 'hashkv' ? 'Hash-KV check' : 'Verify write'} of cluster "${snapshot.name}"`;
  const plan = refusedPlan(snapshot, action, summary, `${problem ?? 'no leader'}: ${what}`, action === 'verify');
  throw new ActionRefusedError(plan.refusal as string, plan);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Hash-KV of one member at `revision`, waiting a little for a follower that has not applied it yet. */
async function hashOne(context: ActionContext, member: MemberReport, revision: number): Promise<HashKvMember & { tookMs: number }> {
  const base = { id: member.id, name: memberLabel(member) };
  const started = Date.now();
  if (!member.endpoint) {
    return { ...base, hash: null, compactRevision: null, error: member.error ?? 'no client URL that can be reached from here', tookMs: 0 };
  }
  const client = memberClient(context, member);
  try {
    const until = Date.now() + FUTURE_REVISION_WAIT_MS;
    for (;;) {
      try {
        const r = await client.hashKV(revision, deadlineIn(context.longCallMs ?? context.inspector.timeoutMs * 30));
        return { ...base, hash: r.hash, compactRevision: r.compactRevision, error: null, tookMs: Date.now() - started };
      } catch (e) {
        const error = actionError(e);
        if (!/required revision is a future revision/.test(error.text) || Date.now() > until) throw e;
        await sleep(100);
      }
    }
  } catch (e) {
    const error = actionError(e);
    return {
      ...base,
      hash: null,
      compactRevision: null,
      error: error.meaning ? `${error.text} (${error.meaning})` : error.text,
      tookMs: Date.now() - started,
    };
  } finally {
    client.close();
  }
}

/**
 * Hash-KV of every voting member at the leader's current revision, compared between members with the same
 * compact revision. Reads only: runs under read-only. ok is false when a member diverges or did not answer.
 */
export async function hashKvCheck(context: ActionContext): Promise<ActionResult & { report: HashKvReport }> {
  const snapshot = await context.inspector.refresh();
  const leader = leaderOrRefuse(snapshot, 'hashkv', 'there is no common revision to hash at');
  const leaderClient = memberClient(context, leader);
  let revision: number;
  try {
    revision = await leaderClient.revision(deadlineIn(context.inspector.timeoutMs));
  } catch (e) {
    const error = actionError(e);
    const report: HashKvReport = { revision: 0, members: [], divergent: [] };
    return { action: 'hashkv', cluster: snapshot.name, ok: false, cancelled: false, steps: [], error, report };
  } finally {
    leaderClient.close();
  }
  context.progress?.(`Hash-KV of every voting member at revision ${revision}`);
  const voting = snapshot.members.filter((m) => !m.isLearner);
  const answers = await Promise.all(voting.map((m) => hashOne(context, m, revision)));
  const members = answers.map(({ tookMs: _tookMs, ...m }) => m);
  const { divergent, notes } = compareHashes(members);
  const steps: StepOutcome[] = answers.map((a) => ({
    memberId: a.id,
    memberName: a.name,
    ok: a.error === null && !divergent.includes(a.name),
    text:
      a.error !== null
        ? `${a.name}: ${a.error}`
        : `${a.name}: hash ${a.hash} at revision ${revision} (compact revision ${a.compactRevision})${divergent.includes(a.name) ? ': DIVERGENT' : ''}`,
    tookMs: a.tookMs,
    details: { hash: a.hash, compactRevision: a.compactRevision, revision },
  }));
  for (const s of steps) context.log?.(`hashkv ${s.text}`);
  for (const n of notes) context.log?.(`hashkv ${n}`);
  const failed = answers.filter((a) => a.error !== null);
  const error =
    divergent.length > 0
      ? {
          text: `hash-KV differs at revision ${revision}: ${divergent.join(', ')}`,
          meaning:
            'these members hold different data at the same revision: find the wrong one and replace it, or restore from a snapshot (runbook step 5, option 2)',
        }
      : failed.length > 0
        ? { text: `not every voting member answered: ${failed.map((f) => `${f.name} (${f.error})`).join('; ')}`, meaning: null }
        : null;
  return {
    action: 'hashkv',
    cluster: snapshot.name,
    ok: error === null,
    cancelled: false,
    steps,
    error,
    report: { revision, members, divergent },
  };
}

/**
 * The runbook's "verify the fix": put a key under /etcd-inspector/verify/, get it back (it must hold the
 * value written) and delete it, all through the leader, each step timed. Writes: refused under read-only.
 */
export async function verifyWrite(context: ActionContext): Promise<ActionResult> {
  const snapshot = await context.inspector.refresh();
  const leader = leaderOrRefuse(snapshot, 'verify', 'writes cannot succeed');
  const key = `${VERIFY_PREFIX}${randomBytes(8).toString('hex')}`;
  const plan: ActionPlan = {
    action: 'verify',
    cluster: snapshot.name,
    summary: `Verify writes in cluster "${snapshot.name}": put, get and delete ${key} through the leader ${memberLabel(leader)}`,
    steps: ['put', 'get', 'delete'].map((op) => ({ memberId: leader.id, memberName: memberLabel(leader), text: `${op} ${key}` })),
    guard: null,
    refusal: null,
    mutating: true,
  };
  assertMayRun(context, plan);
  const value = `verify ${new Date().toISOString()}`;
  const result: ActionResult = { action: 'verify', cluster: snapshot.name, ok: true, cancelled: false, steps: [], error: null };
  const client = memberClient(context, leader);
  const deadline = (): Date => deadlineIn(context.inspector.timeoutMs * 3);
  const step = async (op: string, call: () => Promise<string>): Promise<boolean> => {
    const started = Date.now();
    try {
      const text = await call();
      result.steps.push({
        memberId: leader.id,
        memberName: memberLabel(leader),
        ok: true,
        text: `${op} ${key}: ${text}`,
        tookMs: Date.now() - started,
      });
      context.log?.(`verify ${op} ${key} via ${memberLabel(leader)}: ${text} (${Date.now() - started} ms)`);
      return true;
    } catch (e) {
      const error = actionError(e);
      result.steps.push({
        memberId: leader.id,
        memberName: memberLabel(leader),
        ok: false,
        text: `${op} ${key}: ${error.text}`,
        tookMs: Date.now() - started,
      });
      context.log?.(`verify ${op} ${key} via ${memberLabel(leader)} failed: ${error.text}`);
      result.ok = false;
      result.error ??= error;
      return false;
    }
  };
  try {
    const put = await step('put', async () => {
      const revision = await client.put(key, value, deadline());
      return `written at revision ${revision}`;
    });
    if (!put) return result;
    await step('get', async () => {
      const got = await client.get(key, deadline());
      if (got !== value)
        throw new Error(
          `read back ${got === undefined ? 'nothing' : JSON.stringify(got)}, not the value written (${JSON.stringify(value)})`,
        );
      return 'read back the value written';
    });
    // Delete even when the get failed: the key must not stay behind.
    await step('delete', async () => {
      return `deleted ${await client.deleteKey(key, deadline())} key`;
    });
    return result;
  } finally {
    client.close();
  }
}
