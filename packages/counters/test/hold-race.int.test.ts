/**
 * A hold that races its message's registration: the home partition reads no directory entry for a
 * message and is about to hold its recipient-less event when the recipient's partition registers
 * the message there, before the home commits. The home claimed the hold before folding the batch
 * (CLAIM_LUA), so the registration finds it held and hands it over: the batch commits once, is
 * never folded twice, and the event ends where its recipient lives.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '@tally/redis';
import { testRedis } from '@tally/testing';
import { readCampaign, type InputRecord } from '../src/index.ts';
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

  it('is handed over: the batch counts once, the raced event goes to its recipient', async () => {
    h = new Harness(redis);
    await h.init([0, 1]);
    const forwarded: Forward[] = [];
    let forwardCalls = 0;
    let race: (() => Promise<void>) | undefined;
    // Every message's home is partition 0; recipient r9's events are on partition 1.
    const applier = (p: number) =>
      h.applier(p, {
        messageHome: () => 0,
        forward: async (records) => {
          if (p === 0) forwardCalls++;
          forwarded.push(...records);
          const r = race;
          race = undefined;
          await r?.();
        },
      });
    const home = applier(0);
    const other = applier(1);
    /** What was forwarded to partition p, as that partition's next records (and forgotten). */
    const take = (p: number): InputRecord[] => {
      const mine = forwarded.filter((f) => f.partition === p);
      forwarded.splice(0, forwarded.length, ...forwarded.filter((f) => f.partition !== p));
      return h.forwarded(p, mine);
    };

    const s2 = h.records(0, [
      { eventId: 's2', type: 'sent', occurredAt: at(0), messageId: 'm2', campaignId: 'B', recipientId: 'r2' },
    ]);
    expect(await home.apply(s2)).toMatchObject({ status: 'ok', applied: 1 });

    // Between partition 0's claim and its commit, partition 1 applies mx's send and registers mx.
    race = async () => {
      const sx = h.records(1, [
        {
          eventId: 'sx',
          type: 'sent',
          occurredAt: at(1),
          messageId: 'mx',
          campaignId: 'X',
          recipientId: 'r9',
        },
      ]);
      expect(await other.apply(sx)).toMatchObject({ status: 'ok', applied: 1 });
    };
    forwardCalls = 0;
    const batch = h.records(0, [
      { eventId: 'd2', type: 'delivered', occurredAt: at(2), messageId: 'm2', recipientId: 'r2' },
      { eventId: 'dx', type: 'delivered', occurredAt: at(3), messageId: 'mx' },
    ]);
    expect(await home.apply(batch)).toMatchObject({ status: 'ok', applied: 2, forwarded: 0, duplicate: 0 });
    expect(forwardCalls).toBe(1); // folded and committed once
    expect(race).toBeUndefined();

    // The registration found mx held: partition 1 sent the handover, the home forwards dx.
    const handover = take(0);
    expect(handover.map((r) => r.control?.control)).toEqual(['handover']);
    expect(await home.apply(handover)).toMatchObject({ status: 'ok', forwarded: 1 });
    expect(await other.apply(take(1))).toMatchObject({ status: 'ok', applied: 1 });

    const counts = async (c: string) => (await readCampaign(redis, h.keys, 't', c))?.counts;
    expect(await counts('B')).toMatchObject({ sent: 1, delivered: 1 });
    expect(await counts('X')).toMatchObject({ sent: 1, delivered: 1 });
    // Nothing is held at the home partition any more: the message's events live with its recipient.
    expect(await redis.hlen(h.keys.partition(TOPIC, 0).anonymous)).toBe(0);
  });
});
