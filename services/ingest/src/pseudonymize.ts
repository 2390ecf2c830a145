/**
 * Nothing that identifies a person leaves ingest. Two per-tenant HMAC-SHA256 mappings, with keys
 * derived from the master secret (HMAC(secret, "tenant:" + id) and HMAC(secret, "wamid:" + id)),
 * so there is no key table to leak or lose and the same person gets unrelated ids in two tenants:
 *
 * - Recipients: `r_` + base64url of 16 bytes of HMAC(tenantKey, address), where the address is
 *   what `normalizeAddress` (address.ts) made of the raw one — the same for every source.
 * - WhatsApp message ids: a `wamid.…` embeds the recipient's phone number in base64, so every wamid
 *   inside a `messageId` or `eventId` — from a webhook or posted by a sender — is replaced by
 *   `wa_` + base64url of 16 bytes of HMAC(wamidKey, wamid). Deterministic, so a send posted with its
 *   wamid and the webhook receipts of that wamid still share one messageId.
 */
import { createHmac } from 'node:crypto';
import type { Channel } from '@tally/events';
import { normalizeAddress } from './address.ts';

export function tenantKey(secret: string, tenantId: string): Buffer {
  return createHmac('sha256', secret).update(`tenant:${tenantId}`).digest();
}

export function wamidKey(secret: string, tenantId: string): Buffer {
  return createHmac('sha256', secret).update(`wamid:${tenantId}`).digest();
}

const hmac16 = (key: Buffer, s: string) =>
  createHmac('sha256', key).update(s).digest().subarray(0, 16).toString('base64url');

/** `r_` + 128 bits of the HMAC of a normalized address: compact Redis keys, far from collisions. */
export function pseudonymizeAddress(key: Buffer, normalizedAddress: string): string {
  return `r_${hmac16(key, normalizedAddress)}`;
}

/** A WhatsApp message id as Meta writes it: `wamid.` and base64 (any case of the prefix). */
const WAMID = /wamid\.[A-Za-z0-9+/=_-]+/gi;

/** `id` with every wamid in it replaced by `wa_` + 128 bits of its HMAC; other ids unchanged. */
export function pseudonymizeWamids(key: Buffer, id: string): string {
  return id.replace(WAMID, (wamid) => `wa_${hmac16(key, wamid)}`);
}

export interface PseudonymousRecipient {
  recipientId: string;
  country?: string | undefined;
}

export interface Pseudonymizer {
  /** Normalizes a raw address on a channel and pseudonymizes it; undefined when it is blank. */
  recipient(tenantId: string, raw: string, channel: Channel): PseudonymousRecipient | undefined;
  /** A messageId or eventId with every wamid in it pseudonymized. */
  ids(tenantId: string, id: string): string;
}

function keyCache(derive: (tenantId: string) => Buffer) {
  const keys = new Map<string, Buffer>();
  return (tenantId: string): Buffer => {
    let key = keys.get(tenantId);
    if (!key) {
      key = derive(tenantId);
      keys.set(tenantId, key);
    }
    return key;
  };
}

export function createPseudonymizer(secret: string): Pseudonymizer {
  const recipientKey = keyCache((t) => tenantKey(secret, t));
  const messageKey = keyCache((t) => wamidKey(secret, t));
  return {
    recipient(tenantId, raw, channel) {
      const a = normalizeAddress(raw, channel);
      if (!a) return undefined;
      const recipientId = pseudonymizeAddress(recipientKey(tenantId), a.address);
      return a.country ? { recipientId, country: a.country } : { recipientId };
    },
    ids: (tenantId, id) => (id.includes('.') ? pseudonymizeWamids(messageKey(tenantId), id) : id),
  };
}
