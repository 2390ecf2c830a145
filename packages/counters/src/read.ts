/**
 * Reads campaign counters back (query-api, snapshots). Shares the key scheme with apply.ts.
 */
import type { Redis } from 'ioredis';
import { COUNT_NAMES, emptyCounts, fromMoneyUnits, type Counts, type MoneyByCurrency } from '@tally/kpi';
import type { RedisKeys } from './keys.ts';
import { DIRTY_SEPARATOR } from './keys.ts';

export interface CampaignState {
  campaignId: string;
  channel: string | null;
  firstEventAt: string | null;
  counts: Counts;
  /** Integer ten-thousandths per `cost:<CUR>` / `revenue:<CUR>`. */
  moneyUnits: Record<string, number>;
}

export function parseCounts(raw: Record<string, string>): Counts {
  const counts = emptyCounts();
  for (const name of COUNT_NAMES) counts[name] = Number(raw[name] ?? 0);
  return counts;
}

export function moneyByKind(units: Record<string, number>, kind: 'cost' | 'revenue'): MoneyByCurrency {
  const out: MoneyByCurrency = {};
  for (const [field, v] of Object.entries(units)) {
    const [k, currency] = field.split(':');
    if (k === kind && currency) out[currency] = fromMoneyUnits(v);
  }
  return out;
}

/** The campaign's state, or undefined when the tenant has no such campaign. */
export async function readCampaign(
  redis: Redis,
  keys: RedisKeys,
  tenant: string,
  campaign: string,
): Promise<CampaignState | undefined> {
  const res =
    (await redis
      .multi()
      .zscore(keys.campaigns(tenant), campaign)
      .hgetall(keys.counts(tenant, campaign))
      .hgetall(keys.money(tenant, campaign))
      .hgetall(keys.meta(tenant, campaign))
      .exec()) ?? [];
  const score = res[0]?.[1] as string | null | undefined;
  const [counts, money, meta] = [1, 2, 3].map((i) => (res[i]?.[1] ?? {}) as Record<string, string>) as [
    Record<string, string>,
    Record<string, string>,
    Record<string, string>,
  ];
  if (score === null || score === undefined) return undefined;
  return toState(campaign, score, counts, money, meta);
}

function toState(
  campaignId: string,
  score: string,
  counts: Record<string, string>,
  money: Record<string, string>,
  meta: Record<string, string>,
): CampaignState {
  return {
    campaignId,
    channel: meta.channel ?? null,
    firstEventAt: new Date(Number(meta.firstAt ?? score)).toISOString(),
    counts: parseCounts(counts),
    moneyUnits: Object.fromEntries(Object.entries(money).map(([k, v]) => [k, Number(v)])),
  };
}

/** All the tenant's campaigns, oldest first. */
export async function listCampaigns(redis: Redis, keys: RedisKeys, tenant: string): Promise<CampaignState[]> {
  const ids = await redis.zrange(keys.campaigns(tenant), 0, -1, 'WITHSCORES');
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < ids.length; i += 2) pairs.push([ids[i] as string, ids[i + 1] as string]);
  if (pairs.length === 0) return [];
  const pipe = redis.pipeline();
  for (const [c] of pairs)
    pipe.hgetall(keys.counts(tenant, c)).hgetall(keys.money(tenant, c)).hgetall(keys.meta(tenant, c));
  const res = (await pipe.exec()) ?? [];
  return pairs.map(([c, score], i) =>
    toState(
      c,
      score,
      (res[i * 3]?.[1] ?? {}) as Record<string, string>,
      (res[i * 3 + 1]?.[1] ?? {}) as Record<string, string>,
      (res[i * 3 + 2]?.[1] ?? {}) as Record<string, string>,
    ),
  );
}

/** Campaigns changed since the last snapshot, as [tenant, campaign]. */
export async function dirtyCampaigns(redis: Redis, keys: RedisKeys): Promise<[string, string][]> {
  const members = await redis.smembers(keys.dirty());
  return members.map((m) => m.split(DIRTY_SEPARATOR) as [string, string]);
}

export async function clearDirty(
  redis: Redis,
  keys: RedisKeys,
  campaigns: [string, string][],
): Promise<void> {
  if (campaigns.length === 0) return;
  await redis.srem(keys.dirty(), ...campaigns.map(([t, c]) => `${t}${DIRTY_SEPARATOR}${c}`));
}

export async function readUnattributed(
  redis: Redis,
  keys: RedisKeys,
  tenant: string,
): Promise<Record<string, number>> {
  const raw = await redis.hgetall(keys.unattributed(tenant));
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
}

/** Marks campaigns dirty again (a snapshot that failed puts them back). */
export async function markDirty(redis: Redis, keys: RedisKeys, campaigns: [string, string][]): Promise<void> {
  if (campaigns.length === 0) return;
  await redis.sadd(keys.dirty(), ...campaigns.map(([t, c]) => `${t}${DIRTY_SEPARATOR}${c}`));
}
