/**
 * Every record from the events topic ends as exactly one outcome: an event to apply (with its
 * offset and the timestamp ingest gave it), or a dead letter with the reason (bad JSON, schema
 * violation). Nothing is silently dropped.
 *
 * The hot path checks a record with the validators generated from the zod schemas
 * (`validateCanonicalEvent`, `validateHandover`, see packages/events/scripts/gen-validators.ts):
 * they accept exactly what the schemas accept and return the parsed JSON itself, normalized in
 * place, so an event is one object from the bytes to the state. A record they refuse is decoded
 * again by `decodeWithZod` (the schemas themselves), so a dead letter's reason is zod's, word for
 * word, as it always was; refusals are rare, so their cost does not matter.
 */
import type { KafkaMessage } from '@tally/kafka';
import type { InputRecord } from '@tally/counters';
import {
  type CanonicalEvent,
  canonicalEventSchema,
  describeIssues,
  handoverSchema,
  validateCanonicalEvent,
  validateHandover,
} from '@tally/events';

export type Decoded = { ok: true; record: InputRecord } | { ok: false; reason: string; payload: string };

export function decodeMessage(message: KafkaMessage): Decoded {
  const payload = message.value?.toString('utf8') ?? '';
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return decodeWithZod(message);
  }
  const timestamp = Number(message.timestamp);
  if (typeof json === 'object' && json !== null && 'control' in json) {
    const control = validateHandover(json);
    if (control) return { ok: true, record: { offset: Number(message.offset), timestamp, control } };
    return decodeWithZod(message);
  }
  const event = validateCanonicalEvent(json);
  if (!event) return decodeWithZod(message);
  return { ok: true, record: eventRecord(message, timestamp, event) };
}

/** The same decoding by the zod schemas alone: the reference the generated path is tested against. */
export function decodeWithZod(message: KafkaMessage): Decoded {
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
  return { ok: true, record: eventRecord(message, timestamp, parsed.data) };
}

function eventRecord(message: KafkaMessage, timestamp: number, event: CanonicalEvent): InputRecord {
  return {
    offset: Number(message.offset),
    // A record without a timestamp (never from ingest) is taken to have arrived when it happened.
    timestamp: Number.isFinite(timestamp) && timestamp > 0 ? timestamp : Date.parse(event.occurredAt),
    event,
  };
}
