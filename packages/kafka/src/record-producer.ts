/**
 * The aggregator's own writes to Kafka: dead letters (a record that cannot be applied, with its
 * reason) and records it forwards to another partition of the events topic (an event held for a
 * message whose recipient lives there). Acknowledged by all in-sync replicas before resolving, so
 * the consumer commits its offset only after they are durable.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { DeadLetter } from '@tally/events';
import type { Logger } from '@tally/logging';

export interface ForwardRecord {
  partition: number;
  key: string;
  value: string;
  /** The original record's timestamp (ms), kept so late-data rules see the original arrival. */
  timestamp: number;
  headers?: Record<string, string>;
}

export interface RecordProducer {
  connect(): Promise<void>;
  deadLetter(topic: string, letters: DeadLetter[]): Promise<void>;
  forward(topic: string, records: ForwardRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

export function createRecordProducer(kafka: Kafka, logger: Logger): RecordProducer {
  const log = logger.child({ component: 'record_producer' });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false });
  return {
    connect: () => producer.connect(),
    async deadLetter(topic, letters) {
      if (letters.length === 0) return;
      await producer.send({
        topic,
        acks: -1,
        messages: letters.map((l) => ({
          key: `${l.source.partition}:${l.source.offset}`,
          value: JSON.stringify(l),
        })),
      });
      for (const l of letters) log.warn({ source: l.source, reason: l.reason }, 'record_dead_lettered');
    },
    async forward(topic, records) {
      if (records.length === 0) return;
      await producer.send({
        topic,
        acks: -1,
        messages: records.map((r) => ({
          partition: r.partition,
          key: r.key,
          value: r.value,
          timestamp: String(r.timestamp),
          ...(r.headers ? { headers: r.headers } : {}),
        })),
      });
    },
    disconnect: () => producer.disconnect(),
  };
}
