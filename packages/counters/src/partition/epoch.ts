/**
 * Whether Redis still holds the whole state — and on Redis Cluster, on every master.
 *
 * `P:epoch` is present while the state is whole and gets a new value from every rebuild. On a
 * standalone Redis that is enough: it loses all its data or none. A cluster can lose one master's
 * data (a restart without persistence or replica) while the master holding `P:epoch` keeps its
 * own; so on a cluster the epoch is written again into every hash slot (`P:se:{tag}`, a tag chosen
 * per slot), and the epoch a script or a read depends on is the one of the slot it touches:
 * - every script of the state (commit, scope write, claim, registration) declares its slot's
 *   epoch key and refuses to run without it (`lost`), so nothing is written into a master that
 *   lost its data;
 * - every read checks the epochs of the slots it reads in the same MULTI (whole-read.ts);
 * - `isWhole` (recovery, and the watchdog between batches) checks them too, so a master that lost
 *   its data is rebuilt like a lost Redis: from the last snapshot, and replay.
 * On a standalone Redis the "slot epoch" of every key is `P:epoch` itself.
 */
import { isCluster, masters, ready, slotOf, type RedisClient } from '@tally/redis';
import type { RedisKeys } from '../keys.ts';

/** The epoch key a script or a read on `key`'s slot depends on. */
export function epochKeyFor(redis: RedisClient, keys: RedisKeys, key: string | Buffer): string {
  return isCluster(redis) ? keys.slotEpoch(slotOf(key)) : keys.epoch();
}

/** The state is lost where a script found its slot's epoch missing (answered `lost`). */
export class StateLostError extends Error {
  constructor(where: string) {
    super(`the state is not whole (${where})`);
    this.name = 'StateLostError';
  }
}

/** Every slot of a cluster, grouped by the master that serves it now. */
async function slotsByMaster(redis: RedisClient): Promise<[RedisClient, number[]][]> {
  if (!isCluster(redis)) return [];
  await ready(redis);
  const nodes = await masters(redis);
  const byKey = new Map<string, number[]>();
  redis.slots.forEach((owners, slot) => {
    const owner = owners[0];
    if (owner === undefined) return;
    const list = byKey.get(owner);
    if (list) list.push(slot);
    else byKey.set(owner, [slot]);
  });
  return nodes.map((n) => [n, byKey.get(`${n.options.host}:${n.options.port}`) ?? []]);
}

/**
 * Marks the state whole under `epoch`: on a cluster every slot's epoch first (one pipeline per
 * master), then `P:epoch` (readers see the state whole only once all are there).
 */
export async function markWhole(redis: RedisClient, keys: RedisKeys, epoch: string): Promise<void> {
  for (const [node, slots] of await slotsByMaster(redis)) {
    const pipe = node.pipeline();
    for (const s of slots) pipe.set(keys.slotEpoch(s), epoch);
    const res = (await pipe.exec()) ?? [];
    for (const [err] of res) if (err) throw err;
  }
  await redis.set(keys.epoch(), epoch);
}

/**
 * The epoch of a whole state, or null: `P:epoch` missing, or (on a cluster) a slot whose epoch is
 * missing or another one. `thorough` checks every slot (recovery); otherwise one slot per master
 * (the watchdog, every second: a master that lost its data lost every slot's epoch).
 */
export async function wholeEpoch(
  redis: RedisClient,
  keys: RedisKeys,
  opts: { thorough?: boolean } = {},
): Promise<string | null> {
  const epoch = await redis.get(keys.epoch());
  if (epoch === null) return null;
  for (const [node, slots] of await slotsByMaster(redis)) {
    const asked = opts.thorough ? slots : slots.slice(0, 1);
    if (asked.length === 0) continue;
    const pipe = node.pipeline();
    for (const s of asked) pipe.get(keys.slotEpoch(s));
    for (const [err, v] of (await pipe.exec()) ?? []) {
      if (err) throw err;
      if (v !== epoch) return null;
    }
  }
  return epoch;
}

/** Makes the whole state look lost at once (the first step of a rebuild): readers answer 503. */
export async function markLost(redis: RedisClient, keys: RedisKeys): Promise<void> {
  await redis.del(keys.epoch());
}
