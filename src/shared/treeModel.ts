// What the Clusters tree shows, computed from snapshots without VS Code: labels, descriptions, icons and
// context values. The tree provider in src/extension/tree turns these into TreeItems.
import type { ClusterSnapshot, MemberReport } from '../etcd/model';
import { formatBytes } from '../etcd/format';

/** A codicon id plus an optional theme colour id. */
export interface IconModel {
  id: string;
  color?: string;
}

/** One tree node, independent of VS Code. */
export interface NodeModel {
  label: string;
  description: string;
  tooltip: string;
  icon: IconModel;
  contextValue: string;
}

/** How a cluster is doing, for icons, the status bar and notifications. */
export type ClusterHealth = 'healthy' | 'degraded' | 'no-leader' | 'unreachable' | 'unknown';

export function clusterHealth(s: ClusterSnapshot | undefined): ClusterHealth {
  if (!s) return 'unknown';
  if (s.members.length === 0) return 'unreachable';
  if (!s.leaderId) return 'no-leader';
  const q = s.quorum;
  return q.healthy === q.votingMembers && s.alarms.length === 0 && s.members.every((m) => m.reachable || !m.started)
    ? 'healthy'
    : 'degraded';
}

/** One line that says how a cluster is doing: "leader etcd-1 · 3/3 healthy" or "NO LEADER · 1/3 reachable · quorum lost". */
export function clusterSummary(s: ClusterSnapshot | undefined, refreshing = false): string {
  if (!s) return refreshing ? 'refreshing…' : 'not refreshed yet';
  const q = s.quorum;
  if (s.members.length === 0) return 'UNREACHABLE · no endpoint answered';
  const parts: string[] = [];
  if (s.leaderId) {
    parts.push(`leader ${s.leaderName || s.leaderId}`, `${q.healthy}/${q.votingMembers} healthy`);
    if (q.reachable < q.votingMembers) parts.push(`${q.votingMembers - q.reachable} down`);
  } else {
    parts.push('NO LEADER', `${q.reachable}/${q.votingMembers} reachable`);
    if (!q.hasQuorum) parts.push('quorum lost');
  }
  const learners = s.members.filter((m) => m.isLearner).length;
  if (learners) parts.push(`${learners} learner${learners > 1 ? 's' : ''}`);
  if (s.alarms.length) parts.push(`ALARM ${[...new Set(s.alarms.map((a) => a.alarm))].join(',')}`);
  return parts.join(' · ');
}

const HEALTH_ICON: Record<ClusterHealth, IconModel> = {
  healthy: { id: 'pass-filled', color: 'testing.iconPassed' },
  degraded: { id: 'warning', color: 'list.warningForeground' },
  'no-leader': { id: 'error', color: 'list.errorForeground' },
  unreachable: { id: 'debug-disconnect', color: 'list.errorForeground' },
  unknown: { id: 'server-environment' },
};

export function clusterNode(
  name: string,
  endpoints: string[],
  s: ClusterSnapshot | undefined,
  refreshing: boolean,
  leaderChanges = 0,
): NodeModel {
  const health = clusterHealth(s);
  const q = s?.quorum;
  const lines = [name, ...endpoints];
  if (s && q) {
    lines.push('');
    if (s.members.length === 0) lines.push('No endpoint answered:', ...s.errors);
    else {
      lines.push(s.leaderId ? `Leader: ${s.leaderName || s.leaderId}` : 'No leader');
      lines.push(
        `${q.reachable} of ${q.votingMembers} voting members reachable, quorum needs ${q.needed}${q.hasQuorum ? '' : ' — QUORUM LOST'}`,
      );
      lines.push(`${q.healthy} healthy`);
      if (leaderChanges) lines.push(`${leaderChanges} leader change(s) seen since VS Code started`);
      const failing = s.checks.filter((c) => c.ok === false);
      if (failing.length) lines.push('', 'Failing checks:', ...failing.map((c) => `• ${c.title}: ${c.actual}`));
    }
    lines.push('', `Refreshed ${s.takenAt} in ${s.elapsedMs} ms`);
  }
  return {
    label: name,
    description: clusterSummary(s, refreshing),
    tooltip: lines.join('\n'),
    icon: refreshing && !s ? { id: 'loading~spin' } : HEALTH_ICON[health],
    contextValue: `cluster.${health}`,
  };
}

/** What kind of member a node shows, in order of precedence. */
export type MemberKind = 'unstarted' | 'unreachable' | 'unhealthy' | 'leader' | 'learner' | 'follower';

export function memberKind(m: MemberReport): MemberKind {
  if (!m.started) return 'unstarted';
  if (!m.reachable) return 'unreachable';
  if (m.health && !m.health.healthy) return 'unhealthy';
  if (m.isLeader) return 'leader';
  if (m.isLearner) return 'learner';
  return 'follower';
}

const MEMBER_ICON: Record<MemberKind, IconModel> = {
  unstarted: { id: 'circle-large-outline', color: 'disabledForeground' },
  unreachable: { id: 'error', color: 'list.errorForeground' },
  unhealthy: { id: 'warning', color: 'list.warningForeground' },
  leader: { id: 'star-full', color: 'charts.yellow' },
  learner: { id: 'mortar-board', color: 'charts.blue' },
  follower: { id: 'circle-filled', color: 'testing.iconPassed' },
};

export function memberNode(m: MemberReport): NodeModel {
  const kind = memberKind(m);
  const role = m.isLeader ? 'leader' : m.isLearner ? 'learner' : 'follower';
  const reason =
    kind === 'unreachable' || kind === 'unstarted' ? (m.error ?? kind) : kind === 'unhealthy' ? (m.health?.error ?? 'unhealthy') : role;
  return {
    label: m.name || '(not started)',
    description: `${m.id} · ${reason}`,
    tooltip: [
      `${m.name || '(not started)'} — ${m.id}`,
      `${kind}${kind === role ? '' : ` (${role})`}`,
      ...(m.error ? [m.error] : []),
      ...(m.health?.error ? [m.health.error] : []),
      ...m.clientURLs,
      ...m.peerURLs.map((u) => `peer ${u}`),
    ].join('\n'),
    icon: MEMBER_ICON[kind],
    contextValue: `member.${kind}${m.clientURLs.length ? '.hasClientUrl' : ''}`,
  };
}

/** The expandable details of a member: [label, value] rows. */
export function memberDetails(m: MemberReport, s: ClusterSnapshot): Array<[string, string]> {
  const rows: Array<[string, string]> = [['ID', m.id]];
  const st = m.status;
  if (st) {
    rows.push(['version', st.version]);
    rows.push([
      'db size',
      `${formatBytes(st.dbSize)} (in use ${formatBytes(st.dbSizeInUse)}${m.fragmentationPercent !== null ? `, ${m.fragmentationPercent}% free` : ''})`,
    ]);
    rows.push(['quota', st.dbSizeQuota ? formatBytes(st.dbSizeQuota) : 'unknown']);
    rows.push([
      'raft',
      `term ${st.raftTerm} · index ${st.raftIndex} · applied ${st.raftAppliedIndex}${m.raftIndexLag ? ` · lag ${m.raftIndexLag}` : ''}`,
    ]);
  }
  if (m.health) rows.push(['health', m.health.healthy ? `healthy (${m.health.tookMs} ms)` : `unhealthy: ${m.health.error ?? ''}`]);
  if (m.error) rows.push(['error', m.error]);
  for (const u of m.peerURLs) rows.push(['peer URL', u]);
  for (const u of m.clientURLs) rows.push(['client URL', u]);
  const alarms = s.alarms.filter((a) => a.memberId === m.id);
  rows.push(['alarms', alarms.length ? alarms.map((a) => a.alarm).join(', ') : 'none']);
  return rows;
}

/** A cluster that just lost or regained its leader, or became (un)reachable: notify once per change. */
export type LeaderTransition = 'lost' | 'regained' | 'unreachable' | undefined;

export function leaderTransition(previous: ClusterSnapshot | undefined, next: ClusterSnapshot): LeaderTransition {
  const before = clusterHealth(previous);
  const after = clusterHealth(next);
  const had = before === 'healthy' || before === 'degraded';
  const has = after === 'healthy' || after === 'degraded';
  if (after === 'unreachable') return before === 'unreachable' ? undefined : 'unreachable';
  if (after === 'no-leader') return before === 'no-leader' ? undefined : 'lost';
  if (has && !had && before !== 'unknown') return 'regained';
  return undefined;
}
