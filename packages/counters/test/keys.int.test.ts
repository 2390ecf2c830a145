/**
 * keys.ts spells every key twice — in TypeScript and, for the scripts, in Lua. This checks that
 * both spellings agree, by evaluating the Lua functions in a real Redis.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { testServices } from '@tally/testing';
import { LUA_KEYS, RedisKeys } from '../src/keys.ts';

describe('LUA_KEYS agrees with RedisKeys', () => {
  const redis = new Redis(testServices().redisUrl);
  afterAll(() => redis.disconnect());
  const k = new RedisKeys('pfx');

  it.each([
    ['K.counts("t", "c")', k.counts('t', 'c')],
    ['K.money("t", "c")', k.money('t', 'c')],
    ['K.meta("t", "c")', k.meta('t', 'c')],
    ['K.rt("t", "c")', k.responseTimes('t', 'c')],
    ['K.minute("t", "c", 42)', k.minute('t', 'c', 42)],
    ['K.werr("t", "c", 42)', k.minuteErrors('t', 'c', 42)],
    ['K.wtuple("t", "c", 42)', k.minuteTuples('t', 'c', 42)],
    ['K.sminute("t", "+15005550000", 42)', k.senderMinute('t', '+15005550000', 42)],
    ['K.swerr("t", "s", 42)', k.senderMinuteErrors('t', 's', 42)],
    ['K.active("t")', k.active('t')],
    ['K.tuples("t", "c")', k.tuples('t', 'c')],
    ['K.dims("t", "c")', k.dims('t', 'c')],
    ['K.breakdown("t", "c", "error_code")', k.breakdown('t', 'c', 'error_code')],
    ['K.message("t", "m")', k.message('t', 'm')],
    ['K.recipient("t", "r")', k.recipient('t', 'r')],
    ['K.campaigns("t")', k.campaigns('t')],
    ['K.unattributed("t")', k.unattributed('t')],
    ['K.offsets', k.offsets()],
    ['K.parked', k.parked()],
    ['K.dirty', k.dirty()],
    ['K.inflight', k.dirtyInflight()],
    ['K.epoch', k.epoch()],
  ])('%s', async (lua, want) => {
    const got = await redis.eval(`local P = ARGV[1]\n${LUA_KEYS}\nreturn ${lua}`, 0, 'pfx');
    expect(got).toBe(want);
  });
});
