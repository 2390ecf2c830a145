/**
 * Makes sure Redis holds a whole state before anything is applied. A lost Redis (FLUSHALL, a
 * restart without persistence) is seen by the missing epoch key, and on Redis Cluster one master
 * that lost its data by the missing epochs of its slots (@tally/counters partition/epoch.ts) —
 * every script also refuses to run without its slot's and its partition's epoch, so nothing is
 * applied onto a partial state. Under the state lock, and only if the state is still not whole:
 *   0. drop `P:epoch` (readers answer 503 `rebuilding` from now on);
 *   1. delete whatever is left under the prefix (a partial state is worse than none);
 *   2. RESTORE every unexpired scope key of the snapshot (counters, minute buckets, fences, …);
 *   3. write every partition's records back (the partitions side by side, each page read from
 *      Postgres while the one before is written), with its offset, stream time and outbox, and
 *      `replayTo` = the highest fence a restored scope holds for it (records up to there replay one
 *      at a time, so each scope skips exactly what it already has); with each page, the directory
 *      entries of messages kept with their recipient elsewhere, and the holds, it implies;
 *   4. set a new epoch, in every slot and then `P:epoch`: readers (query-api answers 503
 *      `rebuilding` until then) and the other instances see the state whole again.
 * Each instance then seeks its partitions to their restored offsets. A partition that never held
 * state (a new one) is simply marked whole and empty.
 */
import { randomUUID } from 'node:crypto';
import { batch, deleteMatching, type RedisClient } from '@tally/redis';
import {
  initPartition,
  markLost,
  markWhole,
  wholeEpoch,
  placementOps,
  restoreKeys,
  restorePartitionMeta,
  restoreDueAudience,
  restoreRecords,
  type RecordKind,
  type RedisKeys,
} from '@tally/counters';
import type { Pool } from '@tally/db';
import { recordKey } from '@tally/events';
import { partitionOfKey } from '@tally/kafka';
import type { Logger } from '@tally/logging';
import { withStateLock } from './state-lock.ts';

const PAGE = 5000;

export interface RebuildResult {
  rebuilt: boolean;
  keys: number;
  records: number;
  ms: number;
}

interface StateDeps {
  redis: RedisClient;
  keys: RedisKeys;
  pool: Pool;
  logger: Logger;
}

/** Where ingest keys a message's recipient-less events: the events topic's partitioner. */
export function defaultMessageHome(partitions: number): (tenant: string, messageId: string) => number {
  return (tenantId, messageId) => partitionOfKey(recordKey({ tenantId, messageId, eventId: '' }), partitions);
}

export async function ensureState(
  deps: StateDeps,
  topic: string,
  partitions: number,
  messageHome = defaultMessageHome(partitions),
): Promise<RebuildResult> {
  const log = deps.logger.child({ component: 'recovery' });
  const started = Date.now();
  const result = await withStateLock(deps.pool, deps.keys.prefix, true, async () => {
    const epoch = await wholeEpoch(deps.redis, deps.keys, { thorough: true });
    if (epoch !== null) {
      for (let p = 0; p < partitions; p++)
        await initPartition(deps.redis, deps.keys.partition(topic, p), epoch);
      return { rebuilt: false, keys: 0, records: 0, ms: 0 };
    }
    log.warn('state_lost_rebuilding');
    await markLost(deps.redis, deps.keys);
    const deleted = await deleteAll(deps.redis, deps.keys);
    const next = randomUUID();
    const { restored, fences } = await restoreScopes(deps);
    const counts = await Promise.all(
      Array.from({ length: partitions }, (_, p) =>
        restorePartition(deps, topic, p, next, fences, messageHome),
      ),
    );
    const records = counts.reduce((a, b) => a + b, 0);
    await markWhole(deps.redis, deps.keys, next);
    const ms = Date.now() - started;
    log.warn({ deleted, restored, records, ms }, 'state_rebuilt');
    return { rebuilt: true, keys: restored, records, ms };
  });
  return result ?? { rebuilt: false, keys: 0, records: 0, ms: 0 };
}

/** Deletes every key under the prefix (SCAN + UNLINK, on every master of a cluster). */
async function deleteAll(redis: RedisClient, keys: RedisKeys): Promise<number> {
  return deleteMatching(redis, keys.all());
}

/** RESTOREs the scope keys; returns how many, and per partition field the highest fence seen. */
async function restoreScopes(deps: StateDeps): Promise<{ restored: number; fences: Map<string, number> }> {
  let after: Buffer = Buffer.alloc(0);
  let restored = 0;
  const fenceKeys: Buffer[] = [];
  for (;;) {
    const { rows } = await deps.pool.query<{ key: Buffer; value: Buffer; expire_ms: string | null }>(
      `SELECT key, value, (extract(epoch FROM expire_at) * 1000)::bigint::text AS expire_ms
         FROM scope_keys WHERE state_prefix = $1 AND key > $2 AND (expire_at IS NULL OR expire_at > now())
        ORDER BY key LIMIT $3`,
      [deps.keys.prefix, after, PAGE],
    );
    if (rows.length === 0) break;
    restored += await restoreKeys(
      deps.redis,
      rows.map((r) => ({
        key: r.key,
        value: r.value,
        expireAt: r.expire_ms === null ? null : Number(r.expire_ms),
      })),
      Date.now(),
    );
    for (const r of rows) if (r.key.toString('utf8').endsWith(':fence')) fenceKeys.push(r.key);
    after = rows[rows.length - 1]?.key ?? after;
  }
  const fences = new Map<string, number>();
  for (const key of fenceKeys) {
    const h = await deps.redis.hgetall(key.toString('utf8'));
    for (const [field, v] of Object.entries(h))
      fences.set(field, Math.max(fences.get(field) ?? -1, Number(v)));
  }
  return { restored, fences };
}

async function restorePartition(
  deps: StateDeps,
  topic: string,
  partition: number,
  epoch: string,
  fences: Map<string, number>,
  messageHome: (tenant: string, messageId: string) => number,
): Promise<number> {
  const k = deps.keys.partition(topic, partition);
  const { rows: cuts } = await deps.pool.query<{ next_offset: string; stream_ms: string; outbox: string }>(
    'SELECT next_offset, stream_ms, outbox FROM partition_cuts WHERE state_prefix = $1 AND topic = $2 AND partition = $3',
    [deps.keys.prefix, topic, partition],
  );
  const cut = cuts[0];
  if (!cut) {
    await initPartition(deps.redis, k, epoch);
    return 0;
  }
  const page = (after: [string, string]) =>
    deps.pool.query<{ kind: RecordKind; field: string; value: string }>(
      `SELECT kind, field, value FROM partition_records
        WHERE state_prefix = $1 AND topic = $2 AND partition = $3 AND (kind, field) > ($4, $5)
        ORDER BY kind, field LIMIT $6`,
      [deps.keys.prefix, topic, partition, after[0], after[1], PAGE],
    );
  let n = 0;
  let reading = page(['', '']);
  for (;;) {
    const { rows } = await reading;
    const lastRow = rows[rows.length - 1];
    if (!lastRow) break;
    reading = page([lastRow.kind, lastRow.field]);
    reading.catch(() => undefined); // awaited next round; a failing write must not leave it unhandled
    await Promise.all([
      restoreRecords(deps.redis, k, rows),
      batch(deps.redis, placementOps(deps.keys, topic, partition, rows, messageHome)),
    ]);
    n += rows.length;
  }
  const due = await deps.pool.query<{ field: string }>(
    'SELECT field FROM audience_due WHERE state_prefix = $1 AND topic = $2 AND partition = $3',
    [deps.keys.prefix, topic, partition],
  );
  await restoreDueAudience(
    deps.redis,
    deps.keys,
    topic,
    partition,
    due.rows.map((r) => r.field),
  );
  await restorePartitionMeta(deps.redis, k, {
    next: Number(cut.next_offset),
    stream: Number(cut.stream_ms),
    outbox: cut.outbox,
    epoch,
    replayTo: fences.get(k.field) ?? -1,
  });
  return n;
}
