/**
 * Resolves API keys to tenants with a short in-process cache, so a request costs no Postgres round
 * trip once its key was seen. A revoked key stops working within `ttlMs`.
 */
import type pg from 'pg';
import { tenantForApiKey, type Tenant } from './tenants.ts';

export interface ApiKeyResolver {
  resolve(key: string): Promise<Tenant | undefined>;
}

export function createApiKeyResolver(
  pool: pg.Pool,
  opts: { ttlMs?: number; maxEntries?: number } = {},
): ApiKeyResolver {
  const ttlMs = opts.ttlMs ?? 30_000;
  const maxEntries = opts.maxEntries ?? 10_000;
  const cache = new Map<string, { tenant: Tenant | undefined; expires: number }>();
  return {
    async resolve(key) {
      const now = Date.now();
      const hit = cache.get(key);
      if (hit && hit.expires > now) return hit.tenant;
      const tenant = await tenantForApiKey(pool, key);
      if (cache.size >= maxEntries) cache.clear();
      // Unknown keys are cached briefly too, so a flood of bad keys does not become a flood of queries.
      cache.set(key, { tenant, expires: now + (tenant ? ttlMs : Math.min(ttlMs, 2000)) });
      return tenant;
    },
  };
}
