/**
 * The consumer side: read batches from the events topic, dead-letter what cannot be decoded,
 * apply the rest to Redis in one script call (with the partition offsets, see @tally/counters
 * apply.ts), then let the batch consumer resolve and commit. A watchdog checks between batches
 * that Redis still holds the state and rebuilds it from the last snapshot when it does not
 * (recovery.ts); snapshots run on an interval and once more at shutdown.
 */
import type { Producer } from 'kafkajs';
import { applyBatch, readEpoch, sweepParked, type ApplyResult, type BatchInput } from '@tally/counters';
import { TOPICS, type DeadLetter } from '@tally/events';
import { createBatchConsumer, ensureTopics, type BatchConsumer, type BatchContext } from '@tally/kafka';
import { decodeMessage } from './decode.ts';
import type { AggregatorDeps } from './deps.ts';
import { ensureState } from './recovery.ts';
import { createSnapshotter } from './snapshotter.ts';
import { createTenantWindows } from './tenant-windows.ts';

export interface Aggregator {
  start(): Promise<void>;
  /** Stops consuming (finishing the batch in flight and committing), then takes a last snapshot. */
  stop(): Promise<void>;
  snapshot(): Promise<number>;
  isRunning(): boolean;
}

export function createAggregator(deps: AggregatorDeps): Aggregator {
  const log = deps.logger.child({ component: 'aggregator' });
  const cfg = deps.config;
  const tenantWindows = createTenantWindows(deps.pool, cfg.TENANT_SETTINGS_TTL_MS);
  let dlqProducer: Producer | undefined;
  let consumer: BatchConsumer | undefined;
  let timers: NodeJS.Timeout[] = [];
  let knownEpoch: string | null = null;
  let lastSweep = 0;
  const snapshotter = createSnapshotter({
    redis: deps.redis,
    keys: deps.keys,
    pool: deps.pool,
    logger: deps.logger,
    groupId: cfg.AGGREGATOR_GROUP_ID,
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

  async function decodeBatch(batch: BatchContext): Promise<BatchInput['events']> {
    const events: BatchInput['events'] = [];
    const letters: DeadLetter[] = [];
    for (const m of batch.messages) {
      const d = decodeMessage(m);
      if (d.ok) events.push({ offset: m.offset, event: d.event });
      else
        letters.push({
          reason: d.reason,
          payload: d.payload,
          source: { topic: batch.topic, partition: batch.partition, offset: m.offset },
          failedAt: new Date().toISOString(),
        });
    }
    await deadLetter(batch, letters);
    deps.metrics.events.inc({ outcome: 'dead_letter' }, letters.length);
    return events;
  }

  async function lowWatermark(partition: number): Promise<bigint> {
    const admin = deps.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(deps.topics.events);
      return BigInt(offsets.find((o) => o.partition === partition)?.low ?? '0');
    } finally {
      await admin.disconnect();
    }
  }

  /** Rebuilds a lost state (or waits for another instance to), then re-reads the epoch. */
  async function recover(exceptPartition?: number): Promise<void> {
    await ensureState(deps.redis, deps.keys, deps.pool, deps.logger);
    await seekAssigned(exceptPartition);
  }

  /** After a rebuild: every partition this instance holds goes back to the restored offsets. */
  async function seekAssigned(exceptPartition?: number): Promise<void> {
    knownEpoch = await readEpoch(deps.redis, deps.keys);
    if (!consumer) return;
    const stored = await deps.redis.hgetall(deps.keys.offsets());
    for (const p of consumer.assigned()) {
      if (p === exceptPartition) continue;
      const offset = stored[`${deps.topics.events}:${p}`] ?? '0';
      log.info({ partition: p, offset }, 'partition_rewound');
      consumer.seek(p, offset);
    }
  }

  async function handleBatch(batch: BatchContext): Promise<void | { seekTo: string }> {
    const end = deps.metrics.batchDuration.startTimer();
    const first = batch.messages[0]?.offset ?? '0';
    const last = batch.messages[batch.messages.length - 1]?.offset ?? first;
    const events = await decodeBatch(batch);
    const input: BatchInput = {
      topic: batch.topic,
      partition: batch.partition,
      firstOffset: first,
      lastOffset: last,
      events,
      windows: await tenantWindows.forTenants(
        events.map((e) => e.event.tenantId),
        Date.now(),
      ),
    };
    for (;;) {
      const r = await applyBatch(deps.redis, input, applyOptions());
      if (r.status === 'lost') {
        await recover(batch.partition);
        continue;
      }
      if (r.status === 'seek') {
        const low = await lowWatermark(batch.partition);
        if (BigInt(r.offset) >= low) return { seekTo: r.offset };
        if (BigInt(first) !== low) return { seekTo: low.toString() };
        log.warn({ partition: batch.partition, from: r.offset, to: first }, 'offset_gap_accepted');
        input.allowGap = true;
        continue;
      }
      count(r);
      end();
      return;
    }
  }

  function applyOptions() {
    return {
      prefix: cfg.REDIS_PREFIX,
      messageTtlSeconds: cfg.MESSAGE_TTL_SECONDS,
      dedupeTtlSeconds: cfg.DEDUPE_TTL_SECONDS,
      recipientTtlSeconds: cfg.RECIPIENT_TTL_SECONDS,
      minuteTtlSeconds: cfg.MINUTE_BUCKET_TTL_SECONDS,
      now: Date.now(),
    };
  }

  function count(r: Extract<ApplyResult, { status: 'ok' }>): void {
    deps.metrics.events.inc({ outcome: 'applied' }, r.applied);
    deps.metrics.events.inc({ outcome: 'duplicate' }, r.duplicates);
    deps.metrics.events.inc({ outcome: 'parked' }, r.parked);
    deps.metrics.events.inc({ outcome: 'unattributed' }, r.unattributed);
    deps.metrics.events.inc({ outcome: 'replayed' }, r.skipped);
  }

  let watching = false;
  async function watchdog(): Promise<void> {
    if (watching) return;
    watching = true;
    try {
      await checkState();
    } finally {
      watching = false;
    }
  }

  async function checkState(): Promise<void> {
    const epoch = await readEpoch(deps.redis, deps.keys);
    if (epoch === null) await recover();
    else if (epoch !== knownEpoch) await seekAssigned();
    const now = Date.now();
    if (now - lastSweep >= 60_000 || cfg.PARK_TIMEOUT_SECONDS < 60) {
      lastSweep = now;
      const n = await sweepParked(deps.redis, deps.keys, now - cfg.PARK_TIMEOUT_SECONDS * 1000);
      if (n > 0) log.info({ receipts: n }, 'parked_receipts_unattributed');
    }
  }

  async function safely(name: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
      if (name === 'snapshot') deps.metrics.snapshots.inc({ result: 'ok' });
    } catch (err) {
      if (name === 'snapshot') deps.metrics.snapshots.inc({ result: 'error' });
      log.error({ err }, `${name}_failed`);
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
      await ensureState(deps.redis, deps.keys, deps.pool, deps.logger);
      knownEpoch = await readEpoch(deps.redis, deps.keys);
      dlqProducer = deps.kafka.producer({ allowAutoTopicCreation: false });
      await dlqProducer.connect();
      consumer = createBatchConsumer({
        kafka: deps.kafka,
        groupId: cfg.AGGREGATOR_GROUP_ID,
        topic: deps.topics.events,
        logger: deps.logger,
        handleBatch,
        partitionsConsumedConcurrently: cfg.PARTITIONS_CONSUMED_CONCURRENTLY,
        sessionTimeout: cfg.SESSION_TIMEOUT_MS,
      });
      consumer.raw.on(consumer.raw.events.END_BATCH_PROCESS, (e) => {
        deps.metrics.lag.set({ partition: String(e.payload.partition) }, Number(e.payload.offsetLag));
      });
      await consumer.start();
      timers = [
        setInterval(() => void safely('snapshot', () => snapshotter.tick()), cfg.SNAPSHOT_INTERVAL_MS),
        setInterval(() => void safely('watchdog', watchdog), cfg.WATCHDOG_INTERVAL_MS),
      ];
      for (const t of timers) t.unref();
      log.info({ topic: deps.topics.events, groupId: cfg.AGGREGATOR_GROUP_ID }, 'aggregator_started');
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      await consumer?.stop();
      await safely('snapshot', () => snapshotter.snapshot());
      await dlqProducer?.disconnect();
    },
  };
}
