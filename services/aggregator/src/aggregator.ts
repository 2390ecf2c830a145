/**
 * The consumer side: each owned partition of the events topic has a PartitionApplier (its
 * processor, @tally/counters partition/applier.ts) over a PartitionStore (partition/store.ts: the
 * exactly-once argument). A batch is decoded — what
 * cannot be decoded is dead-lettered with its reason — and applied; a record the state refuses is
 * isolated by splitting the batch (apply-isolated.ts) and dead-lettered, so one record never
 * holds its partition. A watchdog checks between batches that Redis still holds the state and
 * rebuilds it from the last snapshot when it does not (recovery.ts); snapshots run on an interval
 * and once more at shutdown; retirement sweeps run per partition between batches.
 */
import { PartitionApplier, wholeEpoch, type ApplyOutcome } from '@tally/counters';
import { deadLetterOf, FORWARDED_HEADER, forwardedByOther, TOPICS, type DeadLetter } from '@tally/events';
import {
  createBatchConsumer,
  createRecordProducer,
  createTopicAdmin,
  ensureTopics,
  type BatchConsumer,
  type BatchContext,
} from '@tally/kafka';
import { applyIsolated } from './apply-isolated.ts';
import { decodeMessage } from './decode.ts';
import type { AggregatorDeps } from './deps.ts';
import { registerRebuildHorizon } from './rebuild-horizon.ts';
import { defaultMessageHome, ensureState } from './recovery.ts';
import { retentionProblem, RetentionTooShortError } from './retention.ts';
import { createSnapshotter } from './snapshotter.ts';
import { createTenantWindows } from './tenant-windows.ts';

export interface Aggregator {
  start(): Promise<void>;
  /** Stops consuming (finishing the batch in flight and committing), then takes a last snapshot. */
  stop(): Promise<void>;
  snapshot(): Promise<number>;
  /** Consuming: a member of the group, with whole state. */
  isReady(): boolean;
  isRunning(): boolean;
}

export interface AggregatorHooks {
  /** The consumer crashed for good: the process cannot do its job (main.ts exits non-zero). */
  onFatal?: (err: unknown) => void;
}

export function createAggregator(deps: AggregatorDeps, hooks: AggregatorHooks = {}): Aggregator {
  const log = deps.logger.child({ component: 'aggregator' });
  const cfg = deps.config;
  const topic = deps.topics.events;
  const windows = createTenantWindows(deps.pool, cfg.TENANT_SETTINGS_TTL_MS);
  const producer = createRecordProducer(deps.kafka, deps.logger);
  const admin = createTopicAdmin(deps.kafka);
  registerRebuildHorizon({
    pool: deps.pool,
    admin,
    topic,
    statePrefix: deps.keys.prefix,
    registry: deps.registry,
    logger: log,
  });
  const appliers = new Map<number, PartitionApplier>();
  const messageHome = defaultMessageHome(TOPICS.events.partitions);
  let consumer: BatchConsumer | undefined;
  let timers: NodeJS.Timeout[] = [];
  let knownEpoch: string | null = null;
  let rebuilding = false;
  /** One thing at a time per partition: its batches and its retirement sweeps. */
  const busy = new Map<number, Promise<unknown>>();
  function serially<T>(partition: number, fn: () => Promise<T>): Promise<T> {
    const run = (busy.get(partition) ?? Promise.resolve()).catch(() => undefined).then(fn);
    busy.set(partition, run);
    return run;
  }
  const snapshotter = createSnapshotter({
    redis: deps.redis,
    keys: deps.keys,
    pool: deps.pool,
    logger: deps.logger,
    groupId: cfg.AGGREGATOR_GROUP_ID,
    topic,
    partitions: TOPICS.events.partitions,
  });

  function applierFor(partition: number): PartitionApplier {
    let a = appliers.get(partition);
    if (!a) {
      a = new PartitionApplier({
        redis: deps.redis,
        keys: deps.keys,
        topic,
        partition,
        minuteTtlSeconds: cfg.MINUTE_BUCKET_TTL_SECONDS,
        windows: (tenants, refresh) => windows.forTenants(tenants, Date.now(), refresh),
        now: () => Date.now(),
        cacheLimit: cfg.CACHE_RECORDS_PER_PARTITION,
        commitRecords: cfg.COMMIT_MAX_RECORDS,
        audienceRowsPerCommit: cfg.COMMIT_MAX_RECORDS,
        recipientTtlMs: cfg.RECIPIENT_TTL_SECONDS * 1000,
        audienceFlushMs: cfg.AUDIENCE_FLUSH_MS,
        audienceReadsPerFlush: cfg.AUDIENCE_READS_PER_FLUSH,
        messageHome,
        forward: (records) =>
          producer.forward(
            topic,
            records.map((r) => ({
              ...r,
              key: `forward ${r.partition}`,
              headers: { [FORWARDED_HEADER]: deps.keys.prefix },
            })),
          ),
      });
      appliers.set(partition, a);
    }
    return a;
  }

  async function deadLetter(letters: DeadLetter[]): Promise<void> {
    await producer.deadLetter(deps.topics.eventsDeadLetter, letters);
    deps.metrics.events.inc({ outcome: 'dead_lettered' }, letters.length);
  }

  function handleBatch(batch: BatchContext): Promise<void | { seekTo: string }> {
    return serially(batch.partition, () => applyBatch(batch));
  }

  async function applyBatch(batch: BatchContext): Promise<void | { seekTo: string }> {
    const end = deps.metrics.batchDuration.startTimer();
    deps.metrics.batchRecords.observe(batch.messages.length);
    const records = [];
    const letters: DeadLetter[] = [];
    let foreign = 0;
    for (const m of batch.messages) {
      // Another state's forwards and handovers: its own steps, not events (offsets still advance).
      const header = m.headers?.[FORWARDED_HEADER];
      if (forwardedByOther(Array.isArray(header) ? header[0] : header, deps.keys.prefix)) {
        foreign += 1;
        continue;
      }
      const d = decodeMessage(m);
      if (d.ok) records.push(d.record);
      else letters.push(letter(batch, m.offset, d.reason, d.payload));
    }
    await deadLetter(letters);
    if (foreign > 0) deps.metrics.events.inc({ outcome: 'foreign' }, foreign);
    const applier = applierFor(batch.partition);
    let allowGap = false;
    for (;;) {
      const r = await applyIsolated(applier, records, {
        allowGap,
        first: Number(batch.messages[0]?.offset ?? 0),
        last: Number(batch.messages[batch.messages.length - 1]?.offset ?? 0),
        deadLetter: (offset, reason, payload) => deadLetter([letter(batch, String(offset), reason, payload)]),
        logger: log,
      });
      log.debug({ partition: batch.partition, records: records.length, outcome: r }, 'batch_applied');
      const next = await outcome(batch, r, Number(batch.messages[0]?.offset ?? 0));
      if (next === 'retry') continue;
      if (next === 'gap') {
        allowGap = true;
        continue;
      }
      end();
      return next;
    }
  }

  /** What to do after an apply: done, retry, seek, or accept a gap the log no longer holds. */
  async function outcome(
    batch: BatchContext,
    r: ApplyOutcome,
    first: number | undefined,
  ): Promise<void | { seekTo: string } | 'retry' | 'gap'> {
    if (r.status === 'ok') {
      deps.metrics.events.inc({ outcome: 'applied' }, r.applied);
      deps.metrics.events.inc({ outcome: 'duplicate' }, r.duplicate);
      deps.metrics.events.inc({ outcome: 'late' }, r.late);
      deps.metrics.events.inc({ outcome: 'forwarded' }, r.forwarded);
      deps.metrics.events.inc({ outcome: 'replayed' }, r.skipped);
      return;
    }
    if (r.status === 'lost') {
      await recover();
      return 'retry';
    }
    if (r.status === 'conflict') {
      log.warn({ partition: batch.partition, next: r.next }, 'partition_moved_by_another_owner');
      return { seekTo: String(r.next) };
    }
    const low = (await admin.watermarks(batch.topic)).find((w) => w.partition === batch.partition)?.low ?? 0;
    if (r.offset >= low) return { seekTo: String(r.offset) };
    if (first !== low) return { seekTo: String(low) };
    log.warn({ partition: batch.partition, from: r.offset, to: first }, 'offset_gap_accepted');
    deps.metrics.gapRecords.inc(Math.max(0, (first ?? r.offset) - r.offset));
    return 'gap';
  }

  function letter(batch: BatchContext, offset: string, reason: string, payload: string): DeadLetter {
    return deadLetterOf({
      reason,
      payload,
      source: { topic: batch.topic, partition: batch.partition, offset },
      failedAt: new Date(),
    });
  }

  /** Refuses a topic whose retention cannot carry a rebuild from the last snapshot (retention.ts). */
  async function checkRetention(): Promise<void> {
    const retention = await admin.retention(topic);
    const problem = retentionProblem(retention, {
      topic,
      snapshotIntervalMs: cfg.SNAPSHOT_INTERVAL_MS,
      marginMs: cfg.RETENTION_MARGIN_MS,
    });
    if (problem) throw new RetentionTooShortError(problem);
    if (retention.retentionBytes !== null)
      log.warn({ topic, retentionBytes: retention.retentionBytes }, 'events_retention_bytes_set');
  }

  /** Rebuilds a lost state (or waits for another instance to), then rewinds what this one holds. */
  async function recover(): Promise<void> {
    rebuilding = true;
    try {
      await ensureState(deps, topic, TOPICS.events.partitions);
      await rewind();
    } finally {
      rebuilding = false;
    }
  }

  /** After a rebuild: every applier forgets its memory, every held partition goes to its offset. */
  async function rewind(): Promise<void> {
    knownEpoch = await wholeEpoch(deps.redis, deps.keys);
    for (const a of appliers.values()) a.reset();
    if (!consumer) return;
    for (const p of consumer.assigned()) {
      const next = await applierFor(p).nextOffset();
      if (next === undefined) continue;
      log.info({ partition: p, offset: next }, 'partition_rewound');
      consumer.seek(p, String(next));
    }
  }

  /**
   * Retires what stream time has passed, on every partition this instance holds. A partition with
   * nothing unapplied (its high watermark reached) moves its stream time to the wall clock, less a
   * minute for clock skew between ingest replicas.
   */
  let longestCutMs = 0;
  let sweeping = false;
  async function sweep(): Promise<void> {
    if (sweeping || !consumer || rebuilding) return;
    sweeping = true;
    try {
      const marks = await admin.watermarks(topic);
      for (const p of consumer.assigned()) {
        const applier = applierFor(p);
        const high = marks.find((m) => m.partition === p)?.high;
        const r = await serially(p, async () => {
          const next = await applier.nextOffset();
          const caughtUp = next !== undefined && high !== undefined && next >= high;
          return applier.sweep({
            ...(caughtUp ? { caughtUpAt: Date.now() - 60_000 } : {}),
            pages: cfg.SWEEP_PAGES,
          });
        });
        deps.metrics.retired.inc(r.retired);
      }
    } finally {
      sweeping = false;
    }
  }

  /**
   * Due recipient_state rows of idle partitions (busy ones write theirs with their batches);
   * `bounded`: a timed flush, within AUDIENCE_READS_PER_FLUSH a partition.
   */
  async function flushAudience(stopping = false, bounded = false): Promise<void> {
    if (!consumer || rebuilding) return;
    for (const p of stopping ? [...appliers.keys()] : consumer.assigned()) {
      const a = appliers.get(p);
      if (a) await serially(p, () => a.flushAudience(bounded));
    }
  }

  let watching = false;
  async function watchdog(): Promise<void> {
    if (watching) return;
    watching = true;
    try {
      // One slot per Redis Cluster master: a master that lost its data lost all its slots' epochs.
      const epoch = await wholeEpoch(deps.redis, deps.keys);
      if (epoch === null) await recover();
      else if (epoch !== knownEpoch) await rewind();
    } finally {
      watching = false;
    }
  }

  async function safely(name: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
      if (name === 'snapshot') {
        deps.metrics.snapshots.inc({ result: 'ok' });
        longestCutMs = Math.max(longestCutMs, snapshotter.lastStats().longestCutMs);
        deps.metrics.longestCut.set(longestCutMs / 1000);
      }
    } catch (err) {
      if (name === 'snapshot') deps.metrics.snapshots.inc({ result: 'error' });
      log.error({ err }, `${name}_failed`);
    }
  }

  return {
    isRunning: () => consumer?.isRunning() ?? false,
    isReady: () => !rebuilding && knownEpoch !== null && (consumer?.isConsuming() ?? false),
    /** A snapshot of everything applied before the call (due audience rows written first). */
    snapshot: async () => {
      await flushAudience();
      return snapshotter.snapshot();
    },
    async start() {
      await deps.redis.connect();
      await ensureTopics(deps.kafka, [
        { name: topic, partitions: TOPICS.events.partitions },
        { name: deps.topics.eventsDeadLetter, partitions: TOPICS.eventsDeadLetter.partitions },
      ]);
      await checkRetention();
      await ensureState(deps, topic, TOPICS.events.partitions);
      knownEpoch = await wholeEpoch(deps.redis, deps.keys);
      await producer.connect();
      consumer = createBatchConsumer({
        kafka: deps.kafka,
        groupId: cfg.AGGREGATOR_GROUP_ID,
        topic,
        logger: deps.logger,
        handleBatch,
        partitionsConsumedConcurrently: cfg.PARTITIONS_CONSUMED_CONCURRENTLY,
        sessionTimeout: cfg.SESSION_TIMEOUT_MS,
        retries: cfg.CONSUMER_RETRIES,
        onCrash: (err) => {
          log.fatal({ err }, 'consumer_crashed_for_good');
          hooks.onFatal?.(err);
        },
        onAssignment: (held) => {
          for (const [p, a] of appliers) {
            if (held.includes(p)) continue;
            a.reset();
            appliers.delete(p);
          }
        },
        onBatchEnd: (partition, lag) => deps.metrics.lag.set({ partition: String(partition) }, lag),
      });
      await consumer.start();
      timers = [
        setInterval(
          () =>
            void safely('snapshot', async () => {
              await flushAudience(false, true);
              return snapshotter.tick();
            }),
          cfg.SNAPSHOT_INTERVAL_MS,
        ),
        setInterval(() => void safely('watchdog', watchdog), cfg.WATCHDOG_INTERVAL_MS),
        setInterval(() => void safely('sweep', sweep), cfg.SWEEP_INTERVAL_MS),
        setInterval(() => void safely('audience', () => flushAudience(false, true)), cfg.AUDIENCE_FLUSH_MS),
      ];
      for (const t of timers) t.unref();
      log.info({ topic, groupId: cfg.AGGREGATOR_GROUP_ID }, 'aggregator_started');
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      await consumer?.stop();
      await safely('snapshot', async () => {
        await flushAudience(true);
        return snapshotter.snapshot();
      });
      await producer.disconnect().catch(() => undefined);
      await admin.close().catch(() => undefined);
    },
  };
}
