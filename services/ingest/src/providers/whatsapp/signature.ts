/**
 * Meta's X-Hub-Signature-256: `sha256=` + hex HMAC-SHA256 of the raw body bytes with the App
 * Secret. Checked over the bytes as received — never a re-serialization (Meta escapes unicode).
 * Pure: no I/O.
 */
import { createHmac } from 'node:crypto';
import { safeEqual } from '../timing-safe.ts';

export function whatsappSignature(appSecret: string, rawBody: Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export function verifyWhatsapp(rawBody: Buffer, header: string | undefined, appSecrets: string[]): boolean {
  if (!header) return false;
  const given = header.trim().toLowerCase();
  let ok = false;
  for (const secret of appSecrets) if (safeEqual(whatsappSignature(secret, rawBody), given)) ok = true;
  return ok;
}

/** The verification handshake: the challenge to echo, or undefined for a 403. */
export function verifyHandshake(
  query: { mode?: string | undefined; token?: string | undefined; challenge?: string | undefined },
  verifyTokens: string[],
): string | undefined {
  if (query.mode !== 'subscribe' || !query.token || query.challenge === undefined) return undefined;
  const token = query.token;
  return verifyTokens.some((t) => safeEqual(t, token)) ? query.challenge : undefined;
}
