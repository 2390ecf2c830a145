/**
 * Reads that must never serve a half-rebuilt state as whole. `P:epoch` is present while the state
 * is whole and gets a new value from every rebuild (recovery.ts sets it last), so:
 * - standalone Redis: the epoch is read in the same MULTI as the data, one round trip, one instant;
 * - Redis Cluster: the epoch has a slot of its own, so it is read before the data and again after
 *   (three round trips; the data's own commands go in one MULTI per slot, so each scope is still
 *   read at one instant). The same value both times means no loss was seen and no rebuild finished
 *   in between, so the data was read from the whole state that epoch names; missing or changed:
 *   rebuilding. One master can also lose its data alone: each slot's MULTI reads that slot's
 *   epoch too (`P:se:{tag}`, partition/epoch.ts), which must be the same value.
 */
import { batch, isCluster, slotOf, type BatchOp, type RedisClient } from '@tally/redis';
import type { RedisKeys } from './keys.ts';

export class RebuildingError extends Error {
  constructor() {
    super('the aggregator is rebuilding its state');
    this.name = 'RebuildingError';
  }
}

/** The ops' replies, read from a whole state; throws RebuildingError otherwise. */
export async function readWhole(
  redis: RedisClient,
  keys: RedisKeys,
  ops: readonly BatchOp[],
): Promise<unknown[]> {
  const epoch = keys.epoch();
  if (!isCluster(redis)) {
    const [at, ...rest] = await batch(redis, [[epoch, (c) => c.get(epoch)], ...ops], { atomic: true });
    if (at === null) throw new RebuildingError();
    return rest;
  }
  const before = await redis.get(epoch);
  if (before === null) throw new RebuildingError();
  // Each slot read is checked against its own epoch, in the same MULTI (partition/epoch.ts): a
  // master that lost its data alone is seen here, even before the aggregator rebuilds.
  const slots = [...new Set(ops.map(([key]) => slotOf(key)))];
  const guards: BatchOp[] = slots.map((s) => {
    const key = keys.slotEpoch(s);
    return [key, (c) => c.get(key)];
  });
  const all = await batch(redis, [...guards, ...ops], { atomic: true });
  if (all.slice(0, guards.length).some((v) => v !== before)) throw new RebuildingError();
  if ((await redis.get(epoch)) !== before) throw new RebuildingError();
  return all.slice(guards.length);
}

/** A read of the epoch guard's companion: one command of a batch, by key. */
export const op = (key: string, add: BatchOp[1]): BatchOp => [key, add];
