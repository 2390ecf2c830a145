/**
 * Many commands in as few round trips as the deployment allows. On a standalone Redis: one
 * pipeline (or one MULTI), exactly as before. On a Cluster a pipeline or a MULTI must keep to one
 * hash slot (ioredis refuses one whose keys span slots on different nodes, and a slot can move
 * between nodes at any time; the server refuses a MULTI across slots), so the commands are split
 * by slot into one pipeline (or MULTI) each, all in flight at once.
 */
import type { ChainableCommander } from 'ioredis';
import { isCluster, slotOf, type RedisClient } from './client.ts';

/** One command: the key that routes it, and a function that adds exactly that command. */
export type BatchOp = readonly [key: string | Buffer, add: (c: ChainableCommander) => unknown];

export interface BatchOptions {
  /**
   * MULTI instead of a pipeline: atomic as a whole on a standalone Redis, per hash slot on a
   * Cluster (each scope's keys share a slot, so each scope is still read at one instant).
   */
  atomic?: boolean;
}

function values(res: [Error | null, unknown][] | null, expected: number): unknown[] {
  const out = (res ?? []).map(([err, v]) => {
    if (err) throw err;
    return v;
  });
  if (out.length !== expected) throw new Error(`batch: ${expected} commands, ${out.length} replies`);
  return out;
}

/** Runs the ops; their replies in order. The first failed command's error is thrown. */
export async function batch(
  redis: RedisClient,
  ops: readonly BatchOp[],
  opts: BatchOptions = {},
): Promise<unknown[]> {
  if (ops.length === 0) return [];
  if (!isCluster(redis)) {
    const c = opts.atomic ? redis.multi() : redis.pipeline();
    for (const [, add] of ops) add(c);
    return values(await c.exec(), ops.length);
  }
  const bySlot = new Map<number, number[]>();
  ops.forEach(([key], i) => {
    const slot = slotOf(key);
    const group = bySlot.get(slot);
    if (group) group.push(i);
    else bySlot.set(slot, [i]);
  });
  const out: unknown[] = new Array<unknown>(ops.length);
  await Promise.all(
    [...bySlot.values()].map(async (group) => {
      const c = opts.atomic && group.length > 1 ? redis.multi() : redis.pipeline();
      for (const i of group) ops[i]?.[1](c);
      const res = values(await c.exec(), group.length);
      group.forEach((i, j) => (out[i] = res[j]));
    }),
  );
  return out;
}
