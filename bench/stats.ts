// Percentiles for the benchmarks.

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summary(samples: number[], unit = 'ms'): string {
  const f = (n: number): string => n.toFixed(n < 10 ? 2 : 1);
  return `p50 ${f(percentile(samples, 50))} ${unit}, p95 ${f(percentile(samples, 95))} ${unit}, n=${samples.length}`;
}
