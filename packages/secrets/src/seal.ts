/**
 * Secrets at rest (provider credentials, alert channel URLs and keys) are sealed with AES-256-GCM.
 * The key (32 bytes) comes from config `CREDENTIALS_KEY`, base64 or hex. A sealed value is
 * `v1.<iv>.<tag>.<ciphertext>` with base64url parts; the owner of the value (tenant and provider,
 * or tenant and channel) is bound in as associated data, so a row copied elsewhere does not
 * decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

export function parseCredentialsKey(raw: string): Buffer {
  const trimmed = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('CREDENTIALS_KEY must be 32 bytes, base64 or hex encoded');
  return key;
}

/** The config field of the key: a string that parses as 32 bytes. Never logged (SECRET_ENV_NAMES). */
export const credentialsKeySchema = z.string().refine((s) => {
  try {
    parseCredentialsKey(s);
    return true;
  } catch {
    return false;
  }
}, 'must be 32 bytes, base64 or hex encoded');

/** True when a stored value is sealed (rows written before sealing was introduced are not). */
export function isSealed(value: string): boolean {
  return value.startsWith('v1.');
}

export function seal(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ct]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function unseal(key: Buffer, sealed: string, aad: string): string {
  const [version, iv, tag, ct] = sealed.split('.');
  if (version !== 'v1' || iv === undefined || tag === undefined || ct === undefined) {
    throw new Error('not a sealed credential');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
}
