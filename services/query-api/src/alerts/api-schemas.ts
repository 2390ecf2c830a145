/** zod schemas of the alert routes' answers (they also generate the OpenAPI document). */
import { z } from 'zod';
import { RULE_TYPES, SCOPE_KINDS } from '@tally/kpi';
import { CHANNEL_KINDS } from './render.ts';
import { alertRulesSchema } from './rules-schema.ts';

const numbers = z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]));
const scope = z.object({ kind: z.enum(SCOPE_KINDS), id: z.string() });

export const alertSchema = z.object({
  id: z.string(),
  ruleType: z.enum(RULE_TYPES),
  scope,
  state: z.enum(['firing', 'resolved']),
  firedAt: z.string(),
  resolvedAt: z.string().nullable(),
  lastNotifiedAt: z.string(),
  clearSince: z
    .string()
    .nullable()
    .describe(
      "firing only: since when its condition has been clear; it resolves after the rule's resolveAfterSeconds",
    ),
  numbers,
  lastNumbers: numbers,
  dedupKey: z.string(),
});

export const rulesResponseSchema = z.object({
  rules: alertRulesSchema,
  isDefault: z.boolean(),
  updatedAt: z.string().nullable(),
});

export const channelSchema = z.object({
  id: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  name: z.string(),
  url: z.string(),
  hasSecret: z.boolean(),
  createdAt: z.string(),
});

const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);
const name = z.string().min(1).max(200);
const secret = z.string().min(16).max(200);

export const createChannelSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook'), name, url: httpUrl, secret: secret.optional() }),
  z.object({ kind: z.literal('pause_webhook'), name, url: httpUrl, secret: secret.optional() }),
  z.object({ kind: z.literal('slack'), name, url: httpUrl }),
  z.object({
    kind: z.literal('pagerduty'),
    name,
    routingKey: z.string().min(1).max(200),
    url: httpUrl.optional(),
  }),
]);

export const silenceSchema = z.object({
  id: z.string(),
  scope,
  startsAt: z.string(),
  endsAt: z.string(),
  reason: z.string().nullable(),
  createdAt: z.string(),
});

export const createSilenceSchema = z
  .object({
    scope,
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }),
    reason: z.string().max(500).optional(),
  })
  .superRefine((s, ctx) => {
    const start = s.startsAt ? Date.parse(s.startsAt) : Date.now();
    if (Date.parse(s.endsAt) <= start)
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
  });
