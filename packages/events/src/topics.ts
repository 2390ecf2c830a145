/**
 * Every Kafka topic of Tally, named in one place, with the facts of each topic that producers and
 * consumers must agree on. Partition counts are part of the contract: 6 partitions let up to 6
 * aggregator instances share the work.
 *
 * The events topic is keyed by **recipient** (`recordKey`): every event of one person in one tenant
 * — sends, receipts, replies, opt-outs, clicks, conversions, from every source — lands on one
 * partition in ingest order, so attribution through the recipient never depends on which partition
 * the aggregator happens to apply first. An event without a recipient is keyed by its message
 * (so one message's recipient-less events stay together), else by its own event id.
 */
import type { CanonicalEvent } from './canonical-event.ts';

export const TOPICS = {
  events: { name: 'tally.events.v1', partitions: 6 },
  eventsDeadLetter: { name: 'tally.events.dlq.v1', partitions: 1 },
} as const;

export interface TopicNames {
  events: string;
  eventsDeadLetter: string;
}

/** Topic names with an optional suffix, so each integration test can use topics of its own. */
export function topicNames(suffix = ''): TopicNames {
  const s = suffix ? `.${suffix}` : '';
  return { events: TOPICS.events.name + s, eventsDeadLetter: TOPICS.eventsDeadLetter.name + s };
}

/**
 * The Kafka record key of an event on the events topic:
 * `<tenantId> r <recipientId>` when the recipient is known, else `<tenantId> m <messageId>`, else
 * `<tenantId> e <eventId>`. Ids never contain a space (`idSchema`), so the separator is
 * unambiguous and the three kinds cannot collide. The recipient is the pseudonym ingest publishes.
 */
export function recordKey(
  e: Pick<CanonicalEvent, 'tenantId' | 'recipientId' | 'messageId' | 'eventId'>,
): string {
  if (e.recipientId !== undefined) return `${e.tenantId} r ${e.recipientId}`;
  if (e.messageId !== undefined) return `${e.tenantId} m ${e.messageId}`;
  return `${e.tenantId} e ${e.eventId}`;
}
