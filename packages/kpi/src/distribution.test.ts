import { describe, expect, it } from 'vitest';
import { benchmark, percentileRank, sampleQuantile } from './distribution.ts';

describe('sampleQuantile', () => {
  it.each([
    { values: [], q: 0.5, want: null },
    { values: [7], q: 0.25, want: 7 },
    { values: [1, 2, 3, 4], q: 0.5, want: 2.5 },
    { values: [4, 1, 3, 2], q: 0.25, want: 1.75 },
    { values: [1, 2, 3, 4], q: 0.75, want: 3.25 },
    { values: [1, 2, 3, 4, 5], q: 0.5, want: 3 },
    { values: [10, 20], q: 0, want: 10 },
    { values: [10, 20], q: 1, want: 20 },
    { values: [10, 20], q: 2, want: 20 },
    { values: [Number.NaN, 5, 15], q: 0.5, want: 10 },
  ])('$values at $q → $want', ({ values, q, want }) => {
    expect(sampleQuantile(values, q)).toBe(want);
  });
});

describe('percentileRank', () => {
  it.each([
    { value: 5, others: [], want: null },
    { value: 5, others: [1, 2, 3, 4], want: 100 },
    { value: 0, others: [1, 2, 3, 4], want: 0 },
    { value: 3, others: [1, 2, 3, 4], want: 62.5 },
    { value: 2.5, others: [1, 2, 3, 4], want: 50 },
    { value: 1, others: [1, 1], want: 50 },
  ])('$value among $others → $want', ({ value, others, want }) => {
    expect(percentileRank(value, others)).toBe(want);
  });
});

describe('benchmark', () => {
  it.each([
    {
      name: 'value above the median',
      value: 9,
      previous: [5, null, 7, 6],
      want: { value: 9, median: 6, p25: 5.5, p75: 6.5, delta: 3, percentileRank: 100, sampleSize: 3 },
    },
    {
      name: 'no earlier campaigns',
      value: 0.5,
      previous: [],
      want: {
        value: 0.5,
        median: null,
        p25: null,
        p75: null,
        delta: null,
        percentileRank: null,
        sampleSize: 0,
      },
    },
    {
      name: 'a null value (empty denominator)',
      value: null,
      previous: [2, 4],
      want: { value: null, median: 3, delta: null, percentileRank: null, sampleSize: 2 },
    },
  ])('$name', ({ value, previous, want }) => {
    expect(benchmark(value, previous)).toMatchObject(want);
  });

  it('delta is value − median', () => {
    expect(benchmark(0.9, [0.5, 0.7, 0.6]).delta).toBeCloseTo(0.3, 12);
  });
});
