/**
 * Every record from the events topic ends as exactly one outcome: an event to apply (with its
 * offset and the timestamp ingest gave it), or a dead letter with the reason (bad JSON, schema
 * violation). Nothing is silently dropped.
 */
import type { KafkaMessage } from '@tally/kafka';
import type { InputRecord } from '@tally/counters';
import { canonicalEventSchema, describeIssues, handoverSchema } from '@tally/events';

export type Decoded = { ok: true; record: InputRecord } | { ok: false; reason: string; payload: string };

export function decodeMessage(message: KafkaMessage): Decoded {
  const payload = message.value?.toString('utf8') ?? '';
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${(err as Error).message}`, payload };
  }
  const timestamp = Number(message.timestamp);
  if (typeof json === 'object' && json !== null && 'control' in json) {
    const control = handoverSchema.safeParse(json);
    if (control.success)
      return { ok: true, record: { offset: Number(message.offset), timestamp, control: control.data } };
    return { ok: false, reason: `schema: control record: ${control.error.message}`, payload };
  }
  const parsed = canonicalEventSchema.safeParse(json);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
    return { ok: false, reason: `schema: ${issues}`, payload };
  }
  return {
    ok: true,
    record: {
      offset: Number(message.offset),
      // A record without a timestamp (never from ingest) is taken to have arrived when it happened.
      timestamp: Number.isFinite(timestamp) && timestamp > 0 ? timestamp : Date.parse(parsed.data.occurredAt),
      event: parsed.data,
    },
  };
}
