/**
 * Aggregator benchmark (not a test): on resources of its own (topic, Redis prefix, database),
 *  1. pre-fills a topic with BENCH_EVENTS canonical events (≈2.5 events per message, 6 partitions);
 *  2. baseline: a bare kafkajs consumer reads and discards them all;
 *  3. the aggregator (one process, in-process here) applies them all; ratio = aggregator / baseline;
 *  4. Redis memory per tracked message (MEMORY USAGE of sampled message keys, and the used_memory
 *     delta over everything the run keeps, divided by messages);
 *  5. rebuild: the prefix is wiped and restored from the final snapshot; reported per million events.
 * Run: eval "$(bash infra/native/stack.sh env)"; BENCH_EVENTS=200000 pnpm --filter @tally/bench aggregator
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createAggregator, createDeps, closeDeps, aggregatorConfigSchema } from '@tally/aggregator';
import { loadConfig } from '@tally/config';
import { deleteAll, RedisKeys } from '@tally/counters';
import { createPool, migrate } from '@tally/db';
import { topicNames, type CanonicalEvent } from '@tally/events';
import { createLogger } from '@tally/logging';
import { ensureState } from '../services/aggregator/src/recovery.ts';

const N = Number(process.env.BENCH_EVENTS ?? 200_000);
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/tally';
const id = `bench${randomBytes(4).toString('hex')}`;
const dbName = `tally_test_${id}`;
const logger = createLogger({ service: 'bench', level: 'warn' });

function* events(tenantId: string): Generator<CanonicalEvent> {
  const t0 = Date.now() - 3600_000;
  let n = 0;
  for (let i = 0; n < N; i++) {
    const messageId = `m${i}`;
    const base = { tenantId, channel: 'sms' as const, messageId };
    const at = (s: number) => new Date(t0 + i + s * 1000).toISOString();
    const j: CanonicalEvent[] = [
      {
        ...base,
        eventId: `${messageId}s`,
        type: 'sent',
        occurredAt: at(0),
        campaignId: `c${i % 20}`,
        recipientId: `r${i % 50_000}`,
        segment: i % 2 ? 'vip' : 'regular',
        cost: { amount: 0.0075, currency: 'USD' },
      },
      { ...base, eventId: `${messageId}d`, type: 'delivered', occurredAt: at(2) },
    ];
    if (i % 3 === 0) j.push({ ...base, eventId: `${messageId}o`, type: 'opened', occurredAt: at(30) });
    if (i % 7 === 0)
      j.push({
        ...base,
        eventId: `${messageId}k`,
        type: 'clicked',
        occurredAt: at(60),
        url: 'https://x.example/',
      });
    for (const e of j) if (n++ < N) yield e;
  }
}

async function prefill(kafka: Kafka, topic: string, tenant: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6 }] });
  await admin.createTopics({ topics: [{ topic: topicNames(id).eventsDeadLetter, numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  let batch: { key: string; value: string }[] = [];
  let messages = 0;
  for (const e of events(tenant)) {
    if (e.type === 'sent') messages++;
    batch.push({ key: e.messageId ?? e.eventId, value: JSON.stringify(e) });
    if (batch.length === 5000) {
      await producer.send({ topic, acks: -1, messages: batch });
      batch = [];
    }
  }
  if (batch.length) await producer.send({ topic, acks: -1, messages: batch });
  await producer.disconnect();
  return messages;
}

async function baseline(kafka: Kafka, topic: string): Promise<number> {
  const consumer = kafka.consumer({ groupId: `${id}-raw`, maxBytesPerPartition: 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  const started = Date.now();
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  await consumer.run({
    eachBatchAutoResolve: false,
    /* eslint-disable-next-line @typescript-eslint/unbound-method -- kafkajs hands eachBatch plain closures, not methods */
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
      seen += batch.messages.length;
      resolveOffset(batch.lastOffset());
      await commitOffsetsIfNecessary();
      await heartbeat();
      if (seen >= N) done();
    },
  });
  await finished;
  const ms = Date.now() - started;
  await consumer.disconnect();
  return ms;
}

async function appliedOffsets(redis: Redis, keys: RedisKeys): Promise<number> {
  const h = await redis.hgetall(keys.offsets());
  return Object.values(h).reduce((s, v) => s + Number(v), 0);
}

async function main() {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const pool = createPool({ connectionString: dbUrl.toString(), max: 2 });
  await migrate(pool);
  const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING });
  const topic = topicNames(id).events;
  const redis = new Redis(redisUrl);
  const keys = new RedisKeys(id);
  try {
    const t = Date.now();
    const messages = await prefill(kafka, topic, 'benchco');
    console.log(`prefilled ${N} events (${messages} messages) in ${Date.now() - t} ms`);
    const rawMs = await baseline(kafka, topic);
    const memBefore = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    const env = {
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_SUFFIX: id,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: id,
      DATABASE_URL: dbUrl.toString(),
      AGGREGATOR_GROUP_ID: `${id}-agg`,
      LOG_LEVEL: 'warn',
      PORT: '0',
      PARTITIONS_CONSUMED_CONCURRENTLY: process.env.BENCH_CONCURRENCY ?? '1',
    };
    await redis.config('RESETSTAT');
    const deps = createDeps(loadConfig(aggregatorConfigSchema, env), logger);
    const agg = createAggregator(deps);
    const started = Date.now();
    await agg.start();
    let firstApplied = 0;
    let firstAt = 0;
    for (;;) {
      const applied = await appliedOffsets(redis, keys);
      if (applied > 0 && firstAt === 0) [firstApplied, firstAt] = [applied, Date.now()];
      if (applied >= N) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const aggMs = Date.now() - started;
    const steadyPerSec = Math.round((N - firstApplied) / ((Date.now() - firstAt) / 1000));
    await agg.stop();
    await closeDeps(deps);
    const scriptUsec = Number(
      /cmdstat_evalsha:calls=\d+,usec=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0,
    );
    const memAfter = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    const sample = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        redis.memory('USAGE', keys.message('benchco', `m${Math.floor((i * messages) / 1000)}`)),
      ),
    );
    const perMessage = sample.reduce<number>((s, v) => s + Number(v ?? 0), 0) / sample.length;
    const { rows } = await pool.query<{ n: number; bytes: string }>(
      'SELECT count(*)::int AS n, sum(length(value))::text AS bytes FROM redis_state',
    );
    const liveKeys = await deleteAll(redis, keys);
    const rebuild = await ensureState(redis, keys, pool, logger);
    const report = {
      events: N,
      messages,
      baselineEventsPerSec: Math.round(N / (rawMs / 1000)),
      aggregatorEventsPerSec: Math.round(N / (aggMs / 1000)),
      ratio: Number((rawMs / aggMs).toFixed(3)),
      aggregatorSteadyEventsPerSec: steadyPerSec,
      aggregatorStartMs: firstAt - started,
      redisScriptSharePct: Math.round((scriptUsec / 1000 / aggMs) * 100),
      redisBytesPerMessageKey: Math.round(perMessage),
      redisUsedMemoryDeltaPerMessage: Math.round((memAfter - memBefore) / messages),
      redisKeys: liveKeys,
      snapshotKeys: rows[0]?.n,
      snapshotBytes: Number(rows[0]?.bytes ?? 0),
      rebuildKeys: rebuild.keys,
      rebuildMs: rebuild.ms,
      rebuildMsPerMillionEvents: Math.round((rebuild.ms * 1_000_000) / N),
    };
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await deleteAll(redis, keys);
    redis.disconnect();
    await pool.end();
    const a = kafka.admin();
    await a.connect();
    await a.deleteTopics({ topics: [topic, topicNames(id).eventsDeadLetter] }).catch(() => undefined);
    await a.disconnect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
