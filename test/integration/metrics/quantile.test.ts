// histogram_quantile pinned against Prometheus itself: for real /metrics pages recorded from etcd 3.5, 3.4
// and a member whose fdatasync was slowed with strace (test/fixtures/metrics, scripts/record-metrics-fixtures.ts),
// our p99 of the interval between two scrapes and of one scrape since start must equal what promtool's
// PromQL engine computes from the same buckets (`promtool test rules` fails on any other value).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { histogramDelta, histogramQuantile, type Histogram } from '../../../src/metrics/histogram';
import { parseSample } from '../../../src/metrics/sample';

const run = promisify(execFile);
const fixture = (name: string): string => readFileSync(join(__dirname, '..', '..', 'fixtures', 'metrics', name), 'utf8');

const PAIRS = ['etcd-3.5', 'etcd-3.4', 'etcd-3.5-slow-disk'];
const FAMILY = { walFsync: 'etcd_disk_wal_fsync_duration_seconds', backendCommit: 'etcd_disk_backend_commit_duration_seconds' } as const;

/** A Go float literal promtool reads back to the same double. */
const float = (n: number): string => (n === Infinity ? '+Inf' : String(n));

interface Case {
  name: string;
  family: string;
  before: Histogram;
  after: Histogram;
}

const cases: Case[] = PAIRS.flatMap((pair) => {
  const before = parseSample(fixture(`${pair}-before.txt`), 0);
  const after = parseSample(fixture(`${pair}-after.txt`), 60_000);
  return (Object.keys(FAMILY) as Array<keyof typeof FAMILY>).map((key) => {
    const b = before[key];
    const a = after[key];
    assert.ok(a && b, `${pair} has ${FAMILY[key]}`);
    return { name: `${pair} ${FAMILY[key]}`, family: FAMILY[key], before: b, after: a };
  });
});

test('the slow-disk fixture is slow and the others are not: the interval p99 falls in the bucket the disk put it in', () => {
  const p99 = (c: Case): number => histogramQuantile(0.99, histogramDelta(c.before, c.after) as Histogram);
  const slow = cases.find((c) => c.name === 'etcd-3.5-slow-disk etcd_disk_wal_fsync_duration_seconds') as Case;
  // strace delayed every fdatasync by 40 ms: the 32–64 ms bucket.
  assert.ok(p99(slow) > 0.032 && p99(slow) <= 0.064, String(p99(slow)));
  for (const c of cases.filter((x) => !x.name.includes('slow'))) assert.ok(p99(c) < 0.032, `${c.name}: ${p99(c)}`);
});

test('our p99 (interval and since start) equals PromQL histogram_quantile on the same real buckets', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'quantile-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tests = cases.map((c, i) => {
    const delta = histogramDelta(c.before, c.after);
    assert.ok(delta, `${c.name}: the counters grew`);
    const interval = histogramQuantile(0.99, delta);
    const sinceStart = histogramQuantile(0.99, c.after);
    assert.ok(Number.isFinite(interval) && Number.isFinite(sinceStart), c.name);
    // Each case under its own job label, so the series of the cases never mix.
    const series = c.after.buckets.map((b, j) => ({
      series: `${c.family}_bucket{job="case${i}",le="${float(b.le)}"}`,
      values: `${c.before.buckets[j].count} ${b.count}`,
    }));
    const selector = `${c.family}_bucket{job="case${i}"}`;
    return {
      interval: '1m',
      input_series: series,
      promql_expr_test: [
        {
          expr: `histogram_quantile(0.99, ${selector} - ${selector} offset 1m)`,
          eval_time: '1m',
          exp_samples: [{ labels: `{job="case${i}"}`, value: interval }],
        },
        {
          expr: `histogram_quantile(0.99, ${selector})`,
          eval_time: '1m',
          exp_samples: [{ labels: `{job="case${i}"}`, value: sinceStart }],
        },
      ],
    };
  });
  const file = join(dir, 'quantile_test.yml');
  // JSON is YAML: promtool reads it as written, numbers included.
  writeFileSync(file, JSON.stringify({ rule_files: [], evaluation_interval: '1m', tests }, null, 1));
  const result = await run('promtool', ['test', 'rules', file]).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
  assert.equal(result.code, 0, result.out);
  assert.match(result.out, /SUCCESS/);

  // The check can fail: a value off by one part in a thousand is refused by promtool.
  const off = JSON.parse(readFileSync(file, 'utf8')) as {
    tests: Array<{ promql_expr_test: Array<{ exp_samples: Array<{ value: number }> }> }>;
  };
  off.tests[0].promql_expr_test[0].exp_samples[0].value *= 1.001;
  writeFileSync(file, JSON.stringify(off));
  const wrong = await run('promtool', ['test', 'rules', file]).then(
    () => 0,
    (e: { code: number }) => e.code,
  );
  assert.notEqual(wrong, 0, 'promtool refuses a wrong quantile');
});
