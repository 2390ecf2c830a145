/**
 * Per-tenant attribution windows, late-data horizon and backfill window (SPEC §4,
 * docs/semantics.md §0), and whether the tenant has an open import (issue 22: its state is then
 * kept for the backfill window), read from Postgres and cached for a while: one query per batch at
 * most, for the tenants not cached. An import opened is seen within the cache's TTL; that delay only
 * moves when the longer keeping starts (what retired before is still remembered by its tombstone).
 */
import { DEFAULT_TENANT_WINDOWS, type TenantWindows } from '@tally/counters';
import type { Pool } from '@tally/db';

export interface TenantWindowsSource {
  /** `refresh`: tenants to read again whatever the cache holds (an import seen before its flag). */
  forTenants(
    tenants: Iterable<string>,
    now: number,
    refresh?: Iterable<string>,
  ): Promise<(tenant: string) => TenantWindows>;
}

interface Row {
  tenant_id: string;
  r: number | null;
  c: number | null;
  d: number | null;
  h: number | null;
  b: number | null;
  importing: boolean;
}

function windowsOf(r: Row | undefined): TenantWindows {
  const base =
    r?.r != null && r.c != null && r.d != null && r.h != null
      ? { replyMs: r.r * 1000, clickMs: r.c * 1000, deliveredMs: r.d * 1000, horizonMs: r.h * 1000 }
      : DEFAULT_TENANT_WINDOWS;
  return {
    ...base,
    ...(r?.b != null ? { backfillMs: r.b * 1000 } : {}),
    ...(r?.importing ? { importing: true } : {}),
  };
}

export function createTenantWindows(pool: Pool, ttlMs: number): TenantWindowsSource {
  const cache = new Map<string, { w: TenantWindows; expires: number }>();
  return {
    async forTenants(tenants, now, refresh = []) {
      for (const t of refresh) cache.delete(t);
      const missing: string[] = [];
      for (const t of new Set(tenants)) {
        const hit = cache.get(t);
        if (!hit || hit.expires <= now) missing.push(t);
      }
      if (missing.length > 0) {
        const { rows } = await pool.query<Row>(
          `SELECT t.tenant_id, a.reply_window_s AS r, a.click_window_s AS c, a.delivered_window_s AS d,
                  a.horizon_s AS h, a.backfill_s AS b,
                  EXISTS (SELECT 1 FROM imports i WHERE i.tenant_id = t.tenant_id AND i.state = 'open') AS importing
             FROM unnest($1::text[]) AS t(tenant_id)
             LEFT JOIN tenant_attribution a ON a.tenant_id = t.tenant_id`,
          [missing],
        );
        const found = new Map(rows.map((r) => [r.tenant_id, r]));
        if (cache.size > 10_000) cache.clear();
        for (const t of missing) cache.set(t, { w: windowsOf(found.get(t)), expires: now + ttlMs });
      }
      return (tenant) => cache.get(tenant)?.w ?? DEFAULT_TENANT_WINDOWS;
    },
  };
}
