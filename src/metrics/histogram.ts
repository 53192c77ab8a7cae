// Histogram arithmetic as Prometheus does it: the difference of two cumulative scrapes (what rate() and
// increase() see) and histogram_quantile's interpolation within a bucket. etcd's disk histograms double from
// 1 ms, so a p99 of "10 ms" means: the 99th-percentile sample falls in the 8–16 ms bucket, placed linearly
// inside it.

/** One cumulative bucket: how many samples were ≤ le (seconds). The last bucket is le = +Infinity. */
export interface Bucket {
  le: number;
  count: number;
}

/** A cumulative histogram as a member reports it (or the difference of two). */
export interface Histogram {
  buckets: Bucket[];
  count: number;
  sum: number;
}

/**
 * The samples observed between two scrapes of the same histogram: `later - earlier` per bucket. Null when
 * the later one has fewer samples in any bucket (the counter was reset: the member restarted), or the
 * buckets differ; the caller then uses the later scrape alone, as Prometheus' increase() does after a reset.
 */
export function histogramDelta(earlier: Histogram, later: Histogram): Histogram | null {
  if (earlier.buckets.length !== later.buckets.length || later.count < earlier.count) return null;
  const buckets: Bucket[] = [];
  for (let i = 0; i < later.buckets.length; i++) {
    const a = earlier.buckets[i];
    const b = later.buckets[i];
    if (a.le !== b.le || b.count < a.count) return null;
    buckets.push({ le: b.le, count: b.count - a.count });
  }
  return { buckets, count: later.count - earlier.count, sum: later.sum - earlier.sum };
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of a histogram, as PromQL's histogram_quantile computes it for classic
 * buckets (promql/quantile.go, bucketQuantile): the rank q × total is found in the first bucket whose
 * cumulative count reaches it and placed linearly between that bucket's lower and upper bound (the lower
 * bound of the first bucket is 0 when its upper bound is positive). A rank in the +Inf bucket gives the
 * highest finite bound. NaN when there are no samples, fewer than two buckets or no +Inf bucket.
 */
export function histogramQuantile(q: number, histogram: Histogram): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  // Sorted by bound; equal bounds merged; counts made monotonic (Prometheus' coalesceBuckets and ensureMonotonic).
  const sorted = [...histogram.buckets].sort((a, b) => a.le - b.le);
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last && last.le === b.le) last.count += b.count;
    else buckets.push({ ...b });
  }
  if (buckets.length < 2 || buckets[buckets.length - 1].le !== Infinity) return NaN;
  for (let i = 1; i < buckets.length; i++) if (buckets[i].count < buckets[i - 1].count) buckets[i].count = buckets[i - 1].count;
  const total = buckets[buckets.length - 1].count;
  if (total === 0) return NaN;
  let rank = q * total;
  // The first bucket (the +Inf one excluded) whose count reaches the rank, else the +Inf bucket.
  let b = buckets.length - 1;
  for (let i = 0; i < buckets.length - 1; i++) {
    if (buckets[i].count >= rank) {
      b = i;
      break;
    }
  }
  if (b === buckets.length - 1) return buckets[buckets.length - 2].le;
  if (b === 0 && buckets[0].le <= 0) return buckets[0].le;
  let start = 0;
  const end = buckets[b].le;
  let count = buckets[b].count;
  if (b > 0) {
    start = buckets[b - 1].le;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return start + (end - start) * (rank / count);
}
