/**
 * The canonical event (SPEC §3): the one shape every source becomes before it reaches Kafka.
 * These zod schemas are the single source of truth; the TypeScript types are inferred from them.
 */
import { z } from 'zod';

export const EVENT_TYPES = [
  'sent',
  'delivered',
  'failed',
  'opened',
  'clicked',
  'replied',
  'converted',
  'opted_out',
  'opted_in',
  'uninstalled',
  'feature_adopted',
  'survey_answered',
] as const;
export const eventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof eventTypeSchema>;

export const CHANNELS = ['sms', 'whatsapp', 'push', 'in_app'] as const;
export const channelSchema = z.enum(CHANNELS);
export type Channel = z.infer<typeof channelSchema>;

export const PROVIDERS = ['twilio', 'whatsapp', 'vonage', 'infobip', 'api'] as const;
export const providerSchema = z.enum(PROVIDERS);

/** Identifiers: non-empty, bounded, printable; they end up in Redis keys and URLs. */
export const idSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export const moneySchema = z.strictObject({
  amount: z.number().finite().nonnegative().max(1e12),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code such as USD'),
});
export type Money = z.infer<typeof moneySchema>;

/** ISO-8601 with an explicit offset or Z, normalized to UTC milliseconds. */
export const timestampSchema = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString());

const eventFields = {
  eventId: idSchema,
  type: eventTypeSchema,
  occurredAt: timestampSchema,
  channel: channelSchema,
  campaignId: idSchema.optional(),
  messageId: idSchema.optional(),
  recipientId: z.string().min(1).max(320).optional(),
  segment: z.string().min(1).max(200).optional(),
  variant: z.string().min(1).max(200).optional(),
  provider: providerSchema.optional(),
  sender: z.string().min(1).max(200).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  errorCode: z.string().min(1).max(100).optional(),
  cost: moneySchema.optional(),
  value: moneySchema.optional(),
  url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  feature: z.string().min(1).max(200).optional(),
  score: z.number().int().min(1).max(5).optional(),
};

function crossFieldRules(
  e: { type: EventType; score?: number | undefined; value?: Money | undefined },
  ctx: z.RefinementCtx,
) {
  if (e.type === 'survey_answered' && e.score === undefined) {
    ctx.addIssue({ code: 'custom', path: ['score'], message: 'survey_answered needs a score of 1..5' });
  }
  if (e.score !== undefined && e.type !== 'survey_answered') {
    ctx.addIssue({ code: 'custom', path: ['score'], message: 'score is only allowed on survey_answered' });
  }
  if (e.value !== undefined && e.type !== 'converted') {
    ctx.addIssue({ code: 'custom', path: ['value'], message: 'value is only allowed on converted' });
  }
}

/** What travels on the events topic: tenantId is set by ingest, recipientId is already pseudonymized. */
export const canonicalEventSchema = z
  .strictObject({ ...eventFields, tenantId: idSchema })
  .superRefine(crossFieldRules);
export type CanonicalEvent = z.infer<typeof canonicalEventSchema>;

/**
 * What a sender posts to `POST /v1/events`: the canonical event without `tenantId` (it comes from
 * the API key, never from the body). `recipientId` here is the raw address (phone, e-mail, device
 * id); ingest pseudonymizes it before anything is published.
 */
export const inboundEventSchema = z.strictObject(eventFields).superRefine(crossFieldRules);
export type InboundEvent = z.infer<typeof inboundEventSchema>;
