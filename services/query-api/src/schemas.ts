import { z } from 'zod';
import { COUNT_NAMES } from '@tally/kpi';

export { errorResponseSchema as errorSchema } from '@tally/http';

const rate = z.number().nullable();
export const countsSchema = z.object(
  Object.fromEntries(COUNT_NAMES.map((n) => [n, z.number().int()])) as Record<
    (typeof COUNT_NAMES)[number],
    z.ZodNumber
  >,
);
export const ratesSchema = z.object({
  deliveryRate: rate,
  openRate: rate,
  ctr: rate,
  clickToOpenRate: rate,
  conversionRate: rate,
  optOutRate: rate,
  replyRate: rate,
  uninstallRate: rate,
});
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

export const kpiResponseSchema = z.object({
  campaignId: z.string(),
  channel: z.string().nullable(),
  window: z.string(),
  counts: countsSchema,
  rates: ratesSchema,
  money: moneySchema,
  responseTime: responseTimeSchema.nullable(),
  engagementDuration: engagementSchema.nullable(),
  satisfaction: meanSchema,
  featureAdoption: featureAdoptionSchema,
  firstEventAt: z.string().nullable(),
  asOf: z.string(),
});

export const breakdownResponseSchema = z.object({
  campaignId: z.string(),
  by: z.string(),
  groups: z.array(z.object({ value: z.string(), counts: countsSchema, rates: ratesSchema })),
  asOf: z.string(),
});
