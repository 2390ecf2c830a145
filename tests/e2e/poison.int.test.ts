/**
 * Issue 12's poison-pill test on the real pipeline: one tenant sends every poison found so far —
 * NUL and lone surrogates in key-forming fields, money beyond range, huge ids, a non-ASCII link
 * target, a timeseries from 1900 — and records reach the topic that bypass ingest (bad JSON, a
 * schema violation, a forged control record). Meanwhile another tenant's traffic flows and its
 * KPIs are read continuously. Every poison is accounted for (a 4xx, or the dead-letter topic with
 * its reason), no query is answered 5xx, snapshots keep succeeding, and the other tenant's KPIs
 * are exact.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterSchema, type CanonicalEvent, type DeadLetter } from '@tally/events';
import { computeModel, type ArrivedEvent } from '@tally/model';
import { eventually } from '@tally/testing';
import { eventPublisher } from './aggregator-process.ts';
import { startPipeline, type Pipeline } from './harness.ts';

const T = Date.now() - 3600_000;
const at = (s: number) => new Date(T + s * 1000).toISOString();
const ev = (id: string, type: string, s: number, extra: Record<string, unknown> = {}) => ({
  eventId: id,
  type,
  occurredAt: at(s),
  channel: 'sms',
  ...extra,
});

/** The good tenant's traffic: 60 messages, receipts, replies, STOPs, conversions. */
function goodTraffic() {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 60; i++) {
    const m = { messageId: `g${i}`, recipientId: `+4477009${String(i).padStart(5, '0')}` };
    out.push(
      ev(`gs${i}`, 'sent', i, {
        ...m,
        campaignId: 'good',
        sender: 'ACME',
        cost: { amount: 0.01, currency: 'EUR' },
      }),
    );
    out.push(ev(`gd${i}`, 'delivered', i + 5, { messageId: m.messageId }));
    if (i % 5 === 0) out.push(ev(`gr${i}`, 'replied', i + 60, { recipientId: m.recipientId }));
    if (i % 10 === 0) out.push(ev(`go${i}`, 'opted_out', i + 90, { recipientId: m.recipientId }));
    if (i % 7 === 0)
      out.push(
        ev(`gc${i}`, 'converted', i + 120, {
          recipientId: m.recipientId,
          value: { amount: 12.5, currency: 'EUR' },
        }),
      );
  }
  return out;
}

const POISONS_400: [string, Record<string, unknown>][] = [
  ['NUL in sender', ev('p1', 'sent', 0, { sender: '\u0000' })],
  ['lone surrogate in segment', ev('p2', 'sent', 0, { messageId: 'pm2', segment: '\ud800' })],
  ['lone surrogate in variant', ev('p3', 'sent', 0, { messageId: 'pm3', variant: '\udfff' })],
  ['lone surrogate in sender', ev('p4', 'sent', 0, { messageId: 'pm4', sender: 'x\ud800' })],
  ['lone surrogate in errorCode', ev('p5', 'failed', 0, { messageId: 'pm5', errorCode: '\ud800' })],
  [
    'money beyond range',
    ev('p6', 'converted', 0, { campaignId: 'bad', value: { amount: 1e12, currency: 'USD' } }),
  ],
  ['a 3,000-character id', ev('x'.repeat(3000), 'sent', 0)],
  ['occurredAt in 1900', { ...ev('p8', 'sent', 0), occurredAt: '1900-01-01T00:00:00Z' }],
];

describe('one bad tenant never stops anyone else (issue 12)', () => {
  let p: Pipeline;
  let good: string;
  let bad: string;
  const answers: number[] = [];
  let polling = true;
  let poller: Promise<void> | undefined;

  beforeAll(async () => {
    p = await startPipeline('poison', { SNAPSHOT_INTERVAL_MS: '300' });
    good = await p.addTenant(`good${p.iso.id}`);
    bad = await p.addTenant(`bad${p.iso.id}`);
    poller = (async () => {
      while (polling) {
        for (const url of ['/v1/campaigns/good/kpis', '/v1/campaigns', '/v1/attribution'])
          answers.push((await p.getJson(good, url)).status);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
  }, 120_000);

  afterAll(async () => {
    polling = false;
    await poller;
    await p?.stop();
  });

  it('refuses each poison at the door with a 4xx naming the problem, and takes the good traffic', async () => {
    const traffic = goodTraffic();
    for (let i = 0; i < traffic.length; i += 30) {
      expect((await p.postEvents(good, traffic.slice(i, i + 30))).status).toBe(202);
      const [name, poison] = POISONS_400[(i / 30) % POISONS_400.length] ?? ['', {}];
      const res = await p.postEvents(bad, [poison]);
      expect(res.status, name).toBe(400);
      expect((res.body as { error: { code: string } }).error.code).toBeDefined();
    }
    for (const [name, poison] of POISONS_400)
      expect((await p.postEvents(bad, [poison])).status, name).toBe(400);
    const link = await p.ingest.inject({
      method: 'POST',
      url: '/v1/links',
      headers: { authorization: `Bearer ${bad}` },
      payload: { url: 'https://例え.jp/\u202e/x', campaignId: 'bad', channel: 'sms' },
    });
    expect(link.statusCode).toBeLessThan(500);
    if (link.statusCode === 201) {
      const click = await p.ingest.inject({
        method: 'GET',
        url: `/c/${link.json<{ code: string }>().code}`,
      });
      expect(click.statusCode).toBe(302);
    }
    const old = await p.getJson(
      bad,
      '/v1/campaigns/bad/timeseries?metric=sent&from=1900-01-01T00:00:00Z&to=1900-01-01T01:00:00Z',
    );
    expect(old.status).toBe(400);
    // Large but valid money: a thousand conversions at the top of the range, summed exactly.
    const big = Array.from({ length: 1000 }, (_, i) =>
      ev(`big${i}`, 'converted', 200, { campaignId: 'whale', value: { amount: 1e9, currency: 'USD' } }),
    );
    for (let i = 0; i < big.length; i += 200)
      expect((await p.postEvents(bad, big.slice(i, i + 200))).status).toBe(202);
  });

  it('dead-letters what bypassed ingest, with its reason, and moves on', async () => {
    const publisher = await eventPublisher(p.iso);
    await publisher.publishRaw(`bad${p.iso.id} e raw1`, '{not json');
    await publisher.publishRaw(
      `bad${p.iso.id} e raw2`,
      JSON.stringify({ ...ev('raw2', 'sent', 0), tenantId: `bad${p.iso.id}`, sender: '\u0000' }),
    );
    await publisher.publishRaw(
      `bad${p.iso.id} e raw3`,
      JSON.stringify({ control: 'handover', tenantId: 'x', messageId: 'y' }),
    );
    await publisher.close();
    const kafka = new Kafka({
      clientId: 'poison-dlq',
      brokers: p.iso.env.KAFKA_BROKERS.split(','),
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `dlq-${p.iso.id}`, maxWaitTimeInMs: 100 });
    const letters: DeadLetter[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: p.aggregatorDeps.topics.eventsDeadLetter, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        letters.push(deadLetterSchema.parse(JSON.parse(String(message.value))));
        return Promise.resolve();
      },
    });
    await eventually(
      () => Promise.resolve(letters.length),
      (n) => n >= 3,
      { timeoutMs: 30_000 },
    );
    await consumer.disconnect();
    expect(letters.map((l) => l.reason.split(':')[0]).sort()).toEqual(['invalid JSON', 'schema', 'schema']);
    expect(letters.some((l) => l.reason.includes('sender'))).toBe(true);
    expect(letters.some((l) => l.reason.includes('control record'))).toBe(true);
  });

  it('keeps the other tenant exact, snapshots succeeding and every answer under 500', async () => {
    await p.settle();
    const traffic = goodTraffic().map((e): ArrivedEvent => ({
      ...(e as unknown as CanonicalEvent),
      tenantId: `good${p.iso.id}`,
      arrivalMs: Date.now(),
    }));
    const model = computeModel({ events: traffic }).tenants[`good${p.iso.id}`]?.campaigns.good;
    const res = await p.getJson(good, '/v1/campaigns/good/kpis');
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual(model?.counts);
    expect(res.body.money.revenue).toEqual({ EUR: (model?.money['revenue:EUR'] ?? 0) / 10_000 });
    const whale = await p.getJson(bad, '/v1/campaigns/whale/kpis');
    expect(whale.body.money.revenue).toEqual({ USD: 1e12 });
    await p.aggregator.snapshot();
    const { rows } = await p.iso.db.pool.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM campaign_counters WHERE campaign_id IN ('good', 'whale')",
    );
    expect(rows[0]?.n).toBe('2');
    // The traffic can settle in fewer polls than the check needs: poll on until it has them.
    while (answers.length <= 10) await new Promise((r) => setTimeout(r, 50));
    polling = false;
    await poller;
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.filter((s) => s >= 500)).toEqual([]);
  });
});
