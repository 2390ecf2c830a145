/** Small helpers for the model's plain-object output: additive records and sorted keys. */
import { minuteOf } from '@tally/kpi';

export function bump(rec: Record<string, number>, key: string, n = 1): void {
  rec[key] = (rec[key] ?? 0) + n;
}

export function child<T>(rec: Record<string, T>, key: string, make: () => T): T {
  const have = rec[key];
  if (have !== undefined) return have;
  const made = make();
  rec[key] = made;
  return made;
}

/** field `key` of the minute of `t` in a minute → field → n record. */
export function bumpMinute(
  minutes: Record<string, Record<string, number>>,
  t: number,
  key: string,
  n = 1,
): void {
  bump(
    child(minutes, String(minuteOf(t)), () => ({})),
    key,
    n,
  );
}

function compareKeys(a: string, b: string): number {
  // Numeric keys (minutes, buckets) in numeric order, the rest in string order.
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy whose objects have their keys inserted in sorted order (for stable JSON). */
export function sortKeysDeep<T>(value: T): T {
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort(compareKeys)) out[k] = sortKeysDeep(value[k]);
  return out as T;
}
