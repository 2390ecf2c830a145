/**
 * Decrypted credentials cached in-process for a short time (a webhook then costs no Postgres round
 * trip), keyed by tenant and provider. A rotation takes effect everywhere within `ttlMs`.
 */
import type { Pool } from '@tally/db';
import { loadCredentials, type CredentialLookup } from './store.ts';
import type { ProviderName } from './types.ts';

export interface CredentialResolver {
  get<P extends ProviderName>(tenantId: string, provider: P): Promise<CredentialLookup<P>>;
}

export function createCredentialResolver(
  pool: Pool,
  key: Buffer,
  opts: { ttlMs: number; maxEntries?: number },
): CredentialResolver {
  const maxEntries = opts.maxEntries ?? 10_000;
  const cache = new Map<string, { value: CredentialLookup<ProviderName>; expires: number }>();
  return {
    async get<P extends ProviderName>(tenantId: string, provider: P): Promise<CredentialLookup<P>> {
      const k = `${tenantId}\0${provider}`;
      const now = Date.now();
      const hit = cache.get(k);
      if (hit && hit.expires > now) return hit.value as CredentialLookup<P>;
      const value = await loadCredentials(pool, key, tenantId, provider);
      if (cache.size >= maxEntries) cache.clear();
      cache.set(k, { value, expires: now + opts.ttlMs });
      return value;
    },
  };
}
