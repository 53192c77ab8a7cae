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
