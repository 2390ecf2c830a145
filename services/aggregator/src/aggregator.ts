/**
 * The consumer side: read batches from the events topic, dead-letter what cannot be decoded,
 * apply the rest to Redis in one script call, then let the batch consumer resolve and commit.
 * Snapshots run on an interval and once more at shutdown.
 */
import type { Producer } from 'kafkajs';
import { applyEvents } from '@tally/counters';
import { TOPICS, type CanonicalEvent, type DeadLetter } from '@tally/events';
import { createBatchConsumer, ensureTopics, type BatchConsumer, type BatchContext } from '@tally/kafka';
import { decodeMessage } from './decode.ts';
import type { AggregatorDeps } from './deps.ts';
import { createSnapshotter } from './snapshotter.ts';

export interface Aggregator {
  start(): Promise<void>;
  /** Stops consuming (finishing the batch in flight and committing), then takes a last snapshot. */
  stop(): Promise<void>;
  snapshot(): Promise<number>;
  isRunning(): boolean;
}

export function createAggregator(deps: AggregatorDeps): Aggregator {
  const log = deps.logger.child({ component: 'aggregator' });
  const processed = new Map<number, string>();
  let dlqProducer: Producer | undefined;
  let consumer: BatchConsumer | undefined;
  let timer: NodeJS.Timeout | undefined;
  const snapshotter = createSnapshotter({
    redis: deps.redis,
    keys: deps.keys,
    pool: deps.pool,
    logger: deps.logger,
    groupId: deps.config.AGGREGATOR_GROUP_ID,
    topic: deps.topics.events,
    offsets: () => processed,
  });

  async function deadLetter(batch: BatchContext, letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    if (!dlqProducer) throw new Error('dead-letter producer not connected');
    await dlqProducer.send({
      topic: deps.topics.eventsDeadLetter,
      acks: -1,
      messages: letters.map((l) => ({
        key: `${batch.partition}:${l.source.offset}`,
        value: JSON.stringify(l),
      })),
    });
    for (const l of letters) log.warn({ source: l.source, reason: l.reason }, 'event_dead_lettered');
  }

  async function handleBatch(batch: BatchContext): Promise<void> {
    const end = deps.metrics.batchDuration.startTimer();
    const events: CanonicalEvent[] = [];
    const letters: DeadLetter[] = [];
    for (const m of batch.messages) {
      const d = decodeMessage(m);
      if (d.ok) events.push(d.event);
      else
        letters.push({
          reason: d.reason,
          payload: d.payload,
          source: { topic: batch.topic, partition: batch.partition, offset: m.offset },
          failedAt: new Date().toISOString(),
        });
    }
    await deadLetter(batch, letters);
    const r = await applyEvents(deps.redis, events, {
      prefix: deps.config.REDIS_PREFIX,
      messageTtlSeconds: deps.config.MESSAGE_TTL_SECONDS,
      dedupeTtlSeconds: deps.config.DEDUPE_TTL_SECONDS,
    });
    const last = batch.messages[batch.messages.length - 1];
    if (last) processed.set(batch.partition, (BigInt(last.offset) + 1n).toString());
    deps.metrics.events.inc({ outcome: 'applied' }, r.applied);
    deps.metrics.events.inc({ outcome: 'duplicate' }, r.duplicates);
    deps.metrics.events.inc({ outcome: 'parked' }, r.parked);
    deps.metrics.events.inc({ outcome: 'unattributed' }, r.unattributed);
    deps.metrics.events.inc({ outcome: 'dead_letter' }, letters.length);
    end();
  }

  async function snapshotSafely(): Promise<number> {
    try {
      const n = await snapshotter.snapshot();
      deps.metrics.snapshots.inc({ result: 'ok' });
      return n;
    } catch (err) {
      deps.metrics.snapshots.inc({ result: 'error' });
      log.error({ err }, 'snapshot_failed');
      return 0;
    }
  }

  return {
    isRunning: () => consumer?.isRunning() ?? false,
    snapshot: () => snapshotter.snapshot(),
    async start() {
      await deps.redis.connect();
      await ensureTopics(deps.kafka, [
        { name: deps.topics.events, partitions: TOPICS.events.partitions },
        { name: deps.topics.eventsDeadLetter, partitions: TOPICS.eventsDeadLetter.partitions },
      ]);
      dlqProducer = deps.kafka.producer({ allowAutoTopicCreation: false });
      await dlqProducer.connect();
      consumer = createBatchConsumer({
        kafka: deps.kafka,
        groupId: deps.config.AGGREGATOR_GROUP_ID,
        topic: deps.topics.events,
        logger: deps.logger,
        handleBatch,
        partitionsConsumedConcurrently: deps.config.PARTITIONS_CONSUMED_CONCURRENTLY,
      });
      consumer.raw.on(consumer.raw.events.END_BATCH_PROCESS, (e) => {
        deps.metrics.lag.set({ partition: String(e.payload.partition) }, Number(e.payload.offsetLag));
      });
      await consumer.start();
      timer = setInterval(() => void snapshotSafely(), deps.config.SNAPSHOT_INTERVAL_MS);
      timer.unref();
      log.info({ topic: deps.topics.events, groupId: deps.config.AGGREGATOR_GROUP_ID }, 'aggregator_started');
    },
    async stop() {
      clearInterval(timer);
      await consumer?.stop();
      await snapshotSafely();
      await dlqProducer?.disconnect();
    },
  };
}
