import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '@tally/redis';
import { testRedis } from '@tally/testing';
import { readCampaign } from '../src/index.ts';
import { decodeRecipient, encodeRecipient } from '../src/partition/codec.ts';
import { Harness, type Ev } from './applier-harness.ts';

const at = (min: number) => new Date(Date.now() - 3 * 3600_000 + min * 60_000).toISOString();
const FLUSH_T0 = Date.now() - 3 * 3600_000;

const STREAM: Ev[] = [
  { eventId: 's1', type: 'sent', occurredAt: at(0), messageId: 'm1', campaignId: 'A', recipientId: 'r1' },
  { eventId: 'd1', type: 'delivered', occurredAt: at(1), messageId: 'm1', recipientId: 'r1' },
  { eventId: 'o1', type: 'opted_out', occurredAt: at(5), recipientId: 'r1' },
  { eventId: 's2', type: 'sent', occurredAt: at(2), messageId: 'm2', campaignId: 'B', recipientId: 'r2' },
  {
    eventId: 'f2',
    type: 'failed',
    occurredAt: at(3),
    messageId: 'm2',
    recipientId: 'r2',
    errorCode: '30003',
  },
  {
    eventId: 'c1',
    type: 'converted',
    occurredAt: at(10),
    campaignId: 'A',
    value: { amount: 12.5, currency: 'EUR' },
  },
];

describe('PartitionApplier on real Redis', () => {
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

  async function counts(harness: Harness, c: string) {
    const s = await readCampaign(redis, harness.keys, 't', c);
    return { counts: s?.counts, money: s?.moneyUnits };
  }

  it('gives the same counts in time order, reversed, in one batch or one event at a time', async () => {
    const results = [];
    for (const order of [STREAM, [...STREAM].reverse()]) {
      for (const size of [1, 2, STREAM.length]) {
        h = new Harness(redis);
        await h.init([0]);
        const records = h.records(0, order);
        for (let i = 0; i < records.length; i += size)
          expect((await h.apply(0, records.slice(i, i + size))).status).toBe('ok');
        results.push([await counts(h, 'A'), await counts(h, 'B')]);
        await h.cleanup();
      }
    }
    for (const r of results) expect(r).toEqual(results[0]);
    expect(results[0]?.[0]).toMatchObject({
      counts: { sent: 1, delivered: 1, optOuts: 1, conversions: 1 },
      money: { 'revenue:EUR': 125_000 },
    });
    expect(results[0]?.[1]?.counts).toMatchObject({ sent: 1, failed: 1, delivered: 0 });
  });

  it('keeps to its memory bound and its commit size: the cache forgets and re-reads, counts stay exact', async () => {
    const events: Ev[] = [];
    for (let i = 0; i < 40; i++) {
      const r = `r${i}`;
      events.push(
        {
          eventId: `sa${i}`,
          type: 'sent',
          occurredAt: at(i),
          messageId: `ma${i}`,
          campaignId: 'A',
          recipientId: r,
        },
        { eventId: `da${i}`, type: 'delivered', occurredAt: at(i + 1), messageId: `ma${i}`, recipientId: r },
        {
          eventId: `sb${i}`,
          type: 'sent',
          occurredAt: at(i + 2),
          messageId: `mb${i}`,
          campaignId: 'B',
          recipientId: r,
        },
        { eventId: `ca${i}`, type: 'clicked', occurredAt: at(i + 3), messageId: `ma${i}`, recipientId: r },
      );
    }
    // Every event twice, the copy late in the stream: a forgotten record must be re-read to see it.
    const stream = [...events, ...events.slice(0, 60)];
    const BATCH = 25;
    const run = async (opts: { cacheLimit?: number; commitRecords?: number }) => {
      h = new Harness(redis);
      await h.init([0]);
      const applier = h.applier(0, opts);
      const records = h.records(0, stream);
      const held: number[] = [];
      for (let i = 0; i < records.length; i += BATCH) {
        expect((await applier.apply(records.slice(i, i + BATCH))).status).toBe('ok');
        held.push(applier.store.records.size());
      }
      const out = {
        a: await counts(h, 'A'),
        b: await counts(h, 'B'),
        held: Math.max(...held),
        commits: Number(await redis.hget(h.keys.partition('events', 0).meta, 'v')),
      };
      await h.cleanup();
      return out;
    };
    const free = await run({});
    const bounded = await run({ cacheLimit: 5, commitRecords: 7 });
    expect(bounded.a).toEqual(free.a);
    expect(bounded.b).toEqual(free.b);
    expect(free.a.counts).toMatchObject({ sent: 40, delivered: 40 });
    expect(free.b.counts).toMatchObject({ sent: 40 });
    // Four kinds of records, five each at most between batches; unbounded, it holds them all.
    expect(bounded.held).toBeLessThanOrEqual(4 * 5);
    expect(free.held).toBeGreaterThan(4 * 5);
    // A batch of 25 records commits in ceil(25 / 7) = 4 steps; unbounded, in one.
    const batches = Math.ceil(stream.length / BATCH);
    const last = stream.length - (batches - 1) * BATCH;
    expect(bounded.commits).toBe((batches - 1) * 4 + Math.ceil(last / 7));
    expect(free.commits).toBe(batches);
  });

  it('folds a recipient with only the messages its events name, and again whole when one gains a recipient part', async () => {
    // r1 has two messages, one in-app; its record keeps that it has no recipient part
    const first: Ev[] = [
      { eventId: 's1', type: 'sent', occurredAt: at(0), messageId: 'm1', campaignId: 'A', recipientId: 'r1' },
      {
        eventId: 's2',
        type: 'sent',
        occurredAt: at(1),
        messageId: 'm2',
        campaignId: 'A',
        recipientId: 'r1',
        channel: 'in_app',
      },
    ];
    // an open of the in-app message reported on another channel: the load does not expect it to
    // add a recipient part (an in-app open does), so the partial fold must notice and fold again
    const second: Ev[] = [
      { eventId: 'd1', type: 'delivered', occurredAt: at(2), messageId: 'm1', recipientId: 'r1' },
      { eventId: 'o2', type: 'opened', occurredAt: at(3), messageId: 'm2', recipientId: 'r1' },
    ];
    const run = async (fresh: boolean) => {
      h = new Harness(redis);
      await h.init([0]);
      const one = h.applier(0);
      const records = h.records(0, [...first, ...second]);
      expect((await one.apply(records.slice(0, 2))).status).toBe('ok');
      const rec = await redis.hget(h.keys.partition('events', 0).recipients, 't r1');
      // the second batch from memory, or read again (as a new owner reads it)
      if (fresh) one.reset();
      expect(await one.apply(records.slice(2))).toMatchObject({ status: 'ok', applied: 2 });
      const out = { a: await counts(h, 'A'), rec, refolds: one.refolds };
      await h.cleanup();
      return out;
    };
    const same = await run(false);
    const fresh = await run(true);
    expect(decodeRecipient('t r1', same.rec ?? '').recipientPart, 'the recipient part is known (empty)').toBe(
      false,
    );
    expect(same.refolds).toBe(0);
    expect(fresh.refolds).toBe(1);
    expect(fresh.a).toEqual(same.a);
    expect(same.a.counts).toMatchObject({ sent: 2, delivered: 2 }); // an open implies delivery
  });

  /**
   * Four recipients of three messages each, applied, then read by a new owner (no history cached,
   * the due marks read again) that flushes the rows twice within `budget` and once unbounded.
   * `unknown`: the records are stored as before they kept a live summary, so each row folds every
   * message of its recipient (read from Redis: what the budget bounds).
   */
  async function audienceFlushes(budget: number | undefined, opts: { unknown?: boolean }) {
    // the same times in every run (the rows hold them)
    const at = (min: number) => new Date(FLUSH_T0 + min * 60_000).toISOString();
    const events: Ev[] = [];
    for (let r = 0; r < 4; r++) {
      for (let m = 0; m < 3; m++)
        events.push({
          eventId: `s${r}-${m}`,
          type: 'sent',
          occurredAt: at(r * 3 + m),
          messageId: `m${r}-${m}`,
          campaignId: 'A',
          recipientId: `r${r}`,
        });
      events.push({ eventId: `d${r}`, type: 'delivered', occurredAt: at(r * 3 + 1), messageId: `m${r}-0` });
    }
    h = new Harness(redis);
    await h.init([0]);
    const pk = h.keys.partition('events', 0);
    // no flush with the batch: every row stays due
    const a = h.applier(0, {
      audienceFlushMs: Number.MAX_SAFE_INTEGER,
      ...(budget ? { audienceReadsPerFlush: budget } : {}),
    });
    expect((await a.apply(h.records(0, events))).status).toBe('ok');
    const stored = await redis.hgetall(pk.recipients);
    expect(Object.keys(stored)).toHaveLength(4);
    if (opts.unknown)
      for (const [f, v] of Object.entries(stored)) {
        const { live: _live, ...rec } = decodeRecipient(f, v);
        await redis.hset(pk.recipients, f, encodeRecipient(rec));
      }
    a.reset(); // a new owner: no history cached, the due marks read again when it opens
    await a.nextOffset();
    const due = [a.store.audienceDue.size];
    for (let i = 0; i < 2; i++) {
      await a.flushAudience(true);
      due.push(a.store.audienceDue.size);
    }
    await a.flushAudience(); // unbounded, as before a snapshot
    due.push(a.store.audienceDue.size);
    const rows = Object.fromEntries(
      Object.entries(await redis.hgetall(pk.dirty)).filter(([k]) => k.startsWith('a ')),
    );
    const live = Object.entries(await redis.hgetall(pk.recipients)).map(
      ([f, v]) => decodeRecipient(f, v).live,
    );
    await h.cleanup();
    return { due, rows, live };
  }

  it('a timed audience flush reads at most its budget of messages; the rest stay due, and the rows end the same', async () => {
    const free = await audienceFlushes(undefined, { unknown: true });
    // three messages a row: a budget of 4 reads the oldest row's three, then no other whole one
    const bounded = await audienceFlushes(4, { unknown: true });
    expect(free.due).toEqual([4, 0, 0, 0]);
    expect(bounded.due).toEqual([4, 3, 2, 0]);
    expect(Object.keys(bounded.rows)).toHaveLength(4);
    expect(bounded.rows).toEqual(free.rows);
  });

  it('writes the row of a recipient without recipient-level events from its record alone, as the fold over its messages would', async () => {
    // the records' live summaries: no message is read, so a budget of 1 holds no row back
    const fromRecord = await audienceFlushes(1, {});
    expect(fromRecord.due).toEqual([4, 0, 0, 0]);
    // the same records without a summary: each row folds its three messages (one a flush, the
    // oldest always goes), and sets the summary it then writes
    const folded = await audienceFlushes(1, { unknown: true });
    expect(folded.due).toEqual([4, 3, 2, 0]);
    expect(Object.keys(fromRecord.rows)).toHaveLength(4);
    expect(fromRecord.rows).toEqual(folded.rows);
    expect(JSON.parse(fromRecord.rows['a t r0'] ?? '{}')).toMatchObject({
      n: '3',
      'lr:sms': expect.any(String),
    });
    expect(folded.live).toEqual(fromRecord.live);
    expect(fromRecord.live.every((l) => l && l.received === 3)).toBe(true);
  });

  it('keeps the rows of two recipients that list one message right: both folded whole, both due when it changes', async () => {
    h = new Harness(redis);
    await h.init([0]);
    const pk = h.keys.partition('events', 0);
    const a = h.applier(0, { audienceFlushMs: 0 });
    // m1 is r1's; a later event names r2 for it (events that disagree), then r2's open changes it
    // fixed times: the rows hold them
    const at = (min: number) => new Date(FLUSH_T0 + min * 60_000).toISOString();
    const events: Ev[] = [
      { eventId: 's1', type: 'sent', occurredAt: at(0), messageId: 'm1', campaignId: 'A', recipientId: 'r1' },
      { eventId: 'd1', type: 'delivered', occurredAt: at(1), messageId: 'm1', recipientId: 'r2' },
      { eventId: 'o1', type: 'opened', occurredAt: at(2), messageId: 'm1', recipientId: 'r2' },
    ];
    const records = h.records(0, events);
    for (const r of records) expect((await a.apply([r])).status).toBe('ok');
    await a.flushAudience();
    const stored = await redis.hgetall(pk.recipients);
    expect(decodeRecipient('t r1', stored['t r1'] ?? '').live, 'the owner').toBeNull();
    expect(decodeRecipient('t r2', stored['t r2'] ?? '').live, 'the other').toBeNull();
    const row = async (r: string) => JSON.parse((await redis.hget(pk.dirty, `a t ${r}`)) ?? '{}') as object;
    // the open, made through r2, is in the owner's row too (both list m1)
    const opened = String(Date.parse(at(2)));
    expect(await row('r1')).toMatchObject({ n: '1', le: opened });
    expect(await row('r2')).toMatchObject({ n: '1', le: opened });
  });

  it('skips a redelivered batch and asks to seek when a batch starts beyond the stored offset', async () => {
    h = new Harness(redis);
    await h.init([0]);
    const records = h.records(0, STREAM);
    expect(await h.apply(0, records.slice(0, 3))).toMatchObject({ status: 'ok', applied: 3 });
    expect(await h.apply(0, records.slice(0, 4))).toMatchObject({ status: 'ok', skipped: 3, applied: 1 });
    expect(await h.apply(0, records.slice(5))).toEqual({ status: 'seek', offset: 4 });
    expect((await counts(h, 'A')).counts).toMatchObject({ sent: 1, delivered: 1, optOuts: 1 });
  });

  it('refuses a stale owner: a second applier that moved the partition fences the first out', async () => {
    h = new Harness(redis);
    await h.init([0]);
    const records = h.records(0, STREAM);
    const first = h.applier(0);
    expect((await first.apply(records.slice(0, 2))).status).toBe('ok');
    const other = new Harness(redis);
    Object.assign(other, { keys: h.keys });
    expect((await other.apply(0, records.slice(2, 4))).status).toBe('ok');
    expect(await first.apply(records.slice(2, 5))).toEqual({ status: 'conflict', next: 4 });
    expect(await first.apply(records.slice(2, 5))).toMatchObject({ status: 'ok', skipped: 2, applied: 1 });
    expect((await counts(h, 'B')).counts).toMatchObject({ sent: 1, failed: 1 });
  });

  it('writes the outbox again after a crash between the commit and the scope writes, once', async () => {
    h = new Harness(redis);
    await h.init([0]);
    const records = h.records(0, STREAM);
    expect((await h.apply(0, records)).status).toBe('ok');
    const pk = h.keys.partition('events', 0);
    // Pretend the scope writes never happened: undo them by deleting the scopes, keep the outbox.
    for (const c of ['A', 'B'])
      await redis.del(h.keys.counts('t', c), h.keys.fence(h.keys.campaignTag('t', c)), h.keys.money('t', c));
    const fresh = new Harness(redis);
    Object.assign(fresh, { keys: h.keys });
    expect(await fresh.apply(0, records)).toMatchObject({ status: 'ok', skipped: records.length });
    expect((await counts(h, 'B')).counts).toMatchObject({ sent: 1, failed: 1 });
    // …and once more is harmless: the fence skips it.
    const again = new Harness(redis);
    Object.assign(again, { keys: h.keys });
    await again.apply(0, records);
    expect((await counts(h, 'B')).counts).toMatchObject({ sent: 1, failed: 1 });
    expect(await redis.exists(pk.outbox)).toBe(1);
  });
});
