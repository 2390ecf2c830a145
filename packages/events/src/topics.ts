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
