// The /metrics page reader: the wanted families out of real etcd pages, checked against another parser of the
// text format (parse-prometheus-text-format, prom2json's model); look-alike names and garbage are not read as
// etcd's series.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { readdirSync } from 'node:fs';
import { parseSample, type MetricsSample } from '../../../src/metrics/sample';
import type { Histogram } from '../../../src/metrics/histogram';

const fixture = (name: string): string => readFileSync(join(__dirname, '..', '..', 'fixtures', 'metrics', name), 'utf8');

test('parseSample reads the wanted series and ignores look-alike prefixes', () => {
  const m = parseSample('etcd_server_has_leader_extra 0\netcd_server_has_leader 1\netcd_server_quota_backend_bytes 2.147483648e+09\n', 7);
  assert.equal(m.at, 7);
  assert.equal(m.hasLeader, true);
  assert.equal(m.quotaBackendBytes, 2147483648);
  assert.equal(m.leaderChanges, null);
  assert.equal(m.walFsync, null);
});

test('garbage, or a histogram without its +Inf bucket, reads as missing series', () => {
  const garbage = parseSample('<html>not metrics</html>\n{{{\netcd_server_has_leader {\n', 0);
  assert.equal(garbage.hasLeader, null);
  const noInf = parseSample(
    '# TYPE etcd_disk_wal_fsync_duration_seconds histogram\netcd_disk_wal_fsync_duration_seconds_bucket{le="0.001"} 3\netcd_disk_wal_fsync_duration_seconds_sum 0.001\netcd_disk_wal_fsync_duration_seconds_count 3\n',
    0,
  );
  assert.equal(noInf.walFsync, null);
});

for (const version of ['3.5', '3.4']) {
  test(`a real etcd ${version} page: every figure the inspector judges is read`, () => {
    const sample = parseSample(fixture(`etcd-${version}-after.txt`), 0);
    for (const [key, value] of Object.entries(sample)) {
      if (key === 'peerRoundTrip') continue;
      assert.notEqual(value, null, `${key} read from etcd ${version}`);
    }
    assert.equal(sample.hasLeader, true);
    assert.equal(sample.quotaBackendBytes, 2 * 1024 ** 3);
    // etcd's disk buckets double from 1 ms to 8.192 s, then +Inf.
    const bounds = sample.walFsync?.buckets.map((b) => b.le);
    assert.deepEqual(bounds, [...Array.from({ length: 14 }, (_, i) => 0.001 * 2 ** i), Infinity]);
    assert.ok((sample.walFsync?.count ?? 0) > 0 && (sample.backendCommit?.count ?? 0) > 0);
    assert.ok((sample.proposalsCommitted ?? 0) > 400, 'the 440 puts were committed');
  });
}

/**
 * What parse-prometheus-text-format reads of a page, in MetricsSample's terms: the first sample of each
 * scalar family, the histograms, and the peer round trips per `To` label (the package merges the series of a
 * labelled histogram, so those lines are parsed again without their TYPE line, each then a sample of its own).
 */
function readByTheOtherParser(page: string): Omit<MetricsSample, 'at'> {
  const families = new Map(parsePrometheusTextFormat(page).map((f) => [f.name, f]));
  const value = (name: string): number | null => {
    const text = families.get(name)?.metrics[0]?.value;
    return text === undefined ? null : Number(text);
  };
  const histogram = (buckets: Record<string, string>, count: string, sum: string): Histogram => ({
    buckets: Object.entries(buckets)
      .map(([le, n]) => ({ le: le === '+Inf' ? Infinity : Number(le), count: Number(n) }))
      .sort((a, b) => a.le - b.le),
    count: Number(count),
    sum: Number(sum),
  });
  const histogramOf = (name: string): Histogram | null => {
    const m = families.get(name)?.metrics[0];
    return m?.buckets && m.count !== undefined && m.sum !== undefined ? histogram(m.buckets, m.count, m.sum) : null;
  };
  const rtt = 'etcd_network_peer_round_trip_time_seconds';
  const peerLines = page.split('\n').filter((l) => l.startsWith(`${rtt}_`));
  const parts: Record<string, { buckets: Record<string, string>; count: string; sum: string }> = {};
  for (const f of peerLines.length > 0 ? parsePrometheusTextFormat(`${peerLines.join('\n')}\n`) : []) {
    for (const m of f.metrics) {
      const to = (m.labels?.To ?? '').padStart(16, '0');
      parts[to] ??= { buckets: {}, count: '', sum: '' };
      if (f.name.endsWith('_bucket')) parts[to].buckets[m.labels?.le ?? ''] = m.value ?? '';
      else if (f.name.endsWith('_count')) parts[to].count = m.value ?? '';
      else parts[to].sum = m.value ?? '';
    }
  }
  const hasLeader = value('etcd_server_has_leader');
  return {
    startTime: value('process_start_time_seconds'),
    hasLeader: hasLeader === null ? null : hasLeader === 1,
    leaderChanges: value('etcd_server_leader_changes_seen_total'),
    quotaBackendBytes: value('etcd_server_quota_backend_bytes'),
    walFsync: histogramOf('etcd_disk_wal_fsync_duration_seconds'),
    backendCommit: histogramOf('etcd_disk_backend_commit_duration_seconds'),
    peerRoundTrip: Object.fromEntries(Object.entries(parts).map(([to, p]) => [to, histogram(p.buckets, p.count, p.sum)])),
    proposalsCommitted: value('etcd_server_proposals_committed_total'),
    proposalsApplied: value('etcd_server_proposals_applied_total'),
    proposalsPending: value('etcd_server_proposals_pending'),
    proposalsFailed: value('etcd_server_proposals_failed_total'),
    dbTotalBytes: value('etcd_mvcc_db_total_size_in_bytes'),
    dbInUseBytes: value('etcd_mvcc_db_total_size_in_use_in_bytes'),
    residentMemoryBytes: value('process_resident_memory_bytes'),
    openFds: value('process_open_fds'),
    maxFds: value('process_max_fds'),
  };
}

const PAGES = readdirSync(join(__dirname, '..', '..', 'fixtures', 'metrics')).filter((f) => f.endsWith('.txt'));

test('every recorded etcd page reads the same as with another parser of the whole page', () => {
  assert.ok(PAGES.length >= 9, 'the recorded pages of etcd 3.4 and 3.5');
  for (const name of PAGES) {
    assert.deepEqual(parseSample(fixture(name), 0), { at: 0, ...readByTheOtherParser(fixture(name)) }, name);
  }
  // A member of a 5-member cluster: a round-trip histogram for each of its four peers.
  const peers = parseSample(fixture('etcd-3.5-peers.txt'), 0).peerRoundTrip;
  assert.equal(Object.keys(peers).length, 4);
  for (const h of Object.values(peers)) assert.ok(h.count > 0 && h.buckets.at(-1)?.le === Infinity);
});

test('the text format as written by other exporters: labels in any order, escapes, a timestamp, a look-alike suffix', () => {
  const page = [
    '# HELP etcd_disk_wal_fsync_duration_seconds The latency distributions of fsync called by WAL.',
    '# TYPE etcd_disk_wal_fsync_duration_seconds histogram',
    'etcd_disk_wal_fsync_duration_seconds_bucket{instance="a\\"}b",le="0.5"} 2 1700000000000',
    'etcd_disk_wal_fsync_duration_seconds_bucket{le="+Inf",instance="a\\"}b",} 3 1700000000000',
    'etcd_disk_wal_fsync_duration_seconds_sum{instance="a\\"}b"} 0.75',
    'etcd_disk_wal_fsync_duration_seconds_count{instance="a\\"}b"} 3',
    'etcd_server_has_leader_bucket{le="1"} 0',
    'etcd_server_has_leader\t0',
    'etcd_server_has_leader 1',
    'process_open_fds{} 12',
    '',
  ].join('\n');
  const m = parseSample(page, 0);
  assert.deepEqual(m.walFsync, {
    buckets: [
      { le: 0.5, count: 2 },
      { le: Infinity, count: 3 },
    ],
    count: 3,
    sum: 0.75,
  });
  assert.equal(m.hasLeader, false, 'the first sample of the family, not the look-alike _bucket line');
  assert.equal(m.openFds, 12);
});

test('peer round trips: one histogram per peer (label To, padded to the 16-digit member id), not merged into one', () => {
  const lines = (to: string, counts: [number, number, number], sum: number): string =>
    [
      `etcd_network_peer_round_trip_time_seconds_bucket{To="${to}",le="0.0001"} ${counts[0]}`,
      `etcd_network_peer_round_trip_time_seconds_bucket{To="${to}",le="0.0002"} ${counts[1]}`,
      `etcd_network_peer_round_trip_time_seconds_bucket{To="${to}",le="+Inf"} ${counts[2]}`,
      `etcd_network_peer_round_trip_time_seconds_sum{To="${to}"} ${sum}`,
      `etcd_network_peer_round_trip_time_seconds_count{To="${to}"} ${counts[2]}`,
    ].join('\n');
  const page = [
    '# HELP etcd_network_peer_round_trip_time_seconds Round-Trip-Time histogram between peers',
    '# TYPE etcd_network_peer_round_trip_time_seconds histogram',
    lines('8e9e05c52164694d', [0, 3, 4], 0.001),
    lines('a2164694d', [1, 1, 1], 0.00005),
    '',
  ].join('\n');
  const rtt = parseSample(page, 0).peerRoundTrip;
  assert.deepEqual(Object.keys(rtt).sort(), ['000000a2164694d'.padStart(16, '0'), '8e9e05c52164694d']);
  assert.deepEqual(rtt['8e9e05c52164694d'], {
    buckets: [
      { le: 0.0001, count: 0 },
      { le: 0.0002, count: 3 },
      { le: Infinity, count: 4 },
    ],
    count: 4,
    sum: 0.001,
  });
  assert.equal(rtt['0000000a2164694d'].count, 1);
});
