import { z } from 'zod';

/** Payload of the dead-letter topic: the original bytes (as text) and why they were refused. */
export const deadLetterSchema = z.strictObject({
  reason: z.string(),
  source: z.strictObject({ topic: z.string(), partition: z.number().int(), offset: z.string() }),
  payload: z.string(),
  failedAt: z.string(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;
