/**
 * Helpers for integration tests: a test's own topics, consumer group, Redis prefix and database,
 * so tests run in parallel and never need a global reset.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { inject } from 'vitest';
import { createRedisClient, deleteMatching, type RedisClient } from '@tally/redis';
import { createTestDatabase, type TestDatabase } from './database.ts';
import type { TestServices } from './services.ts';

export function testServices(): TestServices {
  return inject('services');
}

export function uniqueId(label = 't'): string {
  return `${label}${randomBytes(5).toString('hex')}`;
}

export interface IsolationEnv extends Record<string, string> {
  KAFKA_BROKERS: string;
  KAFKA_TOPIC_SUFFIX: string;
  REDIS_URL: string;
  /** "" = standalone (REDIS_URL); else the cluster's seed nodes. */
  REDIS_CLUSTER_NODES: string;
  REDIS_PREFIX: string;
  DATABASE_URL: string;
  AGGREGATOR_GROUP_ID: string;
  LOG_LEVEL: string;
}

export interface Isolation {
  id: string;
  topicSuffix: string;
  redisPrefix: string;
  groupId: string;
  db: TestDatabase;
  /** The env a service under test would read, pointing at the isolated resources. */
  env: IsolationEnv;
  cleanup(): Promise<void>;
}

export async function isolate(label = 't'): Promise<Isolation> {
  const s = testServices();
  const id = uniqueId(label);
  const db = await createTestDatabase(s.databaseUrl, s.templateDatabase);
  const env: IsolationEnv = {
    KAFKA_BROKERS: s.kafkaBrokers.join(','),
    KAFKA_TOPIC_SUFFIX: id,
    REDIS_URL: s.redisUrl,
    REDIS_CLUSTER_NODES: s.redisClusterNodes.join(','),
    REDIS_PREFIX: id,
    DATABASE_URL: db.url,
    AGGREGATOR_GROUP_ID: `aggregator-${id}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PSEUDONYM_SECRET: 'test-pseudonym-secret-0123456789abcdef',
    // 32 bytes, hex: the key provider credentials are sealed with in tests.
    CREDENTIALS_KEY: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    PUBLIC_BASE_URL: 'https://tally.example.com',
    PORT: '0',
  };
  return {
    id,
    topicSuffix: id,
    redisPrefix: id,
    groupId: env.AGGREGATOR_GROUP_ID,
    db,
    env,
    /** Removes everything the test made: its database, Redis keys, topics and consumer groups. */
    async cleanup() {
      await db.drop();
      await deleteRedisKeys(s, id);
      await deleteKafkaResources(s.kafkaBrokers, id);
    },
  };
}

/** Polls `probe` until it returns a value `done` accepts, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * A fixed-looking instant that is always recent: `hourUtc`:00 UTC, `daysAgo` days before today,
 * for a clock a test hands to the code under test (an evaluator's `now`), where a stable hour of
 * day matters. Events a test posts through ingest start at `beforeRun` instead (event-times.ts).
 */
export function recentInstant(hourUtc = 10, daysAgo = 2): number {
  const day = 86_400_000;
  return Math.floor(Date.now() / day) * day - daysAgo * day + hourUtc * 3_600_000;
}

/**
 * A Redis client for the test services: the cluster when REDIS_CLUSTER_NODES is set, the
 * standalone Redis otherwise — the same factory the services use. The caller quits it.
 */
export function testRedis(
  s: Pick<TestServices, 'redisUrl' | 'redisClusterNodes'> = testServices(),
  opts: { lazyConnect?: boolean; maxRetriesPerRequest?: number } = {},
): RedisClient {
  return createRedisClient({ REDIS_URL: s.redisUrl, REDIS_CLUSTER_NODES: s.redisClusterNodes }, opts);
}

/** The same, from an isolation's env (what a service under test would connect to). */
export function redisOfEnv(env: Pick<IsolationEnv, 'REDIS_URL' | 'REDIS_CLUSTER_NODES'>): RedisClient {
  return testRedis({
    redisUrl: env.REDIS_URL,
    redisClusterNodes: env.REDIS_CLUSTER_NODES.split(',').filter(Boolean),
  });
}

/** Deletes every Redis key whose name starts with `prefix` (a test's own prefixes all do). */
export async function deleteRedisKeys(
  s: Pick<TestServices, 'redisUrl' | 'redisClusterNodes'>,
  prefix: string,
): Promise<void> {
  const redis = testRedis(s, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    await deleteMatching(redis, `${prefix}*`);
  } finally {
    redis.disconnect();
  }
}

/** Deletes the topics (named `….<id>`) and consumer groups (containing `id`) a test made. */
export async function deleteKafkaResources(brokers: string[], id: string): Promise<void> {
  const admin = new Kafka({ clientId: 'test-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.endsWith(`.${id}`));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.includes(id));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
