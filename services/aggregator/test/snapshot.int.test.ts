/**
 * Snapshots never stop: a recipient kept on two partitions (events keyed elsewhere than ingest
 * keys them) would give its readable row twice; the snapshot still stores every record, and a
 * rebuild from it restores exactly what Redis held.
 */
import type { RedisClient } from '@tally/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TENANT_WINDOWS, PartitionApplier, RedisKeys, type InputRecord } from '@tally/counters';
import { createLogger } from '@tally/logging';
import { isolate, testRedis, type Isolation } from '@tally/testing';
import { ensureState } from '../src/recovery.ts';
import { createSnapshotter } from '../src/snapshotter.ts';
import { deletePrefix } from './exactness-harness.ts';

const TOPIC = 'events';
const logger = createLogger({ service: 'test-snapshot', level: 'silent' });

describe('snapshots', () => {
  let iso: Isolation;
  let redis: RedisClient;
  beforeAll(async () => {
    iso = await isolate('snap');
    redis = testRedis();
  });
  afterAll(async () => {
    await redis.quit();
    await iso.cleanup();
  });

  it('store every record even when a readable row repeats, and restore exactly', async () => {
    const keys = new RedisKeys(`${iso.redisPrefix}s`);
    const deps = { redis, keys, pool: iso.db.pool, logger };
    const home = () => 0;
    await ensureState(deps, TOPIC, 2, home);
    const at = new Date(Date.now() - 60_000).toISOString();
    for (const p of [0, 1]) {
      const applier = new PartitionApplier({
        redis,
        keys,
        topic: TOPIC,
        partition: p,
        minuteTtlSeconds: 93_600,
        windows: () => Promise.resolve(() => DEFAULT_TENANT_WINDOWS),
        now: () => Date.now(),
        messageHome: home,
        forward: () => Promise.resolve(),
      });
      const records: InputRecord[] = [0, 1, 2].map((i) => ({
        offset: i,
        timestamp: Date.now(),
        event: {
          eventId: `p${p}e${i}`,
          tenantId: 't',
          type: 'sent',
          occurredAt: at,
          channel: 'sms',
          messageId: `p${p}m${i}`,
          campaignId: 'c',
          recipientId: 'same',
        },
      }));
      expect((await applier.apply(records)).status).toBe('ok');
    }
    const snapshotter = createSnapshotter({
      ...deps,
      groupId: 'g',
      topic: TOPIC,
      partitions: 2,
    });
    expect(await snapshotter.snapshot()).toBeGreaterThan(0);
    const held = await Promise.all([0, 1].map((p) => redis.hlen(keys.partition(TOPIC, p).messages)));
    await deletePrefix(redis, keys.prefix);
    const rebuilt = await ensureState(deps, TOPIC, 2, home);
    expect(rebuilt.rebuilt).toBe(true);
    expect(await Promise.all([0, 1].map((p) => redis.hlen(keys.partition(TOPIC, p).messages)))).toEqual(held);
    expect(rebuilt.records).toBe(8); // 6 messages, the recipient on each of the two partitions
    await deletePrefix(redis, keys.prefix);
  });
});
