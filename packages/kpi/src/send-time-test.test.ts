import { describe, expect, it } from 'vitest';
import { bestHours, hourRates, type HourCell } from './send-time.ts';
import { compareSendHours, usualHour } from './send-time-test.ts';
import { differenceCs, proportionSample } from './sequential.ts';

function week(fill: (dow: number, hour: number) => [number, number]): HourCell[] {
  return Array.from({ length: 168 }, (_, i) => {
    const [successes, trials] = fill(Math.floor(i / 24), i % 24);
    return { dayOfWeek: Math.floor(i / 24), hour: i % 24, successes, trials };
  });
}

describe('the best send hour against the actual one', () => {
  it('usualHour: most sends, ties to the earlier hour of the week', () => {
    expect(
      usualHour(
        new Map([
          [30, 5],
          [10, 9],
          [20, 9],
        ]),
      ),
    ).toBe(10);
    expect(usualHour(new Map())).toBeUndefined();
  });

  it('Tue 10:00 at 6 % against Mon 09:00 at 3 % on 4,000 deliveries each: better, with the same interval', () => {
    const rates = hourRates(
      week((d, h) => (d === 2 && h === 10 ? [240, 4000] : d === 1 && h === 9 ? [120, 4000] : [0, 0])),
    );
    const best = bestHours(rates)[0];
    const got = compareSendHours(rates, 24 + 9, best, { level: 0.95, effect: 0.1 });
    expect(got?.best).toMatchObject({ dayOfWeek: 2, hour: 10 });
    expect(got?.actual).toMatchObject({ dayOfWeek: 1, hour: 9, successes: 120, trials: 4000 });
    expect(got?.comparison?.verdict).toBe('better');
    expect(got?.comparison?.arm).toBe('Tue 10:00');
    expect(got?.comparison?.against).toBe('Mon 09:00');
    const cs = differenceCs(proportionSample(120, 4000), proportionSample(240, 4000), {
      level: 0.95,
      tuneAt: 10_000,
    });
    expect(got?.comparison?.difference).toEqual(cs?.difference);
  });

  it('sent at the best hour: nothing to compare, and says so', () => {
    const rates = hourRates(week((d, h) => (d === 3 && h === 8 ? [10, 100] : [0, 0])));
    const got = compareSendHours(rates, 3 * 24 + 8, bestHours(rates)[0], { level: 0.95, effect: 0.1 });
    expect(got).toMatchObject({ comparison: null, reason: 'sent at the best hour' });
  });

  it('an hour with no deliveries: no comparison', () => {
    const rates = hourRates(week((d, h) => (d === 3 && h === 8 ? [10, 100] : [0, 0])));
    const got = compareSendHours(rates, 5, bestHours(rates)[0], { level: 0.95, effect: 0.1 });
    expect(got?.comparison).toBeNull();
    expect(got?.reason).toBe('no deliveries in one of the two hours');
  });
});
