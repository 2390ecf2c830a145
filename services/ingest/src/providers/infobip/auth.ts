/**
 * Infobip does not document signed webhooks (providers.md: unconfirmed), so each tenant's endpoint
 * is protected by a secret of its own, presented as configured per tenant: `Authorization:
 * Bearer <secret>` (or Infobip's `App <secret>`), basic auth with the secret as password, or a
 * `secret` query parameter in the notify URL. Compared in constant time. Pure.
 */
import { safeEqual } from '../timing-safe.ts';

export type InfobipAuthMode = 'bearer' | 'basic' | 'query';

export function presentedInfobipSecret(
  mode: InfobipAuthMode,
  authorization: string | undefined,
  query: URLSearchParams,
): string | undefined {
  if (mode === 'query') return query.get('secret') ?? undefined;
  const m = authorization ? /^(\w+)\s+(\S+)\s*$/.exec(authorization) : null;
  if (!m?.[1] || !m[2]) return undefined;
  const scheme = m[1].toLowerCase();
  if (mode === 'bearer') return scheme === 'bearer' || scheme === 'app' ? m[2] : undefined;
  if (scheme !== 'basic') return undefined;
  const decoded = Buffer.from(m[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

export function verifyInfobip(
  keys: { secret: string; authMode: InfobipAuthMode }[],
  authorization: string | undefined,
  query: URLSearchParams,
): boolean {
  let ok = false;
  for (const k of keys) {
    const given = presentedInfobipSecret(k.authMode, authorization, query);
    if (given !== undefined && safeEqual(given, k.secret)) ok = true;
  }
  return ok;
}
