/**
 * Reads a campaign's experiment (issue 21): per variant the message counts of the send-tuple
 * breakdown (`bt`, `dims`) with the experiment figures of the `x` hash
 * (state/count-experiment.ts), the held-out arm, and the campaign's counts for the messaged arm.
 * One consistent read (readWhole), like every reader.
 */
import type { RedisClient } from '@tally/redis';
import { COUNT_NAMES, emptyCounts, type Counts } from '@tally/kpi';
import type { RedisKeys } from './keys.ts';
import { FIELD_SEPARATOR } from './keys.ts';
import { hgetall, parseCounts, zscore } from './read.ts';
import { readWhole } from './whole-read.ts';

type Raw = Record<string, string>;

/** Per currency: the sum of the units' revenue and the sum of their squares (exact). */
export type RevenueMoments = Record<string, { sum: bigint; sumSq: bigint }>;

export interface ArmFigures {
  optedOut: number;
  revenue: RevenueMoments;
}

export interface ExperimentState {
  /** Variant ('' = sent without one) → message counts and figures. */
  variants: Map<string, { counts: Counts } & ArmFigures>;
  /** Sent messages without a send tuple (no `sent` event): in the messaged arm, in no variant. */
  untupled: ArmFigures;
  holdout: {
    heldOut: number;
    conflicts: number;
    converted: number;
    conversions: number;
    revenue: RevenueMoments;
  };
  /** The campaign's lifetime counts (the messaged arm: sent, converted). */
  counts: Counts;
}

/**
 * The `x` hash as field → exact value: money fields' `:hi` carries (whole 10^15) folded in, so
 * squares past 2^53 stay exact.
 */
export function experimentFields(raw: Raw): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const [k, v] of Object.entries(raw)) {
    const hi = k.endsWith(':hi');
    const field = hi ? k.slice(0, -3) : k;
    out.set(field, (out.get(field) ?? 0n) + BigInt(v) * (hi ? 10n ** 15n : 1n));
  }
  return out;
}

function emptyArm(): ArmFigures {
  return { optedOut: 0, revenue: {} };
}

function addRevenue(revenue: RevenueMoments, figure: string, v: bigint): void {
  const m = /^(revenue|revenueSq):([A-Z]{3})$/.exec(figure);
  if (!m?.[2]) return;
  const cur = (revenue[m[2]] ??= { sum: 0n, sumSq: 0n });
  if (m[1] === 'revenue') cur.sum += v;
  else cur.sumSq += v;
}

function addFigure(arm: ArmFigures, figure: string, v: bigint): void {
  if (figure === 'optedOut') arm.optedOut += Number(v);
  else addRevenue(arm.revenue, figure, v);
}

const HOLDOUT_COUNTS = ['heldOut', 'conflicts', 'converted', 'conversions'] as const;

/** The campaign's experiment, or undefined when the tenant has no such campaign. */
export async function readExperiment(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
  campaign: string,
): Promise<ExperimentState | undefined> {
  const [score, bt, dims, x, counts] = (await readWhole(redis, keys, [
    zscore(keys.campaigns(tenant), campaign),
    hgetall(keys.tuples(tenant, campaign)),
    hgetall(keys.dims(tenant, campaign)),
    hgetall(keys.experiment(tenant, campaign)),
    hgetall(keys.counts(tenant, campaign)),
  ])) as [string | null, Raw, Raw, Raw, Raw];
  if (score === null) return undefined;
  const variants: ExperimentState['variants'] = new Map();
  const variant = (name: string) => {
    let v = variants.get(name);
    if (!v) variants.set(name, (v = { counts: emptyCounts(), ...emptyArm() }));
    return v;
  };
  for (const [field, n] of Object.entries(bt)) {
    const cut = field.lastIndexOf(FIELD_SEPARATOR);
    const status = field.slice(cut + 1);
    const tuple = dims[`s:${field.slice(0, cut)}`];
    if (tuple === undefined || !(COUNT_NAMES as readonly string[]).includes(status)) continue;
    // the tuple: channel\0segment\0variant\0…
    variant(tuple.split(FIELD_SEPARATOR)[2] ?? '').counts[status as keyof Counts] += Number(n);
  }
  const untupled = emptyArm();
  const holdout: ExperimentState['holdout'] = {
    heldOut: 0,
    conflicts: 0,
    converted: 0,
    conversions: 0,
    revenue: {},
  };
  for (const [field, v] of experimentFields(x)) {
    const cut = field.indexOf(FIELD_SEPARATOR);
    const arm = field.slice(0, cut);
    const figure = field.slice(cut + 1);
    if (arm.startsWith('v:')) addFigure(variant(arm.slice(2)), figure, v);
    else if (arm === 'u') addFigure(untupled, figure, v);
    else if (arm === 'h') {
      const count = HOLDOUT_COUNTS.find((c) => c === figure);
      if (count) holdout[count] += Number(v);
      else addRevenue(holdout.revenue, figure, v);
    }
  }
  return { variants, untupled, holdout, counts: parseCounts(counts) };
}

/**
 * The hour of week (UTC, day 0 = Sunday: index day × 24 + hour) the campaign's messages were sent
 * in, with how many: from its send tuples' `sent` counts. Undefined when the tenant has no such
 * campaign; empty when no send was seen.
 */
export async function readSendHours(
  redis: RedisClient,
  keys: RedisKeys,
  tenant: string,
  campaign: string,
): Promise<Map<number, number> | undefined> {
  const [score, bt, dims] = (await readWhole(redis, keys, [
    zscore(keys.campaigns(tenant), campaign),
    hgetall(keys.tuples(tenant, campaign)),
    hgetall(keys.dims(tenant, campaign)),
  ])) as [string | null, Raw, Raw];
  if (score === null) return undefined;
  const out = new Map<number, number>();
  for (const [field, n] of Object.entries(bt)) {
    const cut = field.lastIndexOf(FIELD_SEPARATOR);
    if (field.slice(cut + 1) !== 'sent') continue;
    // the tuple: channel\0segment\0variant\0sender\0country\0hour\0dayOfWeek
    const t = dims[`s:${field.slice(0, cut)}`]?.split(FIELD_SEPARATOR);
    if (!t) continue;
    const cell = Number(t[6]) * 24 + Number(t[5]);
    out.set(cell, (out.get(cell) ?? 0) + Number(n));
  }
  return out;
}
