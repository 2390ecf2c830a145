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

export function createBatchConsumer(opts: BatchConsumerOptions): BatchConsumer {
  const log = opts.logger.child({ component: 'batch_consumer', groupId: opts.groupId });
  const consumer = opts.kafka.consumer({
    groupId: opts.groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: opts.sessionTimeout ?? 10_000,
    heartbeatInterval: Math.max(500, Math.floor((opts.sessionTimeout ?? 10_000) / 5)),
    maxBytesPerPartition: 1024 * 1024,
    // A consumer that keeps failing is not restarted in-process: onCrash lets the process exit so
    // its supervisor starts a fresh one (a half-alive idle process is worse).
    retry: {
      retries: opts.retries ?? 10,
      initialRetryTime: 300,
      restartOnFailure: () => Promise.resolve(false),
    },
  });
  let running = false;
  let joined = false;
  let assigned: number[] = [];
  let stopping: Promise<void> | undefined;

  consumer.on(consumer.events.CRASH, (e) => {
    log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer_crashed');
    joined = false;
    if (!e.payload.restart) {
      running = false;
      opts.onCrash?.(e.payload.error);
    }
  });
  consumer.on(consumer.events.REBALANCING, () => {
    joined = false;
  });
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    assigned = e.payload.memberAssignment[opts.topic] ?? [];
    joined = true;
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
