/**
 * Rolling-window counts of an alert scope — a campaign, or a sender across campaigns — read from
 * the aggregator's minute buckets (keys.ts: `:w:<minute>` counts and `:we:<minute>` failed
 * messages by error code), and the index of recently active scopes.
 */
import type { RedisClient } from '@tally/redis';
import { minuteOf, type WindowCounts } from '@tally/kpi';
import type { RedisKeys } from './keys.ts';

export type ScopeRef = { kind: 'campaign'; id: string } | { kind: 'sender'; id: string };

/** First occurrences in the `minutes` minute buckets up to and including now's minute. */
export async function readScopeWindow(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
  scope: ScopeRef,
  minutes: number,
  now: number,
): Promise<WindowCounts> {
  const last = minuteOf(now);
  const pipe = redis.pipeline();
  for (let m = last - minutes + 1; m <= last; m++) {
    if (scope.kind === 'campaign') {
      pipe.hmget(keys.minute(tenant, scope.id, m), 'sent', 'delivered', 'failed', 'optOuts');
      pipe.hgetall(keys.minuteErrors(tenant, scope.id, m));
    } else {
      pipe.hmget(keys.senderMinute(tenant, scope.id, m), 'sent', 'delivered', 'failed', 'optOuts');
      pipe.hgetall(keys.senderMinuteErrors(tenant, scope.id, m));
    }
    pipe.hgetall(keys.minuteDimensions(scope.kind, tenant, scope.id, m));
  }
  const res = (await pipe.exec()) ?? [];
  const out: WindowCounts = {
    sent: 0,
    delivered: 0,
    failed: 0,
    optOuts: 0,
    failedByErrorCode: {},
    dimensions: {},
  };
  const dims: Record<string, number> = {};
  for (let i = 0; i + 2 < res.length; i += 3) {
    for (const [field, n] of Object.entries((res[i + 2]?.[1] ?? {}) as Record<string, string>))
      dims[field] = (dims[field] ?? 0) + Number(n);
    const [sent, delivered, failed, optOuts] = (res[i]?.[1] ?? []) as (string | null)[];
    out.sent += Number(sent ?? 0);
    out.delivered += Number(delivered ?? 0);
    out.failed += Number(failed ?? 0);
    out.optOuts += Number(optOuts ?? 0);
    for (const [code, n] of Object.entries((res[i + 1]?.[1] ?? {}) as Record<string, string>)) {
      out.failedByErrorCode[code] = (out.failedByErrorCode[code] ?? 0) + Number(n);
    }
  }
  out.dimensions = Object.fromEntries(Object.entries(dims).filter(([, n]) => n !== 0));
  return out;
}

/** The tenant's scopes with counts in a minute at or after `sinceMinute`. */
export async function readActiveScopes(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
  sinceMinute: number,
): Promise<ScopeRef[]> {
  const members = await redis.zrangebyscore(keys.active(tenant), sinceMinute, '+inf');
  return members.flatMap((m): ScopeRef[] => {
    if (m.startsWith('c:')) return [{ kind: 'campaign', id: m.slice(2) }];
    if (m.startsWith('s:')) return [{ kind: 'sender', id: m.slice(2) }];
    return [];
  });
}
