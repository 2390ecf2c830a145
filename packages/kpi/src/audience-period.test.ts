import { describe, expect, it } from 'vitest';
import { audiencePeriod, DAY_MS } from './audience-period.ts';

describe('audiencePeriod', () => {
  const now = Date.parse('2026-11-27T13:45:00Z');
  const today = Math.floor(now / DAY_MS);

  it('is the last `days` whole UTC days, today included', () => {
    const p = audiencePeriod(now, 7);
    expect([p.firstDay, p.lastDay]).toEqual([today - 6, today]);
    expect(new Date(p.sinceMs).toISOString()).toBe('2026-11-21T00:00:00.000Z');
  });

  it('ends the last trend week today; a partial period still gets whole weeks', () => {
    expect(audiencePeriod(now, 14).weekStarts).toEqual([today - 13, today - 6]);
    expect(audiencePeriod(now, 10).weekStarts).toEqual([today - 13, today - 6]);
    expect(audiencePeriod(now, 1).weekStarts).toEqual([today - 6]);
  });

  it('refuses a non-positive or fractional number of days', () => {
    expect(() => audiencePeriod(now, 0)).toThrow(RangeError);
    expect(() => audiencePeriod(now, 1.5)).toThrow(RangeError);
  });
});
