/**
 * X-Tally-Signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the channel
 * secret>`. To verify (receivers): take the raw request body bytes, recompute the HMAC over
 * `${t}.${body}` with your secret, compare with v1 in constant time, and refuse a t more than a
 * few minutes from your clock (replay). verifySignature below does exactly that.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-tally-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signatureHex(secret: string, t: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}

export function signatureHeader(secret: string, body: string, now: Date): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${signatureHex(secret, t, body)}`;
}

export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string | Buffer,
  now: Date,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): boolean {
  if (!header) return false;
  const parts = new Map(
    header.split(',').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(given)) return false;
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureHex(secret, t, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
