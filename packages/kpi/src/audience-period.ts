/**
 * The period of the audience routes (SPEC §6 silent disengagement, frequency): the last `days`
 * whole UTC days, today included. Recipient state counts messages per UTC day, so a period is a
 * run of days; engagement, opt-out and reply times are compared with the period's first instant.
 */
export const DAY_MS = 86_400_000;

export interface AudiencePeriod {
  /** First day of the period (days since the epoch, UTC). */
  firstDay: number;
  /** Today (days since the epoch, UTC). */
  lastDay: number;
  /** The first instant of the period, ms. */
  sinceMs: number;
  /** First day of each week of the trend, oldest first; the last week ends today. */
  weekStarts: number[];
}

export function audiencePeriod(nowMs: number, days: number): AudiencePeriod {
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError(`days must be a positive integer, got ${days}`);
  const lastDay = Math.floor(nowMs / DAY_MS);
  const firstDay = lastDay - days + 1;
  const weeks = Math.ceil(days / 7);
  return {
    firstDay,
    lastDay,
    sinceMs: firstDay * DAY_MS,
    weekStarts: Array.from({ length: weeks }, (_, i) => lastDay + 1 - (weeks - i) * 7),
  };
}
