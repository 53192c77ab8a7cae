// The quorum guard: does an action that takes a member out of service (defragment, remove, restart) leave
// a quorum of healthy voting members? Pure, decided from a snapshot taken just before the action.
import type { ClusterSnapshot, MemberReport } from '../model';

/** Actions that take a member out of service for a while (or for good). */
export type OutOfServiceAction = 'defragment' | 'compact' | 'remove' | 'restart';

/** The guard's answer, with its arithmetic for the operator. */
export interface GuardVerdict {
  allowed: boolean;
  /** One sentence: "3 voting members, 1 unhealthy (etcd-2): defragmenting etcd-1 leaves 1 of the 2 needed". */
  text: string;
  votingMembers: number;
  /** Quorum of the cluster after the action (a removal shrinks the cluster). */
  needed: number;
  /** Available voting members while (or after) the action runs. */
  availableAfter: number;
  /** Voting members that are not available now, with the reason. */
  unavailable: Array<{ id: string; name: string; reason: string }>;
}

const VERB: Record<OutOfServiceAction, string> = {
  defragment: 'defragmenting',
  compact: 'compacting',
  remove: 'removing',
  restart: 'restarting',
};

/** A member's display name: its name, else its id (a member added but not started has no name). */
export function memberLabel(m: Pick<MemberReport, 'name' | 'id'>): string {
  return m.name || m.id;
}

/**
 * Why a voting member cannot serve now, or null when it can. A member whose only problem is a NOSPACE
 * alarm is available for compaction and defragmentation: they are how NOSPACE is fixed.
 */
export function unavailableReason(m: MemberReport, action: OutOfServiceAction): string | null {
  if (!m.started) return 'not started';
  if (!m.reachable) return m.error ?? 'unreachable';
  if (m.health?.healthy === true) return null;
  const nospaceOnly = m.health?.alarms !== undefined && m.health.alarms.every((a) => a === 'NOSPACE');
  if (nospaceOnly && (action === 'defragment' || action === 'compact')) return null;
  return m.health?.error ?? m.error ?? 'not healthy';
}

/**
 * Whether taking `targetId` out of service for `action` leaves a quorum of available voting members.
 * Learners never count (they do not vote); acting on a learner is always allowed. Removing a member
 * shrinks the cluster, so the quorum needed afterwards is that of the smaller cluster; removing a member
 * that is already down does not reduce the available count (etcd itself allows it).
 */
export function quorumGuard(snapshot: ClusterSnapshot, targetId: string, action: OutOfServiceAction): GuardVerdict {
  const voting = snapshot.members.filter((m) => !m.isLearner);
  const target = snapshot.members.find((m) => m.id === targetId);
  const unavailable = voting.flatMap((m) => {
    const reason = unavailableReason(m, action);
    return reason === null ? [] : [{ id: m.id, name: memberLabel(m), reason }];
  });
  const available = voting.length - unavailable.length;
  const targetName = target ? memberLabel(target) : targetId;
  const base = {
    votingMembers: voting.length,
    unavailable,
  };
  if (!target) {
    return {
      ...base,
      allowed: false,
      needed: Math.floor(voting.length / 2) + 1,
      availableAfter: available,
      text: `${targetName} is not a member of this cluster`,
    };
  }
  if (target.isLearner) {
    const needed = Math.floor(voting.length / 2) + 1;
    return {
      ...base,
      allowed: true,
      needed,
      availableAfter: available,
      text: `${targetName} is a learner: it does not vote, so ${VERB[action]} it leaves the quorum as it is (${available} of the ${needed} needed)`,
    };
  }
  const targetAvailable = !unavailable.some((u) => u.id === target.id);
  const size = action === 'remove' ? voting.length - 1 : voting.length;
  const needed = Math.floor(size / 2) + 1;
  const availableAfter = available - (targetAvailable ? 1 : 0);
  const allowed = size > 0 && availableAfter >= needed;
  const others = unavailable.filter((u) => u.id !== target.id);
  const state =
    others.length === 0
      ? targetAvailable
        ? 'all healthy'
        : `${targetName} already unavailable (${unavailable.find((u) => u.id === target.id)?.reason ?? 'down'})`
      : `${others.length} unhealthy (${others.map((u) => u.name).join(', ')})${targetAvailable ? '' : `, ${targetName} already unavailable`}`;
  const leaves = action === 'remove' ? `leaves a ${size}-member cluster with ${availableAfter}` : `leaves ${availableAfter}`;
  const text =
    size === 0
      ? `${targetName} is the only voting member: removing it would leave no cluster`
      : `${voting.length} voting member${voting.length === 1 ? '' : 's'}, ${state}: ${VERB[action]} ${targetName} ${leaves} of the ${needed} needed`;
  return { ...base, allowed, needed, availableAfter, text };
}
