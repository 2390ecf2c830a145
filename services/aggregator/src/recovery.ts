/**
 * Rebuilds a Redis that lost its data (FLUSHALL, a restart without persistence) from the last
 * snapshot. The aggregator notices a loss by the missing epoch key: the apply script refuses
 * every batch without it (so nothing is applied onto a partial state), and a watchdog checks it
 * between batches. Under the state lock, and only if the epoch is still missing:
 *   1. delete whatever is left under the prefix (a partial state is worse than none);
 *   2. RESTORE every unexpired key of the snapshot — the offsets hash included, so the state is
 *      exactly S(O) for the cut's offsets O;
 *   3. set a new epoch: readers (query-api answers 503 `rebuilding` until then) and the other
 *      instances see the state whole again.
 * Each instance then seeks its partitions to O (the apply script also answers `seek` to any batch
 * that starts above O), and replay brings the state back to exact counts.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { deleteAll, readEpoch, restoreKeys, setEpoch, type RedisKeys } from '@tally/counters';
import type { Pool } from '@tally/db';
import type { Logger } from '@tally/logging';
import { withStateLock } from './state-lock.ts';

const PAGE = 5000;

export interface RebuildResult {
  rebuilt: boolean;
  keys: number;
  ms: number;
}

export async function ensureState(
  redis: Redis,
  keys: RedisKeys,
  pool: Pool,
  logger: Logger,
): Promise<RebuildResult> {
  const log = logger.child({ component: 'recovery' });
  const started = Date.now();
  const result = await withStateLock(pool, keys.prefix, true, async () => {
    if ((await readEpoch(redis, keys)) !== null) return { rebuilt: false, keys: 0, ms: 0 };
    log.warn('state_lost_rebuilding');
    const deleted = await deleteAll(redis, keys);
    const restored = await restoreAll(redis, keys, pool);
    await setEpoch(redis, keys, randomUUID());
    const ms = Date.now() - started;
    log.warn({ deleted, restored, ms }, 'state_rebuilt');
    return { rebuilt: true, keys: restored, ms };
  });
  return result ?? { rebuilt: false, keys: 0, ms: 0 };
}

async function restoreAll(redis: Redis, keys: RedisKeys, pool: Pool): Promise<number> {
  let after = '';
  let n = 0;
  const like = `${keys.prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}:%`;
  for (;;) {
    const { rows } = await pool.query<{ key: string; value: Buffer; expire_ms: string | null }>(
      `SELECT key, value, (extract(epoch FROM expire_at) * 1000)::bigint::text AS expire_ms
         FROM redis_state WHERE key > $1 AND key LIKE $2 AND (expire_at IS NULL OR expire_at > now())
        ORDER BY key LIMIT $3`,
      [after, like, PAGE],
    );
    if (rows.length === 0) return n;
    n += await restoreKeys(
      redis,
      rows.map((r) => ({
        key: r.key,
        value: r.value,
        expireAt: r.expire_ms === null ? null : Number(r.expire_ms),
      })),
      Date.now(),
    );
    after = rows[rows.length - 1]?.key ?? after;
  }
}
