/**
 * zod schemas of a tenant's alert rules. Every field defaults to DEFAULT_ALERT_RULES
 * (@tally/kpi), so a PUT may send only what it changes.
 */
import { z } from 'zod';
import { carrierSchema, FAILURE_CLASSES } from '@tally/events';
import { DEFAULT_ALERT_RULES as D, RULE_TYPES, SCOPE_KINDS, type RuleCommon } from '@tally/kpi';

const fraction = z.number().min(0).max(1);
const count = z.number().int().min(0);
const scopes = z.array(z.enum(SCOPE_KINDS)).min(1);

function common(d: RuleCommon) {
  return {
    enabled: z.boolean().default(d.enabled),
    scopes: scopes.default([...d.scopes]),
    windowMinutes: z.number().int().min(1).max(1440).default(d.windowMinutes),
    resolveAfterSeconds: z.number().min(0).max(86_400).default(d.resolveAfterSeconds),
    autoPause: z.boolean().default(d.autoPause),
  };
}

export const optOutSpikeSchema = z.object({
  ...common(D.optOutSpike),
  minDelivered: count.default(D.optOutSpike.minDelivered),
  minOptOuts: count.default(D.optOutSpike.minOptOuts),
  absolute: z.boolean().default(D.optOutSpike.absolute),
  threshold: fraction.default(D.optOutSpike.threshold),
  baseline: z.boolean().default(D.optOutSpike.baseline),
  baselineMultiplier: z.number().positive().max(1000).default(D.optOutSpike.baselineMultiplier),
});

const placeFilter = {
  carrier: carrierSchema.optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO-3166 alpha-2 code such as GB')
    .optional(),
};
const onePlace = (f: { carrier?: string | undefined; country?: string | undefined }) =>
  f.carrier === undefined || f.country === undefined;
const NARROW = 'narrow the rule (issue 20): decided on the Wilson 95 % bound, like optOutSpike';

/** Narrows a deliveryDrop to one carrier or country. */
const placeFilterSchema = z
  .strictObject(placeFilter)
  .refine(onePlace, { message: 'narrow to a carrier or a country, not both' })
  .optional()
  .describe(NARROW);

/** Narrows a failureSpike to one failure class, and/or one carrier or country. */
const failureFilterSchema = z
  .strictObject({
    failureClass: z
      .string()
      .refine((v) => (FAILURE_CLASSES as readonly string[]).includes(v), {
        message: `must be one of ${FAILURE_CLASSES.join(', ')}`,
      })
      .optional(),
    ...placeFilter,
  })
  .refine(onePlace, { message: 'narrow to a carrier or a country, not both' })
  .optional()
  .describe(NARROW);

export const deliveryDropSchema = z.object({
  ...common(D.deliveryDrop),
  filter: placeFilterSchema,
  minSent: count.default(D.deliveryDrop.minSent),
  floor: fraction.default(D.deliveryDrop.floor),
  receiptGraceMinutes: z
    .number()
    .int()
    .min(0)
    .max(30)
    .default(D.deliveryDrop.receiptGraceMinutes)
    .describe('the window ends this many minutes ago, so receipts of the newest sends can arrive'),
});

export const failureSpikeSchema = z.object({
  ...common(D.failureSpike),
  filter: failureFilterSchema,
  minSent: count.default(D.failureSpike.minSent),
  threshold: fraction.default(D.failureSpike.threshold),
});

export const alertRulesSchema = z.object({
  optOutSpike: optOutSpikeSchema.prefault({}),
  deliveryDrop: deliveryDropSchema.prefault({}),
  failureSpike: failureSpikeSchema.prefault({}),
  renotifyAfterSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(D.renotifyAfterSeconds),
});

export const ruleTypeSchema = z.enum(RULE_TYPES);
export const scopeKindSchema = z.enum(SCOPE_KINDS);
