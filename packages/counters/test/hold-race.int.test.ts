/**
 * A hold that races its message's registration: the home partition reads no directory entry for a
 * message, decides to hold its recipient-less event, and before it commits the recipient's
 * partition registers the message there. The commit is refused (`dir`) and the batch is redone.
 * What the first attempt changed in memory must be forgotten, or the redo would find its own
 * uncommitted events already folded in and count them as duplicates.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '@tally/redis';
import { testRedis } from '@tally/testing';
import { PartitionApplier, readCampaign, type InputRecord } from '../src/index.ts';
import type { Forward } from '../src/partition/batch.ts';
import { Harness, TOPIC } from './applier-harness.ts';

const at = (min: number) => new Date(Date.now() - 3 * 3600_000 + min * 60_000).toISOString();

describe('a hold that races a registration', () => {
  let redis: RedisClient;
  let h: Harness;
  beforeAll(() => {
    redis = testRedis();
  });
  afterAll(async () => {
    await redis.quit();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('is redone on fresh reads: the batch counts once, the raced event goes to its recipient', async () => {
    h = new Harness(redis);
    await h.init([0, 1]);
    const forwarded: Forward[][] = [];
    let race: (() => Promise<void>) | undefined;
    // Every message's home is partition 0; recipient r9's events are on partition 1.
    const applier = (p: number) =>
      new PartitionApplier({
        redis,
        keys: h.keys,
        topic: TOPIC,
        partition: p,
        minuteTtlSeconds: 26 * 3600,
        windows: () => Promise.resolve(() => h.windows),
        now: () => h.now,
        messageHome: () => 0,
        forward: async (records) => {
          if (p !== 0) return;
          forwarded.push(records);
          const r = race;
          race = undefined;
          await r?.();
        },
      });
    const home = applier(0);
    const other = applier(1);

    expect(
      await home.apply(
        h.records(0, [
          {
            eventId: 's2',
            type: 'sent',
            occurredAt: at(0),
            messageId: 'm2',
            campaignId: 'B',
            recipientId: 'r2',
          },
        ]),
      ),
    ).toMatchObject({ status: 'ok', applied: 1 });

    forwarded.length = 0;
    // Between partition 0's reads and its commit, partition 1 applies mx's send and registers mx.
    race = async () => {
      const sent = h.records(1, [
        {
          eventId: 'sx',
          type: 'sent',
          occurredAt: at(1),
          messageId: 'mx',
          campaignId: 'X',
          recipientId: 'r9',
        },
      ]);
      expect(await other.apply(sent)).toMatchObject({ status: 'ok', applied: 1 });
    };
    const batch = h.records(0, [
      { eventId: 'd2', type: 'delivered', occurredAt: at(2), messageId: 'm2', recipientId: 'r2' },
      { eventId: 'dx', type: 'delivered', occurredAt: at(3), messageId: 'mx' },
    ]);
    expect(await home.apply(batch)).toMatchObject({ status: 'ok', applied: 1, forwarded: 1, duplicate: 0 });

    // The first attempt held dx (nothing forwarded); the redo found the directory entry.
    expect(forwarded.map((f) => f.map((r) => r.partition))).toEqual([[], [1]]);
    const records: InputRecord[] = (forwarded[1] ?? []).map((f, i) => ({
      offset: 1 + i,
      timestamp: f.timestamp,
      event: JSON.parse(f.value) as NonNullable<InputRecord['event']>,
    }));
    expect(await other.apply(records)).toMatchObject({ status: 'ok', applied: 1 });

    const counts = async (c: string) => (await readCampaign(redis, h.keys, 't', c))?.counts;
    expect(await counts('B')).toMatchObject({ sent: 1, delivered: 1 });
    expect(await counts('X')).toMatchObject({ sent: 1, delivered: 1 });
    // Nothing is held at the home partition: the message's events live with its recipient.
    expect(await redis.hlen(h.keys.partition(TOPIC, 0).anonymous)).toBe(0);
  });
});
