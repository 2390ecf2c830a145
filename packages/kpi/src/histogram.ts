/**
 * Response times are kept as a bounded log-bucket histogram: bucket b holds durations d (ms) with
 * 1.05^b ≤ d < 1.05^(b+1); bucket -1 holds d < 1 ms. Reporting a bucket by its geometric middle,
 * 1.05^(b+0.5), is off by at most √1.05 − 1 ≈ 2.47% relative to any value in it, so the median and
 * p90 carry a relative error of at most 2.5%. Durations up to a year need fewer than 520 buckets
 * per campaign, whatever the number of messages.
 */
export const HISTOGRAM_BASE = 1.05;
export const HISTOGRAM_RELATIVE_ERROR = Math.sqrt(HISTOGRAM_BASE) - 1;

/** The bucket of a duration (the aggregator's Lua script computes the same). */
export function bucketOf(ms: number): number {
  if (ms < 1) return -1;
  return Math.floor(Math.log(ms) / Math.log(HISTOGRAM_BASE));
}

/** A bucket's representative value, in ms. */
export function bucketValue(bucket: number): number {
  if (bucket < 0) return 0;
  return HISTOGRAM_BASE ** (bucket + 0.5);
}

export type Histogram = Map<number, number>;

export function parseHistogram(raw: Record<string, string>): Histogram {
  const h: Histogram = new Map();
  for (const [b, n] of Object.entries(raw)) {
    const count = Number(n);
    if (Number.isFinite(count) && count > 0) h.set(Number(b), count);
  }
  return h;
}

export function histogramCount(h: Histogram): number {
  let n = 0;
  for (const c of h.values()) n += c;
  return n;
}

/** The q-quantile (0 < q ≤ 1, nearest rank) in ms, or null for an empty histogram. */
export function quantile(h: Histogram, q: number): number | null {
  const total = histogramCount(h);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const b of [...h.keys()].sort((x, y) => x - y)) {
    seen += h.get(b) ?? 0;
    if (seen >= rank) return Math.round(bucketValue(b));
  }
  return null;
}

export interface ResponseTimeKpi {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export function responseTimeKpi(h: Histogram): ResponseTimeKpi {
  return { count: histogramCount(h), medianMs: quantile(h, 0.5), p90Ms: quantile(h, 0.9) };
}
