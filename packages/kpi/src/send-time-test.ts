/**
 * "Testing can uncover your sweet spot", with a confidence (issue 21): the always-valid comparison
 * of the send-time map's best hour (send-time.ts, highest Wilson lower bound) with the hour a
 * campaign was actually sent at — the rate of every campaign's messages sent in each of those two
 * hours of week. Observational (different hours hold different campaigns and audiences), so it
 * says where the evidence points, not what a randomized test would. Pure.
 */
import { compareSamples, type Comparison } from './experiment.ts';
import { DEFAULT_TUNE_AT, proportionSample } from './sequential.ts';
import type { HourCell, HourRate } from './send-time.ts';

export interface SendHourComparison {
  actual: HourCell;
  best: HourCell;
  /** best against actual; null when they are the same hour or either has no deliveries. */
  comparison: Comparison | null;
  reason: string | null;
}

const label = (c: HourCell) =>
  `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][c.dayOfWeek] ?? '?'} ${String(c.hour).padStart(2, '0')}:00`;

/** The hour of week (day × 24 + hour) most of the sends were in; ties: the earlier in the week. */
export function usualHour(sent: ReadonlyMap<number, number>): number | undefined {
  let best: [number, number] | undefined;
  for (const [cell, n] of sent)
    if (n > 0 && (!best || n > best[1] || (n === best[1] && cell < best[0]))) best = [cell, n];
  return best?.[0];
}

export function compareSendHours(
  cells: readonly HourRate[],
  actualCell: number,
  best: HourRate | undefined,
  o: { level: number; effect: number; metric?: string },
): SendHourComparison | null {
  const actual = cells[actualCell];
  if (!actual || !best) return null;
  const plain = (c: HourCell): HourCell => ({
    dayOfWeek: c.dayOfWeek,
    hour: c.hour,
    successes: c.successes,
    trials: c.trials,
  });
  if (best.dayOfWeek === actual.dayOfWeek && best.hour === actual.hour)
    return { actual: plain(actual), best: plain(best), comparison: null, reason: 'sent at the best hour' };
  const comparison = compareSamples(
    o.metric ?? 'rate',
    null,
    { arm: label(actual), sample: proportionSample(actual.successes, actual.trials) },
    { arm: label(best), sample: proportionSample(best.successes, best.trials) },
    { level: o.level, effect: o.effect, tuneAt: DEFAULT_TUNE_AT },
  );
  return {
    actual: plain(actual),
    best: plain(best),
    comparison,
    reason: comparison ? null : 'no deliveries in one of the two hours',
  };
}
