/**
 * X-Twilio-Signature (providers.md): HMAC-SHA1 with the Auth Token over the public URL Twilio
 * called, followed — for form bodies — by every parameter as name + value, sorted by name
 * (repeated names: each value, sorted); base64. JSON bodies: the URL alone is signed and its
 * `bodySHA256` query parameter must be the hex SHA-256 of the raw body. The URL is accepted with
 * and without an explicit default port. Pure: no I/O.
 */
import { createHash, createHmac } from 'node:crypto';
import { safeEqual } from '../timing-safe.ts';

export function twilioSignature(authToken: string, url: string, params: [string, string][]): string {
  const sorted = [...params].sort(([a, av], [b, bv]) =>
    a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0,
  );
  const data = url + sorted.map(([k, v]) => k + v).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** The URL as given, plus the same URL with the default port added or removed. */
export function urlVariants(url: string): string[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : undefined;
  if (!defaultPort) return [url];
  const rest = url.slice(url.indexOf('//') + 2);
  const slash = rest.search(/[/?#]/);
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const tail = slash === -1 ? '' : rest.slice(slash);
  const scheme = url.slice(0, url.indexOf('//') + 2);
  const host = authority.replace(/:\d+$/, '');
  const explicit = authority.endsWith(`:${defaultPort}`);
  const other = explicit ? scheme + host + tail : `${scheme}${host}:${defaultPort}${tail}`;
  return [url, other];
}

export interface TwilioSignedRequest {
  /** Public URL: PUBLIC_BASE_URL + the request's path and query, exactly as received. */
  url: string;
  signature: string | undefined;
  /** Form parameters, or undefined for a JSON body. */
  form?: [string, string][] | undefined;
  rawBody: Buffer;
}

export function verifyTwilio(req: TwilioSignedRequest, authTokens: string[]): boolean {
  if (!req.signature) return false;
  const signature = req.signature;
  const urls = urlVariants(req.url);
  if (req.form === undefined) {
    const hash = new URL(req.url).searchParams.get('bodySHA256');
    const actual = createHash('sha256').update(req.rawBody).digest('hex');
    if (!hash || !safeEqual(hash.toLowerCase(), actual)) return false;
  }
  const params = req.form ?? [];
  // The URL as received is tried first and the default-port variant only when it fails: which
  // variant matched is no secret. Tokens are all tried, so timing does not tell which one matched.
  for (const url of urls) {
    let ok = false;
    for (const token of authTokens) if (safeEqual(twilioSignature(token, url, params), signature)) ok = true;
    if (ok) return true;
  }
  return false;
}
