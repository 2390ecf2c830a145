/**
 * The global control group (issue 21, like Braze's): a stable share of a tenant's recipients held
 * out of every campaign. Membership is a pure function of the recipient's pseudonym and the
 * tenant's salt — the first 32 bits of SHA-256(salt ":" recipient) as a fraction of 2^32 below the
 * share — so it never changes for a recipient, raising the share only adds members, and ingest
 * (which pseudonymizes addresses) and query-api (which reads pseudonyms) agree without a list.
 */
import { createHash } from 'node:crypto';

/** The recipient's fixed position in [0, 1) for the salt. */
export function controlPosition(recipientId: string, salt: string): number {
  const h = createHash('sha256').update(`${salt}:${recipientId}`).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}

export function inGlobalControl(recipientId: string, salt: string, share: number): boolean {
  return share > 0 && controlPosition(recipientId, salt) < share;
}
