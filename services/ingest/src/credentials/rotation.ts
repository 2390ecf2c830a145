/**
 * Rotation: when a tenant sets new credentials, the previous ones stay valid for a grace period so
 * that webhooks already in flight (or a provider console updated a little later) still verify.
 * Pure: `now` is a parameter.
 */
export interface StoredCredentials<T> {
  current: T;
  previous?: { value: T; validUntil: Date } | undefined;
}

/** The credentials a signature may match, newest first: current, then previous while in grace. */
export function acceptedCredentials<T>(stored: StoredCredentials<T>, now: Date): T[] {
  const out = [stored.current];
  if (stored.previous && stored.previous.validUntil.getTime() > now.getTime())
    out.push(stored.previous.value);
  return out;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `15m`, `24h`, `7d`, or `0` → milliseconds. */
export function parseDuration(s: string): number {
  if (s.trim() === '0') return 0;
  const m = /^(\d+)\s*([smhd])$/.exec(s.trim());
  const unit = m?.[2] === undefined ? undefined : UNIT_MS[m[2]];
  if (!m?.[1] || unit === undefined) throw new Error(`invalid duration "${s}": use e.g. 90s, 15m, 24h, 7d`);
  return Number(m[1]) * unit;
}
