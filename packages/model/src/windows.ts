/**
 * Reading the model the way query-api reads its counters: a rolling window (SPEC §5, `5m` … `24h`)
 * is the sum of the minute buckets it covers; `all` is the lifetime figures.
 */
import { COUNT_NAMES, windowMinutes } from '@tally/kpi';
import type { Window } from '@tally/kpi';
import { bump } from './records.ts';
import type { CampaignModel, FieldCounts } from './types.ts';

/** The stats that have a minute (engSum and engN have none). */
export const TIMED_STATS = ['surveys', 'scoreSum', 'featureAdopters', 'inAppOpeners'] as const;

/** Every COUNT_NAME and timed stat (0 when none), plus each money key with a contribution. */
export function lifetimeFields(c: CampaignModel): FieldCounts {
  const out: FieldCounts = { ...c.counts };
  for (const k of TIMED_STATS) out[k] = c.stats[k];
  return { ...out, ...c.money };
}

/** The same fields summed over the minutes of `window` ending at `now`; `all` is lifetimeFields. */
export function windowFields(c: CampaignModel, window: Window, now: number): FieldCounts {
  if (window === 'all') return lifetimeFields(c);
  const out: FieldCounts = {};
  for (const k of [...COUNT_NAMES, ...TIMED_STATS]) out[k] = 0;
  for (const minute of windowMinutes(window, now)) {
    for (const [k, v] of Object.entries(c.minutes[String(minute)] ?? {})) bump(out, k, v);
  }
  return out;
}
