/**
 * The applier's CPU per event without Kafka: the aggregator benchmark's event mix (bench/lib/topic.ts),
 * keyed as ingest keys it,
 * decoded and applied by six PartitionAppliers side by side on real Redis, in batches of 4,000.
 * Less noisy than the full scenario, so changes can be compared a few minutes apart (bench/CHANGES.md).
 *   REDIS_URL=redis://127.0.0.1:6379 N=200000 node --import tsx services/aggregator/bench/apply-cpu.ts
 * Add --cpu-prof for a profile. Writes only under its own key prefix, deleted at the end.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { PerformanceObserver } from 'node:perf_hooks';
import {
  DEFAULT_TENANT_WINDOWS,
  markWhole,
  PartitionApplier,
  RedisKeys,
  type InputRecord,
} from '@tally/counters';
import { canonicalEventSchema, recordKey } from '@tally/events';
import { partitionOfKey } from '@tally/kafka';
import { createRedisClient, deleteMatching } from '@tally/redis';
import { mixedEvents } from '../../../bench/lib/topic.ts';

const N = Number(process.env.N ?? 200_000);
const PARTITIONS = 6;
const BATCH = 4_000;
const COMMIT_RECORDS = Number(process.env.COMMIT_RECORDS ?? 1000);

const logs: string[][] = Array.from({ length: PARTITIONS }, () => []);
for (const e of mixedEvents(N)) logs[partitionOfKey(recordKey(e), PARTITIONS)]?.push(JSON.stringify(e));

const redis = createRedisClient({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
const keys = new RedisKeys(`applycpu${process.pid}`);
await markWhole(redis, keys, 'e');
for (let p = 0; p < PARTITIONS; p++) await redis.hset(keys.partition('events', p).meta, 'epoch', 'e');
const messageHome = (tenantId: string, messageId: string) =>
  partitionOfKey(recordKey({ tenantId, messageId, eventId: '' }), PARTITIONS);
const appliers = logs.map(
  (_, partition) =>
    new PartitionApplier({
      redis,
      keys,
      topic: 'events',
      partition,
      minuteTtlSeconds: 26 * 3600,
      windows: () => Promise.resolve(() => DEFAULT_TENANT_WINDOWS),
      now: () => Date.now(),
      messageHome,
      forward: () => Promise.resolve(),
      commitRecords: COMMIT_RECORDS,
      ...(process.env.CACHE ? { cacheLimit: Number(process.env.CACHE) } : {}),
    }),
);
// SLOWLOG=1: the longest commands this run (resets the Redis' slow log: a Redis of your own only).
if (process.env.SLOWLOG === '1') {
  await redis.config('SET', 'slowlog-log-slower-than', '1000');
  await redis.slowlog('RESET');
}

// the garbage collector's pauses, for the state's share of the cost; RSS counts the run's event log too
let gcMs = 0;
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
});
gcObserver.observe({ entryTypes: ['gc'] });
let peakRss = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let decodeUs = 0;
// PROFILE_FROM=0.8: a CPU profile of the run's last fifth (applycpu.cpuprofile), the state grown first
const PROFILE_FROM = Number(process.env.PROFILE_FROM ?? 0);
const session = new Session();
const post = (method: string) =>
  new Promise<unknown>((resolve, reject) =>
    session.post(method, (err, res) => (err ? reject(err) : resolve(res))),
  );
let profiling = false;
// SEGMENTS=k: CPU per event for each k-th of the run, so growth with the state shows (the soak's figure)
const SEGMENTS = Number(process.env.SEGMENTS ?? 1);
const longest = Math.max(...logs.map((l) => l.length));
let segCpu = process.cpuUsage();
let segFrom = 0;
let nextSeg = longest / SEGMENTS;
const segments: string[] = [];
for (let from = 0; logs.some((l) => l.length > from); from += BATCH) {
  if (PROFILE_FROM > 0 && !profiling && from >= longest * PROFILE_FROM) {
    profiling = true;
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.start');
  }
  if (SEGMENTS > 1 && from >= nextSeg) {
    const c = process.cpuUsage(segCpu);
    const events = logs.reduce((n, l) => n + Math.min(l.length, from) - Math.min(l.length, segFrom), 0);
    segments.push(`${((c.user + c.system) / events).toFixed(1)}`);
    segCpu = process.cpuUsage();
    segFrom = from;
    nextSeg += longest / SEGMENTS;
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  await Promise.all(
    appliers.map(async (applier, p) => {
      const slice = logs[p]?.slice(from, from + BATCH) ?? [];
      if (slice.length === 0) return;
      const d0 = process.cpuUsage();
      const records: InputRecord[] = slice.map((v, i) => ({
        offset: from + i,
        timestamp: Date.now(),
        event: canonicalEventSchema.parse(JSON.parse(v)),
      }));
      const d = process.cpuUsage(d0);
      decodeUs += d.user + d.system;
      const r = await applier.apply(records);
      if (r.status !== 'ok') throw new Error(`partition ${p}: ${JSON.stringify(r)}`);
    }),
  );
}
const cpu = process.cpuUsage(cpu0);
if (profiling) {
  const { profile } = (await post('Profiler.stop')) as { profile: unknown };
  writeFileSync('applycpu.cpuprofile', JSON.stringify(profile));
  session.disconnect();
}
const wallMs = performance.now() - t0;
console.log(
  `${N} events: ${((N / wallMs) * 1000).toFixed(0)} ev/s, CPU ${((cpu.user + cpu.system) / N).toFixed(1)} µs/event ` +
    `(decode ${(decodeUs / N).toFixed(1)})` +
    (segments.length > 0 ? `; per segment: ${segments.join(', ')} µs` : '') +
    `; GC ${((gcMs * 1000) / N).toFixed(1)} µs/event; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
);
gcObserver.disconnect();
if (process.env.SLOWLOG === '1') {
  const log = (await redis.slowlog('GET', 1000)) as [number, number, number, string[]][];
  const top = log.sort((a, b) => b[2] - a[2]).slice(0, 3);
  console.log(
    `commit size ${COMMIT_RECORDS}: longest commands ` +
      top
        .map((e) => `${(e[2] / 1000).toFixed(1)} ms (${e[3][0]} ${e[3][3] ?? ''}, ${e[3].length} args)`)
        .join('; '),
  );
}
await deleteMatching(redis, `${keys.prefix}:*`);
redis.disconnect();
