import { describe, expect, it } from 'vitest';
import { bestHours, hourRates } from './send-time.ts';
import { wilsonInterval } from './wilson.ts';

const cell = (dayOfWeek: number, hour: number, successes: number, trials: number) => ({
  dayOfWeek,
  hour,
  successes,
  trials,
});

describe('hourRates', () => {
  it.each([
    { c: cell(1, 9, 0, 0), rate: null, interval: null },
    { c: cell(1, 9, 5, 10), rate: 0.5, interval: wilsonInterval(5, 10) },
    { c: cell(6, 23, 0, 4), rate: 0, interval: { lower: 0, upper: wilsonInterval(0, 4)?.upper } },
  ])('$c → rate $rate', ({ c, rate, interval }) => {
    expect(hourRates([c])[0]).toEqual({ ...c, rate, interval });
  });
});

describe('bestHours', () => {
  it.each([
    {
      name: 'a solid hour beats a lucky one',
      cells: [cell(0, 1, 2, 2), cell(0, 2, 900, 2000), cell(0, 3, 0, 0)],
      want: [
        [0, 2],
        [0, 1],
      ],
    },
    {
      name: 'equal bounds: more trials first, then earlier in the week',
      cells: [cell(2, 5, 0, 10), cell(1, 5, 0, 10), cell(3, 5, 0, 20)],
      want: [
        [3, 5],
        [1, 5],
        [2, 5],
      ],
    },
    { name: 'no trials, no best hour', cells: [cell(0, 0, 0, 0)], want: [] },
  ])('$name', ({ cells, want }) => {
    expect(bestHours(hourRates(cells)).map((r) => [r.dayOfWeek, r.hour])).toEqual(want);
  });

  it('keeps k', () => {
    const cells = Array.from({ length: 10 }, (_, h) => cell(0, h, h, 10));
    expect(bestHours(hourRates(cells), 2).map((r) => r.hour)).toEqual([9, 8]);
  });
});
