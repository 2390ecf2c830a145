/**
 * Retirement keeps memory bounded without changing a count: after stream time passes every
 * window plus the horizon, a partition's messages and events are dropped (tombstones remember the
 * message ids), what was counted stays, a straggler for a retired message is counted late, and a
 * retired opt-out still keeps its recipient from counting twice.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '@tally/redis';
import { testRedis } from '@tally/testing';
import { DEFAULT_TENANT_WINDOWS, readAttributionStatus, readCampaign } from '../src/index.ts';
import { decodeRecipient, encodeRecipient } from '../src/partition/codec.ts';
import { Harness, type Ev } from './applier-harness.ts';

const DAY = 86_400_000;
const T = Date.now() - 3 * 3600_000;
const at = (ms: number) => new Date(T + ms).toISOString();

const events: Ev[] = [
  { eventId: 's1', type: 'sent', occurredAt: at(0), messageId: 'm1', campaignId: 'A', recipientId: 'r1' },
  { eventId: 'd1', type: 'delivered', occurredAt: at(1000), messageId: 'm1', recipientId: 'r1' },
  { eventId: 'o1', type: 'opted_out', occurredAt: at(60_000), recipientId: 'r1' },
  { eventId: 'k1', type: 'clicked', occurredAt: at(30_000), messageId: 'm1', recipientId: 'r1' },
];

describe('retirement', () => {
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

  it('drops state past every window and the horizon, and changes no count', async () => {
    h = new Harness(redis);
    await h.init([0]);
    expect((await h.apply(0, h.records(0, events))).status).toBe('ok');
    const before = await readCampaign(redis, h.keys, 't', 'A');
    const pk = h.keys.partition('events', 0);
    expect(await redis.hlen(pk.messages)).toBe(1);
    // Stream time a horizon plus every window later: the message and the opt-out retire.
    const later = T + DEFAULT_TENANT_WINDOWS.horizonMs + 6 * DAY;
    for (let i = 0; i < 4; i++) await h.applier(0).sweep({ caughtUpAt: later });
    expect(await redis.hlen(pk.messages)).toBe(0);
    expect(await redis.hexists(pk.tombstones, 't m1')).toBe(1);
    expect(await readCampaign(redis, h.keys, 't', 'A')).toEqual(before);

    // A straggler for the retired message, arriving then: late, not a new message.
    const straggler = h.records(
      0,
      [{ eventId: 'r9', type: 'opened', occurredAt: at(2000), messageId: 'm1', recipientId: 'r1' }],
      later,
    );
    expect(await h.apply(0, straggler)).toMatchObject({ status: 'ok', late: 1, applied: 0 });
    expect((await readCampaign(redis, h.keys, 't', 'A'))?.counts).toEqual(before?.counts);
    // …and one that happened just now (not late by its own time): the tombstone makes it late.
    const fresh = h.records(
      0,
      [
        {
          eventId: 'r10',
          type: 'clicked',
          occurredAt: new Date(later - 60_000).toISOString(),
          messageId: 'm1',
          recipientId: 'r1',
        },
      ],
      later,
    );
    expect(await h.apply(0, fresh)).toMatchObject({ status: 'ok', late: 1, applied: 0 });
    expect((await readCampaign(redis, h.keys, 't', 'A'))?.counts).toEqual(before?.counts);
    const status = await readAttributionStatus(redis, h.keys, 't', DEFAULT_TENANT_WINDOWS.horizonMs, later);
    expect(status.late).toEqual({ opened: 1, clicked: 1 });

    // A new campaign message and a second opt-out of the same recipient for A: still once.
    const again = h.records(
      0,
      [
        {
          eventId: 'o2',
          type: 'opted_out',
          occurredAt: new Date(later).toISOString(),
          recipientId: 'r1',
          campaignId: 'A',
        },
      ],
      later,
    );
    expect((await h.apply(0, again)).status).toBe('ok');
    expect((await readCampaign(redis, h.keys, 't', 'A'))?.counts.optOuts).toBe(1);
  });

  it("reads a recipient's messages only when one of them may retire (or its bound is unknown)", async () => {
    h = new Harness(redis);
    await h.init([0]);
    const sends: Ev[] = ['m1', 'm2', 'm3'].map((m, i) => ({
      eventId: `s${m}`,
      type: 'sent',
      occurredAt: at(i * 1000),
      messageId: m,
      campaignId: 'A',
      recipientId: 'r1',
    }));
    expect((await h.apply(0, h.records(0, sends))).status).toBe('ok');
    const applier = h.applier(0);
    const pk = h.keys.partition('events', 0);
    const cache = applier.store.records;
    // a day on, nothing can retire: a fresh memory judges r1 from its record and reads no message
    applier.store.reset();
    for (let i = 0; i < 4; i++) await applier.sweep({ caughtUpAt: T + DAY });
    expect([cache.has('recipient', 't r1'), cache.has('message', 't m1')]).toEqual([false, false]);
    // a record without the bound (written before it was kept) is read whole, and gets it
    const stored = decodeRecipient('t r1', (await redis.hget(pk.recipients, 't r1')) ?? '');
    expect(stored.oldestAt).toBe(Date.parse(at(0)));
    delete stored.oldestAt;
    await redis.hset(pk.recipients, 't r1', encodeRecipient(stored));
    applier.store.reset();
    for (let i = 0; i < 4; i++) await applier.sweep({ caughtUpAt: T + DAY });
    expect([cache.isWhole('t r1'), cache.has('message', 't m3')]).toEqual([true, true]);
    expect(decodeRecipient('t r1', (await redis.hget(pk.recipients, 't r1')) ?? '').oldestAt).toBe(
      Date.parse(at(0)),
    );
    // past every window and the horizon: read whole and retired
    applier.store.reset();
    const later = T + DEFAULT_TENANT_WINDOWS.horizonMs + 6 * DAY;
    for (let i = 0; i < 4; i++) await applier.sweep({ caughtUpAt: later });
    expect(await redis.hlen(pk.messages)).toBe(0);
  });

  it('fences out a stale owner after the new owner retired records without moving the offset', async () => {
    h = new Harness(redis);
    await h.init([0]);
    const stale = h.applier(0);
    expect((await stale.apply(h.records(0, events))).status).toBe('ok');
    const before = await readCampaign(redis, h.keys, 't', 'A');
    // The partition moves: its new owner, caught up, retires m1 (a commit at the same offset).
    const owner = new Harness(redis);
    Object.assign(owner, { keys: h.keys });
    const later = T + DEFAULT_TENANT_WINDOWS.horizonMs + 6 * DAY;
    for (let i = 0; i < 4; i++) await owner.applier(0).sweep({ caughtUpAt: later });
    const pk = h.keys.partition('events', 0);
    expect(await redis.hexists(pk.tombstones, 't m1')).toBe(1);
    // The old owner still holds m1 in memory: a click of it now (late only by the tombstone) must
    // not count as a second click of a live message, nor bring m1 back.
    const straggler = h.records(
      0,
      [
        {
          eventId: 'k9',
          type: 'clicked',
          occurredAt: new Date(later - 60_000).toISOString(),
          messageId: 'm1',
          recipientId: 'r1',
        },
      ],
      later,
    );
    expect(await stale.apply(straggler)).toEqual({ status: 'conflict', next: 4 });
    expect(await stale.apply(straggler)).toMatchObject({ status: 'ok', late: 1, applied: 0 });
    expect((await readCampaign(redis, h.keys, 't', 'A'))?.counts).toEqual(before?.counts);
    expect(await redis.hlen(pk.messages)).toBe(0);
  });
});
