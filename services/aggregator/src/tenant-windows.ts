/**
 * Per-tenant attribution windows and late-data horizon (SPEC §4, docs/semantics.md §0), read from
 * Postgres and cached for a while: one query per batch at most, for the tenants not cached.
 */
import { DEFAULT_TENANT_WINDOWS, type TenantWindows } from '@tally/counters';
import type { Pool } from '@tally/db';

export interface TenantWindowsSource {
  forTenants(tenants: Iterable<string>, now: number): Promise<(tenant: string) => TenantWindows>;
}

export function createTenantWindows(pool: Pool, ttlMs: number): TenantWindowsSource {
  const cache = new Map<string, { w: TenantWindows; expires: number }>();
  return {
    async forTenants(tenants, now) {
      const missing: string[] = [];
      for (const t of new Set(tenants)) {
        const hit = cache.get(t);
        if (!hit || hit.expires <= now) missing.push(t);
      }
      if (missing.length > 0) {
        const { rows } = await pool.query<{ tenant_id: string; r: number; c: number; d: number; h: number }>(
          `SELECT tenant_id, reply_window_s AS r, click_window_s AS c, delivered_window_s AS d, horizon_s AS h
             FROM tenant_attribution WHERE tenant_id = ANY($1::text[])`,
          [missing],
        );
        const found = new Map(rows.map((r) => [r.tenant_id, r]));
        if (cache.size > 10_000) cache.clear();
        for (const t of missing) {
          const r = found.get(t);
          const w = r
            ? { replyMs: r.r * 1000, clickMs: r.c * 1000, deliveredMs: r.d * 1000, horizonMs: r.h * 1000 }
            : DEFAULT_TENANT_WINDOWS;
          cache.set(t, { w, expires: now + ttlMs });
        }
      }
      return (tenant) => cache.get(tenant)?.w ?? DEFAULT_TENANT_WINDOWS;
    },
  };
}
