// The cluster model: one refresh's facts about every member, and what follows from them (leader,
// agreement, quorum arithmetic, raft lag, fragmentation). The JSON of `etcd-inspector status` is this
// shape; README documents it.
import type { StepId } from './runbook/steps';
import type { MemberFigures } from '../metrics/figures';

/** What `etcdctl endpoint status` reports for one member (sizes in bytes). */
export interface MemberStatus {
  version: string;
  dbSize: number;
  dbSizeInUse: number;
  /** From the server when it reports it (etcd 3.6 status, or the etcd_server_quota_backend_bytes metric); else null. */
  dbSizeQuota: number | null;
  /** The store revision in its status header (the cluster's key-value revision as this member has applied it). */
  revision: number;
  raftTerm: number;
  raftIndex: number;
  raftAppliedIndex: number;
  /** 16-digit hex; "0000000000000000" when this member knows no leader. */
  leaderId: string;
  errors: string[];
  tookMs: number;
}

/**
 * What kind of failure an error is, so code (and the JSON's readers) branch on it, never on the text:
 * refused (nothing listens on the port), timeout (no answer within the deadline), tls (handshake: CA,
 * client certificate, server name, or one side not speaking TLS), auth (user, password, permission),
 * no-leader (the member knows no leader), garbage (something that is not etcd's gRPC answered),
 * unavailable (no connection for another reason), not-found (the host name does not resolve), other.
 */
export type FailureKind = 'refused' | 'timeout' | 'tls' | 'auth' | 'no-leader' | 'garbage' | 'unavailable' | 'not-found' | 'other';

/** etcd's health of one member: the read of key "health" succeeded and no NOSPACE/CORRUPT alarm is active. */
export interface MemberHealth {
  healthy: boolean;
  tookMs: number;
  error: string | null;
  /** The kind of error; present exactly when error is set. */
  errorKind?: FailureKind;
  /** The active alarms (NOSPACE, CORRUPT) that are the reason it is unhealthy: present only then. */
  alarms?: string[];
}

/** TCP reachability of a member's client and peer ports from this machine (null = not probed). */
export interface Connectivity {
  client: boolean | null;
  peer: boolean | null;
}

/**
 * One member's clock compared with this machine's. offsetMs = the member's clock minus this machine's;
 * the true offset lies within offsetMs ± uncertaintyMs. raft-probing: measured from here on the member's
 * peer port (GET /raft/probing, NTP-style, the sample with the shortest round trip kept); ssh: read on the
 * member's host, with its NTP state when known.
 */
export interface ClockReading {
  source: 'raft-probing' | 'ssh';
  offsetMs: number;
  uncertaintyMs: number;
  /** How many samples were taken (the reading is the best one). */
  samples: number;
  ntp?: { synchronized: boolean | null; detail: string };
}

/** Everything known about one member after a refresh. */
export interface MemberReport {
  /** 16-digit lowercase hex, like etcdctl. */
  id: string;
  /** Empty for a member added but never started. */
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
  isLeader: boolean;
  /** False for an added member that has not started yet (no name, no client URLs). */
  started: boolean;
  /** The client URL probed, or null when the member has none. */
  endpoint: string | null;
  reachable: boolean;
  error: string | null;
  /** The kind of error; present exactly when error is set. */
  errorKind?: FailureKind;
  status: MemberStatus | null;
  health: MemberHealth | null;
  connectivity: Connectivity;
  /** Highest raft index seen in the cluster minus this member's applied index (null when unknown). */
  raftIndexLag: number | null;
  /** Share of the db file not in use, in percent (what defragmentation would give back). */
  fragmentationPercent: number | null;
  /** Findings on this member that are not its status or health: see MemberWarning. */
  warnings: MemberWarning[];
  /** Its clock compared with this machine's, or null when it could not be measured (clockError says why). */
  clock: ClockReading | null;
  /** Why there is no clock reading (peer port refused, no answer, TLS, …); absent when there is one. */
  clockError?: string;
  /** What its /metrics say over the last interval (src/metrics/figures.ts), or null when not read. */
  metrics: MemberFigures | null;
  /** Why there are no figures; absent when there are. */
  metricsError?: string;
}

/**
 * A finding on a member. advertised-url: a client URL it advertises was not contacted (a downgraded or
 * foreign scheme) or refuses connections while the member was reached another way; metrics: its /metrics
 * page could not be read (too large, never ending, not etcd's).
 */
export interface MemberWarning {
  kind: 'advertised-url' | 'metrics';
  message: string;
}

/** Quorum arithmetic: learners do not vote. */
export interface Quorum {
  votingMembers: number;
  needed: number;
  reachable: number;
  healthy: number;
  hasQuorum: boolean;
}

/** One active alarm. */
export interface AlarmReport {
  memberId: string;
  alarm: string;
}

/** One item of the runbook's checklist, evaluated from live data. ok null = could not be evaluated. */
export interface CheckResult {
  id: string;
  title: string;
  ok: boolean | null;
  expected: string;
  actual: string;
  /** The runbook step that addresses a failure (its number and title are in the runbook's step table). */
  stepId: StepId;
  /** That step's heading, e.g. "Step 5: Fix Quorum Loss", for readers of the JSON. */
  step: string;
  suggestion: string;
}

/** An endpoint the user gave that is not a member's client URL, and what happened when it was tried. */
export interface UnmatchedEndpoint {
  endpoint: string;
  error: string | null;
  /** The kind of error; present exactly when error is set. */
  errorKind?: FailureKind;
  /** When it answered: the cluster and member it answered as (another cluster's id is a configuration mismatch). */
  clusterId?: string;
  memberId?: string;
}

/** One member's own member list (a diagnosis reads every reachable member's: do they agree?). */
export interface MemberListView {
  /** The member asked (name, or id when it has none). */
  member: string;
  memberId: string;
  /** What it lists, ids as 16-digit hex; null when it could not be read. */
  members: Array<{ id: string; name: string; peerURLs: string[]; isLearner: boolean }> | null;
  error: string | null;
}

/** A given or learnt endpoint that did not give the member list, and why. */
export interface DiscoveryError {
  endpoint: string;
  error: string;
  errorKind: FailureKind;
}

/** One refresh of one cluster. */
export interface ClusterSnapshot {
  name: string;
  clusterId: string | null;
  leaderId: string | null;
  leaderName: string | null;
  /** Whether every reachable member names the same leader (null when none answered). */
  leaderAgreement: boolean | null;
  quorum: Quorum;
  members: MemberReport[];
  alarms: AlarmReport[];
  checks: CheckResult[];
  unmatchedEndpoints: UnmatchedEndpoint[];
  /** Why no member list could be had: one line per endpoint tried. Empty when discovery worked. */
  errors: string[];
  /** The same failures with endpoint, text and kind apart (set by ClusterInspector; absent in older JSON). */
  discoveryErrors?: DiscoveryError[];
  /** Leader changes seen since the previous refresh (raft term increases); null on the first refresh. */
  termChanges: number | null;
  takenAt: string;
  elapsedMs: number;
}

/** 16 zeros: etcd's "no leader". */
export const NO_LEADER = '0000000000000000';

/** Majority of the voting members. */
export function quorumOf(members: Pick<MemberReport, 'isLearner' | 'reachable' | 'health'>[]): Quorum {
  const voting = members.filter((m) => !m.isLearner);
  const needed = Math.floor(voting.length / 2) + 1;
  const reachable = voting.filter((m) => m.reachable).length;
  const healthy = voting.filter((m) => m.health?.healthy === true).length;
  return { votingMembers: voting.length, needed, reachable, healthy, hasQuorum: voting.length > 0 && reachable >= needed };
}

/** The leader the reachable members name, and whether they agree. A member that knows no leader disagrees with one that does. */
export function leaderOf(members: Pick<MemberReport, 'status'>[]): { leaderId: string | null; agreement: boolean | null } {
  const views = members.flatMap((m) => (m.status ? [m.status.leaderId] : []));
  if (views.length === 0) return { leaderId: null, agreement: null };
  const named = views.filter((v) => v !== NO_LEADER);
  const counts = new Map<string, number>();
  for (const v of named) counts.set(v, (counts.get(v) ?? 0) + 1);
  let leaderId: string | null = null;
  let best = 0;
  for (const [id, count] of counts) {
    if (count > best) {
      leaderId = id;
      best = count;
    }
  }
  return { leaderId, agreement: new Set(views).size === 1 };
}

/** Fills the derived per-member fields and the cluster-level figures of a snapshot in place. */
export function deriveModel(snapshot: ClusterSnapshot): ClusterSnapshot {
  const { leaderId, agreement } = leaderOf(snapshot.members);
  snapshot.leaderId = leaderId;
  snapshot.leaderAgreement = agreement;
  const maxIndex = Math.max(0, ...snapshot.members.map((m) => m.status?.raftIndex ?? 0));
  for (const member of snapshot.members) {
    member.isLeader = leaderId !== null && member.id === leaderId;
    member.raftIndexLag = member.status ? Math.max(0, maxIndex - member.status.raftAppliedIndex) : null;
    member.fragmentationPercent =
      member.status && member.status.dbSize > 0
        ? round1((100 * (member.status.dbSize - member.status.dbSizeInUse)) / member.status.dbSize)
        : null;
  }
  snapshot.leaderName = snapshot.members.find((m) => m.isLeader)?.name ?? null;
  snapshot.quorum = quorumOf(snapshot.members);
  return snapshot;
}

/** Leader changes between two refreshes of the same cluster: how far the highest raft term moved. */
export function termChangesBetween(previous: ClusterSnapshot | undefined, next: ClusterSnapshot): number | null {
  if (!previous || previous.clusterId !== next.clusterId) return null;
  const term = (s: ClusterSnapshot): number => Math.max(0, ...s.members.map((m) => m.status?.raftTerm ?? 0));
  const before = term(previous);
  const after = term(next);
  return before === 0 || after === 0 ? null : Math.max(0, after - before);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
