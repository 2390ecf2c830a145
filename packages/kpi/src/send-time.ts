/**
 * The send-time "sweet spot": a rate per hour of week (UTC day 0 = Sunday, hour 0–23) over every
 * message sent in that hour, with its Wilson 95% interval; the best hours are those with the
 * highest lower bound, so a lucky hour with 2 sends does not beat a solid one with 2 000. Pure.
 */
import { wilsonInterval, type Interval } from './wilson.ts';

export interface HourCell {
  dayOfWeek: number;
  hour: number;
  successes: number;
  trials: number;
}

export interface HourRate extends HourCell {
  rate: number | null;
  interval: Interval | null;
}

export function hourRates(cells: readonly HourCell[]): HourRate[] {
  return cells.map((c) => ({
    ...c,
    rate: c.trials > 0 ? c.successes / c.trials : null,
    interval: wilsonInterval(c.successes, c.trials),
  }));
}

/** The `k` hours with the highest Wilson lower bound (ties: more trials, then earlier in week). */
export function bestHours(rates: readonly HourRate[], k = 3): HourRate[] {
  return rates
    .filter((r) => r.interval !== null)
    .sort(
      (a, b) =>
        (b.interval?.lower ?? 0) - (a.interval?.lower ?? 0) ||
        b.trials - a.trials ||
        a.dayOfWeek * 24 + a.hour - (b.dayOfWeek * 24 + b.hour),
    )
    .slice(0, k);
}
