/** Latency summary of the probes of one step. */

/** Nearest-rank percentile (p in 0..100) of `values`; null for no values. Nearest rank never invents a value nobody saw. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** p50, p99 and max of `values`, rounded to whole ms; nulls when there are none. */
export function latencySummary(values: readonly number[]): { p50: number | null; p99: number | null; max: number | null } {
  const round = (v: number | null): number | null => (v === null ? null : Math.round(v));
  return { p50: round(percentile(values, 50)), p99: round(percentile(values, 99)), max: round(values.length === 0 ? null : Math.max(...values)) };
}
