// Judgements from the figures, with etcd's documented guidance and the thresholds of etcd's own alerting
// mixin (contrib/mixin in etcd's repository): each verdict says what it measured, on which member, over
// what interval, so an operator can act on it. Pure: the checklist and `diagnose` call it on a snapshot.
import type { MemberFigures, Quantile } from './figures';

/** etcd's guidance and its mixin's alert thresholds. */
export const THRESHOLDS = {
  /** WAL fsync p99: docs ("should be under 10 ms"); mixin etcdHighFsyncDurations warning / critical. */
  walFsyncSeconds: { docs: 0.01, warning: 0.5, critical: 1 },
  /** Backend commit p99: docs (25 ms); mixin etcdHighCommitDurations warning. */
  backendCommitSeconds: { docs: 0.025, warning: 0.25 },
  /** Peer round trip p99: mixin etcdMemberCommunicationSlow. */
  peerRoundTripSeconds: 0.15,
  /** Leader changes in 15 minutes: mixin etcdHighNumberOfLeaderChanges. */
  leaderChanges: 4,
  /** Failed proposals per second: mixin etcdHighNumberOfFailedProposals. */
  failedProposalsPerSecond: 5,
  /** db total size against the quota: mixin etcdDatabaseQuotaLowSpace (95%). */
  dbQuotaRatio: 0.95,
  /** In use below this share of the total, with more than minInUseBytes in use: mixin etcdDatabaseHighFragmentationRatio. */
  fragmentation: { inUseRatio: 0.5, minInUseBytes: 104857600 },
} as const;

/** Longest election timeout etcd accepts (its --election-timeout is capped at 50 s). */
const MAX_ELECTION_MS = 50_000;

/** A member's figures, with its name for the texts. */
export interface FiguresOf {
  id: string;
  name: string;
  figures: MemberFigures | null;
  /** Why there are no figures (its /metrics could not be read), when that is known. */
  error?: string | null;
}

/** One judgement: pass (true), fail (false) or not decidable (null), and what was seen. */
export interface Verdict {
  ok: boolean | null;
  actual: string;
  /** Per member, the failing lines (for diagnose). */
  findings: string[];
}

const label = (m: FiguresOf): string => m.name || m.id;

/** A duration for humans: "0.8 ms", "12 ms", "1.5 s". */
export function seconds(s: number): string {
  const ms = s * 1000;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** "over 5 min", "since start (2 h)". */
function scopeText(scope: 'interval' | 'since-start', windowMs: number | null): string {
  if (scope === 'since-start') return 'since it started';
  return `over ${minutes(windowMs ?? 0)}`;
}

function minutes(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

function quantileText(q: Quantile, intervalMs: number | null): string {
  const where = scopeText(q.scope, intervalMs);
  if (q.seconds === null) return `too few samples (${q.samples}) ${where}`;
  return `p99 ${seconds(q.seconds)} ${where} (${q.samples} samples)`;
}

/** Members without figures, said once: "not read: etcd-2 (deadline exceeded)". */
function notRead(members: FiguresOf[]): string {
  const missing = members.filter((m) => m.figures === null);
  return missing.length ? `not read: ${missing.map((m) => `${label(m)}${m.error ? ` (${m.error})` : ''}`).join(', ')}` : '';
}

const join = (...parts: string[]): string => parts.filter(Boolean).join('; ');

/**
 * Slow disk: WAL fsync p99 over 10 ms (etcd's guidance) or backend commit p99 over 25 ms is found and
 * marked SLOW; the check fails at the mixin's alert levels (fsync 0.5 s warning, 1 s critical; commit
 * 0.25 s), where etcd's own alerting calls it a problem. Between the two it passes with the finding shown:
 * busy shared disks (and loaded CI machines) live there without losing leaders.
 */
export function diskLatency(members: FiguresOf[]): Verdict {
  const lines: string[] = [];
  const findings: string[] = [];
  let judged = 0;
  let alerting = false;
  for (const m of members) {
    const f = m.figures;
    if (!f) continue;
    const parts: string[] = [];
    let slow = false;
    for (const [what, q, limits] of [
      ['WAL fsync', f.walFsyncP99, THRESHOLDS.walFsyncSeconds],
      ['backend commit', f.backendCommitP99, THRESHOLDS.backendCommitSeconds],
    ] as const) {
      if (!q) continue;
      parts.push(`${what} ${quantileText(q, f.intervalMs)}`);
      if (q.seconds === null) continue;
      judged++;
      if (q.seconds > limits.docs) {
        slow = true;
        const level =
          'critical' in limits && q.seconds > limits.critical
            ? 'critical (mixin)'
            : q.seconds > limits.warning
              ? 'warning (mixin)'
              : 'over etcd’s guidance';
        if (q.seconds > limits.warning) alerting = true;
        findings.push(`${label(m)}: ${what} p99 ${seconds(q.seconds)} > ${seconds(limits.docs)}, ${level}`);
      }
    }
    if (parts.length) lines.push(`${label(m)}${slow ? ' SLOW' : ''}: ${parts.join(', ')}`);
  }
  return {
    ok: judged === 0 ? null : !alerting,
    actual: join(lines.join('; ') || 'no disk figures', notRead(members)),
    findings,
  };
}

/** Leader churn: 4 or more leader changes seen in 15 minutes. */
export function leaderChurn(members: FiguresOf[]): Verdict {
  const findings: string[] = [];
  const lines: string[] = [];
  let judged = 0;
  const windowMs = 15 * 60_000;
  for (const m of members) {
    const c = m.figures?.leaderChanges;
    if (!c || !m.figures) continue;
    const over = c.count >= THRESHOLDS.leaderChanges;
    if (c.scope === 'interval') {
      judged++;
      lines.push(`${label(m)} ${c.count} in ${minutes(c.windowMs)}`);
      if (over) findings.push(`${label(m)}: ${c.count} leader changes in ${minutes(c.windowMs)}`);
    } else {
      // Since start: decidable when there were too few changes to be churn, or the member started recently.
      const uptime = (m.figures.uptimeSeconds ?? Infinity) * 1000;
      lines.push(`${label(m)} ${c.count} since it started ${minutes(uptime)} ago`);
      if (!over) judged++;
      else if (uptime <= windowMs) {
        judged++;
        findings.push(`${label(m)}: ${c.count} leader changes since it started ${minutes(uptime)} ago`);
      }
    }
  }
  return {
    ok: judged === 0 ? null : findings.length > 0 ? false : judged === members.filter((m) => m.figures?.leaderChanges).length ? true : null,
    actual: join(lines.join(', ') || 'no leader-change counter', notRead(members)),
    findings,
  };
}

/** What heartbeat and election timeout a measured round trip calls for (etcd's tuning guide). */
export function recommendedTimeouts(roundTripSeconds: number): { heartbeatMs: number; electionMs: number } {
  // Heartbeat about the round trip (never below etcd's default 100 ms), election at least 10× it (capped at 50 s).
  const heartbeatMs = Math.max(100, Math.ceil((roundTripSeconds * 1000) / 10) * 10);
  const electionMs = Math.min(MAX_ELECTION_MS, Math.max(1000, heartbeatMs * 10));
  return { heartbeatMs, electionMs };
}

/**
 * What the language server shows beside heartbeat-interval and election-timeout for a cluster: its worst
 * measured peer round trip and the pair it calls for. Null until some link has enough samples.
 */
export function measuredPeers(
  cluster: string,
  members: Array<FiguresOf & { peerURLs: string[] }>,
): { cluster: string; peerURLs: string[]; roundTripSeconds: number; heartbeatMs: number; electionMs: number } | null {
  const worst = peerLatency(members).worstSeconds;
  if (worst === null) return null;
  return { cluster, peerURLs: members.flatMap((m) => m.peerURLs), roundTripSeconds: worst, ...recommendedTimeouts(worst) };
}

/** Slow peers: round trip p99 to any peer over 0.15 s. Also the timeouts the worst round trip calls for. */
export function peerLatency(members: FiguresOf[]): Verdict & { worstSeconds: number | null } {
  const findings: string[] = [];
  const lines: string[] = [];
  let worst: number | null = null;
  let fewSamples = 0;
  for (const m of members) {
    const f = m.figures;
    if (!f) continue;
    for (const p of f.peerRoundTripP99) {
      const peer = members.find((x) => x.id === p.peerId);
      const to = peer ? label(peer) : p.peerId;
      if (p.quantile.seconds === null) {
        fewSamples++;
        continue;
      }
      worst = Math.max(worst ?? 0, p.quantile.seconds);
      if (p.quantile.seconds > THRESHOLDS.peerRoundTripSeconds) {
        findings.push(
          `${label(m)}→${to}: round trip ${quantileText(p.quantile, f.intervalMs)} > ${seconds(THRESHOLDS.peerRoundTripSeconds)}`,
        );
      }
    }
  }
  if (worst !== null) {
    const { heartbeatMs, electionMs } = recommendedTimeouts(worst);
    lines.push(`worst peer round trip p99 ${seconds(worst)}: heartbeat ${heartbeatMs} ms and election ${electionMs} ms suffice`);
  }
  if (fewSamples) lines.push(`${fewSamples} peer link(s) with too few samples yet (etcd measures each about every 30 s)`);
  return {
    ok: worst === null ? null : findings.length === 0,
    actual: join(findings.join('; '), lines.join('; ') || 'no peer round trips measured yet', notRead(members)),
    findings,
    worstSeconds: worst,
  };
}

/** Failing proposals: more than 5 per second. */
export function proposalsFailing(members: FiguresOf[]): Verdict {
  const findings: string[] = [];
  const lines: string[] = [];
  let judged = 0;
  for (const m of members) {
    const f = m.figures;
    const rate = f?.proposals.failedPerSecond;
    if (!f || rate === null || rate === undefined) continue;
    judged++;
    const where = f.intervalMs === null ? 'since it started' : `over ${minutes(f.intervalMs)}`;
    lines.push(`${label(m)} ${f.proposals.failed ?? 0} failed ${where}, pending ${f.proposals.pending ?? '?'}`);
    if (rate > THRESHOLDS.failedProposalsPerSecond) findings.push(`${label(m)}: ${rate.toFixed(1)} failed proposals/s ${where}`);
  }
  return {
    ok: judged === 0 ? null : findings.length === 0,
    actual: join(lines.join(', ') || 'no proposal counters', notRead(members)),
    findings,
  };
}

/** db near its quota (95%) or fragmented (in use < 50% of the total with more than 100 MB in use). */
export function dbSpace(members: FiguresOf[]): Verdict {
  const findings: string[] = [];
  for (const m of members) {
    const db = m.figures?.db;
    if (!db || db.totalBytes === null) continue;
    if (db.quotaBytes && db.totalBytes > db.quotaBytes * THRESHOLDS.dbQuotaRatio) {
      findings.push(`${label(m)}: db ${Math.round((100 * db.totalBytes) / db.quotaBytes)}% of its quota`);
    }
    const { inUseRatio, minInUseBytes } = THRESHOLDS.fragmentation;
    if (db.inUseBytes !== null && db.inUseBytes > minInUseBytes && db.inUseBytes < db.totalBytes * inUseRatio) {
      findings.push(`${label(m)}: fragmented, ${Math.round((100 * db.inUseBytes) / db.totalBytes)}% of the db file in use`);
    }
  }
  return { ok: findings.length === 0, actual: findings.join('; '), findings };
}
