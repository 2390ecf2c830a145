/**
 * Read-only questions about a topic, over one admin connection kept open: partitions and their
 * low/high watermarks (the aggregator's gap check and catch-up detection, query-api's freshness).
 */
import type { Admin, Kafka } from 'kafkajs';

export interface Watermark {
  partition: number;
  low: number;
  high: number;
}

export interface TopicAdmin {
  watermarks(topic: string): Promise<Watermark[]>;
  /** Per partition, the first offset whose record timestamp is at or after `ms` (high when none). */
  offsetsAt(topic: string, ms: number): Promise<{ partition: number; offset: number }[]>;
  close(): Promise<void>;
}

export function createTopicAdmin(kafka: Kafka): TopicAdmin {
  let admin: Promise<Admin> | undefined;
  const connect = () => {
    admin ??= (async () => {
      const a = kafka.admin();
      await a.connect();
      return a;
    })().catch((err: unknown) => {
      admin = undefined;
      throw err;
    });
    return admin;
  };
  return {
    async watermarks(topic) {
      const offsets = await (await connect()).fetchTopicOffsets(topic);
      return offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }));
    },
    async offsetsAt(topic, ms) {
      const at = await (await connect()).fetchTopicOffsetsByTimestamp(topic, ms);
      return at.map((o) => ({ partition: o.partition, offset: Number(o.offset) }));
    },
    async close() {
      const a = admin;
      admin = undefined;
      if (a) await (await a).disconnect();
    },
  };
}
