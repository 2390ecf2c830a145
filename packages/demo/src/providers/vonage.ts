/**
 * Vonage SMS API delivery receipts and inbound SMS, as Vonage sends them (docs/providers.md),
 * signed with `sig`: drop `sig`, sort the other parameters by name, concatenate `&name=value`
 * (`&` and `=` inside values replaced by `_`), HMAC with the signature secret (md5, sha1, sha256
 * or sha512, an account setting) in hex — or, legacy `md5hash`, MD5 of the string followed by the
 * secret. Written from the provider's documentation, independently of ingest's verifier. Pure.
 */
import { createHash, createHmac } from 'node:crypto';

export type VonageMethod = 'md5hash' | 'md5' | 'sha1' | 'sha256' | 'sha512';
export const VONAGE_API_KEY = 'd3m0a1b2';

const two = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:MM:SS` (UTC). */
export function vonageTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** `YYMMDDHHMM` (UTC): the carrier's service-centre time stamp. */
export function vonageScts(ms: number): string {
  const d = new Date(ms);
  return (
    two(d.getUTCFullYear() % 100) +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes())
  );
}

export function vonageDlr(r: {
  msisdn: string;
  to: string;
  networkCode: string;
  messageId: string;
  price: string;
  status: 'accepted' | 'buffered' | 'delivered' | 'expired' | 'failed' | 'rejected';
  errCode: string;
  clientRef: string;
  at: number;
  pushedAt: number;
  nonce: string;
}): Record<string, string> {
  return {
    msisdn: r.msisdn,
    to: r.to,
    'network-code': r.networkCode,
    messageId: r.messageId,
    price: r.price,
    status: r.status,
    scts: vonageScts(r.at),
    'err-code': r.errCode,
    'api-key': VONAGE_API_KEY,
    'client-ref': r.clientRef,
    'message-timestamp': vonageTimestamp(r.at),
    timestamp: String(Math.floor(r.pushedAt / 1000)),
    nonce: r.nonce,
  };
}

export function vonageInbound(m: {
  msisdn: string;
  to: string;
  messageId: string;
  text: string;
  at: number;
  nonce: string;
}): Record<string, string> {
  return {
    msisdn: m.msisdn,
    to: m.to,
    messageId: m.messageId,
    text: m.text,
    type: 'text',
    keyword: (m.text.trim().split(/\s+/)[0] ?? '').toUpperCase(),
    'message-timestamp': vonageTimestamp(m.at),
    'api-key': VONAGE_API_KEY,
    timestamp: String(Math.floor(m.at / 1000)),
    nonce: m.nonce,
  };
}

export function signVonage(params: Record<string, string>, secret: string, method: VonageMethod): string {
  const data = Object.keys(params)
    .filter((k) => k !== 'sig')
    .sort()
    .map((k) => `&${k}=${(params[k] ?? '').replace(/[&=]/g, '_')}`)
    .join('');
  const hex =
    method === 'md5hash'
      ? createHash('md5')
          .update(data + secret, 'utf8')
          .digest('hex')
      : createHmac(method, secret).update(data, 'utf8').digest('hex');
  // Vonage sends the digest in upper case.
  return hex.toUpperCase();
}
