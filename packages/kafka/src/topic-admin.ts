/**
 * Read-only questions about a topic, over one admin connection kept open: partitions and their
 * low/high watermarks (the aggregator's gap check and catch-up detection, query-api's freshness),
 * offsets by time, the topic's retention (the aggregator's start check), and the time of the
 * oldest record from given offsets on (freshness; the age of what a rebuild would replay).
 */
import kafkajs, { type Admin, type Kafka } from 'kafkajs';

// kafkajs is CommonJS, and Node's detection of its named exports stops before this one: the
// default import (module.exports) works both compiled and from source.
const { ConfigResourceTypes } = kafkajs;

export interface Watermark {
  partition: number;
  low: number;
  high: number;
}

/** How long the broker keeps a topic's records (its effective configuration). */
export interface Retention {
  /** `retention.ms`; null = kept forever (-1). */
  retentionMs: number | null;
  /** `retention.bytes` per partition; null = no size limit (-1). */
  retentionBytes: number | null;
  /** `cleanup.policy`: `delete`, `compact` or both. */
  cleanupPolicy: string[];
}

export interface TopicAdmin {
  watermarks(topic: string): Promise<Watermark[]>;
  /** Per partition, the first offset whose record timestamp is at or after `ms` (high when none). */
  offsetsAt(topic: string, ms: number): Promise<{ partition: number; offset: number }[]>;
  retention(topic: string): Promise<Retention>;
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
    async retention(topic) {
      const { resources } = await (
        await connect()
      ).describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic,
            configNames: ['retention.ms', 'retention.bytes', 'cleanup.policy'],
          },
        ],
      });
      const entries = resources[0]?.configEntries ?? [];
      const value = (name: string) => entries.find((e) => e.configName === name)?.configValue;
      const limit = (name: string) => {
        const n = Number(value(name) ?? -1);
        return n < 0 ? null : n;
      };
      return {
        retentionMs: limit('retention.ms'),
        retentionBytes: limit('retention.bytes'),
        cleanupPolicy: (value('cleanup.policy') ?? 'delete').split(',').map((s) => s.trim()),
      };
    },
    async close() {
      const a = admin;
      admin = undefined;
      if (a) await (await a).disconnect();
    },
  };
}

/**
 * The time of the oldest record at or after the given offsets (one per partition), found by
 * bisecting ListOffsets-by-time between `now − horizonMs` and `now` to `resolutionMs`: the latest t
 * such that, on every partition given, the first record at or after t is at or after its offset
 * (so no record from the offset on is older than t). Undefined when one is older than the horizon.
 * Exact for LogAppendTime; for CreateTime (the producer's clock, ingest's) as exact as those
 * clocks agree. About log2(horizon / resolution) + 1 round trips.
 */
export async function oldestRecordTime(
  admin: Pick<TopicAdmin, 'offsetsAt'>,
  topic: string,
  from: { partition: number; offset: number }[],
  opts: { now: number; horizonMs: number; resolutionMs: number },
): Promise<number | undefined> {
  const after = async (t: number) => {
    const at = await admin.offsetsAt(topic, t);
    return from.every((p) => (at.find((x) => x.partition === p.partition)?.offset ?? -1) <= p.offset);
  };
  let lo = opts.now - opts.horizonMs;
  let hi = opts.now;
  if (!(await after(lo))) return undefined;
  while (hi - lo > opts.resolutionMs) {
    const mid = Math.floor((lo + hi) / 2);
    if (await after(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
