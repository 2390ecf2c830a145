/**
 * Where one value stands among earlier ones (benchmarks): quantiles by linear interpolation between
 * closest ranks (the common "type 7" definition of R and NumPy), and the percentile rank as the
 * share of the others below the value plus half of those equal to it (0..100). Pure; empty → null.
 */

/** The q-quantile (0 ≤ q ≤ 1) of the values, or null when there are none. */
export function sampleQuantile(values: readonly number[], q: number): number | null {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const pos = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const low = sorted[lo] ?? 0;
  const high = sorted[Math.min(lo + 1, sorted.length - 1)] ?? low;
  return low + (high - low) * (pos - lo);
}

/** Percentile rank of `value` among `others`: 100 × (below + equal / 2) / n; null if n = 0. */
export function percentileRank(value: number, others: readonly number[]): number | null {
  const finite = others.filter(Number.isFinite);
  if (finite.length === 0) return null;
  let below = 0;
  let equal = 0;
  for (const v of finite) {
    if (v < value) below += 1;
    else if (v === value) equal += 1;
  }
  return (100 * (below + equal / 2)) / finite.length;
}

export interface Benchmark {
  value: number | null;
  median: number | null;
  p25: number | null;
  p75: number | null;
  /** value − median; null when either is null. */
  delta: number | null;
  percentileRank: number | null;
  /** How many earlier campaigns had a value (non-null rate). */
  sampleSize: number;
}

/** One KPI of a campaign beside the same KPI of earlier campaigns (nulls among them ignored). */
export function benchmark(value: number | null, previous: readonly (number | null)[]): Benchmark {
  const others = previous.filter((v): v is number => v !== null && Number.isFinite(v));
  const median = sampleQuantile(others, 0.5);
  return {
    value,
    median,
    p25: sampleQuantile(others, 0.25),
    p75: sampleQuantile(others, 0.75),
    delta: value === null || median === null ? null : value - median,
    percentileRank: value === null ? null : percentileRank(value, others),
    sampleSize: others.length,
  };
}
