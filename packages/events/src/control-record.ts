/**
 * Control records the aggregator writes to the events topic for itself (they never come from
 * ingest). `handover`: the message `messageId` of `tenantId`, held on this partition without a
 * known recipient, now has a recipient whose events live on `partition`; the holder forwards the
 * message's events there (docs/semantics.md, "Events without a recipient").
 */
import { z } from 'zod';
import { idSchema } from './canonical-event.ts';

export const handoverSchema = z.strictObject({
  control: z.literal('handover'),
  tenantId: idSchema,
  messageId: idSchema,
  partition: z.number().int().min(0).max(100_000),
});
export type Handover = z.infer<typeof handoverSchema>;

/**
 * Header marking a record the aggregator forwarded (an event) or wrote (a control record). Its
 * value names the state that wrote it (the Redis key prefix): such a record is an internal step
 * of that state, and another state consuming the same topic (a second deployment, a benchmark's
 * second group) must skip it — it reads the original event and forwards it itself. "1" (records
 * written before the value was the prefix) counts as one's own.
 */
export const FORWARDED_HEADER = 'tally-forwarded';

/** Whether a record's forwarded-header value (absent = an ingest record) belongs to another state. */
export function forwardedByOther(header: Buffer | string | undefined, prefix: string): boolean {
  if (header === undefined) return false;
  const by = header.toString();
  return by !== '1' && by !== prefix;
}
