/**
 * The real AlertCountsSource: rolling windows from the aggregator's per-minute buckets in Redis
 * (campaign and sender scopes), recently active scopes from its activity index, and the tenant's
 * trailing 7-day opt-out baseline from the minute rollups snapshotted to Postgres.
 */
import type { RedisClient } from '@tally/redis';
import { readActiveScopes, readScopeWindow, type RedisKeys } from '@tally/counters';
import type { Pool } from '@tally/db';
import { minuteOf } from '@tally/kpi';
import { makeScope, scopeId, type ActiveScope, type AlertCountsSource } from './source.ts';

export interface RedisSourceOptions {
  redis: RedisClient;
  keys: RedisKeys;
  pool: Pool;
  /** Scopes with counts in the last `activeMinutes` are evaluated (firing alerts always are). */
  activeMinutes?: number;
}

export function createRedisAlertSource(opts: RedisSourceOptions): AlertCountsSource {
  const activeMinutes = opts.activeMinutes ?? 60;
  return {
    windowCounts(tenantId, scope, windowMinutes, now) {
      return readScopeWindow(
        opts.redis,
        opts.keys,
        tenantId,
        { kind: scope.kind, id: scopeId(scope) },
        windowMinutes,
        now.getTime(),
      );
    },
    async listActiveScopes(tenantId, now) {
      const tenants =
        tenantId !== undefined
          ? [tenantId]
          : (await opts.pool.query<{ id: string }>('SELECT id FROM tenants')).rows.map((r) => r.id);
      const since = minuteOf(now.getTime()) - activeMinutes + 1;
      const out: ActiveScope[] = [];
      for (const t of tenants) {
        for (const s of await readActiveScopes(opts.redis, opts.keys, t, since))
          out.push({ tenantId: t, scope: makeScope(s.kind, s.id) });
      }
      return out;
    },
    async baselineOptOutRate(tenantId, now) {
      const { rows } = await opts.pool.query<{ opt_outs: string | null; delivered: string | null }>(
        `SELECT sum(value) FILTER (WHERE metric = 'optOuts')::text AS opt_outs,
                sum(value) FILTER (WHERE metric = 'delivered')::text AS delivered
           FROM campaign_minute_counts
          WHERE tenant_id = $1 AND minute >= $2::timestamptz - interval '7 days' AND minute < $2::timestamptz`,
        [tenantId, now.toISOString()],
      );
      const delivered = Number(rows[0]?.delivered ?? 0);
      return delivered > 0 ? Number(rows[0]?.opt_outs ?? 0) / delivered : null;
    },
  };
}
