// A cluster's state in words and tone, decided once for every view: the tree, the status bar, the status
// panel, notifications and the log all show clusterState(). Also when a change of state is announced.
import type { ClusterSnapshot } from '../etcd/model';

/** How bad a cluster, a row or a check is; rendered with text and a symbol, never by colour alone. */
export type Tone = 'ok' | 'warning' | 'error' | 'unknown';

/** The word for a tone where a symbol stands for it (screen readers, tooltips). */
export const TONE_WORDS: Readonly<Record<Tone, string>> = { ok: 'OK', warning: 'warning', error: 'problem', unknown: 'unknown' };

/**
 * What a cluster's state is, worst first. unreachable: no member answered, so whether there is a leader is
 * unknown; quorum-lost: a leader is still named but too few voting members answer; degraded: leader and
 * quorum, but a member is down or unhealthy, an alarm is raised or a check fails.
 */
export type ClusterCondition = 'unknown' | 'unreachable' | 'no-leader' | 'quorum-lost' | 'degraded' | 'healthy';

/** A cluster's state: what it is, how bad, and the one line every view shows. */
export interface ClusterState {
  condition: ClusterCondition;
  tone: Tone;
  /** "leader etcd-1 · 3/3 healthy", "NO LEADER · 1/3 reachable · quorum lost", "UNREACHABLE · no endpoint answered". */
  text: string;
}

const TONE: Record<ClusterCondition, Tone> = {
  unknown: 'unknown',
  unreachable: 'error',
  'no-leader': 'error',
  'quorum-lost': 'error',
  degraded: 'warning',
  healthy: 'ok',
};

/** The state of a cluster from its latest snapshot (undefined: not refreshed yet). Problems come first in the text. */
export function clusterState(s: ClusterSnapshot | undefined, refreshing = false): ClusterState {
  const state = (condition: ClusterCondition, parts: string[]): ClusterState => ({
    condition,
    tone: TONE[condition],
    text: parts.join(' · '),
  });
  if (!s) return state('unknown', [refreshing ? 'refreshing…' : 'not refreshed yet']);
  const q = s.quorum;
  if (s.members.length === 0) return state('unreachable', ['UNREACHABLE', 'no endpoint answered']);
  const reachable = `${q.reachable}/${q.votingMembers} reachable`;
  const quorumLost = q.hasQuorum ? [] : ['quorum lost'];
  if (!s.members.some((m) => m.reachable)) return state('unreachable', ['UNREACHABLE', reachable, ...quorumLost]);
  if (!s.leaderId) return state('no-leader', ['NO LEADER', reachable, ...quorumLost]);
  const leader = `leader ${s.leaderName || s.leaderId}`;
  if (!q.hasQuorum) return state('quorum-lost', ['QUORUM LOST', leader, reachable]);

  const parts = [leader, `${q.healthy}/${q.votingMembers} healthy`];
  const votersDown = q.votingMembers - q.reachable;
  if (votersDown) parts.push(`${votersDown} down`);
  const learners = s.members.filter((m) => m.isLearner).length;
  if (learners) parts.push(`${learners} learner${learners > 1 ? 's' : ''}`);
  if (s.alarms.length) parts.push(`ALARM ${[...new Set(s.alarms.map((a) => a.alarm))].join(',')}`);
  const failing = s.checks.filter((c) => c.ok === false).length;
  const down = s.members.filter((m) => m.started && !m.reachable).length;
  const named = q.healthy < q.votingMembers || votersDown > 0 || s.alarms.length > 0;
  const degraded = named || down > 0 || failing > 0;
  // What the words above do not name (a lagging member, members disagreeing on the leader, a database near
  // its quota, a learner down) is counted, so that a warning always has words.
  if (degraded && !named) parts.push(failing ? `${failing} failing check${failing > 1 ? 's' : ''}` : `${down} down`);
  return state(degraded ? 'degraded' : 'healthy', parts);
}

/** The state's line alone (src/extension/main.ts writes it into notifications). */
export function clusterSummary(s: ClusterSnapshot | undefined, refreshing = false): string {
  return clusterState(s, refreshing).text;
}

/** What an operator is told about a cluster's leader: once per change, never every refresh. */
export type LeaderNotice = 'lost' | 'regained' | 'unreachable';

/** The state the last notice left the cluster in. */
export type NoticeState = 'ok' | 'no-leader' | 'unreachable';

function noticeState(s: ClusterSnapshot | undefined): NoticeState | undefined {
  const { condition } = clusterState(s);
  if (condition === 'unknown') return undefined;
  return condition === 'no-leader' || condition === 'unreachable' ? condition : 'ok';
}

/**
 * Decides whether a refresh warrants a notice. A bad state (no leader, unreachable) must be seen on two
 * refreshes in a row before it is announced, so a refresh that merely timed out (a busy machine, a
 * leader election in progress) raises no false alarm; a recovery is announced at once.
 */
export function leaderNotice(
  announced: NoticeState,
  previous: ClusterSnapshot | undefined,
  next: ClusterSnapshot,
): { notice: LeaderNotice | undefined; announced: NoticeState } {
  const now = noticeState(next);
  if (now === undefined || now === announced) return { notice: undefined, announced };
  if (now === 'ok') return { notice: 'regained', announced: 'ok' };
  if (noticeState(previous) !== now) return { notice: undefined, announced };
  return { notice: now === 'no-leader' ? 'lost' : 'unreachable', announced: now };
}
