// Which runbook action fixes a failing check of the status panel's checklist: the buttons beside each row
// (NOSPACE → compact & defragment, disarm; quorum lost → recovery guide; a dead member → remove; a learner
// behind → promote; db near quota → rolling defragment). Pure: the host builds them into the view-model, the
// webview only renders them, and the host checks every click again (allow-list, read-only, known member).
import type { CheckResult, ClusterSnapshot, MemberReport } from '../etcd/model';
import { RAFT_LAG_LIMIT } from '../etcd/checklist';

/** The action commands a checklist button may run (the host's allow-list is STATUS_PANEL_COMMANDS). */
export type FixCommand =
  | 'etcdInspector.defragmentCluster'
  | 'etcdInspector.disarmAlarm'
  | 'etcdInspector.removeMember'
  | 'etcdInspector.promoteMember'
  | 'etcdInspector.showRecoveryGuide';

/** Fix commands that change the cluster: refused (and shown disabled) on a read-only cluster. */
export const MUTATING_FIX_COMMANDS: ReadonlySet<FixCommand> = new Set<FixCommand>([
  'etcdInspector.defragmentCluster',
  'etcdInspector.disarmAlarm',
  'etcdInspector.removeMember',
  'etcdInspector.promoteMember',
]);

/** One button offering the action that fixes a failing check. */
export interface CheckFix {
  title: string;
  command: FixCommand;
  args: { cluster: string; member?: string };
  /** Why the button is disabled (the cluster is read-only), or null. */
  disabled: string | null;
}

const label = (m: MemberReport): string => m.name || m.id;

/** A member that is down as far as this refresh can tell (not started, or not answering): a candidate for removal. */
function dead(m: MemberReport): boolean {
  return !m.started || !m.reachable;
}

/** The sentence on a disabled button of a read-only cluster. */
export function readOnlyButtonReason(cluster: string): string {
  return `"${cluster}" is read-only (etcdInspector.readOnly or the cluster's readOnly setting)`;
}

/**
 * The fixes offered beside one check (none when it passes or could not be evaluated). `readOnly` disables the
 * ones that change the cluster, with the reason; the recovery guide only writes a document and stays enabled.
 */
export function checkFixes(check: CheckResult, s: ClusterSnapshot, cluster: string, readOnly: boolean): CheckFix[] {
  if (check.ok !== false) return [];
  const fix = (title: string, command: FixCommand, member?: MemberReport): CheckFix => ({
    title,
    command,
    args: member ? { cluster, member: member.id } : { cluster },
    disabled: readOnly && MUTATING_FIX_COMMANDS.has(command) ? readOnlyButtonReason(cluster) : null,
  });
  const q = s.quorum;
  const nospace = s.alarms.some((a) => a.alarm === 'NOSPACE');
  // Without quorum nothing can be changed through etcd: the guide is the only way forward.
  if (!q.hasQuorum && ['leader-exists', 'member-count-quorum', 'health'].includes(check.id)) {
    return s.members.length === 0 ? [] : [fix('Recovery guide', 'etcdInspector.showRecoveryGuide')];
  }
  switch (check.id) {
    case 'member-count-quorum':
    case 'health':
      return s.members.filter(dead).map((m) => fix(`Remove ${label(m)}…`, 'etcdInspector.removeMember', m));
    case 'db-size-quota':
    case 'alarms-clear':
      if (check.id === 'alarms-clear' && !nospace) return [];
      return [
        fix(nospace ? 'Compact & defragment…' : 'Rolling defragment…', 'etcdInspector.defragmentCluster'),
        ...(nospace ? [fix('Disarm NOSPACE…', 'etcdInspector.disarmAlarm')] : []),
      ];
    case 'raft-index-lag':
      // A learner catching up is normal: offer to promote it (the plan says "wait" until it has caught up).
      return s.members
        .filter((m) => m.isLearner && m.reachable && (m.raftIndexLag ?? 0) > RAFT_LAG_LIMIT)
        .map((m) => fix(`Promote ${label(m)}…`, 'etcdInspector.promoteMember', m));
    default:
      return [];
  }
}
