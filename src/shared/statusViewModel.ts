// The status webview's view-model: one ClusterSnapshot turned into the summary, the banner, the tables and the
// runbook checklist the webview renders. Pure: the extension host builds it, the webview only renders it. The
// cells and words are the printer's (src/etcd/printer.ts), the cluster's state is clusterState()'s, the
// runbook step numbers are the step table's.
import type { ClusterSnapshot, MemberReport } from '../etcd/model';
import {
  checkOutcome,
  endpointCells,
  ENDPOINT_COLUMNS,
  MEMBER_COLUMNS,
  memberListCells,
  OUTCOME_WORDS,
  snapshotProblems,
  type CheckOutcome,
  type TableKind,
} from '../etcd/printer';
import { runbookStep, type RunbookStep, type StepId } from '../etcd/runbook/steps';
import { clusterState, type Tone } from './clusterState';
import type { StatusPanelCommand } from './messages';
import { checkFixes, MUTATING_FIX_COMMANDS, readOnlyButtonReason, type FixCommand } from './checkFixes';
import { diagnose } from '../etcd/causes';
import type { MetricsChartsView } from './metricsCharts';

export type { CheckOutcome, TableKind, Tone };

/** A button that runs an extension command with one argument object (`{ cluster }`, `{ cluster, step }`, `{ cluster, member }` or none). */
export interface StatusAction {
  title: string;
  command: StatusPanelCommand;
  args: { cluster?: string; step?: number; member?: string };
  /** Shown disabled with this reason (a change on a read-only cluster); absent or null: enabled. */
  disabled?: string | null;
}

/** One row of the endpoint status table: cells aligned with ENDPOINT_COLUMNS. */
export interface EndpointRow {
  memberId: string;
  /** The member's name, verbatim (untrusted: render as text). */
  name: string;
  cells: string[];
  role: 'leader' | 'follower' | 'learner' | 'unstarted';
  tone: Tone;
}

/** One row of the member list table: cells aligned with MEMBER_COLUMNS. */
export interface MemberRow {
  memberId: string;
  cells: string[];
  tone: Tone;
}

/** One active alarm, with the member's name resolved. */
export interface AlarmRow {
  memberId: string;
  memberName: string;
  alarm: string;
}

/** One item of the runbook checklist as the webview shows it. */
export interface ChecklistRow {
  id: string;
  title: string;
  outcome: CheckOutcome;
  /** The outcome's word ("pass", "FAIL", "unknown"). */
  result: string;
  expected: string;
  actual: string;
  suggestion: string;
  /** The runbook step's heading, "Step 5: Fix Quorum Loss". */
  step: string;
  action: StatusAction | null;
  /** The runbook actions that fix this failing check (checkFixes.ts); disabled with the reason on a read-only cluster. */
  fixes: StatusAction[];
}

/** The prominent banner of a cluster without leader or quorum. */
export interface StatusBanner {
  title: string;
  detail: string;
  /** The runbook step of the top cause (else of the leader check). */
  action: StatusAction | null;
  /** The cause engine's answer (src/etcd/causes.ts), when its top cause is confirmed or likely: its sentence and verdict. */
  cause: { headline: string; verdict: 'confirmed' | 'likely' } | null;
  /** The top cause's action, when the panel may run it (the recovery guide, a defragmentation). */
  causeAction: StatusAction | null;
}

/** Everything the status webview renders for one cluster. */
export interface StatusViewModel {
  cluster: string;
  clusterId: string | null;
  /** False until the first refresh of this cluster finished. */
  loaded: boolean;
  refreshing: boolean;
  /** clusterState()'s line: "leader etcd-1 · 3/3 healthy" or "NO LEADER · 1/3 reachable · quorum lost". */
  summary: string;
  tone: Tone;
  banner: StatusBanner | null;
  /** "refreshed 04:30:00 · 9 ms" style facts about the snapshot ("" before the first refresh). */
  takenAt: string;
  elapsedMs: number | null;
  endpointColumns: string[];
  endpointRows: EndpointRow[];
  memberColumns: string[];
  memberRows: MemberRow[];
  alarms: AlarmRow[];
  checks: ChecklistRow[];
  /** Discovery errors and endpoints that are not a member's client URL. */
  problems: string[];
  /** Opens the runbook's monitoring step (script and alert rule) for this cluster. */
  monitor: StatusAction;
  /** The metric charts over the refreshes seen while the panel is open (MetricsSeries); null: no point yet. */
  metrics: MetricsChartsView | null;
}

function stepAction(cluster: string, step: RunbookStep): StatusAction {
  return { title: `Open runbook step ${step.number}`, command: 'etcdInspector.showRunbookStep', args: { cluster, step: step.number } };
}

function checkAction(cluster: string, ok: boolean | null, stepId: StepId, noData: boolean): StatusAction | null {
  if (ok === true) return null;
  // With no member answering, most checks are unknown for want of data: a refresh is the useful action.
  if (ok === null && noData) return { title: 'Refresh', command: 'etcdInspector.refresh', args: { cluster } };
  return stepAction(cluster, runbookStep(stepId));
}

function memberTone(m: MemberReport): Tone {
  if (!m.started) return 'unknown';
  if (!m.reachable) return 'error';
  if (m.health && !m.health.healthy) return 'error';
  if (m.status && m.status.errors.length > 0) return 'warning';
  return m.health ? 'ok' : 'unknown';
}

const label = (m: MemberReport): string => m.name || m.id;

/**
 * Builds the view-model of one cluster (snapshot undefined: not refreshed yet); `readOnly` disables the buttons
 * that change it; `metrics` is the cluster's MetricsSeries view, kept by the panel's host.
 */
export function buildStatusViewModel(
  cluster: string,
  s: ClusterSnapshot | undefined,
  refreshing: boolean,
  options: { readOnly?: boolean; metrics?: MetricsChartsView | null; downSince?: Record<string, string> } = {},
): StatusViewModel {
  const { text, tone } = clusterState(s, refreshing);
  const vm: StatusViewModel = {
    cluster,
    clusterId: s?.clusterId ?? null,
    loaded: s !== undefined,
    refreshing,
    summary: text,
    tone,
    banner: null,
    takenAt: s?.takenAt ?? '',
    elapsedMs: s?.elapsedMs ?? null,
    endpointColumns: ENDPOINT_COLUMNS,
    endpointRows: [],
    memberColumns: MEMBER_COLUMNS,
    memberRows: [],
    alarms: [],
    checks: [],
    problems: [],
    monitor: { ...stepAction(cluster, runbookStep('monitor')), title: 'Monitoring script' },
    metrics: options.metrics ?? null,
  };
  if (!s) return vm;
  const noData = s.members.every((m) => m.status === null);
  vm.endpointRows = s.members.map((m) => ({
    memberId: m.id,
    name: m.name,
    cells: endpointCells(m),
    role: !m.started ? 'unstarted' : m.isLearner ? 'learner' : m.isLeader ? 'leader' : 'follower',
    tone: memberTone(m),
  }));
  vm.memberRows = s.members.map((m) => ({ memberId: m.id, cells: memberListCells(m), tone: memberTone(m) }));
  vm.alarms = s.alarms.map((a) => ({
    memberId: a.memberId,
    memberName: s.members.find((m) => m.id === a.memberId)?.name ?? '',
    alarm: a.alarm,
  }));
  vm.checks = s.checks.map((c) => {
    const outcome = checkOutcome(c.ok);
    return {
      id: c.id,
      title: c.title,
      outcome,
      result: OUTCOME_WORDS[outcome],
      expected: c.expected,
      actual: c.actual,
      suggestion: c.suggestion,
      step: c.step,
      action: checkAction(cluster, c.ok, c.stepId, noData),
      fixes: checkFixes(c, s, cluster, options.readOnly === true),
    };
  });
  vm.problems = snapshotProblems(s);
  const q = s.quorum;
  if (s.members.length === 0) {
    vm.banner = {
      title: 'No endpoint answered',
      detail: 'No member list could be had from any configured endpoint; see the problems below.',
      action: stepAction(cluster, runbookStep('connectivity')),
      cause: null,
      causeAction: null,
    };
  } else if (!s.leaderId || !q.hasQuorum) {
    const down = s.members.filter((m) => m.started && !m.isLearner && !m.reachable).map(label);
    const leaderCheck = s.checks.find((c) => c.id === 'leader-exists');
    const step = leaderCheck ? runbookStep(leaderCheck.stepId) : runbookStep(q.hasQuorum ? 'timeouts' : 'quorum');
    vm.banner = {
      title: [s.leaderId ? null : 'No leader', q.hasQuorum ? null : 'quorum lost'].filter(Boolean).join(' · '),
      detail:
        `${q.reachable} of ${q.votingMembers} voting members reachable, quorum needs ${q.needed}` +
        (down.length ? `. Down: ${down.join(', ')}` : '') +
        (leaderCheck?.suggestion ? `. ${leaderCheck.suggestion}` : ''),
      action: stepAction(cluster, step),
      cause: null,
      causeAction: null,
    };
    vm.banner.title = vm.banner.title.charAt(0).toUpperCase() + vm.banner.title.slice(1);
    // Why: the cause engine on this snapshot, with when each down member went down (the host's timeline).
    const d = diagnose({ snapshot: s, downSince: options.downSince });
    const top = d.causes[0];
    if (top && (top.verdict === 'confirmed' || top.verdict === 'likely')) {
      vm.banner.cause = { headline: d.headline, verdict: top.verdict };
      vm.banner.action = stepAction(cluster, runbookStep(top.stepId));
      const command = top.action?.command;
      if (top.action && (command === 'etcdInspector.showRecoveryGuide' || command === 'etcdInspector.defragmentCluster')) {
        vm.banner.causeAction = {
          title: top.action.title,
          command,
          args: { cluster },
          disabled: MUTATING_FIX_COMMANDS.has(command as FixCommand) && options.readOnly ? readOnlyButtonReason(cluster) : null,
        };
      }
    }
  }
  return vm;
}
