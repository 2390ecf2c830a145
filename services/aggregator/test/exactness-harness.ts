/**
 * Drives the real apply path (PartitionApplier per partition, the snapshotter and the rebuild of
 * this service) on real Redis and Postgres the way Kafka and crashes would: events keyed to
 * partitions, each partition's log consumed in random batch sizes with partitions interleaved at
 * random, owners that crash and replay from a lagging committed offset, and Redis losing its data
 * after a snapshot — then restored from Postgres and replayed from the restored offsets.
 */
import type { Redis } from 'ioredis';
import { deleteMatching, isCluster, masters, type RedisClient } from '@tally/redis';
import {
  PartitionApplier,
  RedisKeys,
  wholeEpoch,
  type InputRecord,
  type TenantWindows,
} from '@tally/counters';
import type { Pool } from '@tally/db';
import type { Logger } from '@tally/logging';
import type { ArrivedEvent } from '@tally/model';
import { seededRandom, stripArrival } from '@tally/model';
import { decodeMessage } from '../src/decode.ts';
import { ensureState } from '../src/recovery.ts';
import { createSnapshotter } from '../src/snapshotter.ts';

export const TOPIC = 'tally.events.v1';

export interface RunPlan {
  partitions: number;
  /** Which partition a key lands on: a salted hash (any function of the key keeps co-partitioning). */
  salt: number;
  /** Drives batch sizes, interleaving, crash points. */
  seed: number;
  /** Steps at which an owner crashes (its memory is gone; Kafka replays from a lagging offset). */
  crashes: number;
  /** Take a snapshot, and later lose Redis and rebuild from it. */
  restore: boolean;
  maxBatch: number;
  /** A small cache (records forgotten and re-read) and commit size (batches committed in steps). */
  cacheLimit?: number | undefined;
  commitRecords?: number | undefined;
}

/** The record key of the events topic (one person's events on one partition). */
export function keyOf(e: ArrivedEvent): string {
  if (e.recipientId) return `${e.tenantId} r ${e.recipientId}`;
  if (e.messageId) return `${e.tenantId} m ${e.messageId}`;
  return `${e.tenantId} e ${e.eventId}`;
}

function hash(s: string, salt: number): number {
  let h = (2166136261 ^ salt) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export interface Run {
  keys: RedisKeys;
  steps: string[];
}

export async function runPlan(
  deps: { redis: RedisClient; pool: Pool; logger: Logger },
  events: ArrivedEvent[],
  windows: (tenant: string) => TenantWindows,
  now: number,
  plan: RunPlan,
  prefix: string,
): Promise<Run> {
  const keys = new RedisKeys(prefix);
  const random = seededRandom(plan.seed);
  const pick = (n: number) => Math.floor(random() * n);
  const logs: InputRecord[][] = Array.from({ length: plan.partitions }, () => []);
  for (const e of events) {
    const log = logs[hash(keyOf(e), plan.salt) % plan.partitions] ?? [];
    log.push({ offset: log.length, timestamp: e.arrivalMs, event: stripArrival(e) });
  }
  const state = { redis: deps.redis, keys, pool: deps.pool, logger: deps.logger };
  const home = (tenant: string, message: string) =>
    hash(`${tenant} m ${message}`, plan.salt) % plan.partitions;
  await ensureState(state, TOPIC, plan.partitions, home);
  const appliers = new Map<number, PartitionApplier>();
  const applier = (p: number) => {
    let a = appliers.get(p);
    if (!a) {
      a = new PartitionApplier({
        redis: deps.redis,
        keys,
        topic: TOPIC,
        partition: p,
        minuteTtlSeconds: 26 * 3600,
        windows: () => Promise.resolve(windows),
        now: () => now,
        messageHome: home,
        ...(plan.cacheLimit === undefined ? {} : { cacheLimit: plan.cacheLimit }),
        ...(plan.commitRecords === undefined ? {} : { commitRecords: plan.commitRecords }),
        forward: (records) => {
          for (const r of records) {
            const log = logs[r.partition] ?? [];
            const d = decodeMessage({
              key: null,
              value: Buffer.from(r.value),
              offset: String(log.length),
              timestamp: String(r.timestamp),
              attributes: 0,
              headers: {},
            });
            if (!d.ok) throw new Error(`forwarded record does not decode: ${d.reason}`);
            log.push(d.record);
          }
          return Promise.resolve();
        },
      });
      appliers.set(p, a);
    }
    return a;
  };
  const snapshotter = createSnapshotter({
    ...state,
    groupId: 'property',
    topic: TOPIC,
    partitions: plan.partitions,
  });
  const cursor = logs.map(() => 0);
  const steps: string[] = [];
  const total = logs.reduce((n, l) => n + l.length, 0);
  const forwarded = () => logs.reduce((n, l) => n + l.length, 0) - total;
  const crashAt = new Set(Array.from({ length: plan.crashes }, () => pick(Math.max(1, total))));
  const snapAt = plan.restore ? pick(Math.max(1, total)) : -1;
  const loseAt = plan.restore ? snapAt + pick(Math.max(1, total - snapAt)) : -1;
  /** What the aggregator does on `lost`: rebuild, then every partition resumes at its offset. */
  const recover = async (why: string) => {
    await ensureState(state, TOPIC, plan.partitions, home);
    for (const a of appliers.values()) a.reset();
    for (let p = 0; p < plan.partitions; p++) cursor[p] = (await applier(p).nextOffset()) ?? 0;
    steps.push(`${why}, rebuilt → ${cursor.join(',')}`);
  };
  let step = 0;
  for (;;) {
    const open = logs.map((l, p) => ((cursor[p] ?? 0) < l.length ? p : -1)).filter((p) => p >= 0);
    if (open.length === 0) {
      // The watchdog: a master that lost data no script touched since is found here.
      if ((await wholeEpoch(deps.redis, keys, { thorough: true })) !== null) break;
      await recover('watchdog: state not whole');
      continue;
    }
    if (crashAt.has(step)) {
      const p = open[pick(open.length)] ?? 0;
      appliers.get(p)?.reset();
      appliers.delete(p);
      cursor[p] = Math.max(0, (cursor[p] ?? 0) - pick(4));
      steps.push(`crash p${p} → ${cursor[p]}`);
    }
    if (step === snapAt) {
      await snapshotter.snapshot();
      steps.push('snapshot');
    }
    if (step === loseAt) {
      // On a cluster, every other time only one master loses its data, and nothing says so: the
      // scripts (and, below, the watchdog's check) must see it.
      if (isCluster(deps.redis) && pick(2) === 0) {
        const nodes = await masters(deps.redis);
        const victim = pick(nodes.length);
        const node = nodes[victim];
        if (node) await loseNode(node, prefix);
        steps.push(`master ${victim} lost`);
      } else {
        await lose(deps.redis, prefix);
        await recover('redis lost');
      }
    }
    step += 1;
    if (pick(8) === 0) {
      const q = pick(plan.partitions);
      const r = await applier(q).sweep({ caughtUpAt: now, pages: 2, pageSize: 3 });
      steps.push(`sweep p${q} ${r.status} ${r.retired}`);
      if (r.status === 'lost') {
        await recover('lost');
        continue;
      }
    }
    const p = open[pick(open.length)] ?? 0;
    const from = cursor[p] ?? 0;
    const batch = (logs[p] ?? []).slice(from, from + 1 + pick(plan.maxBatch));
    const r = await applier(p).apply(batch);
    steps.push(`p${p} ${from}+${batch.length} ${r.status}`);
    if (r.status === 'ok') cursor[p] = from + batch.length;
    else if (r.status === 'seek') cursor[p] = r.offset;
    else if (r.status === 'conflict') cursor[p] = r.next;
    else await recover('lost');
  }
  steps.push(`forwarded ${forwarded()}`);
  // The audience rows and rollups (issue 22) as a snapshot stores them: every due row written,
  // then one snapshot (the rollups are added in its transaction).
  for (let p = 0; p < plan.partitions; p++) await applier(p).flushAudience();
  await snapshotter.snapshot();
  return { keys, steps };
}

/** One master's keys of the state, one UNLINK per key (they span that master's slots). */
async function loseNode(node: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    const pipe = node.pipeline();
    for (const k of found) pipe.unlink(k);
    await pipe.exec();
  } while (cursor !== '0');
}

async function lose(redis: RedisClient, prefix: string): Promise<void> {
  await deleteMatching(redis, `${prefix}:*`);
}

export { lose as deletePrefix };
