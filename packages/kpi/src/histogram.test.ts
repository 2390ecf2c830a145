import { describe, expect, it } from 'vitest';
import {
  bucketOf,
  bucketValue,
  HISTOGRAM_RELATIVE_ERROR,
  parseHistogram,
  quantile,
  responseTimeKpi,
} from './histogram.ts';

const histogramOf = (values: number[]) => {
  const h = new Map<number, number>();
  for (const v of values) h.set(bucketOf(v), (h.get(bucketOf(v)) ?? 0) + 1);
  return h;
};

describe('log-bucket histogram', () => {
  it.each([0, 0.5, 1, 2, 999, 1000, 60_000, 3_600_000, 86_400_000 * 30])(
    'reports %s ms within the stated relative error',
    (ms) => {
      const v = bucketValue(bucketOf(ms));
      if (ms < 1) expect(v).toBe(0);
      else expect(Math.abs(v - ms) / ms).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR + 1e-12);
    },
  );

  it('stays bounded: a year of milliseconds needs fewer than 520 buckets', () => {
    expect(bucketOf(365 * 86_400_000)).toBeLessThan(520);
  });

  it.each([
    { name: 'empty', values: [], want: { count: 0, medianMs: null, p90Ms: null } },
    { name: 'one value', values: [1000], want: { count: 1, medianMs: 1000, p90Ms: 1000 } },
    {
      name: 'ten values',
      values: [100, 200, 300, 400, 500, 600, 700, 800, 900, 10_000],
      want: { count: 10, medianMs: 500, p90Ms: 900 },
    },
  ])('responseTimeKpi: $name', ({ values, want }) => {
    const got = responseTimeKpi(histogramOf(values));
    expect(got.count).toBe(want.count);
    for (const k of ['medianMs', 'p90Ms'] as const) {
      const w = want[k];
      if (w === null) expect(got[k]).toBeNull();
      else expect(Math.abs((got[k] ?? 0) - w) / w).toBeLessThanOrEqual(0.025);
    }
  });

  it('reads the Redis hash, ignoring zero and junk buckets', () => {
    const h = parseHistogram({ '141': '2', '10': '0', x: 'nope' });
    expect([...h.entries()]).toEqual([[141, 2]]);
    expect(quantile(h, 0.5)).toBe(Math.round(1.05 ** 141.5));
  });
});
