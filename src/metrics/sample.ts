// One scrape of a member's /metrics, reduced to the series the inspector judges. The page (150–300 KB,
// some 1,700 lines, in Prometheus' text exposition format) is read by one regular expression that matches
// only the sample lines of the wanted families: V8 runs it as native code over the whole page, where parsing
// every line (parse-prometheus-text-format, used before) cost a fresh `status` process about 10 ms for five
// members, most of it JavaScript run for the first time.
import type { Bucket, Histogram } from './histogram';

/** The families read from /metrics (names as in the exposition; histograms by their base name). */
const FAMILIES = [
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
 * A sample line of a wanted family (histograms' `_bucket`, `_sum` and `_count` too): its name, suffix, label
 * block and value, as the text format writes them (`name{label="value",...} value [timestamp]`; a label value
 * escapes `\\`, `\"` and newline). Comments, other families and look-alike names (a wanted name followed by
 * more of a name) do not match.
 */
const SAMPLE_LINE = new RegExp(
  `^(${FAMILIES.join('|')})(_bucket|_sum|_count)?(?:\\{((?:[^"}\\n]|"(?:[^"\\\\\\n]|\\\\.)*")*)\\})?[ \\t]+([^ \\t\\n]+)`,
  'gm',
);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"/g;
const unescape = (value: string): string => value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** One series of a family: a scalar's value, or a histogram's buckets (by their `le` text), sum and count. */
interface Series {
  labels: Record<string, string>;
  value?: string;
  buckets: Map<string, string>;
  sum?: string;
  count?: string;
}

/** The wanted families' series, by family and then by their labels (without `le`). */
function readSeries(page: string): Map<string, Map<string, Series>> {
  const families = new Map<string, Map<string, Series>>();
  for (const [, name, suffix, labelText, value] of page.matchAll(SAMPLE_LINE)) {
    const labels: Record<string, string> = {};
    let le: string | undefined;
    for (const [, label, raw] of (labelText ?? '').matchAll(LABEL)) {
      if (label === 'le' && suffix === '_bucket') le = unescape(raw);
      else labels[label] = unescape(raw);
    }
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    let family = families.get(name);
    if (!family) families.set(name, (family = new Map()));
    let series = family.get(key);
    if (!series) family.set(key, (series = { labels, buckets: new Map() }));
    if (suffix === undefined) series.value ??= value;
    else if (suffix === '_sum') series.sum = value;
    else if (suffix === '_count') series.count = value;
    else if (le !== undefined) series.buckets.set(le, value);
  }
  return families;
}

/** A sample value as the text format writes it (Go's float formatting, ±Inf); anything else is null. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const num = (text: string | undefined): number | null => {
  if (text === undefined) return null;
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return NUMBER.test(text) ? Number(text) : null;
};

function histogramOf(series: Series): Histogram | null {
  if (series.buckets.size === 0) return null;
  const buckets: Bucket[] = [];
  for (const [le, count] of series.buckets) {
    const bound = le === '+Inf' ? Infinity : Number(le);
    const n = num(count);
    if (Number.isNaN(bound) || n === null) return null;
    buckets.push({ le: bound, count: n });
  }
  buckets.sort((a, b) => a.le - b.le);
  const count = num(series.count);
  const sum = num(series.sum);
  if (count === null || sum === null || buckets[buckets.length - 1].le !== Infinity) return null;
  return { buckets, count, sum };
}

/** The peer round-trip histogram of each peer (label `To`). */
function perPeerHistograms(series: Map<string, Series> | undefined): Record<string, Histogram> {
  const out: Record<string, Histogram> = {};
  for (const s of series?.values() ?? []) {
    // etcd writes the peer's id in hex without leading zeros; members are known by 16 digits.
    const raw = s.labels.To;
    if (!raw) continue;
    const to = /^[0-9a-f]{1,16}$/.test(raw) ? raw.padStart(16, '0') : raw;
    const h = histogramOf(s);
    if (h) out[to] = h;
  }
  return out;
}

/** Reads a /metrics page. Series that are missing or malformed are null. */
export function parseSample(page: string, at: number): MetricsSample {
  const families = readSeries(page);
  const first = (name: string): Series | undefined => families.get(name)?.values().next().value;
  const scalar = (name: string): number | null => num(first(name)?.value);
  const histogram = (name: string): Histogram | null => {
    const series = first(name);
    return series ? histogramOf(series) : null;
  };
  const peerRoundTrip = perPeerHistograms(families.get('etcd_network_peer_round_trip_time_seconds'));
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
