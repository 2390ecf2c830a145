/**
 * How far behind the accepted events the served numbers are. `lagEvents` = Σ over partitions of
 * (Kafka high watermark − the aggregator's applied offset, each partition's `next`). `freshnessMs` = 0 when
 * nothing is behind; otherwise how long the oldest accepted-but-unapplied record has waited:
 * now − its Kafka timestamp (ingest's produce time; ingest answers 2xx only after this write).
 * That timestamp is found by bisecting ListOffsets-by-time over the last 7 days to 0.5 s (with the
 * watermarks and the horizon check, ≤ 23 Kafka round trips, only while behind, bounded to 750 ms). Without Kafka, or when it does not answer, both are null.
 *
 * A measurement is served for up to a second. One measurement runs at a time (concurrent reads
 * share it), and while reads keep coming it is renewed in the background once it is 750 ms old,
 * so a read waits for one only when none was made in the last second (the first read, or after
 * an idle second).
 */
import type { RedisClient } from '@tally/redis';
import { readAppliedOffsets, type RedisKeys } from '@tally/counters';
import { createTopicAdmin, oldestRecordTime, type Kafka } from '@tally/kafka';
import type { Logger } from '@tally/logging';

export interface Freshness {
  freshnessMs: number | null;
  lagEvents: number | null;
}
export type FreshnessSource = (now: number) => Promise<Freshness>;
export const unknownFreshness: FreshnessSource = () =>
  Promise.resolve({ freshnessMs: null, lagEvents: null });

const HORIZON_MS = 7 * 86_400_000;
/** A KPI read never waits longer than this for freshness; it answers null instead. */
const TIMEOUT_MS = 750;
/** A measurement is served this long… */
const MAX_AGE_MS = 1000;
/** …and renewed in the background from this age on, while reads keep coming. */
const RENEW_AFTER_MS = 750;

export function kafkaFreshness(opts: {
  kafka: Kafka;
  topic: string;
  redis: RedisClient;
  keys: RedisKeys;
  logger: Logger;
}): { source: FreshnessSource; close: () => Promise<void> } {
  const admin = createTopicAdmin(opts.kafka);
  let cached: { at: number; value: Freshness } | undefined;
  async function measure(now: number): Promise<Freshness> {
    const marks = await admin.watermarks(opts.topic);
    const applied = await readAppliedOffsets(
      opts.redis,
      opts.keys,
      opts.topic,
      marks.map((m) => m.partition),
    );
    const behind = marks
      .map((m) => {
        const next = Math.max(applied[`${opts.topic}:${m.partition}`] ?? 0, Number(m.low));
        return { partition: m.partition, next, lag: Math.max(0, Number(m.high) - next) };
      })
      .filter((p) => p.lag > 0);
    const lagEvents = behind.reduce((s, p) => s + p.lag, 0);
    if (lagEvents === 0) return { freshnessMs: 0, lagEvents };
    // The oldest waiting record's time: on every partition behind, the first record at or after
    // it is still unapplied.
    const oldest = await oldestRecordTime(
      admin,
      opts.topic,
      behind.map((p) => ({ partition: p.partition, offset: p.next })),
      { now, horizonMs: HORIZON_MS, resolutionMs: 500 },
    );
    if (oldest === undefined) return { freshnessMs: HORIZON_MS, lagEvents };
    return { freshnessMs: Math.max(0, now - oldest), lagEvents };
  }
  let running: Promise<Freshness> | undefined;
  /** One measurement at a time; failures are kept too: a Kafka outage must not slow reads down. */
  const renew = (now: number): Promise<Freshness> => {
    running ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      });
      let value: Freshness;
      try {
        value = await Promise.race([measure(now), timeout]);
      } catch (err) {
        opts.logger.warn({ err: (err as Error).message }, 'freshness_unavailable');
        value = { freshnessMs: null, lagEvents: null };
      } finally {
        clearTimeout(timer);
      }
      cached = { at: now, value };
      return value;
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  return {
    async source(now) {
      const age = cached ? now - cached.at : Infinity;
      if (cached && age < MAX_AGE_MS) {
        if (age >= RENEW_AFTER_MS) void renew(now);
        return cached.value;
      }
      return renew(now);
    },
    async close() {
      await running;
      await admin.close().catch(() => undefined);
    },
  };
}
