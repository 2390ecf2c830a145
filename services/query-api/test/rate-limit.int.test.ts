/**
 * The per-tenant rate limit counted locally and synced to one Redis counter per tenant and minute:
 * exact within a replica, one shared budget across replicas once they have synced, nothing lost
 * at close.
 */
import type { RedisClient } from '@tally/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '@tally/counters';
import { createLogger } from '@tally/logging';
import { testRedis, uniqueId } from '@tally/testing';
import { createRateLimiter } from '../src/rate-limiter.ts';

describe('rate limiter', () => {
  let redis: RedisClient;
  const logger = createLogger({ service: 'test-rate-limit', level: 'silent' });
  // the middle of a minute, so no test crosses into the next one
  const now = (Math.floor(Date.now() / 60_000) + 0.5) * 60_000;

  beforeAll(() => {
    redis = testRedis();
  });
  afterAll(async () => {
    await redis.quit();
  });

  const replica = (keys: RedisKeys, limit: number) =>
    createRateLimiter({ redis, keys, logger, limit, syncMs: 50 });

  it('is exact within one replica and answers without waiting for Redis', async () => {
    const keys = new RedisKeys(uniqueId('rl'));
    const rl = replica(keys, 3);
    const used = [1, 2, 3, 4].map(() => rl.hit('t1', now).used);
    expect(used).toEqual([1, 2, 3, 4]);
    expect(rl.hit('t2', now).used).toBe(1);
    expect(rl.hit('t1', now).resetAt).toBe((Math.floor(now / 60_000) + 1) * 60_000);
    await rl.close();
    expect(await redis.get(keys.rateLimit('t1', Math.floor(now / 60_000)))).toBe('5');
    expect(await redis.pttl(keys.rateLimit('t1', Math.floor(now / 60_000)))).toBeGreaterThan(60_000);
  });

  it('shares one budget across replicas after a sync', async () => {
    const keys = new RedisKeys(uniqueId('rl'));
    const a = replica(keys, 10);
    const b = replica(keys, 10);
    for (let i = 0; i < 6; i++) a.hit('t', now);
    await a.sync();
    b.hit('t', now);
    await b.sync();
    // b learned a's 6 with its own sync; a learns b's first one with its next sync (b's second
    // is not sent yet)
    expect(b.hit('t', now).used).toBe(8);
    a.hit('t', now);
    await a.sync();
    expect(a.hit('t', now).used).toBe(9);
    expect(a.hit('t', now).used).toBe(10);
    await Promise.all([a.close(), b.close()]);
    expect(await redis.get(keys.rateLimit('t', Math.floor(now / 60_000)))).toBe('11');
  });

  it('syncs on its own within the interval', async () => {
    const keys = new RedisKeys(uniqueId('rl'));
    const rl = replica(keys, 100);
    rl.hit('t', now);
    rl.hit('t', now);
    const key = keys.rateLimit('t', Math.floor(now / 60_000));
    const deadline = Date.now() + 5000;
    while ((await redis.get(key)) !== '2' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(await redis.get(key)).toBe('2');
    await rl.close();
  });
});
