/**
 * Runs the aggregator as a real child process (`node services/aggregator/dist/main.js`, the
 * compiled service as it ships) on a test's isolated resources, so tests can kill -9 it, stop it,
 * or run two of them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RedisClient } from '@tally/redis';
import { createLogger } from '@tally/logging';
import { createEventProducer, createKafka, ensureTopics, type EventProducer } from '@tally/kafka';
import { readCampaign, RedisKeys } from '@tally/counters';
import { TOPICS, topicNames, type CanonicalEvent } from '@tally/events';
import type { Isolation } from '@tally/testing';
import type { Expected } from './generated-stream.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface AggregatorProcess {
  child: ChildProcess;
  /** What it wrote to stdout (its JSON log lines), when spawned with `capture`. */
  output(): string;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export function spawnAggregator(
  iso: Isolation,
  env: Record<string, string> = {},
  opts: { capture?: boolean } = {},
): AggregatorProcess {
  const child = spawn(process.execPath, ['services/aggregator/dist/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...iso.env,
      SNAPSHOT_INTERVAL_MS: '300',
      WATCHDOG_INTERVAL_MS: '200',
      SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...env,
    },
    stdio: ['ignore', opts.capture ? 'pipe' : 'inherit', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => out,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Publishes canonical events to the test's topic, keyed like ingest does. */
export async function eventPublisher(iso: Isolation) {
  const logger = createLogger({ service: 'test-publisher', level: 'silent' });
  const kafka = createKafka({ brokers: iso.env.KAFKA_BROKERS.split(','), clientId: 'test', logger });
  const topics = topicNames(iso.topicSuffix);
  await ensureTopics(kafka, [
    { name: topics.events, partitions: TOPICS.events.partitions },
    { name: topics.eventsDeadLetter, partitions: TOPICS.eventsDeadLetter.partitions },
  ]);
  const producer: EventProducer = createEventProducer({
    kafka,
    topic: topics.events,
    logger,
    publishTimeoutMs: 10_000,
  });
  await producer.connect();
  const raw = kafka.producer();
  await raw.connect();
  return {
    kafka,
    topics,
    async publish(events: CanonicalEvent[]) {
      for (let i = 0; i < events.length; i += 500) await producer.publish(events.slice(i, i + 500));
    },
    /** Writes bytes that are not a canonical event. */
    async publishRaw(key: string, value: string) {
      await raw.send({ topic: topics.events, acks: -1, messages: [{ key, value }] });
    },
    async close() {
      await producer.disconnect();
      await raw.disconnect();
    },
  };
}

/** The campaigns' counts as the aggregator's Redis holds them (undefined while rebuilding). */
export async function readTotals(redis: RedisClient, iso: Isolation, tenant: string, campaigns: string[]) {
  const keys = new RedisKeys(iso.redisPrefix);
  const out: Record<string, Expected> = {};
  try {
    for (const c of campaigns) {
      const s = await readCampaign(redis, keys, tenant, c);
      if (s) out[c] = { counts: s.counts, revenueUnits: s.moneyUnits['revenue:USD'] ?? 0 };
    }
  } catch {
    return undefined;
  }
  return out;
}

export function expectedTotals(expected: Map<string, Expected>): Record<string, Expected> {
  return Object.fromEntries(expected);
}
