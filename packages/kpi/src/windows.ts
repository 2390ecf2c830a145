/**
 * Rolling windows (SPEC §5): `all`, or the last 5 min, 15 min, 1 h, 24 h of event time at minute
 * resolution. A window of N minutes ending at `now` covers the N minute buckets up to and
 * including now's minute.
 */
export const WINDOWS = ['all', '5m', '15m', '1h', '24h'] as const;
export type Window = (typeof WINDOWS)[number];

const MINUTES: Record<Exclude<Window, 'all'>, number> = { '5m': 5, '15m': 15, '1h': 60, '24h': 1440 };

export function minuteOf(ms: number): number {
  return Math.floor(ms / 60_000);
}

/** The minute buckets (epoch minutes) a rolling window covers at `now`, oldest first. */
export function windowMinutes(window: Exclude<Window, 'all'>, now: number): number[] {
  const n = MINUTES[window];
  const last = minuteOf(now);
  return Array.from({ length: n }, (_, i) => last - n + 1 + i);
}
