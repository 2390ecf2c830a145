/** Exponential backoff with ±20% jitter: base·2^(attempt−1), capped. `random` is passed in (pure). */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.8 + 0.4 * random));
}
