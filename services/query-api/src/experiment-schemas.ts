/**
 * Response shapes of the experiment routes (issue 21): GET /v1/campaigns/:id/experiment, the
 * holdout counts /kpis gains, the settings and the value page's lift. The dashboard's types come
 * from these (services/dashboard/src/api-types.ts mirrors them).
 */
import { z } from 'zod';

export const intervalSchema = z.object({ estimate: z.number(), lower: z.number(), upper: z.number() });

export const comparisonSchema = z.object({
  metric: z.string(),
  currency: z.string().nullable().describe('revenue metrics: the currency'),
  arm: z.string().describe('the arm compared (a variant, or "messaged")'),
  against: z.string().describe('the control variant, or "holdout"'),
  control: z.object({ n: z.number(), value: z.number() }),
  treatment: z.object({ n: z.number(), value: z.number() }),
  difference: intervalSchema.describe('arm − control, with its always-valid interval at `level`'),
  relative: intervalSchema.nullable().describe('(arm − control) / control; null when control is 0'),
  pValue: z.number().describe('always-valid p-value of "no difference"'),
  verdict: z.enum(['better', 'worse', 'not yet']),
  lowerIsBetter: z.boolean().describe('opt-outs: fewer is better'),
  sampleNeeded: z
    .object({
      effect: z.number().describe('the effect (metric units) the interval must tell from none'),
      total: z.number().describe('observations in both arms at which it can'),
      more: z.number().describe('observations still to come'),
    })
    .nullable()
    .describe('while the verdict is "not yet"; null when it cannot be said yet'),
});

const perCurrency = <T extends z.ZodType>(t: T) => z.record(z.string(), t);

export const variantArmSchema = z.object({
  variant: z.string(),
  control: z.boolean(),
  counts: z.object({
    sent: z.number().int(),
    delivered: z.number().int(),
    clicked: z.number().int(),
    converted: z.number().int(),
    replied: z.number().int(),
    optedOut: z.number().int().describe('messages with an attributed opt-out'),
  }),
  rates: z.object({
    deliveryRate: z.number().nullable(),
    ctr: z.number().nullable(),
    conversionRate: z.number().nullable(),
    optOutRate: z.number().nullable(),
    replyRate: z.number().nullable(),
  }),
  revenue: perCurrency(z.object({ total: z.number(), perDelivered: z.number().nullable() })),
});

export const holdoutCountsSchema = z
  .object({
    heldOut: z.number().int().describe('recipients held out of the campaign (its control arm)'),
    conflicts: z.number().int().describe('recipients held out and also messaged by it: counted as messaged'),
    converted: z
      .number()
      .int()
      .describe('held-out recipients with a conversion attributed to the control arm'),
    conversions: z.number().int(),
    conversionRate: z.number().nullable().describe('converted / heldOut'),
    revenue: perCurrency(z.number()),
  })
  .describe('the holdout arm (lifetime); null without one');

export const holdoutSchema = holdoutCountsSchema.extend({
  messaged: z.object({
    sent: z.number().int().describe('messages sent (one per messaged recipient, as campaigns send)'),
    converted: z.number().int(),
    conversionRate: z.number().nullable().describe('converted / sent'),
    revenue: perCurrency(z.object({ total: z.number(), perRecipient: z.number().nullable() })),
  }),
  revenuePerRecipient: perCurrency(z.number().nullable()).describe('held-out arm: revenue / heldOut'),
  comparisons: z.array(comparisonSchema).describe('messaged against held out'),
  incremental: z.object({
    conversions: intervalSchema.nullable().describe('(messaged − held-out rate) × sent'),
    revenue: perCurrency(intervalSchema),
  }),
});

export const experimentResponseSchema = z.object({
  campaignId: z.string(),
  level: z.number(),
  metric: z.string().nullable().describe('the metric asked for; null = all'),
  effect: z.number().describe('relative effect the sample estimates are for (0.1 = 10 % of control)'),
  method: z.string(),
  tuneAt: z.number().describe('total observations at which the intervals are tightest (fixed in advance)'),
  control: z.string().nullable().describe('the control variant'),
  variants: z.array(variantArmSchema),
  unassigned: z.number().int().describe('messages sent without a variant (in no variant arm)'),
  comparisons: z.array(comparisonSchema).describe('each variant against the control variant'),
  guardrails: z
    .array(comparisonSchema)
    .describe('variants whose opt-out rate is above the control’s, whatever the primary metric says'),
  holdout: holdoutSchema.nullable(),
  reason: z.string().nullable().describe('why there is nothing to compare, when there is not'),
  asOf: z.string(),
});

export const experimentSettingsSchema = z.object({
  level: z.number().describe('default confidence level of the experiment routes'),
  globalControl: z.object({
    share: z.number().describe('share of recipients held out of every campaign (0 = none)'),
  }),
});
