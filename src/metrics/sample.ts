// One scrape of a member's /metrics, reduced to the series the inspector judges. The page (150–300 KB,
// some 1,600 lines) is first cut down to the lines of the wanted families, then those lines are parsed with
// parse-prometheus-text-format (prom2json's model): parsing the whole page would cost about 12 ms a member.
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';
import type { Bucket, Histogram } from './histogram';

/** The families read from /metrics (names as in the exposition; histograms by their base name). */
export const FAMILIES = [
  'etcd_disk_backend_commit_duration_seconds',
  'etcd_disk_wal_fsync_duration_seconds',
  'etcd_mvcc_db_total_size_in_bytes',
  'etcd_mvcc_db_total_size_in_use_in_bytes',
  'etcd_network_peer_round_trip_time_seconds',
  'etcd_server_has_leader',
  'etcd_server_leader_changes_seen_total',
  'etcd_server_proposals_applied_total',
  'etcd_server_proposals_committed_total',
  'etcd_server_proposals_failed_total',
  'etcd_server_proposals_pending',
  'etcd_server_quota_backend_bytes',
  'process_max_fds',
  'process_open_fds',
  'process_resident_memory_bytes',
  'process_start_time_seconds',
] as const;

/** What one scrape of one member says. Counters and histograms are cumulative since the member started. */
export interface MetricsSample {
  /** When it was read, in ms since the epoch on this machine. */
  at: number;
  /** The member's process start, in seconds since the epoch (its clock): a change means it restarted. */
  startTime: number | null;
  hasLeader: boolean | null;
  leaderChanges: number | null;
  quotaBackendBytes: number | null;
  walFsync: Histogram | null;
  backendCommit: Histogram | null;
  /** Round trip to each peer (by the peer's hex id, etcd's `To` label). etcd samples it about every 30 s. */
  peerRoundTrip: Record<string, Histogram>;
  proposalsCommitted: number | null;
  proposalsApplied: number | null;
  proposalsPending: number | null;
  proposalsFailed: number | null;
  dbTotalBytes: number | null;
  dbInUseBytes: number | null;
  residentMemoryBytes: number | null;
  openFds: number | null;
  maxFds: number | null;
}

/**
 * A line of a wanted family: its samples (histograms' `_bucket`, `_sum` and `_count` too) and its HELP and
 * TYPE comments. One regular expression over the whole page: V8 runs it as native code, where a loop over
 * 1,600 lines in JavaScript costs a cold process (the CLI's one refresh) some 5 ms a page.
 */
const WANTED_LINE = new RegExp(`^(?:# (?:HELP|TYPE) )?(?:${FAMILIES.join('|')})(?:_bucket|_sum|_count)?(?=[{ \t])[^\n]*`, 'gm');

/** Keeps the lines of the wanted families. */
export function wantedLines(page: string): string {
  const kept = page.match(WANTED_LINE);
  return kept ? `${kept.join('\n')}\n` : '';
}

/** A sample value as the text format writes it (Go's float formatting, ±Inf); anything else is null. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const num = (text: string | undefined): number | null => {
  if (text === undefined) return null;
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return NUMBER.test(text) ? Number(text) : null;
};

function histogramOf(sample: PromFamily['metrics'][number]): Histogram | null {
  if (!sample.buckets) return null;
  const buckets: Bucket[] = [];
  for (const [le, count] of Object.entries(sample.buckets)) {
    const bound = le === '+Inf' ? Infinity : Number(le);
    const n = num(count);
    if (Number.isNaN(bound) || n === null) return null;
    buckets.push({ le: bound, count: n });
  }
  buckets.sort((a, b) => a.le - b.le);
  const count = num(sample.count);
  const sum = num(sample.sum);
  if (count === null || sum === null || buckets.length === 0 || buckets[buckets.length - 1].le !== Infinity) return null;
  return { buckets, count, sum };
}

const PEER_RTT = 'etcd_network_peer_round_trip_time_seconds';

/**
 * The peer round-trip histogram of each peer (label `To`). parse-prometheus-text-format merges the series of
 * a labelled histogram into one and drops their labels, so its sample lines are parsed again without their
 * TYPE line: each `_bucket`, `_sum` and `_count` line is then a sample of its own with its labels (the
 * parser still reads the labels and values), and the histograms are put together per peer here.
 */
function perPeerHistograms(wanted: string): Record<string, Histogram> {
  const lines = wanted.split('\n').filter((l) => l.startsWith(`${PEER_RTT}_`));
  if (lines.length === 0) return {};
  let families: PromFamily[];
  try {
    families = parsePrometheusTextFormat(`${lines.join('\n')}\n`);
  } catch {
    return {};
  }
  const parts = new Map<string, { buckets: Record<string, string>; count?: string; sum?: string }>();
  const of = (to: string) => {
    let p = parts.get(to);
    if (!p) parts.set(to, (p = { buckets: {} }));
    return p;
  };
  for (const f of families) {
    for (const m of f.metrics) {
      // etcd writes the peer's id in hex without leading zeros; members are known by 16 digits.
      const raw = m.labels?.To;
      if (!raw || m.value === undefined) continue;
      const to = /^[0-9a-f]{1,16}$/.test(raw) ? raw.padStart(16, '0') : raw;
      if (f.name === `${PEER_RTT}_bucket` && m.labels?.le !== undefined) of(to).buckets[m.labels.le] = m.value;
      else if (f.name === `${PEER_RTT}_count`) of(to).count = m.value;
      else if (f.name === `${PEER_RTT}_sum`) of(to).sum = m.value;
    }
  }
  const out: Record<string, Histogram> = {};
  for (const [to, p] of parts) {
    const h = histogramOf({ buckets: p.buckets, count: p.count, sum: p.sum });
    if (h) out[to] = h;
  }
  return out;
}

/** Reads a /metrics page (or the wanted lines of one). Series that are missing or malformed are null. */
export function parseSample(page: string, at: number): MetricsSample {
  const wanted = wantedLines(page);
  let families: PromFamily[];
  try {
    families = parsePrometheusTextFormat(wanted);
  } catch {
    families = [];
  }
  const byName = new Map(families.map((f) => [f.name, f]));
  const scalar = (name: string): number | null => num(byName.get(name)?.metrics[0]?.value);
  const histogram = (name: string): Histogram | null => {
    const sample = byName.get(name)?.metrics[0];
    return sample ? histogramOf(sample) : null;
  };
  const peerRoundTrip = perPeerHistograms(wanted);
  const hasLeader = scalar('etcd_server_has_leader');
  return {
    at,
    startTime: scalar('process_start_time_seconds'),
    hasLeader: hasLeader === 1 ? true : hasLeader === 0 ? false : null,
    leaderChanges: scalar('etcd_server_leader_changes_seen_total'),
    quotaBackendBytes: scalar('etcd_server_quota_backend_bytes'),
    walFsync: histogram('etcd_disk_wal_fsync_duration_seconds'),
    backendCommit: histogram('etcd_disk_backend_commit_duration_seconds'),
    peerRoundTrip,
    proposalsCommitted: scalar('etcd_server_proposals_committed_total'),
    proposalsApplied: scalar('etcd_server_proposals_applied_total'),
    proposalsPending: scalar('etcd_server_proposals_pending'),
    proposalsFailed: scalar('etcd_server_proposals_failed_total'),
    dbTotalBytes: scalar('etcd_mvcc_db_total_size_in_bytes'),
    dbInUseBytes: scalar('etcd_mvcc_db_total_size_in_use_in_bytes'),
    residentMemoryBytes: scalar('process_resident_memory_bytes'),
    openFds: scalar('process_open_fds'),
    maxFds: scalar('process_max_fds'),
  };
}
