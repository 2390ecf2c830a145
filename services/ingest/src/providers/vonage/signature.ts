/**
 * Vonage signatures (providers.md). Pure: no I/O.
 *
 * SMS API `sig`: drop `sig`, sort the remaining parameters by name, concatenate `&name=value`
 * (`&` and `=` inside values replaced by `_`), then HMAC-md5/sha1/sha256/sha512 keyed with the
 * signature secret (hex), or — legacy `md5hash` — MD5 of the string followed by the secret.
 * Compared case-insensitively, in constant time.
 *
 * Messages API: `Authorization: Bearer <JWT>` signed HS256 with the signature secret, whose
 * `payload_hash` claim is the hex SHA-256 of the raw body. The JWT check is done here with
 * node:crypto (header alg must be HS256; signature compared in constant time).
 */
import { createHash, createHmac } from 'node:crypto';
import { safeEqual } from '../timing-safe.ts';

export type VonageSignatureMethod = 'md5hash' | 'md5' | 'sha1' | 'sha256' | 'sha512';

export function vonageSignedString(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sig')
    .sort()
    .map((k) => `&${k}=${(params[k] ?? '').replace(/[&=]/g, '_')}`)
    .join('');
}

export function vonageSignature(
  params: Record<string, string>,
  secret: string,
  method: VonageSignatureMethod,
): string {
  const data = vonageSignedString(params);
  if (method === 'md5hash')
    return createHash('md5')
      .update(data + secret, 'utf8')
      .digest('hex');
  return createHmac(method, secret).update(data, 'utf8').digest('hex');
}

export function verifyVonageSig(
  params: Record<string, string>,
  keys: { secret: string; method: VonageSignatureMethod }[],
): boolean {
  const given = params.sig?.toLowerCase();
  if (!given) return false;
  let ok = false;
  for (const k of keys) if (safeEqual(vonageSignature(params, k.secret, k.method), given)) ok = true;
  return ok;
}

function b64urlJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The claims of an HS256 JWT signed with one of `secrets`, or undefined. */
export function verifyHs256Jwt(token: string, secrets: string[]): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  const header = b64urlJson(h);
  if (typeof header !== 'object' || header === null || (header as { alg?: unknown }).alg !== 'HS256')
    return undefined;
  let ok = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url');
    if (safeEqual(expected, s)) ok = true;
  }
  if (!ok) return undefined;
  const claims = b64urlJson(p);
  return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
    ? (claims as Record<string, unknown>)
    : undefined;
}

/** A Messages API callback: a valid JWT whose payload_hash is the body's SHA-256. */
export function verifyVonageJwt(
  authorization: string | undefined,
  rawBody: Buffer,
  secrets: string[],
): boolean {
  const m = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  if (!m?.[1]) return false;
  const claims = verifyHs256Jwt(m[1], secrets);
  const hash = claims?.payload_hash;
  if (typeof hash !== 'string') return false;
  return safeEqual(hash.toLowerCase(), createHash('sha256').update(rawBody).digest('hex'));
}

/** Builds an HS256 JWT (for tests and the benchmark). */
export function signHs256Jwt(claims: Record<string, unknown>, secret: string): string {
  const h = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`;
}
