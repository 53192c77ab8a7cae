// What the Clusters tree shows, computed from snapshots without VS Code: labels, descriptions, icons and
// context values. The tree provider in src/extension/tree turns these into TreeItems. A cluster's words and
// condition come from clusterState.ts, as in every other view.
import type { ClusterSnapshot, MemberReport } from '../etcd/model';
import { formatBytes } from '../etcd/format';
import { clusterState, type ClusterCondition } from './clusterState';

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

const CONDITION_ICON: Record<ClusterCondition, IconModel> = {
  healthy: { id: 'pass-filled', color: 'testing.iconPassed' },
  degraded: { id: 'warning', color: 'list.warningForeground' },
  'quorum-lost': { id: 'error', color: 'list.errorForeground' },
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
  /** False for a read-only cluster: its context value lacks `writable`, so the menus offer no change. */
  writable = false,
  /** "via ops@bastion-1" for a cluster reached through an SSH tunnel. */
  route?: string,
): NodeModel {
  const state = clusterState(s, refreshing);
  const q = s?.quorum;
  const lines = [name, ...endpoints];
  if (route) lines.push(`Reached ${route} (SSH tunnel): every connection opens from there`);
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
    description: route ? `${state.text} · ${route}` : state.text,
    tooltip: lines.join('\n'),
    icon: refreshing && !s ? { id: 'loading~spin' } : CONDITION_ICON[state.condition],
    contextValue: `cluster.${state.condition}${writable ? '.writable' : ''}`,
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

/**
 * A member's node. Its context value, which the menus match, is `member.<kind>` followed by `.isLearner`,
 * `.hasClientUrl` and `.writable` (the cluster is not read-only) when they hold.
 */
export function memberNode(m: MemberReport, options: { writable?: boolean } = {}): NodeModel {
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
      ...m.warnings.map((w) => `warning: ${w.message}`),
      ...m.clientURLs,
      ...m.peerURLs.map((u) => `peer ${u}`),
    ].join('\n'),
    icon: MEMBER_ICON[kind],
    contextValue: [
      `member.${kind}`,
      m.isLearner ? 'isLearner' : null,
      m.clientURLs.length ? 'hasClientUrl' : null,
      options.writable ? 'writable' : null,
    ]
      .filter((x) => x !== null)
      .join('.'),
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
  for (const w of m.warnings) rows.push(['warning', w.message]);
  for (const u of m.peerURLs) rows.push(['peer URL', u]);
  for (const u of m.clientURLs) rows.push(['client URL', u]);
  const alarms = s.alarms.filter((a) => a.memberId === m.id);
  rows.push(['alarms', alarms.length ? alarms.map((a) => a.alarm).join(', ') : 'none']);
  return rows;
}
