/**
 * Recipients are pseudonymized before anything leaves ingest: HMAC-SHA256 of the normalized
 * address, keyed per tenant, so raw phone numbers never reach Kafka and the same person gets
 * unrelated ids in two tenants. The per-tenant key is derived from the master secret
 * (HMAC(secret, "tenant:" + id)), so there is no key table to leak or lose.
 */
import { createHmac } from 'node:crypto';

/** Phone-like strings lose spaces, dashes, dots and parentheses; everything else is trimmed and lower-cased. */
export function normalizeAddress(raw: string): string {
  const trimmed = raw.trim();
  if (/^\+?[\d\s().-]{5,}$/.test(trimmed)) {
    const digits = trimmed.replace(/[^\d]/g, '');
    return trimmed.startsWith('+') || trimmed.startsWith('00') ? `+${digits.replace(/^00/, '')}` : digits;
  }
  return trimmed.toLowerCase();
}

export function tenantKey(secret: string, tenantId: string): Buffer {
  return createHmac('sha256', secret).update(`tenant:${tenantId}`).digest();
}

/** `r_` + 128 bits of the HMAC, base64url: short enough for compact Redis keys, far from collisions. */
export function pseudonymize(key: Buffer, address: string): string {
  return `r_${createHmac('sha256', key).update(normalizeAddress(address)).digest().subarray(0, 16).toString('base64url')}`;
}

export function createPseudonymizer(secret: string) {
  const keys = new Map<string, Buffer>();
  return (tenantId: string, address: string): string => {
    let key = keys.get(tenantId);
    if (!key) {
      key = tenantKey(secret, tenantId);
      keys.set(tenantId, key);
    }
    return pseudonymize(key, address);
  };
}
