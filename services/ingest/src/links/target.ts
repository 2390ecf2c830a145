/**
 * Tracked-link targets. A target is stored as the WHATWG URL serialization of what was minted:
 * punycode host (`https://例え.jp/` → `https://xn--r8jz45g.jp/`), path, query and fragment
 * percent-encoded (U+202E → `%E2%80%AE`), so it is always a valid `Location` header — printable
 * ASCII. Minting refuses what cannot become one (400): not an absolute http(s) URL with a host
 * name, control characters or unpaired surrogates in the input, or longer than 2048 characters
 * once encoded.
 */
import { z } from 'zod';
import { LIMITS, storableText } from '@tally/events';

const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** The header-safe serialization of `raw`, or a reason it has none. */
export function serializeTarget(raw: string): { ok: true; href: string } | { ok: false; reason: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { ok: false, reason: 'must be an absolute http(s) URL' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return { ok: false, reason: 'must be http or https' };
  if (!z.regexes.hostname.test(u.hostname)) return { ok: false, reason: 'must have a valid host name' };
  if (u.href.length > LIMITS.url)
    return { ok: false, reason: `must be at most ${LIMITS.url} characters once encoded` };
  if (!HEADER_SAFE.test(u.href)) return { ok: false, reason: 'cannot be encoded as a URL' };
  return { ok: true, href: u.href };
}

export const targetUrlSchema = storableText(LIMITS.url).transform((raw, ctx) => {
  const t = serializeTarget(raw);
  if (t.ok) return t.href;
  ctx.addIssue({ code: 'custom', message: t.reason });
  return z.NEVER;
});

/** A stored target as a Location header value; undefined when it cannot be one. */
export function locationOf(stored: string): string | undefined {
  const t = serializeTarget(stored);
  return t.ok ? t.href : undefined;
}
