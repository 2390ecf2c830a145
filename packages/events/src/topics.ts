/**
 * Every Kafka topic of Tally, named in one place. Partition counts are part of the contract:
 * the events topic is keyed by messageId (else recipient), so one message's events stay ordered
 * on one partition; 6 partitions let up to 6 aggregator instances share the work.
 */
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
 * The record key of the events topic: the tenant and the recipient (pseudonym) whenever the
 * recipient is known, so all of one person's events are on one partition in ingest order; else
 * the message; else the event. A space cannot occur in ids, so it separates unambiguously.
 */
export function recordKey(e: {
  tenantId: string;
  recipientId?: string | undefined;
  messageId?: string | undefined;
  eventId: string;
}): string {
  if (e.recipientId !== undefined) return `${e.tenantId} r ${e.recipientId}`;
  if (e.messageId !== undefined) return `${e.tenantId} m ${e.messageId}`;
  return `${e.tenantId} e ${e.eventId}`;
}
