/**
 * What a string may hold anywhere it can become a Redis key, a Postgres column, a Lua string or a
 * log line (STYLE §16): bounded length, no control characters (C0, DEL, C1 — NUL among them,
 * which Postgres text cannot store), and well-formed UTF-16 (an unpaired surrogate cannot be
 * encoded as UTF-8, so Redis, Postgres and JSON decoders would each see something else).
 * Every schema of `@tally/events` and every query parameter of the services builds on these.
 */
import { z } from 'zod';

// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** True when `s` is safe to store: well-formed UTF-16 without control characters. */
export function isStorableText(s: string): boolean {
  return s.isWellFormed() && !CONTROL.test(s);
}

/** A non-empty storable string of at most `max` characters. */
export function storableText(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .refine(isStorableText, 'must not contain control characters or unpaired surrogates');
}
