/**
 * Key scans under a prefix. A Cluster's keys are spread over its masters and SCAN runs on one
 * node, so every master is scanned; each page comes with the node that holds its keys, for
 * per-key commands on that node (a multi-key command would still have to keep to one slot).
 */
import type { Redis } from 'ioredis';
import { isCluster, masters, slotOf, type RedisClient } from './client.ts';

export async function forEachKeyPage(
  redis: RedisClient,
  pattern: string,
  onPage: (keys: string[], node: Redis) => Promise<void>,
  count = 1000,
): Promise<void> {
  for (const node of await masters(redis)) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (found.length > 0) await onPage(found, node);
    } while (cursor !== '0');
  }
}

/** Every key matching the pattern (tests, benchmarks: the whole set is held in memory). */
export async function scanKeys(redis: RedisClient, pattern: string, count = 1000): Promise<string[]> {
  const out: string[] = [];
  await forEachKeyPage(redis, pattern, (keys) => Promise.resolve(void out.push(...keys)), count);
  return out;
}

/** UNLINKs the keys: one command on a standalone Redis, one per hash slot on a Cluster. */
export async function unlinkKeys(redis: RedisClient, keys: string[]): Promise<number> {
  if (keys.length === 0) return 0;
  if (!isCluster(redis)) return redis.unlink(...keys);
  const bySlot = new Map<number, string[]>();
  for (const k of keys) {
    const slot = slotOf(k);
    const group = bySlot.get(slot);
    if (group) group.push(k);
    else bySlot.set(slot, [k]);
  }
  const counts = await Promise.all([...bySlot.values()].map((group) => redis.unlink(...group)));
  return counts.reduce((a, b) => a + b, 0);
}

/** Deletes every key matching the pattern (SCAN + UNLINK on every master); how many. */
export async function deleteMatching(redis: RedisClient, pattern: string): Promise<number> {
  let n = 0;
  await forEachKeyPage(redis, pattern, async (keys) => {
    n += await unlinkKeys(redis, keys);
  });
  return n;
}
