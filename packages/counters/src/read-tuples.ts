/**
 * Readers over a campaign's send tuples and minute buckets, for filtered KPIs, time series and
 * early reads (query-api). Keys come from RedisKeys only.
 */
import { batch, type RedisClient } from '@tally/redis';
import { COUNT_NAMES, emptyCounts, windowMinutes, type Counts, type Window } from '@tally/kpi';
import { FIELD_SEPARATOR, type RedisKeys } from './keys.ts';
import {
  BREAKDOWN_DIMENSIONS,
  hgetall,
  zscore,
  type BreakdownDimension,
  type DirectDimension,
} from './read.ts';
import { readWhole } from './whole-read.ts';

type Raw = Record<string, string>;
export type TupleDimension = Exclude<BreakdownDimension, DirectDimension>;
export type TupleFilter = Partial<Record<TupleDimension, string>>;

/**
 * The campaign's lifetime message counts over the send tuples matching every given dimension
 * value (e.g. channel=sms and segment=vip). Tuples come from the `sent` event, so a message whose
 * send was never seen matches no filter. Undefined when the tenant has no such campaign.
 */
export async function readFilteredCounts(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
  campaign: string,
  filter: TupleFilter,
): Promise<Counts | undefined> {
  const [score, raw, dims] = (await readWhole(redis, keys, [
    zscore(keys.campaigns(tenant), campaign),
    hgetall(keys.tuples(tenant, campaign)),
    hgetall(keys.dims(tenant, campaign)),
  ])) as [string | null, Raw, Raw];
  if (score === null) return undefined;
  return matching(expandTuples(raw, dims), filter);
}

/**
 * The same over a rolling window: message counts per send tuple first reached in the window's
 * minutes (the `wt:<minute>` buckets, written beside the campaign's `w:<minute>` ones), summed
 * over the tuples matching the filter. Undefined when the tenant has no such campaign.
 */
export async function readFilteredWindow(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
  campaign: string,
  filter: TupleFilter,
  window: Exclude<Window, 'all'>,
  now: number,
): Promise<Counts | undefined> {
  const [score, dims, ...buckets] = (await readWhole(redis, keys, [
    zscore(keys.campaigns(tenant), campaign),
    hgetall(keys.dims(tenant, campaign)),
    ...windowMinutes(window, now).map((m) => hgetall(keys.minuteTuples(tenant, campaign, m))),
  ])) as [string | null, Raw, ...Raw[]];
  if (score === null) return undefined;
  const sum: Record<string, number> = {};
  for (const b of buckets) for (const [f, v] of Object.entries(b)) sum[f] = (sum[f] ?? 0) + Number(v);
  return matching(expandTuples(sum, dims), filter);
}

function matching(tuples: TupleCounts[], filter: TupleFilter): Counts {
  const wanted = Object.entries(filter).map(
    ([dim, value]) => [BREAKDOWN_DIMENSIONS.indexOf(dim as TupleDimension), value] as const,
  );
  const counts = emptyCounts();
  for (const t of tuples)
    if (wanted.every(([pos, value]) => t.tuple[pos] === value))
      for (const n of COUNT_NAMES) counts[n] += t.counts[n];
  return counts;
}

/** A send tuple (values in BREAKDOWN_DIMENSIONS order, error_code excluded) and its counts. */
export interface TupleCounts {
  tuple: string[];
  counts: Counts;
}

function expandTuples(raw: Record<string, string | number>, dims: Raw): TupleCounts[] {
  const byId = new Map<string, TupleCounts>();
  for (const [field, v] of Object.entries(raw)) {
    const cut = field.lastIndexOf(FIELD_SEPARATOR);
    const id = field.slice(0, cut);
    const status = field.slice(cut + 1);
    const tuple = dims[`s:${id}`]?.split(FIELD_SEPARATOR);
    if (!tuple || !(COUNT_NAMES as readonly string[]).includes(status)) continue;
    const entry = byId.get(id) ?? { tuple, counts: emptyCounts() };
    entry.counts[status as keyof Counts] += Number(v);
    byId.set(id, entry);
  }
  return [...byId.values()];
}

/** Every send tuple of every campaign of the tenant, with its campaign and lifetime message counts. */
export async function readTenantTuples(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
): Promise<(TupleCounts & { campaign: string })[]> {
  const campaigns = keys.campaigns(tenant);
  const [ids] = (await readWhole(redis, keys, [[campaigns, (c) => c.zrange(campaigns, 0, -1)]])) as [
    string[],
  ];
  if (ids.length === 0) return [];
  const res = (await readWhole(
    redis,
    keys,
    ids.flatMap((c) => [hgetall(keys.tuples(tenant, c)), hgetall(keys.dims(tenant, c))]),
  )) as Raw[];
  return ids.flatMap((campaign, i) =>
    expandTuples(res[i * 2] ?? {}, res[i * 2 + 1] ?? {}).map((t) => ({ ...t, campaign })),
  );
}

/**
 * Per epoch minute in [fromMinute, toMinute], the value of each metric field in that minute's
 * bucket (buckets live ≥ 25 h after their minute; older ones are in Postgres). Minutes without a
 * bucket are left out. Undefined when the tenant has no such campaign.
 */
export async function readMinuteBuckets(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
  campaign: string,
  fromMinute: number,
  toMinute: number,
): Promise<Map<number, Record<string, number>> | undefined> {
  const ops = [zscore(keys.campaigns(tenant), campaign)];
  for (let m = fromMinute; m <= toMinute; m += 1) ops.push(hgetall(keys.minute(tenant, campaign, m)));
  const [score, ...buckets] = (await readWhole(redis, keys, ops)) as [string | null, ...Raw[]];
  if (score === null) return undefined;
  const out = new Map<number, Record<string, number>>();
  buckets.forEach((b, i) => {
    const entries = Object.entries(b);
    if (entries.length > 0)
      out.set(fromMinute + i, Object.fromEntries(entries.map(([k, v]) => [k, Number(v)])));
  });
  return out;
}

/** The applied offset ("next offset") per "<topic>:<partition>", from each partition's meta. */
export async function readAppliedOffsets(
  redis: RedisClient,
  keys: RedisKeys,
  topic: string,
  partitions: number[],
): Promise<Record<string, number>> {
  // One slot per partition: one pipeline on a standalone Redis, one per partition on a Cluster.
  const res = await batch(
    redis,
    partitions.map((p) => {
      const meta = keys.partition(topic, p).meta;
      return [meta, (c) => c.hget(meta, 'next')] as const;
    }),
  );
  const out: Record<string, number> = {};
  partitions.forEach((p, i) => {
    const v = res[i];
    if (typeof v === 'string') out[`${topic}:${p}`] = Number(v);
  });
  return out;
}
