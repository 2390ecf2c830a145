import { describe, expect, it } from 'vitest';
import { engagementDurationKpi, featureAdoptionKpi, mean } from './engagement.ts';
import { windowMinutes } from './windows.ts';

describe('means and shares', () => {
  it.each([
    { sum: 0, n: 0, want: { count: 0, mean: null } },
    { sum: 9, n: 2, want: { count: 2, mean: 4.5 } },
  ])('mean($sum, $n)', ({ sum, n, want }) => {
    expect(mean(sum, n)).toEqual(want);
  });
  it.each([
    { sum: 0, n: 0, want: { count: 0, meanMs: null } },
    { sum: 1001, n: 2, want: { count: 2, meanMs: 501 } },
  ])('engagementDurationKpi($sum, $n)', ({ sum, n, want }) => {
    expect(engagementDurationKpi(sum, n)).toEqual(want);
  });
  it.each([
    { a: 0, o: 0, rate: null },
    { a: 1, o: 4, rate: 0.25 },
  ])('featureAdoptionKpi($a, $o)', ({ a, o, rate }) => {
    expect(featureAdoptionKpi(a, o)).toEqual({ adopters: a, openers: o, rate });
  });
});

describe('windowMinutes', () => {
  const now = Date.parse('2026-11-26T10:00:30Z');
  const m = Math.floor(now / 60_000);
  it.each([
    { w: '5m' as const, first: m - 4, n: 5 },
    { w: '15m' as const, first: m - 14, n: 15 },
    { w: '1h' as const, first: m - 59, n: 60 },
    { w: '24h' as const, first: m - 1439, n: 1440 },
  ])('$w covers $n minutes ending with now', ({ w, first, n }) => {
    const got = windowMinutes(w, now);
    expect(got).toHaveLength(n);
    expect(got[0]).toBe(first);
    expect(got[n - 1]).toBe(m);
  });
});
