import { z } from 'zod';
import { COUNT_NAMES, RATE_NAMES, type RateName } from '@tally/kpi';
import { holdoutCountsSchema } from './experiment-schemas.ts';

export { errorResponseSchema as errorSchema } from '@tally/http';

const rate = z.number().nullable();
export const countsSchema = z.object(
  Object.fromEntries(COUNT_NAMES.map((n) => [n, z.number().int()])) as Record<
    (typeof COUNT_NAMES)[number],
    z.ZodNumber
  >,
);
export const ratesSchema = z.object(
  Object.fromEntries(RATE_NAMES.map((n) => [n, rate])) as Record<RateName, typeof rate>,
);
/** Rate → why it is not reported (`@tally/kpi` applicability.ts); such a rate is null, never 0. */
export const notReportedSchema = z
  .record(z.string(), z.string())
  .describe('rates this channel cannot report (null in rates), each with the reason; {} when none');
const perCurrency = z.record(z.string(), z.number());
const perCurrencyNullable = z.record(z.string(), z.number().nullable());
export const moneySchema = z.object({
  cost: perCurrency,
  revenue: perCurrency,
  costPerConversion: perCurrencyNullable,
  roi: perCurrencyNullable,
});

const meanSchema = z.object({ count: z.number().int(), mean: z.number().nullable() });
export const responseTimeSchema = z.object({
  count: z.number().int(),
  medianMs: z.number().nullable(),
  p90Ms: z.number().nullable(),
});
export const engagementSchema = z.object({ count: z.number().int(), meanMs: z.number().nullable() });
export const featureAdoptionSchema = z.object({
  adopters: z.number().int(),
  openers: z.number().int(),
  rate: z.number().nullable(),
});

/** The times the API accepts: every instant Tally can hold data for, with room on both sides. */
export const TIME_MIN = '2000-01-01T00:00:00Z';
export const TIME_MAX = '2100-01-01T00:00:00Z';
const [TIME_MIN_MS, TIME_MAX_MS] = [Date.parse(TIME_MIN), Date.parse(TIME_MAX)];

/**
 * An ISO-8601 time in a query string: a date-time with `Z` or an offset, or a date (UTC
 * midnight), from TIME_MIN to TIME_MAX — so no time reaching a query is outside what its
 * arithmetic (epoch minutes, buckets) and Postgres hold.
 */
export const isoTime = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'must be an ISO-8601 date-time with Z or an offset, or a date',
  })
  .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s))
  .refine(
    (d) => d.getTime() >= TIME_MIN_MS && d.getTime() <= TIME_MAX_MS,
    `must be from ${TIME_MIN} to ${TIME_MAX}`,
  );

export const campaignKpiSchema = z.object({
  campaignId: z.string(),
  channel: z.string().nullable(),
  window: z.string(),
  counts: countsSchema,
  rates: ratesSchema,
  notReported: notReportedSchema,
  money: moneySchema,
  responseTime: responseTimeSchema.nullable(),
  engagementDuration: engagementSchema.nullable(),
  satisfaction: meanSchema,
  featureAdoption: featureAdoptionSchema,
  firstEventAt: z.string().nullable(),
  asOf: z.string(),
});

export const kpiResponseSchema = campaignKpiSchema.extend({
  money: moneySchema.nullable(),
  satisfaction: meanSchema.nullable(),
  featureAdoption: featureAdoptionSchema.nullable(),
  /** The send filter applied (channel/segment/variant) to the message counts; null = none. */
  filter: z
    .object({
      channel: z.string().optional(),
      segment: z.string().optional(),
      variant: z.string().optional(),
      scope: z
        .enum(['lifetime', 'window'])
        .describe('lifetime counts (window=all) or the first-occurrences of the rolling window'),
    })
    .nullable(),
  freshnessMs: z
    .number()
    .nullable()
    .describe(
      '0 when the aggregator has applied every accepted event; else how long the oldest accepted but not yet applied event has waited (ms). Null when unknown.',
    ),
  lagEvents: z.number().int().nullable().describe('accepted events not yet applied, null when unknown'),
  // Issue 21: the campaign's holdout arm, lifetime and unfiltered (null otherwise, or without one).
  holdout: holdoutCountsSchema.nullable(),
});

export const breakdownResponseSchema = z.object({
  campaignId: z.string(),
  by: z.string(),
  groups: z.array(
    z.object({
      value: z.string(),
      counts: countsSchema,
      rates: ratesSchema,
      notReported: notReportedSchema,
      codes: z
        .array(z.object({ code: z.string(), failed: z.number().int() }))
        .optional()
        .describe('by=failure_class: the raw provider codes under the class, most failures first'),
    }),
  ),
  asOf: z.string(),
});
