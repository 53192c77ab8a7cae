// The pure half of the extension's runbook actions (src/extension/actions): the items of the member
// pickers, the defragment options offered, the modal's words for a plan, and a result turned into the
// message shown. No 'vscode' here: unit-tested with plain snapshots.
import type { ClusterSnapshot, MemberReport } from '../etcd/model';
import { formatBytes } from '../etcd/format';
import { renderPlan, type ActionName, type ActionPlan, type ActionResult } from '../etcd/actions/action';
import { memberLabel } from '../etcd/actions/guard';
import { cannotLead, mostCaughtUpFollower } from '../etcd/actions/leadership';
import type { DefragOptions } from '../etcd/actions/defrag';

/** A picker row (a vscode.QuickPickItem plus the member it stands for). */
export interface MemberPickItem {
  label: string;
  description: string;
  detail?: string;
  memberId: string;
}

/** The words for each action: the modal's button, the log and the messages. */
export const ACTION_WORDS: Record<ActionName, { title: string; confirm: string }> = {
  defrag: { title: 'Rolling defragment', confirm: 'Defragment' },
  'alarm-disarm': { title: 'Disarm NOSPACE', confirm: 'Disarm' },
  'move-leader': { title: 'Move leader', confirm: 'Move Leader' },
  'member-add': { title: 'Add member', confirm: 'Add Member' },
  'member-remove': { title: 'Remove member', confirm: 'Remove Member' },
  'member-promote': { title: 'Promote learner', confirm: 'Promote' },
  'snapshot-save': { title: 'Save snapshot', confirm: 'Save' },
  hashkv: { title: 'Hash-KV check', confirm: 'Check' },
  verify: { title: 'Verify write', confirm: 'Verify' },
  'rolling-restart': { title: 'Rolling restart', confirm: 'Restart' },
  'member-start': { title: 'Start member', confirm: 'Start' },
};

/** The choice that runs an action the quorum guard refuses; offered only as a second confirmation. */
export const INSIST_CHOICE = 'Run anyway (costs quorum)';
/** The first modal's button when the guard refuses: it leads to the second confirmation, never runs anything. */
export const OVERRIDE_CHOICE = 'Override the Guard…';

function raftLine(m: MemberReport): string {
  return m.status ? `raft index ${m.status.raftIndex}, applied ${m.status.raftAppliedIndex}` : (m.error ?? 'no status');
}

/** Why a member is down, or null when it answers and is healthy. */
function downReason(m: MemberReport): string | null {
  if (!m.started) return 'not started';
  if (!m.reachable) return m.error ?? 'unreachable';
  if (m.health && !m.health.healthy) return m.health.error ?? 'unhealthy';
  return null;
}

/**
 * The members leadership can be moved to: every voting member other than the leader, the default (the most
 * caught-up follower) first, then those that can lead, then the others with the reason they cannot.
 */
export function moveLeaderItems(s: ClusterSnapshot): MemberPickItem[] {
  const best = mostCaughtUpFollower(s);
  const candidates = s.members.filter((m) => !m.isLeader && !m.isLearner);
  const rank = (m: MemberReport): number => (m === best ? 0 : cannotLead(m) === null ? 1 : 2);
  return [...candidates]
    .sort((a, b) => rank(a) - rank(b) || (b.status?.raftAppliedIndex ?? -1) - (a.status?.raftAppliedIndex ?? -1))
    .map((m) => {
      const why = cannotLead(m);
      return {
        label: memberLabel(m),
        description: m === best ? `${m.id} · most caught up (default)` : why ? `${m.id} · cannot lead: ${why}` : m.id,
        detail: raftLine(m),
        memberId: m.id,
      };
    });
}

/** The members that may be removed: dead ones first (not started, unreachable, unhealthy), then learners, then the rest. */
export function removeMemberItems(s: ClusterSnapshot): MemberPickItem[] {
  const rank = (m: MemberReport): number => (downReason(m) !== null ? 0 : m.isLearner ? 1 : m.isLeader ? 3 : 2);
  return [...s.members]
    .sort((a, b) => rank(a) - rank(b))
    .map((m) => {
      const down = downReason(m);
      const role = m.isLeader ? 'leader: leadership is moved away first' : m.isLearner ? 'learner' : 'follower';
      return {
        label: m.name || '(not started)',
        description: `${m.id} · ${down ? `down: ${down}` : role}`,
        detail: m.peerURLs.join(', '),
        memberId: m.id,
      };
    });
}

/** The learners, each with how far its raft index is from the leader's. */
export function promoteItems(s: ClusterSnapshot): MemberPickItem[] {
  const leaderIndex = s.members.find((m) => m.isLeader)?.status?.raftIndex;
  return s.members
    .filter((m) => m.isLearner)
    .map((m) => {
      const index = m.status?.raftIndex;
      const behind = index !== undefined && leaderIndex !== undefined ? leaderIndex - index : null;
      return {
        label: m.name || '(not started)',
        description: `${m.id} · ${behind === null ? (downReason(m) ?? 'raft index unknown') : behind <= 0 ? 'caught up with the leader' : `${behind} entries behind the leader`}`,
        memberId: m.id,
      };
    });
}

/** The members with a NOSPACE alarm, each with its db size against its quota. */
export function disarmItems(s: ClusterSnapshot): MemberPickItem[] {
  const ids = [...new Set(s.alarms.filter((a) => a.alarm === 'NOSPACE').map((a) => a.memberId))];
  return ids.map((id) => {
    const m = s.members.find((x) => x.id === id);
    const st = m?.status;
    const size = st
      ? `db ${formatBytes(st.dbSize)} of quota ${st.dbSizeQuota ? formatBytes(st.dbSizeQuota) : 'unknown'}`
      : 'db size unknown';
    return { label: m ? memberLabel(m) : id, description: `${id} · NOSPACE · ${size}`, memberId: id };
  });
}

/** One choice of the defragment's compaction (retention) picker. */
export interface RetentionChoice {
  label: string;
  description: string;
  compact: DefragOptions['compact'];
}

/** The compaction choices: none, keep a number of revisions, keep a duration, or everything up to now. */
export const RETENTION_CHOICES: readonly RetentionChoice[] = [
  {
    label: 'Compact, keep the last 10,000 revisions',
    description: 'watchers further behind are cancelled',
    compact: { keepRevisions: 10_000 },
  },
  {
    label: 'Compact, keep the last 1,000 revisions',
    description: 'watchers further behind are cancelled',
    compact: { keepRevisions: 1_000 },
  },
  {
    label: 'Compact, keep the last hour',
    description: 'from the revisions this window saw on its refreshes',
    compact: { keepDurationMs: 3_600_000 },
  },
  {
    label: 'Compact to the current revision',
    description: 'frees the most; every watcher behind it is cancelled',
    compact: { keepRevisions: 0 },
  },
  { label: 'Do not compact', description: 'defragment only: frees what earlier compactions left', compact: undefined },
];

/** One choice of the per-member rule picker. */
export interface RuleChoice {
  label: string;
  description: string;
  rule: Pick<DefragOptions, 'minFreePercent' | 'minQuotaPercent'>;
}

export const RULE_CHOICES: readonly RuleChoice[] = [
  { label: 'Every member', description: 'no size rule', rule: {} },
  { label: 'Free space ≥ 45% of the db', description: 'skip members with little to give back', rule: { minFreePercent: 45 } },
  { label: 'db ≥ 80% of its quota', description: 'only members close to NOSPACE', rule: { minQuotaPercent: 80 } },
  {
    label: 'Free space ≥ 45%, or db ≥ 80% of its quota',
    description: 'either rule',
    rule: { minFreePercent: 45, minQuotaPercent: 80 },
  },
];

/** What the confirmation modal says about a plan, and which choices it offers. */
export interface Confirmation {
  /** The modal's message: the action, the cluster and the member(s). */
  message: string;
  /** renderPlan's lines without the summary (the message says it): every step, the guard's arithmetic. */
  detail: string;
  /** The button that runs it; null when nothing may run (a refused precondition). */
  confirm: string | null;
  /** True when the quorum guard refuses: the button (OVERRIDE_CHOICE) leads to a second confirmation with INSIST_CHOICE. */
  guardRefuses: boolean;
}

/** The modal's words for a plan. */
export function confirmation(plan: ActionPlan): Confirmation {
  const words = ACTION_WORDS[plan.action];
  const detail = renderPlan(plan).split('\n').slice(1).join('\n');
  if (plan.refusal) {
    return {
      message: `${words.title} of cluster "${plan.cluster}" cannot run: ${plan.refusal}`,
      detail,
      confirm: null,
      guardRefuses: false,
    };
  }
  if (plan.guard && !plan.guard.allowed) {
    return {
      message: `${plan.summary}? The quorum guard refuses: ${plan.guard.text}.`,
      detail,
      confirm: OVERRIDE_CHOICE,
      guardRefuses: true,
    };
  }
  return { message: `${plan.summary}?`, detail, confirm: words.confirm, guardRefuses: false };
}

/** The second confirmation of a run the quorum guard refuses. */
export function insistConfirmation(plan: ActionPlan): { message: string; detail: string } {
  return {
    message: `Really run "${ACTION_WORDS[plan.action].title}" on cluster "${plan.cluster}" although it costs the cluster its quorum?`,
    detail: `${plan.guard?.text ?? ''}\n\nWhile it runs the cluster cannot commit writes or elect a leader. Choose "${INSIST_CHOICE}" only if the cluster is already down or you accept that.`,
  };
}

/** A result as the message shown: its severity, one line, and the per-step lines. */
export interface ResultText {
  severity: 'info' | 'warning' | 'error';
  message: string;
  detail: string;
}

/** Turns an action's result into the message shown: etcd's words and their meaning on failure. */
export function resultText(result: ActionResult): ResultText {
  const title = ACTION_WORDS[result.action].title;
  const detail = result.steps.map((s) => `${s.ok ? '✓' : '✗'} ${s.text}${s.tookMs ? ` (${s.tookMs} ms)` : ''}`).join('\n');
  if (result.error) {
    const meaning = result.error.meaning ? ` — ${result.error.meaning}` : '';
    return { severity: 'error', message: `${title} of cluster "${result.cluster}" failed: ${result.error.text}${meaning}`, detail };
  }
  if (result.cancelled) {
    const done = result.steps.filter((s) => s.ok).length;
    return {
      severity: 'warning',
      message: `${title} of cluster "${result.cluster}" cancelled after ${done} step${done === 1 ? '' : 's'} (never in the middle of a call)`,
      detail,
    };
  }
  if (!result.ok) return { severity: 'error', message: `${title} of cluster "${result.cluster}" did not succeed`, detail };
  const last = result.steps[result.steps.length - 1];
  return { severity: 'info', message: `${title} of cluster "${result.cluster}": done${last ? `. ${last.text}` : ''}`, detail };
}
