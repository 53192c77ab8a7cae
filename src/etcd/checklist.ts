// The runbook's "Etcd Leader Election Checklist", evaluated from one refresh, plus the checks the
// runbook does by eye (leader agreement, raft lag, alarms). Each failing check names the runbook step
// that addresses it and one suggested action.
import { formatBytes } from './format';
import type { CheckResult, ClockReading, ClusterSnapshot, MemberReport } from './model';
import { stepHeading, type StepId } from './runbook/steps';
import { dbSpace, diskLatency, leaderChurn, peerLatency, proposalsFailing, type FiguresOf } from '../metrics/judge';

/** Raft entries a member may trail the newest index before it counts as lagging. */
export const RAFT_LAG_LIMIT = 1000;
/** Share of the quota at which the db size check fails (etcd raises NOSPACE at 100%). */
export const DB_QUOTA_WARN_RATIO = 0.8;
/** etcd's default backend quota when the server does not report one. */
export const DEFAULT_QUOTA_BYTES = 2 * 1024 ** 3;
/**
 * Largest difference between two members' clocks that passes clock-sync: half of the 1 s at which etcd's
 * prober logs "prober found high clock drift", so drift is flagged well before etcd complains.
 */
export const CLOCK_SPREAD_LIMIT_MS = 500;

const label = (m: Pick<MemberReport, 'name' | 'id'>): string => m.name || m.id;

function check(
  id: string,
  title: string,
  ok: boolean | null,
  expected: string,
  actual: string,
  stepId: StepId,
  suggestion: string,
): CheckResult {
  return { id, title, ok, expected, actual, stepId, step: stepHeading(stepId), suggestion: ok === true ? '' : suggestion };
}

export function evaluateChecklist(s: ClusterSnapshot): CheckResult[] {
  const started = s.members.filter((m) => m.started);
  const answered = s.members.filter((m) => m.status !== null);
  const down = started.filter((m) => !m.reachable);
  const noData = answered.length === 0;
  const q = s.quorum;

  const leader = s.leaderId
    ? check('leader-exists', 'Leader exists', true, 'one member is leader', `leader ${s.leaderName || s.leaderId}`, 'status', '')
    : check(
        'leader-exists',
        'Leader exists',
        noData ? null : false,
        'one member is leader',
        noData ? 'no member answered' : `no leader: ${answered.length} member(s) answered, all report leader 0`,
        q.hasQuorum ? 'timeouts' : 'quorum',
        q.hasQuorum
          ? 'A majority answers but elects no leader: check peer connectivity, clock skew and election timeouts (Steps 2, 7, 8).'
          : `Quorum is lost: bring back ${q.needed - q.reachable} more voting member(s) (Step 4), or restore quorum from a survivor (Step 5).`,
      );

  const memberCount = check(
    'member-count-quorum',
    'Member count',
    s.members.length === 0 ? null : q.hasQuorum,
    `>= ${q.needed} of ${q.votingMembers} voting members reachable`,
    `${q.reachable} of ${q.votingMembers} voting members reachable${down.length ? ` (down: ${down.map(label).join(', ')})` : ''}`,
    q.reachable === 0 ? 'quorum' : 'restart',
    `Restart the down members one at a time (Step 4); if they are lost for good, remove and replace them (Step 6).`,
  );

  const probed = started.filter((m) => m.connectivity.client !== null || m.connectivity.peer !== null);
  const closed = probed.flatMap((m) => [
    ...(m.connectivity.client === false ? [`${label(m)} client ${m.endpoint ?? ''}`] : []),
    ...(m.connectivity.peer === false ? [`${label(m)} peer ${m.peerURLs[0] ?? ''}`] : []),
  ]);
  // Advertised client URLs that were not contacted (downgraded or foreign) or refuse connections.
  const advertised = started.flatMap((m) => m.warnings.filter((w) => w.kind === 'advertised-url').map((w) => `${label(m)} ${w.message}`));
  const connectivity = check(
    'connectivity',
    'Connectivity',
    probed.length === 0 && advertised.length === 0 ? null : closed.length === 0 && advertised.length === 0,
    'client and peer ports of every member accept TCP connections',
    [
      probed.length === 0
        ? 'not probed'
        : closed.length === 0
          ? `${probed.length} member(s): all ports open`
          : `closed: ${closed.join('; ')}`,
      ...advertised,
    ].join('; '),
    'connectivity',
    advertised.length > 0
      ? "Make each member's --advertise-client-urls name an address, scheme and port it listens on (Step 2)."
      : 'Check that etcd runs on those members and that firewalls allow ports 2379/2380 (Step 2).',
  );

  const clock = clockCheck(s.members);

  const sizes = answered.map((m) => {
    const status = m.status as NonNullable<MemberReport['status']>;
    const quota = status.dbSizeQuota && status.dbSizeQuota > 0 ? status.dbSizeQuota : DEFAULT_QUOTA_BYTES;
    return { m, size: status.dbSize, quota, assumed: !(status.dbSizeQuota && status.dbSizeQuota > 0) };
  });
  const worst = sizes.sort((a, b) => b.size / b.quota - a.size / a.quota)[0];
  const nospace = s.alarms.some((a) => a.alarm === 'NOSPACE');
  const figures: FiguresOf[] = started.map((m) => ({ id: m.id, name: m.name, figures: m.metrics, error: m.metricsError ?? null }));
  const space = dbSpace(figures);
  const dbOk = worst ? worst.size < worst.quota * DB_QUOTA_WARN_RATIO && !nospace && space.ok !== false : null;
  const dbSize = check(
    'db-size-quota',
    'DB size',
    dbOk,
    `< ${Math.round(DB_QUOTA_WARN_RATIO * 100)}% of the backend quota`,
    worst
      ? `largest: ${label(worst.m)} ${formatBytes(worst.size)} of ${formatBytes(worst.quota)}${worst.assumed ? ' (default quota assumed)' : ''} = ${Math.round((100 * worst.size) / worst.quota)}%${nospace ? ', NOSPACE alarm raised' : ''}${space.findings.length ? `; ${space.actual}` : ''}`
      : 'no member answered',
    'defrag',
    'Compact to the current revision, defragment each member, then disarm the NOSPACE alarm (Step 9).',
  );

  const voting = started.filter((m) => !m.isLearner);
  const unhealthy = voting.filter((m) => m.health?.healthy !== true);
  const health = check(
    'health',
    'Health',
    voting.length === 0 ? null : unhealthy.length === 0,
    'every voting member healthy',
    unhealthy.length === 0
      ? `${voting.length} of ${voting.length} healthy`
      : `${voting.length - unhealthy.length} of ${voting.length} healthy; ${unhealthy.map((m) => `${label(m)}: ${m.health?.error ?? m.error ?? 'unknown'}`).join('; ')}`,
    q.hasQuorum ? 'restart' : 'quorum',
    q.hasQuorum ? 'Restart the unhealthy members one at a time and read their logs (Steps 3, 4).' : 'Restore quorum first (Steps 4, 5).',
  );

  const views = answered.map(
    (m) =>
      `${label(m)}→${m.status?.leaderId === '0000000000000000' ? 'none' : (s.members.find((x) => x.id === m.status?.leaderId)?.name ?? m.status?.leaderId)}`,
  );
  const agreement = check(
    'leader-agreement',
    'Leader agreement',
    s.leaderAgreement,
    'every reachable member names the same leader',
    s.leaderAgreement === null
      ? 'no member answered'
      : s.leaderAgreement
        ? `all name ${s.leaderName || s.leaderId || 'no leader'}`
        : views.join(', '),
    'connectivity',
    'Members disagree on the leader: look for a network partition between them (Step 2) and watch for leader churn.',
  );

  const lagging = answered.filter((m) => (m.raftIndexLag ?? 0) > RAFT_LAG_LIMIT);
  const maxLag = Math.max(0, ...answered.map((m) => m.raftIndexLag ?? 0));
  const lag = check(
    'raft-index-lag',
    'Raft index lag',
    answered.length === 0 ? null : lagging.length === 0,
    `every member within ${RAFT_LAG_LIMIT} entries of the newest raft index`,
    answered.length === 0
      ? 'no member answered'
      : lagging.length === 0
        ? `max lag ${maxLag}`
        : lagging.map((m) => `${label(m)} behind by ${m.raftIndexLag}`).join(', '),
    'logs',
    'A member is falling behind: check its disk latency (slow fdatasync) and network in its logs (Step 3).',
  );

  const alarms = check(
    'alarms-clear',
    'Alarms',
    noData ? null : s.alarms.length === 0,
    'no active alarms',
    s.alarms.length === 0
      ? noData
        ? 'no member answered'
        : 'none'
      : s.alarms.map((a) => `${a.alarm} on ${s.members.find((m) => m.id === a.memberId)?.name || a.memberId}`).join(', '),
    'defrag',
    nospace
      ? 'NOSPACE: compact, defragment, then `alarm disarm` (Step 9); raise the quota if needed.'
      : 'CORRUPT: stop writes, compare hashes and replace the corrupted member (Step 6).',
  );

  return [leader, memberCount, connectivity, clock, dbSize, health, agreement, lag, alarms, ...metricsChecks(figures)];
}

/**
 * The checks judged from /metrics (src/metrics/judge.ts): slow disk, leader churn, slow peers, failing
 * proposals. A member whose page was not read is named, never judged slow.
 */
export function metricsChecks(figures: FiguresOf[]): CheckResult[] {
  const disk = diskLatency(figures);
  const churn = leaderChurn(figures);
  const peers = peerLatency(figures);
  const proposals = proposalsFailing(figures);
  return [
    check(
      'disk-latency',
      'Disk latency',
      disk.ok,
      'WAL fsync p99 < 0.5 s and backend commit p99 < 0.25 s on every member (etcd’s alerts; SLOW past its 10 ms / 25 ms guidance)',
      disk.actual,
      'logs',
      'A slow disk delays heartbeats and triggers elections ("slow fdatasync" in the logs): check iostat on that member, give etcd a dedicated SSD, keep other I/O off its disk (Step 3).',
    ),
    check(
      'leader-churn',
      'Leader changes',
      churn.ok,
      'fewer than 4 leader changes in 15 minutes',
      churn.actual,
      'timeouts',
      'Leadership keeps moving: look for slow disks and network latency between members, then raise the heartbeat interval and election timeout to match (Steps 3, 8).',
    ),
    check(
      'peer-latency',
      'Peer latency',
      peers.ok,
      'round trip p99 between members < 150 ms',
      peers.actual,
      'timeouts',
      'Members are slow to reach each other: check the network between them (Step 2) and set the heartbeat interval to about the round trip and the election timeout to at least 10× it (Step 8).',
    ),
    check(
      'proposals-failing',
      'Failed proposals',
      proposals.ok,
      'at most 5 failed proposals per second',
      proposals.actual,
      'quorum',
      'Proposals fail when there is no leader or no quorum to commit them: restore quorum and a stable leader (Steps 4, 5).',
    ),
  ];
}

/** What clock-sync reads of a member. */
export type ClockMember = Pick<MemberReport, 'id' | 'name' | 'started' | 'clock' | 'clockError'>;

/**
 * The clock-sync check from the members' clock readings (from /raft/probing, or SSH for the members it
 * covers): pure, so a reading added later re-evaluates it. Each reading is offset ± uncertainty from this
 * machine; two members are certainly apart by |a − b| − (ua + ub) and at most by |a − b| + (ua + ub).
 * FAIL: some pair is certainly apart by more than CLOCK_SPREAD_LIMIT_MS. pass: every started member has
 * a reading (at least two, or the only member) and every pair is at most the limit apart. unknown
 * otherwise: members not measured, or readings too uncertain to tell.
 */
export function clockCheck(members: readonly ClockMember[]): CheckResult {
  const started = members.filter((m) => m.started);
  const read = started.filter((m): m is ClockMember & { clock: ClockReading } => m.clock !== null);
  const missing = started.filter((m) => m.clock === null);
  let worst: { a: (typeof read)[number]; b: (typeof read)[number]; apart: number; within: number } | undefined;
  let widest = 0;
  for (const [i, a] of read.entries()) {
    for (const b of read.slice(i + 1)) {
      const spread = Math.abs(a.clock.offsetMs - b.clock.offsetMs);
      const slack = a.clock.uncertaintyMs + b.clock.uncertaintyMs;
      widest = Math.max(widest, spread + slack);
      if (!worst || spread - slack > worst.apart) worst = { a, b, apart: spread - slack, within: spread };
    }
  }
  const offsets = read.length
    ? `offsets from here: ${read.map((m) => `${label(m)} ${signedMs(m.clock.offsetMs)} ±${ms(m.clock.uncertaintyMs)}${m.clock.source === 'ssh' ? ' (ssh)' : ''}`).join(', ')}`
    : '';
  const unsynced = read.filter((m) => m.clock.ntp?.synchronized === false);
  const ntp = unsynced.length ? `; NTP not synchronized on ${unsynced.map(label).join(', ')}` : '';
  const notMeasured = missing.length
    ? `not measured: ${missing.map((m) => `${label(m)} (${m.clockError ?? 'no peer URL'})`).join('; ')}; SSH access to the members can read their clocks`
    : '';
  const maxSpread = read.length ? Math.max(...read.map((m) => m.clock.offsetMs)) - Math.min(...read.map((m) => m.clock.offsetMs)) : 0;

  let ok: boolean | null;
  let actual: string;
  if (worst && worst.apart > CLOCK_SPREAD_LIMIT_MS) {
    const [ahead, behind] = worst.a.clock.offsetMs >= worst.b.clock.offsetMs ? [worst.a, worst.b] : [worst.b, worst.a];
    ok = false;
    actual = `${label(ahead)} is ${ms(worst.within)} ms ahead of ${label(behind)} (±${ms(ahead.clock.uncertaintyMs + behind.clock.uncertaintyMs)}); ${offsets}`;
  } else if (started.length === 0) {
    ok = null;
    actual = 'no started member to measure';
  } else if (read.length < Math.min(2, started.length)) {
    ok = null;
    actual = [notMeasured, offsets].filter(Boolean).join('; ');
  } else if (widest > CLOCK_SPREAD_LIMIT_MS) {
    ok = null;
    actual = `max spread ${ms(maxSpread)} ms, but the readings are too uncertain to tell (round trips too long); ${offsets}`;
  } else if (missing.length > 0) {
    ok = null;
    actual = `max spread ${ms(maxSpread)} ms among the measured; ${notMeasured}; ${offsets}`;
  } else {
    ok = true;
    actual = read.length === 1 ? `a single member: no peer clock to drift from; ${offsets}` : `max spread ${ms(maxSpread)} ms; ${offsets}`;
  }
  return check(
    'clock-sync',
    'Clock sync',
    ok,
    `member clocks within ${CLOCK_SPREAD_LIMIT_MS} ms of each other (etcd warns at 1 s)`,
    actual + ntp,
    'clock',
    ok === false
      ? 'Member clocks drift apart: check NTP on the members (timedatectl, chronyc tracking), step the clock (chronyc makestep) and restart etcd there (Step 7).'
      : 'Configure SSH for this cluster to read the clocks of members whose peer port cannot be read from here, or compare `date +%s.%N` on each member (Step 7).',
  );
}

/** A duration in ms for the checklist: one decimal below 10 ms, whole ms above. */
function ms(n: number): string {
  return Math.abs(n) < 10 ? n.toFixed(1) : String(Math.round(n));
}

/** An offset with its sign and unit: "+1.2 ms", "-3012 ms". */
function signedMs(n: number): string {
  return `${n >= 0 ? '+' : '-'}${ms(Math.abs(n))} ms`;
}
