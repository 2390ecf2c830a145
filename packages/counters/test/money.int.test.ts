/**
 * Money cannot overflow: sums are exact bigints in TypeScript, written as whole 10^15 into the
 * carry field and a rest of at most 10^15 (every intermediate exact in Lua's doubles), and read
 * back as lo + hi × 10^15 — past Redis' 64-bit integer limit too, and for deltas as large as a
 * square of revenue (10^26) in two ops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '@tally/redis';
import { testRedis, uniqueId } from '@tally/testing';
import { RedisKeys } from '../src/keys.ts';
import { scopeWrites } from '../src/partition/scope-ops.ts';
import { writeScopes } from '../src/partition/store.ts';
import { markWhole } from '../src/partition/epoch.ts';
import { scopeId } from '../src/state/contribution.ts';
import { BatchDelta } from '../src/state/delta.ts';
import { deletePrefix } from './applier-harness.ts';

describe('money sums', () => {
  let redis: RedisClient;
  const keys = new RedisKeys(uniqueId('money'));
  beforeAll(async () => {
    redis = testRedis();
    await markWhole(redis, keys, 'e');
  });
  afterAll(async () => {
    await deletePrefix(redis, keys.prefix);
    await redis.quit();
  });

  it('stay exact beyond 2^63 ten-thousandths, and going back down', async () => {
    const scope = scopeId({ kind: 'c', tenant: 't', id: 'big' });
    const step = 9_007_199_254_740_991; // 2^53 − 1: the largest exact number a contribution holds
    let want = 0n;
    let offset = 0;
    for (const n of [1100, -300, 400]) {
      const delta = new BatchDelta();
      for (let i = 0; i < Math.abs(n); i++) {
        delta.plus.addMoney(scope, 'money', 'revenue:EUR', n > 0 ? step : -step);
        want += BigInt(n > 0 ? step : -step);
      }
      await writeScopes(redis, keys, 'events:0', offset++, scopeWrites(delta, keys, 93_600));
      const raw = await redis.hgetall(keys.money('t', 'big'));
      const got = BigInt(raw['revenue:EUR'] ?? '0') + BigInt(raw['revenue:EUR:hi'] ?? '0') * 10n ** 15n;
      expect(got).toBe(want);
    }
    expect(want > 2n ** 63n).toBe(true);
  });

  it('a delta of 10^26 (the square of the largest revenue) and back, in two ops each', async () => {
    const scope = scopeId({ kind: 'c', tenant: 't', id: 'sq' });
    const square = 10n ** 13n * 10n ** 13n + 12_345n;
    let want = 0n;
    let offset = 100;
    for (const n of [square, square, -square, 7n, -square - 7n]) {
      const delta = new BatchDelta();
      delta.plus.addMoney(scope, 'x', 'h\u0000revenueSq:EUR', n);
      want += n;
      const writes = scopeWrites(delta, keys, 93_600);
      expect(writes[0]?.args.filter((a) => a === 'm' || a === 'i').length).toBeLessThanOrEqual(2);
      await writeScopes(redis, keys, 'events:0', offset++, writes);
      const raw = await redis.hgetall(keys.experiment('t', 'sq'));
      const got =
        BigInt(raw['h\u0000revenueSq:EUR'] ?? '0') +
        BigInt(raw['h\u0000revenueSq:EUR:hi'] ?? '0') * 10n ** 15n;
      expect(got).toBe(want);
    }
    expect(want).toBe(0n);
    // back to zero: nothing left but (possibly) a zero carry
    const raw = await redis.hgetall(keys.experiment('t', 'sq'));
    expect(Object.values(raw).every((v) => v === '0')).toBe(true);
  });
});
