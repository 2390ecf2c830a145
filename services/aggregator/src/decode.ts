/**
 * Every message from the events topic ends as exactly one outcome: a valid event to apply, or a
 * dead letter with the reason (bad JSON, schema violation). Nothing is silently dropped.
 */
import type { KafkaMessage } from 'kafkajs';
import { canonicalEventSchema, describeIssues, type CanonicalEvent } from '@tally/events';

export type Decoded = { ok: true; event: CanonicalEvent } | { ok: false; reason: string; payload: string };

export function decodeMessage(message: KafkaMessage): Decoded {
  const payload = message.value?.toString('utf8') ?? '';
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${(err as Error).message}`, payload };
  }
  const parsed = canonicalEventSchema.safeParse(json);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
    return { ok: false, reason: `schema: ${issues}`, payload };
  }
  return { ok: true, event: parsed.data };
}
