/**
 * Reads campaign state back (query-api, snapshots). Shares the key scheme with apply.ts.
 * Every read also reports whether the state is whole (`P:epoch` present, whole-read.ts): while
 * the aggregator rebuilds a lost Redis from Postgres, readers answer "rebuilding" rather than
 * wrong numbers. Standalone: one MULTI per read, as one instant; Cluster: one MULTI per hash
 * slot (each scope at one instant), bracketed by epoch reads.
 */
import { batch, type RedisClient } from '@tally/redis';
import {
  COUNT_NAMES,
  emptyCounts,
  fromMoneyUnits,
  windowMinutes,
  type Counts,
  type MoneyByCurrency,
  type Window,
} from '@tally/kpi';
import type { RedisKeys } from './keys.ts';
import { FIELD_SEPARATOR } from './keys.ts';
import { op, readWhole } from './whole-read.ts';

/** Sums kept beside the counts, in the same hash. */
export const STAT_NAMES = [
  'surveys',
  'scoreSum',
  'engSum',
  'engN',
  'featureAdopters',
  'inAppOpeners',
] as const;
export type StatName = (typeof STAT_NAMES)[number];
export type Stats = Record<StatName, number>;

export interface CampaignState {
  campaignId: string;
  channel: string | null;
  firstEventAt: string | null;
  counts: Counts;
  /** The campaign's opened messages over its lifetime (what it can report: @tally/kpi applicability). */
  lifetimeOpened: number;
  stats: Stats;
  /** Integer ten-thousandths per `cost:<CUR>` / `revenue:<CUR>`. */
  moneyUnits: Record<string, number>;
  /** Response-time histogram (bucket → messages); empty for rolling windows. */
  responseTimes: Record<string, string>;
}

type Raw = Record<string, string>;

/** Batch ops of the readers (read-tuples.ts too). */
export const hgetall = (key: string) => op(key, (c) => c.hgetall(key));
export const zscore = (key: string, member: string) => op(key, (c) => c.zscore(key, member));
export const hget = (key: string, field: string) => op(key, (c) => c.hget(key, field));

export function parseCounts(raw: Raw): Counts {
  const counts = emptyCounts();
  for (const name of COUNT_NAMES) counts[name] = Number(raw[name] ?? 0);
  return counts;
}

function parseStats(raw: Raw): Stats {
  return Object.fromEntries(STAT_NAMES.map((n) => [n, Number(raw[n] ?? 0)])) as Stats;
}

export function moneyByKind(units: Record<string, number>, kind: 'cost' | 'revenue'): MoneyByCurrency {
  const out: MoneyByCurrency = {};
  for (const [field, v] of Object.entries(units)) {
    const [k, currency] = field.split(':');
    if (k === kind && currency) out[currency] = fromMoneyUnits(v);
  }
  return out;
}

/**
 * Money fields `cost:<CUR>` / `revenue:<CUR>` in ten-thousandths, each with a carry field
 * `…:hi` counting whole 10^15 (scope-write's `m` op), so sums never overflow Redis' 64-bit
 * integers. Reported as numbers: exact up to 2^53 ten-thousandths (≈ 900 billion units).
 */
export function moneyUnitsOf(raw: Raw): Record<string, number> {
  const out: Record<string, bigint> = {};
  for (const [k, v] of Object.entries(raw)) {
    const m = /^((?:cost|revenue):[A-Z]{3})(:hi)?$/.exec(k);
    if (!m?.[1]) continue;
    const units = BigInt(v) * (m[2] ? 10n ** 15n : 1n);
    out[m[1]] = (out[m[1]] ?? 0n) + units;
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Number(v)]));
}

function toState(
  campaignId: string,
  score: string,
  counts: Raw,
  money: Raw,
  meta: Raw,
  rt: Raw,
  lifetimeOpened = Number(counts.opened ?? 0),
): CampaignState {
  return {
    campaignId,
    channel: meta.channel ?? null,
    firstEventAt: new Date(Number(meta.firstAt ?? score)).toISOString(),
    counts: parseCounts(counts),
    lifetimeOpened,
    stats: parseStats(counts),
    moneyUnits: moneyUnitsOf(money),
    responseTimes: rt,
  };
}

/** The campaign's lifetime state, or undefined when the tenant has no such campaign. */
export async function readCampaign(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
  campaign: string,
): Promise<CampaignState | undefined> {
  const [score, counts, money, meta, rt] = (await readWhole(redis, keys, [
    zscore(keys.campaigns(tenant), campaign),
    hgetall(keys.counts(tenant, campaign)),
    hgetall(keys.money(tenant, campaign)),
    hgetall(keys.meta(tenant, campaign)),
    hgetall(keys.responseTimes(tenant, campaign)),
  ])) as [string | null, Raw, Raw, Raw, Raw];
  if (score === null) return undefined;
  return toState(campaign, score, counts, money, meta, rt);
}

/**
 * The campaign's first-occurrences within a rolling window: the sum of its minute buckets. Money
 * and stats are windowed too; the response-time histogram is lifetime-only (left empty).
 */
export async function readCampaignWindow(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
  campaign: string,
  window: Exclude<Window, 'all'>,
  now: number,
): Promise<CampaignState | undefined> {
  const minutes = windowMinutes(window, now);
  const [score, meta, opened, ...buckets] = (await readWhole(redis, keys, [
    zscore(keys.campaigns(tenant), campaign),
    hgetall(keys.meta(tenant, campaign)),
    hget(keys.counts(tenant, campaign), 'opened'),
    ...minutes.map((m) => hgetall(keys.minute(tenant, campaign, m))),
  ])) as [string | null, Raw, string | null, ...Raw[]];
  if (score === null) return undefined;
  const sum: Record<string, number> = {};
  for (const b of buckets) for (const [k, v] of Object.entries(b)) sum[k] = (sum[k] ?? 0) + Number(v);
  const raw = Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, String(v)]));
  return toState(campaign, score, raw, raw, meta, {}, Number(opened ?? 0));
}

/** All the tenant's campaigns, oldest first. */
export async function listCampaigns(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
): Promise<CampaignState[]> {
  const campaigns = keys.campaigns(tenant);
  const [ids] = (await readWhole(redis, keys, [
    op(campaigns, (c) => c.zrange(campaigns, 0, -1, 'WITHSCORES')),
  ])) as [string[]];
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < ids.length; i += 2) pairs.push([ids[i] as string, ids[i + 1] as string]);
  if (pairs.length === 0) return [];
  const res = (await readWhole(
    redis,
    keys,
    pairs.flatMap(([c]) => [
      hgetall(keys.counts(tenant, c)),
      hgetall(keys.money(tenant, c)),
      hgetall(keys.meta(tenant, c)),
      hgetall(keys.responseTimes(tenant, c)),
    ]),
  )) as Raw[];
  const at = (i: number): Raw => res[i] ?? {};
  return pairs.map(([c, score], i) =>
    toState(c, score, at(i * 4), at(i * 4 + 1), at(i * 4 + 2), at(i * 4 + 3)),
  );
}

export const BREAKDOWN_DIMENSIONS = [
  'channel',
  'segment',
  'variant',
  'sender',
  'country',
  'hour_of_day',
  'day_of_week',
  'error_code',
  'failure_class',
  'carrier',
] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

/** Dimensions counted in a hash of their own (`bd:<dim>`), not through the send tuples. */
export const DIRECT_DIMENSIONS = ['error_code', 'failure_class', 'carrier'] as const;
export type DirectDimension = (typeof DIRECT_DIMENSIONS)[number];
const isDirect = (d: BreakdownDimension): d is DirectDimension =>
  (DIRECT_DIMENSIONS as readonly string[]).includes(d);

/**
 * Per value of the dimension, the message counts (and the clicks of the messages) of the campaign
 * (lifetime), with the campaign's channel (of its earliest event) and lifetime opened messages.
 */
export async function readBreakdown(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
  campaign: string,
  dim: BreakdownDimension,
): Promise<
  | {
      channel: string | null;
      opened: number;
      groups: Map<string, Counts>;
      /** by=failure_class: per class, its failed messages by raw error code. */
      codes?: Map<string, Record<string, number>>;
    }
  | undefined
> {
  const byErrorCode = isDirect(dim);
  const [score, raw, dims, meta, opened, classCodes] = (await readWhole(redis, keys, [
    zscore(keys.campaigns(tenant), campaign),
    hgetall(byErrorCode ? keys.breakdown(tenant, campaign, dim) : keys.tuples(tenant, campaign)),
    hgetall(keys.dims(tenant, campaign)),
    hgetall(keys.meta(tenant, campaign)),
    hget(keys.counts(tenant, campaign), 'opened'),
    hgetall(keys.breakdown(tenant, campaign, dim === 'failure_class' ? 'class_code' : 'none')),
  ])) as [string | null, Raw, Raw, Raw, string | null, Raw];
  if (score === null) return undefined;
  let codes: Map<string, Record<string, number>> | undefined;
  if (dim === 'failure_class') {
    codes = new Map();
    for (const [field, v] of Object.entries(classCodes)) {
      const n = Number(v);
      if (!(n > 0)) continue;
      const head = field.slice(0, field.lastIndexOf(FIELD_SEPARATOR));
      const cut = head.indexOf('\u0001');
      const cls = head.slice(0, cut);
      const code = head.slice(cut + 1);
      const m = codes.get(cls) ?? {};
      m[code] = (m[code] ?? 0) + n;
      codes.set(cls, m);
    }
  }
  const position = BREAKDOWN_DIMENSIONS.indexOf(dim);
  const groups = new Map<string, Counts>();
  for (const [field, v] of Object.entries(raw)) {
    const cut = field.lastIndexOf(FIELD_SEPARATOR);
    const head = field.slice(0, cut);
    const status = field.slice(cut + 1);
    const value = byErrorCode ? head : dims[`s:${head}`]?.split(FIELD_SEPARATOR)[position];
    if (!value || !(COUNT_NAMES as readonly string[]).includes(status)) continue;
    const counts = groups.get(value) ?? emptyCounts();
    counts[status as keyof Counts] += Number(v);
    groups.set(value, counts);
  }
  return { channel: meta.channel ?? null, opened: Number(opened ?? 0), groups, ...(codes ? { codes } : {}) };
}

export interface AttributionStatus {
  /** Events that count nowhere yet but may: still within the late-data horizon. */
  pending: Record<string, number>;
  /** Events with no candidate left: their horizon has passed, or nothing could ever attribute them. */
  unattributed: Record<string, number>;
  /** Events that arrived beyond the horizon, counted once and applied nowhere. */
  late: Record<string, number>;
}

const DAY = 86_400_000;

/**
 * The tenant's pending, unattributed and late events by type. Pending events are kept by the UTC
 * day they happened; a day whose end is more than `horizonMs` ago has no candidate left to wait
 * for (any reach, click or delivery of it would itself be late), so it is reported unattributed.
 */
export async function readAttributionStatus(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
  horizonMs: number,
  now: number,
): Promise<AttributionStatus> {
  // One slot ({T}): one MULTI on either deployment.
  const [pending, unattributed, late] = (await batch(
    redis,
    [hgetall(keys.pending(tenant)), hgetall(keys.unattributed(tenant)), hgetall(keys.late(tenant))],
    { atomic: true },
  )) as [Raw, Raw, Raw];
  const out: AttributionStatus = { pending: {}, unattributed: {}, late: {} };
  const add = (into: Record<string, number>, type: string, n: number) => {
    if (n !== 0) into[type] = (into[type] ?? 0) + n;
  };
  for (const [field, v] of Object.entries(pending)) {
    const cut = field.lastIndexOf(':');
    const day = Number(field.slice(cut + 1));
    add((day + 1) * DAY + horizonMs <= now ? out.unattributed : out.pending, field.slice(0, cut), Number(v));
  }
  for (const [type, v] of Object.entries(unattributed)) add(out.unattributed, type, Number(v));
  for (const [type, v] of Object.entries(late)) add(out.late, type, Number(v));
  for (const kind of ['pending', 'unattributed', 'late'] as const)
    for (const [type, n] of Object.entries(out[kind])) if (n === 0) delete out[kind][type];
  return out;
}
