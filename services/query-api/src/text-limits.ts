/**
 * Input limits for strings (STYLE §16, issue 12): every string a query-api request carries is a
 * `storableText(max)` of @tally/events — bounded, no control characters, no unpaired surrogates —
 * so nothing reaching Redis, Postgres or a log can poison it, and a violation is a 400
 * `invalid_request` naming the field. Route schemas use `textParam`/`cursorParam` directly;
 * `withTextLimits` adds the same checks to a body schema declared elsewhere (the alert schemas).
 */
import type { z } from 'zod';
import { storableText } from '@tally/events';

/** A free-text query parameter (segment, variant, …). */
export const textParam = storableText;

/** An opaque cursor this API issued: base64url of at most `max` characters. */
export function cursorParam(max: number) {
  return storableText(max).regex(/^[A-Za-z0-9_-]+$/, 'not a cursor this API issued');
}

function at(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const k of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/**
 * `schema` with each dotted path of `limits` checked as `storableText(max)` when present, the
 * issue reported at that path. The schema itself is not changed (zod schemas are immutable).
 */
export function withTextLimits<S extends z.ZodType>(schema: S, limits: Record<string, number>): S {
  const checks = Object.entries(limits).map(([path, max]) => ({
    path: path.split('.'),
    text: storableText(max),
  }));
  return schema.superRefine((value, ctx) => {
    for (const { path, text } of checks) {
      const v = at(value, path);
      if (v === undefined || v === null) continue;
      const r = text.safeParse(v);
      if (!r.success)
        for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', path, message: issue.message });
    }
  });
}
