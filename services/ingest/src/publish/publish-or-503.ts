/**
 * The one place ingest turns "Kafka did not acknowledge" into a 503 (so the sender or provider
 * retries) and counts what was published, for every route that answers only after the ack.
 */
import type { CanonicalEvent } from '@tally/events';
import { AppError } from '@tally/http';
import { KafkaUnavailableError } from '@tally/kafka';
import type { IngestDeps } from '../deps.ts';

export async function publishOr503(
  deps: IngestDeps,
  events: CanonicalEvent[],
  source: string,
): Promise<void> {
  try {
    await deps.publisher.publish(events);
  } catch (err) {
    if (err instanceof KafkaUnavailableError) {
      deps.metrics.publishFailures.inc();
      throw new AppError('kafka_unavailable', `events not accepted, retry later: ${err.message}`);
    }
    throw err;
  }
  if (events.length > 0) deps.metrics.eventsPublished.inc({ source }, events.length);
}
