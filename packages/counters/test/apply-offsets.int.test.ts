/**
 * The offset discipline of the apply script (apply.ts, point 1): a redelivered batch is skipped
 * record by record, a batch above the stored offset is refused with `seek` unless the gap is
 * allowed, and nothing is applied without the epoch marker.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { CanonicalEvent } from '@tally/events';
import { testServices, uniqueId } from '@tally/testing';
import { applyBatch, deleteAll, readCampaign, RedisKeys, type BatchInput } from '../src/index.ts';

const redis = new Redis(testServices().redisUrl);
afterAll(() => redis.disconnect());

const sent = (i: number): CanonicalEvent => ({
  eventId: `s${i}`,
  tenantId: 't',
  type: 'sent',
  occurredAt: new Date().toISOString(),
  channel: 'sms',
  campaignId: 'c',
  messageId: `m${i}`,
});

describe('applyBatch offsets', () => {
  let keys: RedisKeys;
  const opts = () => ({
    prefix: keys.prefix,
    messageTtlSeconds: 600,
    dedupeTtlSeconds: 600,
    recipientTtlSeconds: 600,
    minuteTtlSeconds: 93_600,
    now: Date.now(),
  });
  const batch = (from: number, to: number, extra: Partial<BatchInput> = {}): BatchInput => ({
    topic: 'events',
    partition: 3,
    firstOffset: String(from),
    lastOffset: String(to),
    events: Array.from({ length: to - from + 1 }, (_, k) => ({
      offset: String(from + k),
      event: sent(from + k),
    })),
    windows: new Map(),
    ...extra,
  });
  const sentCount = async () => (await readCampaign(redis, keys, 't', 'c'))?.counts.sent;

  beforeEach(async () => {
    keys = new RedisKeys(uniqueId('off'));
    await redis.set(keys.epoch(), 'e');
  });
  afterEach(async () => {
    await deleteAll(redis, keys);
  });

  it('applies a batch once and skips it when redelivered', async () => {
    expect(await applyBatch(redis, batch(0, 2), opts())).toMatchObject({
      status: 'ok',
      applied: 3,
      skipped: 0,
    });
    expect(await applyBatch(redis, batch(0, 4), opts())).toMatchObject({
      status: 'ok',
      applied: 2,
      skipped: 3,
    });
    expect(await sentCount()).toBe(5);
    expect(await redis.hget(keys.offsets(), 'events:3')).toBe('5');
  });

  it('refuses a batch above the stored offset with seek, unless the gap is allowed', async () => {
    await applyBatch(redis, batch(0, 1), opts());
    expect(await applyBatch(redis, batch(5, 6), opts())).toEqual({ status: 'seek', offset: '2' });
    expect(await sentCount()).toBe(2);
    expect(await applyBatch(redis, batch(5, 6, { allowGap: true }), opts())).toMatchObject({
      status: 'ok',
      applied: 2,
    });
    expect(await redis.hget(keys.offsets(), 'events:3')).toBe('7');
  });

  it('applies nothing while the epoch marker is missing', async () => {
    await redis.del(keys.epoch());
    expect(await applyBatch(redis, batch(0, 1), opts())).toEqual({ status: 'lost' });
    expect(await redis.exists(keys.offsets(), keys.counts('t', 'c'))).toBe(0);
  });
});
