/**
 * Payload of the dead-letter topic: the original bytes (as text) and why they were refused.
 *
 * Limits (the dead letter is itself a record other code stores and logs, so it must never be
 * poison): `reason` storable text of 1–1000 characters; `source.topic` a Kafka topic name
 * (`[A-Za-z0-9._-]`, ≤ 249); `source.partition` 0..2^31−1; `source.offset` the decimal offset;
 * `payload` well-formed text of at most 512 KiB characters (control characters are allowed: a
 * refused record is kept as it was, and JSON escapes them), cut with `payloadTruncated: true` when
 * longer; `failedAt` an ISO-8601 UTC time. Build one with `deadLetterOf`, which makes any input fit.
 */
import { z } from 'zod';
import { isStorableText, storableText } from './text.ts';

// eslint-disable-next-line no-control-regex -- the point is to replace control characters
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** `s` with every unpaired surrogate replaced by U+FFFD (what a UTF-8 encoder would write). */
function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATES, '\ufffd');
}

/** `s` made storable: unpaired surrogates and control characters become U+FFFD, cut to `max`. */
function storableOrReplaced(s: string, max: number): string {
  const cleaned = wellFormed(wellFormed(s).replace(CONTROL_CHARS, '\ufffd').slice(0, max));
  return cleaned.length > 0 && isStorableText(cleaned) ? cleaned : 'unknown';
}

export const DEAD_LETTER_LIMITS = { reason: 1000, payload: 512 * 1024, topic: 249 } as const;

export const deadLetterSchema = z.strictObject({
  reason: storableText(DEAD_LETTER_LIMITS.reason),
  source: z.strictObject({
    topic: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'must be a Kafka topic name')
      .max(DEAD_LETTER_LIMITS.topic),
    partition: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    offset: z.string().regex(/^\d{1,20}$/, 'must be a decimal offset'),
  }),
  payload: z
    .string()
    .max(DEAD_LETTER_LIMITS.payload)
    .refine((s) => !LONE_SURROGATE.test(s), 'must be well-formed UTF-16'),
  payloadTruncated: z.boolean().optional(),
  failedAt: z.iso.datetime(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

/** A dead letter that satisfies `deadLetterSchema` whatever the reason and payload contain. */
export function deadLetterOf(input: {
  reason: string;
  source: DeadLetter['source'];
  payload: string | Buffer;
  failedAt: Date;
}): DeadLetter {
  const text = wellFormed(typeof input.payload === 'string' ? input.payload : input.payload.toString('utf8'));
  const truncated = text.length > DEAD_LETTER_LIMITS.payload;
  return {
    reason: storableOrReplaced(input.reason, DEAD_LETTER_LIMITS.reason),
    source: input.source,
    payload: truncated ? wellFormed(text.slice(0, DEAD_LETTER_LIMITS.payload)) : text,
    ...(truncated ? { payloadTruncated: true } : {}),
    failedAt: input.failedAt.toISOString(),
  };
}
