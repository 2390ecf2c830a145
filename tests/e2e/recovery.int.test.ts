/**
 * Issue 4, exactly-once under failure: the aggregator runs as real child processes and is killed
 * with SIGKILL, loses its Redis data, shares the work with a second instance through rebalances,
 * and meets poison records — every run ends with exact counts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { markWhole } from '@tally/counters';
import { masters } from '@tally/redis';
import { loadConfig } from '@tally/config';
import { addApiKey, createTenant } from '@tally/db';
import { createLogger } from '@tally/logging';
import * as querySvc from '@tally/query-api';
import { eventually, isolate, type Isolation, redisOfEnv } from '@tally/testing';
import {
  eventPublisher,
  expectedTotals,
  readTotals,
  spawnAggregator,
  type AggregatorProcess,
} from './aggregator-process.ts';
import { generateStream, rng } from './generated-stream.ts';

const CAMPAIGNS = ['gen0', 'gen1', 'gen2', 'gen3'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Deletes every key under the prefix in one atomic script: data loss for this prefix only. */
const WIPE_LUA = `local cursor, n = '0', 0
repeat
  local r = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = r[1]
  for _, k in ipairs(r[2]) do redis.call('DEL', k) n = n + 1 end
until cursor == '0'
return n`;

describe('exactly-once under failure', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });

  async function setup(label: string, messages: number, seed: number) {
    const iso = await isolate(label);
    const tenant = `acme${iso.id}`;
    await createTenant(iso.db.pool, tenant);
    const redis = redisOfEnv(iso.env);
    const pub = await eventPublisher(iso);
    const procs: AggregatorProcess[] = [];
    cleanups.push(async () => {
      for (const p of procs) await p.kill9();
      await pub.close();
      redis.disconnect();
      await iso.cleanup();
    });
    const stream = generateStream(tenant, messages, seed);
    const want = expectedTotals(stream.expected);
    const exact = () =>
      eventually(
        () => readTotals(redis, iso, tenant, CAMPAIGNS),
        (got) => JSON.stringify(got) === JSON.stringify(want),
        { timeoutMs: 90_000, intervalMs: 250 },
      );
    const start = (env: Record<string, string> = {}) => {
      const p = spawnAggregator(iso, env);
      procs.push(p);
      return p;
    };
    return { iso, tenant, redis, pub, stream, want, exact, start };
  }

  it('survives kill -9 at five random points during one stream', { timeout: 240_000 }, async () => {
    const seed = 4242;
    const { pub, stream, want, exact, start } = await setup('kill', 1500, seed);
    const rand = rng(seed);
    const chunks = 6;
    const size = Math.ceil(stream.events.length / chunks);
    let agg = start();
    for (let c = 0; c < chunks; c++) {
      await pub.publish(stream.events.slice(c * size, (c + 1) * size));
      if (c === chunks - 1) break;
      await sleep(500 + Math.floor(rand() * 2500));
      await agg.kill9();
      agg = start();
    }
    expect(await exact()).toEqual(want);
  });

  it(
    'rebuilds from the last snapshot and Kafka replay after Redis loses its data mid-stream',
    { timeout: 180_000 },
    async () => {
      const { iso, redis, pub, stream, want, exact, start } = await setup('wipe', 1500, 77);
      start();
      // Sends first (consumed and snapshotted), receipts later: replay after the rebuild then
      // depends on the restored per-message state, not only on the restored counters.
      const sends = stream.events.filter((e) => e.type === 'sent');
      const rest = stream.events.filter((e) => e.type !== 'sent');
      const half = Math.ceil(rest.length / 2);
      await pub.publish(sends);
      // Consumed and snapshotted (every 300 ms): wait for it rather than guess how long a loaded
      // machine takes to start the aggregator process.
      await eventually(
        async () =>
          (await iso.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM scope_keys')).rows[0]?.n ??
          0,
        (n) => n > 0,
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      await pub.publish(rest.slice(0, half));
      await sleep(300); // mid-consumption
      // Every master at once (a cluster's shards each lose their part; one script per node).
      const wiped = (
        await Promise.all(
          (await masters(redis)).map(
            async (n) => (await n.eval(WIPE_LUA, 0, `${iso.redisPrefix}:*`)) as number,
          ),
        )
      ).reduce((a, b) => a + b, 0);
      expect(wiped).toBeGreaterThan(0);
      await pub.publish(rest.slice(half));
      expect(await exact()).toEqual(want);
      const { rows } = await iso.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM scope_keys');
      expect(rows[0]?.n).toBeGreaterThan(0);
    },
  );

  it.runIf(process.env.REDIS_CLUSTER_NODES)(
    'rebuilds when one master of a Redis Cluster loses its data mid-stream, the epoch master keeping its own',
    { timeout: 180_000 },
    async () => {
      const { iso, redis, pub, stream, want, exact, start } = await setup('shard', 1500, 78);
      start();
      const sends = stream.events.filter((e) => e.type === 'sent');
      const rest = stream.events.filter((e) => e.type !== 'sent');
      const half = Math.ceil(rest.length / 2);
      await pub.publish(sends);
      await eventually(
        async () =>
          (await iso.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM scope_keys')).rows[0]?.n ??
          0,
        (n) => n > 0,
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      await pub.publish(rest.slice(0, half));
      await sleep(300); // mid-consumption
      // One master only, and not the one holding P:epoch: before the per-slot epochs this loss
      // went unseen and Tally served wrong numbers.
      const epochKey = `${iso.redisPrefix}:epoch`;
      const nodes = await masters(redis);
      const others = [];
      for (const n of nodes) if ((await n.exists(epochKey).catch(() => 0)) === 0) others.push(n);
      const victim = others[0];
      expect(victim).toBeDefined();
      const wiped = (await victim?.eval(WIPE_LUA, 0, `${iso.redisPrefix}:*`)) as number;
      expect(wiped).toBeGreaterThan(0);
      expect(await redis.exists(epochKey)).toBe(1);
      await pub.publish(rest.slice(half));
      expect(await exact()).toEqual(want);
    },
  );

  it(
    'gives the same counts with two aggregators and rebalances mid-stream',
    { timeout: 180_000 },
    async () => {
      const { pub, stream, want, exact, start } = await setup('scale', 1500, 99);
      const a = start();
      const b = start();
      const quarter = Math.ceil(stream.events.length / 4);
      await pub.publish(stream.events.slice(0, quarter));
      await sleep(3000);
      await b.stop(); // graceful leave: A takes all six partitions
      await pub.publish(stream.events.slice(quarter, 2 * quarter));
      await sleep(1000);
      const c = start(); // join: partitions move again
      await pub.publish(stream.events.slice(2 * quarter, 3 * quarter));
      await sleep(1500);
      await a.kill9(); // and a crash: C inherits A's partitions after its session times out
      await pub.publish(stream.events.slice(3 * quarter));
      expect(await exact()).toEqual(want);
      await c.stop();
    },
  );

  it(
    'dead-letters a poison record with its reason and counts the events after it',
    { timeout: 120_000 },
    async () => {
      const { iso, pub, stream, want, exact, start } = await setup('poison', 200, 5);
      start();
      const half = Math.ceil(stream.events.length / 2);
      await pub.publish(stream.events.slice(0, half));
      await pub.publishRaw('poison-1', '{not json');
      await pub.publishRaw('poison-2', JSON.stringify({ eventId: 'x', type: 'exploded' }));
      await pub.publish(stream.events.slice(half));
      expect(await exact()).toEqual(want);
      const kafka = new Kafka({ brokers: iso.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
      const consumer = kafka.consumer({ groupId: `dlq-reader-${iso.id}` });
      await consumer.connect();
      await consumer.subscribe({ topic: pub.topics.eventsDeadLetter, fromBeginning: true });
      const letters: { reason: string; payload: string }[] = [];
      await consumer.run({
        eachMessage: ({ message }) => {
          letters.push(JSON.parse(message.value?.toString() ?? '{}'));
          return Promise.resolve();
        },
      });
      await eventually(
        () => Promise.resolve(letters.length),
        (n) => n >= 2,
      );
      await consumer.disconnect();
      const byPayload = Object.fromEntries(letters.map((l) => [l.payload, l.reason]));
      expect(byPayload['{not json']).toMatch(/^invalid JSON/);
      expect(byPayload['{"eventId":"x","type":"exploded"}']).toMatch(/^schema: /);
    },
  );

  it('answers 503 rebuilding, never numbers, while the state is not whole', async () => {
    const iso: Isolation = await isolate('rebuilding');
    const env = { ...iso.env };
    const deps = querySvc.createDeps(
      loadConfig(querySvc.queryApiConfigSchema, env),
      createLogger({ service: 'test', level: 'silent' }),
    );
    const app = await querySvc.buildApp(deps);
    cleanups.push(async () => {
      await app.close();
      await querySvc.closeDeps(deps);
      await iso.cleanup();
    });
    await createTenant(iso.db.pool, `acme${iso.id}`);
    const key = await addApiKey(iso.db.pool, `acme${iso.id}`);
    const get = (url: string) => app.inject({ url, headers: { authorization: `Bearer ${key}` } });
    for (const url of [
      '/v1/campaigns',
      '/v1/campaigns/c1/kpis',
      '/v1/campaigns/c1/kpis?window=5m',
      '/v1/campaigns/c1/breakdown?by=segment',
    ]) {
      const res = await get(url);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: { code: 'rebuilding' } });
    }
    // P:epoch alone is not enough on a cluster: each slot read checks its own epoch too.
    await deps.redis.set(`${iso.redisPrefix}:epoch`, 'e1');
    if (process.env.REDIS_CLUSTER_NODES) expect((await get('/v1/campaigns/c1/kpis')).statusCode).toBe(503);
    await markWhole(deps.redis, deps.keys, 'e1');
    expect((await get('/v1/campaigns/c1/kpis')).statusCode).toBe(404);
  });
});
