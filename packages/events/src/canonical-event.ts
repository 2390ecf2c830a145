/**
 * The canonical event (SPEC §3): the one shape every source becomes before it reaches Kafka.
 * These zod schemas are the single source of truth; the TypeScript types are inferred from them.
 */
import { z } from 'zod';
import { isStorableText, storableText } from './text.ts';

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
  // Last, so that the state's one-character type codes of the others keep their values.
  'held_out',
] as const;
export const eventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof eventTypeSchema>;

export const CHANNELS = ['sms', 'whatsapp', 'push', 'in_app'] as const;
export const channelSchema = z.enum(CHANNELS);
export type Channel = z.infer<typeof channelSchema>;

export const PROVIDERS = ['twilio', 'whatsapp', 'vonage', 'infobip', 'api'] as const;

/**
 * Who followed a tracked link (SPEC §3, §4.4): a person (`human`), or a machine (`bot`: a link
 * preview, crawler or scanner, a `HEAD` request, a prefetch). Only human clicks count as clicks;
 * a `clicked` event without a class is a person's (a sender's own click tracking).
 */
export const CLICK_CLASSES = ['human', 'bot'] as const;
export const clickClassSchema = z.enum(CLICK_CLASSES);
export type ClickClass = z.infer<typeof clickClassSchema>;
export const providerSchema = z.enum(PROVIDERS);

/**
 * Why a message failed, in one vocabulary across providers (issue 20; the table that maps each
 * provider's codes is ingest's `providers/failure-taxonomy.ts`, documented in docs/providers.md).
 * Append only: the aggregator stores a class by its index.
 */
export const FAILURE_CLASSES = [
  'invalid_number',
  'not_capable',
  'unreachable',
  'carrier_filtered',
  'blocked_or_opted_out',
  'registration',
  'rate_limited',
  'policy',
  'expired',
  'other',
] as const;
export const failureClassSchema = z.enum(FAILURE_CLASSES);
export type FailureClass = z.infer<typeof failureClassSchema>;

/** A mobile network as MCC-MNC: 3 digits of country code and 2 or 3 of network code (`23410`). */
export const carrierSchema = z.string().regex(/^\d{5,6}$/, 'must be an MCC-MNC such as 23410');

/**
 * Every limit of the canonical event, in one table (STYLE §16: what storage can hold). Strings are
 * `storableText` (no control characters, no unpaired surrogates) and bounded; ids are printable
 * ASCII without spaces (which implies storable, and lets `recordKey` separate its parts by a space).
 *
 * | field                                   | rule                                                   |
 * | --------------------------------------- | ------------------------------------------------------ |
 * | eventId, tenantId, campaignId, messageId | 1–200 printable ASCII characters, no spaces            |
 * | recipientId (on the topic)              | an id as above (ingest's `r_…` pseudonym)              |
 * | recipientId (posted, before pseudonymization) | storable text, 1–320 characters                  |
 * | segment, variant, sender, feature       | storable text, 1–200 characters                        |
 * | errorCode                               | storable text, 1–100 characters                        |
 * | url                                     | http(s) URL, ≤ 2048 characters, storable               |
 * | cost.amount, value.amount               | finite, 0 ≤ amount ≤ 1e9, at most 4 decimal places     |
 * | currency                                | ISO-4217 code (3 upper-case letters)                   |
 * | occurredAt                              | ISO-8601 with offset, 2000-01-01 ≤ t < 2100-01-01 (UTC) |
 * | score                                   | integer 1..5                                           |
 * | clickClass                              | `human` or `bot`, on `clicked` only                    |
 * | failureClass, permanent                 | a `FAILURE_CLASSES` value and a boolean, on `failed` only |
 * | carrier                                 | MCC-MNC, 5 or 6 digits                                 |
 *
 * Ingest also refuses an `occurredAt` more than `MAX_FUTURE_SKEW_MS` (24 h) after it received the
 * event (`isTooFarInFuture`): that depends on the receipt time, so it is not part of the schema.
 */
export const LIMITS = {
  id: 200,
  label: 200,
  errorCode: 100,
  rawRecipient: 320,
  url: 2048,
  amountMax: 1e9,
  amountDecimals: 4,
  earliest: '2000-01-01T00:00:00.000Z',
  latest: '2100-01-01T00:00:00.000Z',
} as const;

/** Identifiers: non-empty, bounded, printable; they end up in Redis keys, record keys and URLs. */
export const idSchema = z
  .string()
  .min(1)
  .max(LIMITS.id)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** Money amounts are kept in units of 1/10,000: `moneyUnits(amount)` is an exact integer. */
export const MONEY_SCALE = 10 ** LIMITS.amountDecimals;

/** True when `x` is (the double nearest to) a decimal with at most 4 fraction digits. */
export function hasMoneyPrecision(x: number): boolean {
  return Number.isFinite(x) && Number(x.toFixed(LIMITS.amountDecimals)) === x;
}

/** A provider's price rounded to Tally's precision (4 decimal places), so it passes `moneySchema`. */
export function roundAmount(x: number): number {
  return Number(x.toFixed(LIMITS.amountDecimals));
}

/**
 * `amount × 10^4` as the exact integer it is for every valid amount (≤ 1e9 × 10^4 = 1e13 < 2^53):
 * what a counter adds, so money sums are exact integers, never accumulated floats.
 */
export function moneyUnits(amount: number): number {
  return Math.round(amount * MONEY_SCALE);
}

/**
 * Money: `amount` finite, 0 ≤ amount ≤ 1e9, at most 4 decimal places (so `amount × 10^4` is an exact
 * integer, see `moneyUnits`); `currency` an ISO-4217 code.
 */
export const moneySchema = z.strictObject({
  amount: z
    .number()
    .finite()
    .nonnegative()
    .max(LIMITS.amountMax)
    .refine(hasMoneyPrecision, `must have at most ${LIMITS.amountDecimals} decimal places`),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code such as USD'),
});
export type Money = z.infer<typeof moneySchema>;

const EARLIEST_MS = Date.parse(LIMITS.earliest);
const LATEST_MS = Date.parse(LIMITS.latest);

/**
 * ISO-8601 with an explicit offset or Z, between 2000-01-01 (inclusive) and 2100-01-01 (exclusive),
 * normalized to UTC milliseconds.
 */
export const timestampSchema = z.iso
  .datetime({ offset: true })
  .refine(isWithinEventYears, 'must be between 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z')
  .transform(toUtcIso);

/**
 * A timestamp already in the form `toISOString` gives (UTC, milliseconds, a four-digit year): what
 * ingest publishes, so nearly every record on the topic. For such a string that passed the format
 * check, the time is its text: the year range is a comparison of the first four digits and the
 * normalization returns it unchanged, without building a Date (1.3 µs of the 4 µs a record cost).
 */
const CANONICAL_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** True when the time `s` says is in [2000-01-01, 2100-01-01); not a time at all is the format check's to report. */
export function isWithinEventYears(s: string): boolean {
  if (CANONICAL_UTC.test(s) && s >= '2000' && s < '2100') return true;
  const t = Date.parse(s);
  return Number.isNaN(t) || (t >= EARLIEST_MS && t < LATEST_MS);
}

/** A valid timestamp normalized to UTC milliseconds (`2026-12-07T06:00:00.000Z`). */
export function toUtcIso(s: string): string {
  return CANONICAL_UTC.test(s) ? s : new Date(s).toISOString();
}

/** How far after its receipt an event may say it happened (clock skew between sources). */
export const MAX_FUTURE_SKEW_MS = 24 * 3600 * 1000;

/** True when `occurredAt` (a valid timestamp) is more than 24 h after `receivedAt`. */
export function isTooFarInFuture(occurredAt: string, receivedAt: Date): boolean {
  return Date.parse(occurredAt) > receivedAt.getTime() + MAX_FUTURE_SKEW_MS;
}

const label = () => storableText(LIMITS.label);

/**
 * A tracked link: http(s), ≤ 2048 characters, storable. zod trims it and drops tabs and newlines
 * before the other checks (and in its output), so the generated validator hands this one field to
 * zod rather than copying that rule.
 */
export const urlSchema = z
  .url({ protocol: /^https?$/ })
  .max(LIMITS.url)
  .refine(isStorableText, 'must not contain control characters or unpaired surrogates');

const eventFields = {
  eventId: idSchema,
  type: eventTypeSchema,
  occurredAt: timestampSchema,
  channel: channelSchema,
  campaignId: idSchema.optional(),
  messageId: idSchema.optional(),
  recipientId: idSchema.optional(),
  segment: label().optional(),
  variant: label().optional(),
  provider: providerSchema.optional(),
  sender: label().optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO-3166 alpha-2 code such as GB')
    .optional(),
  errorCode: storableText(LIMITS.errorCode).optional(),
  cost: moneySchema.optional(),
  value: moneySchema.optional(),
  url: urlSchema.optional(),
  feature: label().optional(),
  score: z.number().int().min(1).max(5).optional(),
  clickClass: clickClassSchema.optional(),
  failureClass: failureClassSchema.optional(),
  permanent: z.boolean().optional(),
  carrier: carrierSchema.optional(),
};

/** The rules between fields of an event; an issue on `ctx` for each one broken. */
export function crossFieldRules(
  e: {
    type: EventType;
    score?: number | undefined;
    value?: Money | undefined;
    clickClass?: ClickClass | undefined;
    failureClass?: FailureClass | undefined;
    permanent?: boolean | undefined;
    cost?: Money | undefined;
    campaignId?: string | undefined;
    messageId?: string | undefined;
    recipientId?: string | undefined;
  },
  ctx: z.RefinementCtx,
) {
  heldOutRules(e, ctx);
  if (e.type === 'survey_answered' && e.score === undefined) {
    ctx.addIssue({ code: 'custom', path: ['score'], message: 'survey_answered needs a score of 1..5' });
  }
  if (e.score !== undefined && e.type !== 'survey_answered') {
    ctx.addIssue({ code: 'custom', path: ['score'], message: 'score is only allowed on survey_answered' });
  }
  if (e.value !== undefined && e.type !== 'converted') {
    ctx.addIssue({ code: 'custom', path: ['value'], message: 'value is only allowed on converted' });
  }
  if (e.clickClass !== undefined && e.type !== 'clicked') {
    ctx.addIssue({ code: 'custom', path: ['clickClass'], message: 'clickClass is only allowed on clicked' });
  }
  if (e.failureClass !== undefined && e.type !== 'failed') {
    ctx.addIssue({
      code: 'custom',
      path: ['failureClass'],
      message: 'failureClass is only allowed on failed',
    });
  }
  if (e.permanent !== undefined && e.type !== 'failed') {
    ctx.addIssue({ code: 'custom', path: ['permanent'], message: 'permanent is only allowed on failed' });
  }
}

/**
 * `held_out` (issue 21): a recipient the sender deliberately did not message in a campaign — the
 * campaign's control arm. It names the recipient and the campaign and no message (there is none),
 * and carries no money.
 */
function heldOutRules(
  e: {
    type: EventType;
    cost?: Money | undefined;
    campaignId?: string | undefined;
    messageId?: string | undefined;
    recipientId?: string | undefined;
  },
  ctx: z.RefinementCtx,
) {
  if (e.type !== 'held_out') return;
  if (e.campaignId === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['campaignId'],
      message: 'held_out needs the campaign it held the recipient out of',
    });
  if (e.recipientId === undefined)
    ctx.addIssue({ code: 'custom', path: ['recipientId'], message: 'held_out needs the recipient' });
  if (e.messageId !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['messageId'],
      message: 'held_out names no message (none was sent)',
    });
  if (e.cost !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['cost'],
      message: 'cost is not allowed on held_out (nothing was sent)',
    });
}

/**
 * An import's id (issue 22, `PUT /v1/imports/:importId/parts/:part`): chosen by the sender, so a
 * retried upload names the same import. Letters, digits, `_` and `-`, 1–64 characters (it becomes
 * part of a Redis key and a Postgres key).
 */
export const importIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -');

/**
 * What travels on the events topic: tenantId is set by ingest, recipientId is already pseudonymized
 * (an id: printable ASCII, ≤ 200). Limits: `LIMITS` above. `importId` is set by ingest, only on the
 * events of an import (never from a sender's body): the aggregator judges an imported event late
 * by the tenant's backfill window instead of its horizon (docs/semantics.md §0).
 */
export const canonicalEventSchema = z
  .strictObject({ ...eventFields, tenantId: idSchema, importId: importIdSchema.optional() })
  .superRefine(crossFieldRules);
export type CanonicalEvent = z.infer<typeof canonicalEventSchema>;

/**
 * What a sender posts to `POST /v1/events`: the canonical event without `tenantId` (it comes from
 * the API key, never from the body). `recipientId` here is the raw address (phone, e-mail, device
 * id); ingest pseudonymizes it before anything is published.
 */
export const inboundEventSchema = z
  .strictObject({ ...eventFields, recipientId: storableText(LIMITS.rawRecipient).optional() })
  .superRefine(crossFieldRules);
export type InboundEvent = z.infer<typeof inboundEventSchema>;
