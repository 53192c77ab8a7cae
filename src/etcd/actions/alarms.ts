// Alarms: list them, and disarm NOSPACE once every member's db has room below its quota again. Never every
// alarm at once (member 0 with no alarm type would disarm CORRUPT too); CORRUPT is explained, not disarmed.
import { toHexId } from '../ids';
import { formatBytes } from '../format';
import type { AlarmReport, ClusterSnapshot, MemberReport } from '../model';
import {
  actionError,
  assertMayRun,
  cancelled,
  deadlineIn,
  findMember,
  memberClient,
  type ActionContext,
  type ActionPlan,
  type ActionResult,
  type PlanStep,
  type StepOutcome,
} from './action';
import { memberLabel } from './guard';

/** What a CORRUPT alarm means and what to do about it; it is never disarmed from here. */
export const CORRUPT_EXPLANATION =
  'CORRUPT: etcd found that this member’s data differs from the other members’ (a hash mismatch at the same revision); ' +
  'the cluster refuses writes while it is active. Disarming it would hide the damage: find the member whose data is wrong ' +
  '(Hash-KV check), then replace it (remove it and add it back with an empty data dir) or restore every member from a good ' +
  'snapshot (runbook step 5, option 2: etcdutl snapshot restore). It is never disarmed from here.';

/**
 * How full a db may be for NOSPACE to be disarmed. etcd raises NOSPACE when a request would take a member's
 * db over its quota (size + the request's cost), so a db just under the quota raises it again at the next
 * write; deletes and compaction work under the alarm, so there is no reason to disarm before there is room.
 */
export const DISARM_HEADROOM = 0.95;

/** Why a member's NOSPACE alarm may or may not be disarmed now. */
interface DisarmDecision {
  memberId: string;
  member: MemberReport | undefined;
  /** The check, as shown in the plan: "etcd-1: db 1.2 MB < 95% of quota 2 MB: may disarm". */
  text: string;
  allowed: boolean;
}

const NOT_YET = 'compact, then defragment, then disarm';

/** The db check of one member: below DISARM_HEADROOM of its quota, or why it is not. Null when it cannot be told. */
function fullness(member: MemberReport): { full: boolean; text: string } | null {
  if (!member.status || member.status.dbSizeQuota === null || member.status.dbSizeQuota <= 0) return null;
  const { dbSize, dbSizeQuota } = member.status;
  const full = dbSize >= dbSizeQuota * DISARM_HEADROOM;
  const percent = Math.round(DISARM_HEADROOM * 100);
  return { full, text: `db ${formatBytes(dbSize)} ${full ? '≥' : '<'} ${percent}% of quota ${formatBytes(dbSizeQuota)}` };
}

/** The NOSPACE check of one alarmed member: its db size must be below DISARM_HEADROOM of its quota. */
function decide(snapshot: ClusterSnapshot, memberId: string): DisarmDecision {
  const member = snapshot.members.find((m) => m.id === memberId);
  const label = member ? memberLabel(member) : memberId;
  const refuse = (why: string): DisarmDecision => ({ memberId, member, allowed: false, text: `${label}: ${why}` });
  if (!member) return refuse('not in the member list (removed?): its db size cannot be checked, NOSPACE not disarmed');
  if (!member.status) {
    return refuse(`db size unknown (${member.error ?? 'its status did not answer'}): NOSPACE not disarmed until it answers`);
  }
  const check = fullness(member);
  if (!check) {
    return refuse(
      `db ${formatBytes(member.status.dbSize)}, quota unknown (its /metrics page gave no etcd_server_quota_backend_bytes): NOSPACE not disarmed without the check`,
    );
  }
  if (check.full) return refuse(`${check.text}: may not disarm yet (${NOT_YET} this member)`);
  return { memberId, member, allowed: true, text: `${label}: ${check.text}: may disarm` };
}

/**
 * Members without a NOSPACE alarm whose db is as full: disarming would let writes through that raise
 * NOSPACE again on them at once.
 */
function fullBystanders(snapshot: ClusterSnapshot, alarmed: Set<string>): string[] {
  return snapshot.members.flatMap((m) => {
    const check = alarmed.has(m.id) ? null : fullness(m);
    return check?.full ? [`${memberLabel(m)} (no alarm yet): ${check.text}`] : [];
  });
}

/**
 * The decisions of a plan: for `ref`, that member's; by default every member with a NOSPACE alarm. Any
 * alarm still active keeps writes stopped, and any full member raises one again, so the plan is refused
 * unless every alarmed member may be disarmed and no other member is full.
 */
function decisions(snapshot: ClusterSnapshot, ref?: string): { decisions: DisarmDecision[]; refusal: string | null } {
  const nospace = snapshot.alarms.filter((a) => a.alarm === 'NOSPACE');
  const alarmed = new Set(nospace.map((a) => a.memberId));
  const others = (): string | null => {
    const full = fullBystanders(snapshot, alarmed);
    return full.length > 0 ? `writes would raise NOSPACE again at once: ${full.join('; ')} (${NOT_YET})` : null;
  };
  if (ref !== undefined) {
    const member = findMember(snapshot, ref);
    if (!member) return { decisions: [], refusal: `no member named or with id "${ref}" in cluster "${snapshot.name}"` };
    const label = memberLabel(member);
    if (!alarmed.has(member.id)) {
      const corrupt = snapshot.alarms.some((a) => a.memberId === member.id && a.alarm === 'CORRUPT');
      return {
        decisions: [],
        refusal: corrupt ? `${label} has a CORRUPT alarm, no NOSPACE alarm. ${CORRUPT_EXPLANATION}` : `${label} has no NOSPACE alarm`,
      };
    }
    const decision = decide(snapshot, member.id);
    return { decisions: [decision], refusal: decision.allowed ? others() : decision.text };
  }
  if (nospace.length === 0) return { decisions: [], refusal: `no member of cluster "${snapshot.name}" has a NOSPACE alarm` };
  const all = [...alarmed].map((id) => decide(snapshot, id));
  const refused = all.filter((d) => !d.allowed);
  return {
    decisions: all,
    refusal: refused.length > 0 ? `no NOSPACE alarm may be disarmed yet: ${refused.map((d) => d.text).join('; ')}` : others(),
  };
}

/**
 * What disarming NOSPACE would do: on member `ref`, or by default on every member with a NOSPACE alarm.
 * Refused (each member's check shown) while an alarmed member's db, or another member's, is at or above
 * DISARM_HEADROOM of its quota. CORRUPT alarms are listed with what they mean; they are never disarmed.
 */
export function planDisarm(snapshot: ClusterSnapshot, ref?: string): ActionPlan {
  const { decisions: list, refusal } = decisions(snapshot, ref);
  const steps: PlanStep[] = list.map((d) => ({
    memberId: d.memberId,
    memberName: d.member ? memberLabel(d.member) : null,
    text: d.allowed ? `disarm NOSPACE of ${d.text}` : `leave NOSPACE armed: ${d.text}`,
  }));
  for (const id of new Set(snapshot.alarms.filter((a) => a.alarm === 'CORRUPT').map((a) => a.memberId))) {
    const member = snapshot.members.find((m) => m.id === id);
    steps.push({
      memberId: id,
      memberName: member ? memberLabel(member) : null,
      text: `${member ? memberLabel(member) : id}: ${CORRUPT_EXPLANATION}`,
    });
  }
  const targets = list.filter((d) => d.allowed).map((d) => (d.member ? memberLabel(d.member) : d.memberId));
  return {
    action: 'alarm-disarm',
    cluster: snapshot.name,
    summary:
      targets.length > 0
        ? `Disarm the NOSPACE alarm of ${targets.join(', ')} in cluster "${snapshot.name}" (each db is below ${Math.round(DISARM_HEADROOM * 100)}% of its quota; writes resume once no NOSPACE alarm is left)`
        : `Disarm NOSPACE alarms in cluster "${snapshot.name}": nothing may be disarmed`,
    steps,
    guard: null,
    refusal,
    mutating: true,
  };
}

/**
 * Disarms NOSPACE on `ref` (or every member whose NOSPACE may be disarmed), one member at a time, each
 * request sent to that member itself. Takes a fresh snapshot first; throws ActionRefusedError before
 * changing anything when the plan is refused or the cluster is read-only.
 */
export async function disarmNospace(context: ActionContext, ref?: string): Promise<ActionResult> {
  const snapshot = await context.inspector.refresh();
  const plan = planDisarm(snapshot, ref);
  assertMayRun(context, plan);
  const result: ActionResult = { action: 'alarm-disarm', cluster: snapshot.name, ok: true, cancelled: false, steps: [], error: null };
  for (const d of decisions(snapshot, ref).decisions) {
    const name = d.member ? memberLabel(d.member) : null;
    if (!d.allowed || !d.member) {
      result.steps.push({ memberId: d.memberId, memberName: name, ok: true, text: d.text, tookMs: 0, details: { skipped: d.text } });
      continue;
    }
    if (cancelled(context)) {
      result.cancelled = true;
      result.ok = false;
      break;
    }
    context.progress?.(`Disarming NOSPACE of ${name ?? d.memberId}`);
    const started = Date.now();
    const client = memberClient(context, d.member);
    try {
      // etcd answers a deactivation with the alarm it deactivated (none when it was already gone).
      const gone = await client.alarmDisarm(d.memberId, 'NOSPACE', deadlineIn(context.inspector.timeoutMs * 3));
      const text =
        gone.length > 0
          ? `${d.text}: disarmed (etcd deactivated ${gone.map((a) => `${toHexId(a.memberID)}:${a.alarm}`).join(', ')})`
          : `${d.text}: etcd had no such alarm any more (disarmed meanwhile)`;
      context.log?.(`alarm disarm NOSPACE ${name ?? d.memberId} (${d.memberId}): ${text}`);
      result.steps.push({ memberId: d.memberId, memberName: name, ok: true, text, tookMs: Date.now() - started });
    } catch (e) {
      const error = actionError(e);
      context.log?.(`alarm disarm NOSPACE ${name ?? d.memberId} (${d.memberId}) failed: ${error.text}`);
      const step: StepOutcome = { memberId: d.memberId, memberName: name, ok: false, text: error.text, tookMs: Date.now() - started };
      result.steps.push(step);
      result.ok = false;
      result.error = error;
      break;
    } finally {
      client.close();
    }
  }
  return result;
}

/**
 * The alarm list as etcd keeps it, from the first member that answers (leader first, one client per
 * member). Member ids are 16-digit hex. Throws when no member answered.
 */
export async function listAlarms(context: ActionContext): Promise<AlarmReport[]> {
  const snapshot = await context.inspector.refresh();
  const candidates = snapshot.members.filter((m) => m.reachable && m.endpoint).sort((a, b) => Number(b.isLeader) - Number(a.isLeader));
  const failures: string[] = [];
  for (const member of candidates) {
    const client = memberClient(context, member);
    try {
      const alarms = await client.alarms(deadlineIn(context.inspector.timeoutMs));
      return alarms.map((a) => ({ memberId: toHexId(a.memberID), alarm: a.alarm }));
    } catch (e) {
      failures.push(`${memberLabel(member)}: ${actionError(e).text}`);
    } finally {
      client.close();
    }
  }
  const why = failures.length > 0 ? failures.join('; ') : snapshot.errors.join('; ') || 'no reachable member';
  throw new Error(`no member of cluster "${snapshot.name}" gave its alarm list: ${why}`);
}
