/**
 * Aggregator throughput, Redis memory, recovery and scale-out, over one pre-filled topic of mixed
 * events (6 partitions; quick 20,000 events, full BENCH_AGG_EVENTS or 1,000,000):
 *  - baseline: a bare kafkajs consume-and-discard loop over the topic (in the bench process);
 *  - the aggregator as its own process, from ready to every offset applied (settled Redis state);
 *  - memory: MEMORY USAGE of every key the run keeps, per tracked message and per recipient;
 *  - Postgres: how much the database grew over the 1-process run (its snapshots, the last one at
 *    its graceful stop), per million events;
 *  - recovery: the prefix is wiped and rebuilt from the shutdown snapshot (ensureState);
 *  - scale-out: two aggregator processes (own group, prefix and database) over the same topic;
 *  - restart: SIGKILL (then SIGTERM) a third of the way in, successor started at once: the time
 *    until it consumes again and until it has caught up (each its own group, prefix and database).
 */
import { createHash } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { readAppliedOffsets, RedisKeys } from '@tally/counters';
import { createPool } from '@tally/db';
import { topicNames, TOPICS } from '@tally/events';
import { createLogger } from '@tally/logging';
import { deleteMatching, forEachKeyPage, masters, type RedisClient } from '@tally/redis';
import {
  COMMIT_LUA,
  PARTITION_CLEAN_LUA,
  PARTITION_CUT_LUA,
  REGISTER_LUA,
  SCOPE_CLEAN_LUA,
  SCOPE_CUT_LUA,
  SCOPE_WRITE_LUA,
} from '../../packages/counters/src/partition/scripts.ts';
import { ensureState } from '../../services/aggregator/src/recovery.ts';
import {
  benchEnv,
  benchRedis,
  dropBenchDatabase,
  freePort,
  startProcess,
  type BenchEnv,
  type Running,
} from '../lib/processes.ts';
import type { Figure } from '../lib/report.ts';
import { benchKafka, consumeAndDiscard, deleteTopics, fillTopic, type Filled } from '../lib/topic.ts';

export const AGGREGATOR = 'services/aggregator/dist/main.js';

const PARTITIONS = Array.from({ length: TOPICS.events.partitions }, (_, i) => i);

export async function applied(redis: RedisClient, keys: RedisKeys, topic: string): Promise<number> {
  const h = await readAppliedOffsets(redis, keys, topic, PARTITIONS);
  return Object.values(h).reduce((s, v) => s + v, 0);
}

/**
 * Every partition applied up to its high watermark as of now. Not "n offsets": aggregators append
 * records of their own to the topic (events forwarded to a message's partition, handovers), and
 * each group of the run reads the others' too.
 */
type CaughtUp = (redis: RedisClient, keys: RedisKeys) => Promise<boolean>;
export function caughtUpWith(admin: Admin, topic: string): CaughtUp {
  return async (redis, keys) => {
    const [done, marks] = await Promise.all([
      readAppliedOffsets(redis, keys, topic, PARTITIONS),
      admin.fetchTopicOffsets(topic),
    ]);
    return marks.every((m) => (done[`${topic}:${m.partition}`] ?? 0) >= Number(m.high));
  };
}

export async function deleteAll(redis: RedisClient, keys: RedisKeys): Promise<void> {
  await deleteMatching(redis, keys.all());
}

/** Redis' own CPU seconds (user + sys), from INFO cpu; summed over the masters of a cluster. */
export async function redisCpu(redis: RedisClient): Promise<number> {
  let sum = 0;
  for (const node of await masters(redis)) {
    const info = await node.info('cpu');
    const f = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    sum += f('used_cpu_user') + f('used_cpu_sys');
  }
  return sum;
}

/** Each script's SHA1 (what SLOWLOG shows after EVALSHA) → its name. */
const SCRIPT_NAMES = new Map(
  Object.entries({
    commit: COMMIT_LUA,
    'scope write': SCOPE_WRITE_LUA,
    register: REGISTER_LUA,
    'partition cut': PARTITION_CUT_LUA,
    'partition clean': PARTITION_CLEAN_LUA,
    'scope cut': SCOPE_CUT_LUA,
    'scope clean': SCOPE_CLEAN_LUA,
  }).map(([name, lua]) => [createHash('sha1').update(lua).digest('hex'), name]),
);
const CUT_SCRIPTS = ['partition cut', 'partition clean', 'scope cut', 'scope clean'];

/**
 * Redis's own record of its slowest commands (SLOWLOG, which times each command inside Redis: the
 * time it blocked every other client), from `arm` on, limited to this run's keys: the longest of
 * each script (by name) or command over 1 ms.
 */
const slowlog = {
  async arm(redis: RedisClient): Promise<void> {
    for (const node of await masters(redis)) {
      await node.config('SET', 'slowlog-log-slower-than', '1000');
      await node.config('SET', 'slowlog-max-len', '10000');
      await node.slowlog('RESET');
    }
  },
  async longest(redis: RedisClient, prefix: string): Promise<Map<string, number>> {
    const entries: [number, number, number, string[]][] = [];
    for (const node of await masters(redis))
      entries.push(...((await node.slowlog('GET', '10000')) as [number, number, number, string[]][]));
    const out = new Map<string, number>();
    for (const [, , us, args] of entries) {
      if (!args.some((a) => a.startsWith(`${prefix}:`))) continue;
      const cmd = args[0]?.toLowerCase() ?? '?';
      const name = cmd === 'evalsha' ? (SCRIPT_NAMES.get(args[1] ?? '') ?? 'other script') : cmd;
      out.set(name, Math.max(out.get(name) ?? 0, us / 1000));
    }
    return out;
  },
};

/** The longest of `names` (all when undefined) and what it was. */
function longestOf(m: Map<string, number>, names?: string[]): { ms: number; what: string } {
  let best = { ms: 0, what: 'none over 1 ms' };
  for (const [name, ms] of m) if ((!names || names.includes(name)) && ms > best.ms) best = { ms, what: name };
  return best;
}

/** A gauge or counter of a service's /metrics, summed over its series. */
export async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

interface Run {
  rate: number;
  redisCpuUsPerEvent: number;
  processCpuUsPerEvent: number;
  longestCutMs: number;
  snapshots: number;
  /** The longest Redis time of each script / command on this run's keys (SLOWLOG), ms. */
  longestCommand: Map<string, number>;
}

/** Starts `processes` aggregators on env; events/s from all ready to all n offsets applied. */
export async function aggregate(
  env: BenchEnv,
  redis: RedisClient,
  n: number,
  processes: number,
  caughtUp: CaughtUp,
): Promise<Run> {
  const keys = new RedisKeys(env.REDIS_PREFIX);
  const topic = topicNames(env.KAFKA_TOPIC_SUFFIX).events;
  const ports = Array.from({ length: processes }, () => freePort());
  const running: Running[] = await Promise.all(ports.map((port) => startProcess(AGGREGATOR, env, port)));
  try {
    await slowlog.arm(redis);
    const t0 = performance.now();
    const before = await applied(redis, keys, topic);
    const cpu0 = await redisCpu(redis);
    const proc0 = (await Promise.all(ports.map((p) => metric(p, 'process_cpu_seconds_total')))).reduce(
      (a, b) => a + b,
      0,
    );
    const deadline = Date.now() + 20 * 60_000;
    while (!(await caughtUp(redis, keys))) {
      if (Date.now() > deadline)
        throw new Error(`aggregator applied ${await applied(redis, keys, topic)} of ${n}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Of the n events, what was left when every process was ready (all of it but in a quick run
    // whose second process starts late).
    const events = Math.max(1, n - Math.min(before, n));
    const rate = events / ((performance.now() - t0) / 1000);
    const redisCpuUsPerEvent = (((await redisCpu(redis)) - cpu0) * 1e6) / events;
    const proc1 = (await Promise.all(ports.map((p) => metric(p, 'process_cpu_seconds_total')))).reduce(
      (a, b) => a + b,
      0,
    );
    const batches = (await Promise.all(ports.map((p) => metric(p, 'aggregator_batch_records_count')))).reduce(
      (a, b) => a + b,
      0,
    );
    const snapshots = (await Promise.all(ports.map((p) => metric(p, 'aggregator_snapshots_total')))).reduce(
      (a, b) => a + b,
      0,
    );
    process.stderr.write(
      `[bench] aggregator: ${batches} batches, ${(events / Math.max(1, batches)).toFixed(0)} records per batch, ${snapshots} snapshots\n`,
    );
    const longest = Math.max(
      ...(await Promise.all(ports.map((p) => metric(p, 'aggregator_snapshot_longest_cut_seconds')))),
    );
    return {
      rate,
      redisCpuUsPerEvent,
      processCpuUsPerEvent: ((proc1 - proc0) * 1e6) / events,
      longestCutMs: longest * 1000,
      snapshots,
      longestCommand: await slowlog.longest(redis, env.REDIS_PREFIX),
    };
  } finally {
    await Promise.all(running.map((r) => r.stop()));
  }
}

interface Restart {
  backlog: number;
  readyMs: number;
  caughtUpMs: number;
}

/**
 * A restart mid-stream, as a supervisor does it: the aggregator gets `signal` once it has applied a
 * third of the topic, and its successor is started when it has exited. Times from the signal: the
 * successor consuming (its /readyz: joined the group, assigned, fetching) and every offset applied.
 */
async function restart(
  env: BenchEnv,
  redis: RedisClient,
  n: number,
  signal: 'SIGKILL' | 'SIGTERM',
  admin: Admin,
): Promise<Restart> {
  const keys = new RedisKeys(env.REDIS_PREFIX);
  const topic = topicNames(env.KAFKA_TOPIC_SUFFIX).events;
  const first = await startProcess(AGGREGATOR, env, freePort());
  let successor: Running | undefined;
  try {
    while ((await applied(redis, keys, topic)) < n / 3) await new Promise((r) => setTimeout(r, 20));
    const exited = new Promise((r) => first.child.once('exit', r));
    const t0 = performance.now();
    first.child.kill(signal);
    await exited;
    const high = (await admin.fetchTopicOffsets(topic)).reduce((sum, m) => sum + Number(m.high), 0);
    const backlog = high - (await applied(redis, keys, topic));
    const caughtUp = caughtUpWith(admin, topic);
    successor = await startProcess(AGGREGATOR, env, freePort());
    const readyMs = performance.now() - t0;
    const deadline = Date.now() + 20 * 60_000;
    while (!(await caughtUp(redis, keys))) {
      if (Date.now() > deadline)
        throw new Error(`the successor applied ${await applied(redis, keys, topic)} of ${high}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return { backlog, readyMs, caughtUpMs: performance.now() - t0 };
  } finally {
    await first.stop();
    await successor?.stop();
  }
}

function restartFigures(kind: string, r: Restart, rate: number): Figure[] {
  const scenario = `restart after ${kind} mid-stream (${r.backlog.toLocaleString('en-US')} records left)`;
  return [
    {
      scenario,
      metric: 'signal to successor consuming (/readyz 200; includes process start)',
      value: r.readyMs,
      unit: 'ms',
    },
    {
      scenario,
      metric: 'signal to every offset applied',
      value: r.caughtUpMs,
      baseline: (r.backlog / rate) * 1000,
      ratio: r.caughtUpMs / ((r.backlog / rate) * 1000),
      unit: 'ms',
      note: 'baseline: the backlog at the 1-process rate',
    },
  ];
}

/** The run's database on disk (tables, indexes, TOAST; its own database: nothing else in it). */
async function databaseBytes(pool: ReturnType<typeof createPool>): Promise<number> {
  const { rows } = await pool.query<{ bytes: string }>(
    'SELECT pg_database_size(current_database()) AS bytes',
  );
  return Number(rows[0]?.bytes ?? 0);
}

/** Records held in the partitions' hashes (recipients, messages, loose events, tombstones). */
async function recordCount(redis: RedisClient, keys: RedisKeys, topic: string): Promise<number> {
  let n = 0;
  for (const p of PARTITIONS) {
    const k = keys.partition(topic, p);
    for (const h of [k.recipients, k.messages, k.loose, k.tombstones]) n += await redis.hlen(h);
  }
  return n;
}

/** Sums MEMORY USAGE over every key of the prefix, split into message, recipient and other keys. */
async function redisBytes(redis: RedisClient, keys: RedisKeys) {
  const sums = { message: 0, recipient: 0, other: 0, keys: 0 };
  // MEMORY USAGE per key, pipelined on the node that holds the page (single-key commands).
  await forEachKeyPage(redis, keys.all(), async (found, node) => {
    const pipe = node.pipeline();
    for (const k of found) pipe.memory('USAGE', k, 'SAMPLES', '0');
    const sizes = (await pipe.exec()) ?? [];
    found.forEach((k, i) => {
      const bytes = Number(sizes[i]?.[1] ?? 0);
      const partition = k.includes(':p:{');
      const kind =
        partition && k.endsWith('}:m') ? 'message' : partition && k.endsWith('}:r') ? 'recipient' : 'other';
      sums[kind] += bytes;
      sums.keys++;
    });
  });
  return sums;
}

function memoryFigures(filled: Filled, bytes: Awaited<ReturnType<typeof redisBytes>>): Figure[] {
  const scenario = `memory (Redis, after the aggregator run: ${bytes.keys.toLocaleString('en-US')} keys)`;
  const perMessage = (bytes.message + bytes.other) / filled.messages;
  return [
    {
      scenario,
      metric: 'bytes per tracked message (message records + campaign and other keys)',
      value: perMessage,
      unit: 'B',
      goal: '<= 200 B/message',
      met: perMessage <= 200,
    },
    { scenario, metric: 'bytes per message record', value: bytes.message / filled.messages, unit: 'B' },
    { scenario, metric: 'bytes per recipient', value: bytes.recipient / filled.recipients, unit: 'B' },
  ];
}

export async function aggregator(mode: 'quick' | 'full', notes: string[]): Promise<Figure[]> {
  const n = mode === 'quick' ? 20_000 : Number(process.env.BENCH_AGG_EVENTS ?? 1_000_000);
  // A snapshot every second in quick mode, so its short run holds some; the default (5 s) in full.
  const snapshotEvery = mode === 'quick' ? 1000 : 5000;
  const env = { ...(await benchEnv('agg')), SNAPSHOT_INTERVAL_MS: String(snapshotEvery) };
  const scale = { ...(await benchEnv('agg2')) };
  scale.KAFKA_TOPIC_SUFFIX = env.KAFKA_TOPIC_SUFFIX; // the same topic, consumed by a group of its own
  const killed = { ...(await benchEnv('agg3')), KAFKA_TOPIC_SUFFIX: env.KAFKA_TOPIC_SUFFIX };
  const stopped = { ...(await benchEnv('agg4')), KAFKA_TOPIC_SUFFIX: env.KAFKA_TOPIC_SUFFIX };
  const topics = topicNames(env.KAFKA_TOPIC_SUFFIX);
  const kafka = benchKafka(env.KAFKA_BROKERS);
  const admin = kafka.admin();
  const redis = benchRedis(env);
  const keys = new RedisKeys(env.REDIS_PREFIX);
  const pool = createPool({ connectionString: env.DATABASE_URL, max: 2 });
  try {
    const filled = await fillTopic(kafka, topics, n);
    const base = await consumeAndDiscard(kafka, topics.events, `${env.AGGREGATOR_GROUP_ID}-raw`, n);
    await admin.connect();
    const caughtUp = caughtUpWith(admin, topics.events);
    const pgBefore = await databaseBytes(pool);
    const one = await aggregate(env, redis, n, 1, caughtUp);
    const pgGrowth = (await databaseBytes(pool)) - pgBefore;
    const bytes = await redisBytes(redis, keys);
    const held = await recordCount(redis, keys, topics.events);
    await deleteAll(redis, keys);
    const logger = createLogger({ service: 'bench', level: 'warn' });
    const rebuild = await ensureState({ redis, keys, pool, logger }, topics.events, TOPICS.events.partitions);
    if (rebuild.records !== held)
      throw new Error(`the rebuild restored ${rebuild.records} records of the ${held} Redis held`);
    const two = await aggregate(scale, redis, n, 2, caughtUp);
    const afterKill = await restart(killed, redis, n, 'SIGKILL', admin);
    const afterTerm = await restart(stopped, redis, n, 'SIGTERM', admin);
    const cut = longestOf(one.longestCommand, CUT_SCRIPTS);
    const any = longestOf(one.longestCommand);
    const ev = `${n.toLocaleString('en-US')} events, ${filled.messages.toLocaleString('en-US')} messages`;
    notes.push(
      'aggregator: events/s from the process ready to every offset applied (settled Redis state); baseline: a kafkajs consume-and-discard loop over the same topic. Memory: MEMORY USAGE summed over every key of the run; "per tracked message" counts message and campaign keys, "per recipient" the recipient keys. Recovery: the prefix is wiped and ensureState restores the shutdown snapshot (after a graceful stop the replay past it is empty), scaled to a million events.',
    );
    if (mode === 'full' && n < 1_000_000)
      notes.push(`aggregator: ${ev} instead of 1M (BENCH_AGG_EVENTS), to fit the run's time.`);
    return [
      {
        scenario: `aggregator (${ev}, 6 partitions, 1 process)`,
        metric: 'events/s to settled Redis state',
        value: one.rate,
        baseline: base,
        ratio: one.rate / base,
        unit: 'ev/s',
        goal: 'ratio >= 0.25 (aim 0.5)',
        met: one.rate / base >= 0.25,
        note: 'baseline: kafkajs consume-and-discard over the same topic',
      },
      {
        scenario: `aggregator (${ev}, 1 process)`,
        metric: 'Redis CPU per applied event (INFO cpu delta / events)',
        value: one.redisCpuUsPerEvent,
        unit: 'µs',
        goal: '<= 10 µs',
        met: one.redisCpuUsPerEvent <= 10,
      },
      {
        scenario: `aggregator (${ev}, 1 process)`,
        metric: 'aggregator process CPU per event',
        value: one.processCpuUsPerEvent,
        unit: 'µs',
        goal: '<= 20 µs',
        met: one.processCpuUsPerEvent <= 20,
      },
      {
        scenario: `snapshots during the 1-process run (${one.snapshots}, every ${snapshotEvery / 1000} s)`,
        metric: `longest snapshot script in Redis (SLOWLOG; ${cut.what})`,
        value: cut.ms,
        unit: 'ms',
        goal: '< 50 ms',
        ...(one.snapshots > 0 ? { met: cut.ms < 50 } : {}),
        note:
          one.snapshots > 0
            ? 'Redis times each command itself: the time it blocked every other client; 0 = none over 1 ms'
            : 'not measured: no snapshot fell in the run',
      },
      {
        scenario: `snapshots during the 1-process run (${one.snapshots}, every ${snapshotEvery / 1000} s)`,
        metric: 'longest cut call as the aggregator sees it (round trip and its own event-loop wait)',
        value: one.longestCutMs,
        unit: 'ms',
      },
      {
        scenario: `Redis during the 1-process run`,
        metric: `longest batch commit script (SLOWLOG)`,
        value: one.longestCommand.get('commit') ?? 0,
        unit: 'ms',
      },
      {
        scenario: `Redis during the 1-process run`,
        metric: `longest single command on the run's keys (SLOWLOG; ${any.what})`,
        value: any.ms,
        unit: 'ms',
      },
      ...memoryFigures(filled, bytes),
      {
        scenario: `Postgres (the 1-process run's snapshots, every ${snapshotEvery / 1000} s, and the last at its stop)`,
        metric: 'database growth per million events',
        value: (pgGrowth / 2 ** 20) * (1_000_000 / n),
        unit: 'MiB',
        note: `pg_database_size after − before, scaled from ${n.toLocaleString('en-US')} events; before any VACUUM`,
      },
      {
        scenario: `recovery (${rebuild.keys.toLocaleString('en-US')} scope keys, ${rebuild.records.toLocaleString('en-US')} records from the snapshot)`,
        metric: 'rebuild time per million events',
        value: (rebuild.ms / 1000) * (1_000_000 / n),
        unit: 's',
        goal: '<= 10 s',
        met: (rebuild.ms / 1000) * (1_000_000 / n) <= 10,
        note: 'after a graceful stop the replay past the snapshot is empty: this is the snapshot restore',
      },
      {
        scenario: 'scale-out (6 partitions)',
        metric: 'aggregator events/s, 2 processes vs 1',
        value: two.rate,
        baseline: one.rate,
        ratio: two.rate / one.rate,
        unit: 'ev/s',
      },
      ...restartFigures('SIGKILL', afterKill, one.rate),
      ...restartFigures('SIGTERM', afterTerm, one.rate),
    ];
  } finally {
    await deleteAll(redis, keys);
    for (const e of [scale, killed, stopped]) await deleteAll(redis, new RedisKeys(e.REDIS_PREFIX));
    redis.disconnect();
    await admin.disconnect();
    await pool.end();
    await deleteTopics(kafka, [topics.events, topics.eventsDeadLetter]);
    await dropBenchDatabase(env);
    for (const e of [scale, killed, stopped]) await dropBenchDatabase(e);
  }
}
