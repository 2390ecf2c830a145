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

export const kpiResponseSchema = z.object({
  campaignId: z.string(),
  channel: z.string().nullable(),
  window: z.string(),
  counts: countsSchema,
  rates: ratesSchema,
  money: moneySchema,
  firstEventAt: z.string().nullable(),
  asOf: z.string(),
});
