// The /metrics page reader: the wanted families out of real etcd pages, parsed with
// parse-prometheus-text-format; look-alike names and garbage are not read as etcd's series.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { FAMILIES, parseSample, wantedLines } from '../../../src/metrics/sample';

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

test('the line filter keeps exactly the wanted families: the same as parsing the whole page and picking them', () => {
  const page = fixture('etcd-3.5-after.txt');
  const whole = parsePrometheusTextFormat(page).filter((f) => (FAMILIES as readonly string[]).includes(f.name));
  const filtered = parsePrometheusTextFormat(wantedLines(page));
  assert.deepEqual(filtered, whole);
  assert.ok(wantedLines(page).length < page.length / 10, 'the filter drops most of the page');
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
