/**
 * Per-tenant attribution windows (SPEC §4), read from Postgres and cached for a while: one query
 * per batch at most, for the tenants not cached.
 */
import { DEFAULT_WINDOWS, type AttributionWindows } from '@tally/counters';
import type { Pool } from '@tally/db';

export interface TenantWindows {
  forTenants(tenants: Iterable<string>, now: number): Promise<Map<string, AttributionWindows>>;
}

export function createTenantWindows(pool: Pool, ttlMs: number): TenantWindows {
  const cache = new Map<string, { w: AttributionWindows; expires: number }>();
  return {
    async forTenants(tenants, now) {
      const out = new Map<string, AttributionWindows>();
      const missing: string[] = [];
      for (const t of new Set(tenants)) {
        const hit = cache.get(t);
        if (hit && hit.expires > now) out.set(t, hit.w);
        else missing.push(t);
      }
      if (missing.length === 0) return out;
      const { rows } = await pool.query<{ tenant_id: string; r: number; c: number; d: number }>(
        `SELECT tenant_id, reply_window_s AS r, click_window_s AS c, delivered_window_s AS d
           FROM tenant_attribution WHERE tenant_id = ANY($1::text[])`,
        [missing],
      );
      const found = new Map(rows.map((r) => [r.tenant_id, r]));
      if (cache.size > 10_000) cache.clear();
      for (const t of missing) {
        const r = found.get(t);
        const w = r ? { replyMs: r.r * 1000, clickMs: r.c * 1000, deliveredMs: r.d * 1000 } : DEFAULT_WINDOWS;
        cache.set(t, { w, expires: now + ttlMs });
        out.set(t, w);
      }
      return out;
    },
  };
}
