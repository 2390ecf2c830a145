/**
 * Feeds events to the apply script as consecutive batches of one partition, under a fresh key
 * prefix per test (tenant `t`, channel `sms` unless the event says otherwise).
 */
import { afterEach, beforeEach, expect } from 'vitest';
import type { Redis } from 'ioredis';
import type { CanonicalEvent } from '@tally/events';
import { uniqueId } from '@tally/testing';
import { applyBatch, deleteAll, RedisKeys } from '../src/index.ts';

export type Ev = Partial<CanonicalEvent> & Pick<CanonicalEvent, 'eventId' | 'type' | 'occurredAt'>;

export interface ApplyOptions {
  recipientTtlSeconds?: number;
  now?: number;
}

export function useApplyHarness(redis: Redis, label: string) {
  const h = { keys: new RedisKeys(uniqueId(label)), offset: 0 };
  beforeEach(async () => {
    h.keys = new RedisKeys(uniqueId(label));
    h.offset = 0;
    await redis.set(h.keys.epoch(), 'e');
  });
  afterEach(async () => {
    await deleteAll(redis, h.keys);
  });
  const apply = async (events: Ev[], o: ApplyOptions = {}) => {
    const first = h.offset;
    h.offset += events.length;
    const res = await applyBatch(
      redis,
      {
        topic: 'events',
        partition: 0,
        firstOffset: String(first),
        lastOffset: String(h.offset - 1),
        events: events.map((e, k) => ({
          offset: String(first + k),
          event: { tenantId: 't', channel: 'sms', ...e },
        })),
        windows: new Map(),
      },
      {
        prefix: h.keys.prefix,
        messageTtlSeconds: 600,
        dedupeTtlSeconds: 600,
        recipientTtlSeconds: o.recipientTtlSeconds ?? 92 * 86_400,
        minuteTtlSeconds: 93_600,
        now: o.now ?? Date.now(),
      },
    );
    expect(res.status).toBe('ok');
    return res;
  };
  return { keys: () => h.keys, apply };
}
