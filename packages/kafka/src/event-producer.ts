/**
 * Publishes canonical events. One call is one Kafka produce request (kafkajs groups the messages
 * per partition leader), acknowledged by all in-sync replicas (acks = -1). A call either resolves
 * after the broker acknowledged every event, or rejects with KafkaUnavailableError — callers turn
 * that into a 503 so the sender retries; they never answer 2xx for an unpublished event.
 * Records are keyed by `recordKey` (`@tally/events`): all of one recipient's events share a partition.
 */
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { canonicalEventSchema, recordKey, type CanonicalEvent } from '@tally/events';
import type { Logger } from '@tally/logging';

export class KafkaUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaUnavailableError';
  }
}

export interface EventProducer {
  connect(): Promise<void>;
  publish(events: CanonicalEvent[]): Promise<void>;
  isConnected(): boolean;
  disconnect(): Promise<void>;
}

export interface EventProducerOptions {
  kafka: Kafka;
  topic: string;
  logger: Logger;
  /** Upper bound for one publish, retries included (ms). */
  publishTimeoutMs: number;
  /**
   * Validate each event against the canonical schema before sending (default true). Ingest turns
   * it off: its finalize step has validated every event already, once (issue 20).
   */
  validate?: boolean;
}

export function createEventProducer(opts: EventProducerOptions): EventProducer {
  const log = opts.logger.child({ component: 'event_producer' });
  const validate = opts.validate ?? true;
  const producer: Producer = opts.kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { initialRetryTime: 100, retries: 3, maxRetryTime: 1000 },
  });
  let connected = false;
  producer.on(producer.events.CONNECT, () => {
    connected = true;
  });
  producer.on(producer.events.DISCONNECT, () => {
    connected = false;
  });

  async function send(events: CanonicalEvent[]): Promise<void> {
    await producer.send({
      topic: opts.topic,
      acks: -1,
      timeout: opts.publishTimeoutMs,
      messages: events.map((e) => ({
        key: recordKey(e),
        value: JSON.stringify(validate ? canonicalEventSchema.parse(e) : e),
      })),
    });
  }

  return {
    async connect() {
      await producer.connect();
    },
    isConnected: () => connected,
    async publish(events) {
      if (events.length === 0) return;
      if (!connected) throw new KafkaUnavailableError('not connected to Kafka');
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new KafkaUnavailableError(`Kafka did not acknowledge within ${opts.publishTimeoutMs} ms`)),
          opts.publishTimeoutMs,
        );
      });
      try {
        await Promise.race([send(events), deadline]);
      } catch (err) {
        if (err instanceof KafkaUnavailableError) throw err;
        log.warn({ err, events: events.length }, 'publish_failed');
        throw new KafkaUnavailableError('Kafka did not acknowledge the events', { cause: err });
      } finally {
        clearTimeout(timer);
      }
    },
    async disconnect() {
      await producer.disconnect();
    },
  };
}
