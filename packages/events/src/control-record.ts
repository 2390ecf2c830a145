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

/** Header marking a record the aggregator forwarded (an event) or wrote (a control record). */
export const FORWARDED_HEADER = 'tally-forwarded';
