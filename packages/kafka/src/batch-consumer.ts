/**
 * A consumer-group loop with offset discipline (STYLE.md §4): the handler does a batch's work and
 * only then are its offsets resolved, committed and the session heartbeated. Delivery is therefore
 * at-least-once; handlers must make every state change idempotent.
 */
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '@tally/logging';

export interface BatchContext {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
}

export interface BatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  logger: Logger;
  /**
   * Does the whole batch's work; resolves when it is durable. Throwing retries the batch.
   * Answering `{ seekTo }` resolves nothing and moves the partition's position there instead.
   */
  handleBatch: (batch: BatchContext) => Promise<void | { seekTo: string }>;
  /** Where a group without committed offsets starts (default: the beginning, so nothing is skipped). */
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  sessionTimeout?: number;
  /** Retries of a failing batch (with backoff) before the consumer gives up and crashes. */
  retries?: number;
  /** Called when the consumer crashed for good (it is never restarted in-process): the process must exit. */
  onCrash?: (err: unknown) => void;
  /** The partitions this member holds after each group join. */
  onAssignment?: (partitions: number[]) => void;
  /** After each batch: the partition and how far behind its high watermark it still is. */
  onBatchEnd?: (partition: number, offsetLag: number) => void;
}

export interface BatchConsumer {
  start(): Promise<void>;
  /** Finishes the batch in flight, commits, leaves the group. Idempotent. */
  stop(): Promise<void>;
  isRunning(): boolean;
  /** Running, and a member of the group with its assignment: actually consuming. */
  isConsuming(): boolean;
  /** Moves a partition's read position (it is committed with the next commit). */
  seek(partition: number, offset: string): void;
  /** The partitions of the topic this member holds, as of the last group join. */
  assigned(): number[];
}

/** Restarts in a row, without a group join between them, before a transient failure counts as for good. */
export const MAX_TRANSIENT_RESTARTS = 5;

/**
 * Which crashes restart the consumer in-process. kafkajs asks only about retriable ones. A batch or
 * fetch that failed through all its retries is for good: the process exits and its supervisor starts
 * a fresh one. A retriable broker answer that kafkajs does not retry itself, such as a group
 * coordinator still loading when a fresh broker's first group joins, restarts up to
 * MAX_TRANSIENT_RESTARTS times in a row; a group join starts the count again.
 */
export function createRestartPolicy(max = MAX_TRANSIENT_RESTARTS) {
  let inARow = 0;
  return {
    shouldRestart(err: { name?: string }): boolean {
      if (err.name === 'KafkaJSNumberOfRetriesExceeded') return false;
      inARow += 1;
      return inARow <= max;
    },
    joined(): void {
      inARow = 0;
    },
  };
}

export function createBatchConsumer(opts: BatchConsumerOptions): BatchConsumer {
  const log = opts.logger.child({ component: 'batch_consumer', groupId: opts.groupId });
  const restarts = createRestartPolicy();
  const consumer = opts.kafka.consumer({
    groupId: opts.groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: opts.sessionTimeout ?? 10_000,
    heartbeatInterval: Math.max(500, Math.floor((opts.sessionTimeout ?? 10_000) / 5)),
    maxBytesPerPartition: 1024 * 1024,
    // A consumer that keeps failing is not restarted in-process: onCrash lets the process exit so
    // its supervisor starts a fresh one (a half-alive idle process is worse). createRestartPolicy
    // says which transient failures restart.
    retry: {
      retries: opts.retries ?? 10,
      initialRetryTime: 300,
      restartOnFailure: (err) => Promise.resolve(restarts.shouldRestart(err)),
    },
  });
  let running = false;
  let joined = false;
  let assigned: number[] = [];
  let stopping: Promise<void> | undefined;

  consumer.on(consumer.events.CRASH, (e) => {
    joined = false;
    if (e.payload.restart) {
      log.warn({ err: e.payload.error }, 'consumer_restarting');
      return;
    }
    log.error({ err: e.payload.error }, 'consumer_crashed');
    running = false;
    opts.onCrash?.(e.payload.error);
  });
  consumer.on(consumer.events.REBALANCING, () => {
    joined = false;
  });
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    assigned = e.payload.memberAssignment[opts.topic] ?? [];
    joined = true;
    restarts.joined();
    log.info({ assignment: e.payload.memberAssignment }, 'consumer_group_joined');
    opts.onAssignment?.([...assigned]);
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    opts.onBatchEnd?.(e.payload.partition, Number(e.payload.offsetLag));
  });

  return {
    isRunning: () => running,
    isConsuming: () => running && joined,
    assigned: () => [...assigned],
    seek(partition, offset) {
      consumer.seek({ topic: opts.topic, partition, offset });
    },
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topic: opts.topic, fromBeginning: opts.fromBeginning ?? true });
      running = true;
      /* eslint-disable @typescript-eslint/unbound-method -- kafkajs hands eachBatch plain closures, not methods */
      await consumer.run({
        autoCommit: true,
        autoCommitInterval: 1000,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 1,
        eachBatch: async ({
          batch,
          resolveOffset,
          heartbeat,
          commitOffsetsIfNecessary,
          isRunning,
          isStale,
        }) => {
          if (!isRunning() || isStale() || batch.messages.length === 0) return;
          const outcome = await opts.handleBatch({
            topic: batch.topic,
            partition: batch.partition,
            messages: batch.messages,
          });
          if (outcome) {
            log.info({ partition: batch.partition, offset: outcome.seekTo }, 'consumer_seek');
            consumer.seek({ topic: batch.topic, partition: batch.partition, offset: outcome.seekTo });
            return;
          }
          resolveOffset(batch.lastOffset());
          await commitOffsetsIfNecessary();
          await heartbeat();
        },
      });
    },
    async stop() {
      stopping ??= (async () => {
        running = false;
        joined = false;
        await consumer.disconnect();
        log.info('consumer_stopped');
      })();
      return stopping;
    },
  };
}
