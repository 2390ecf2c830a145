/**
 * Semantics §4–§6 by hand: money, recipient sets, engagement, response time and senders.
 */
import { describe, expect, it } from 'vitest';
import { eventBuilder, HOUR, MINUTE } from './builders.ts';
import type { EventBuilder } from './builders.ts';
import { computeModel } from './model.ts';
import type { ArrivedEvent, TenantModel } from './types.ts';

const T = Date.parse('2025-03-03T10:00:00.000Z');
const min = (t: number): string => String(Math.floor(t / MINUTE));

function tenant(events: ArrivedEvent[]): TenantModel {
  const t = computeModel({ events }).tenants.t1;
  if (t === undefined) throw new Error('no tenant t1');
  return t;
}

describe('cost: once per message, the latest receipt’s price', () => {
  const eur = (amount: number) => ({ amount, currency: 'EUR' });
  it.each([
    {
      name: 'Vonage: price on failed and on the later delivered counts once, at the delivered',
      build: (b: EventBuilder) => [
        b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1', provider: 'vonage' }),
        b.ev('failed', T + MINUTE, { messageId: 'm1', provider: 'vonage', cost: eur(0.05) }),
        b.ev('delivered', T + 2 * MINUTE, { messageId: 'm1', provider: 'vonage', cost: eur(0.05) }),
      ],
      money: { 'cost:EUR': 500 },
      minute: T + 2 * MINUTE,
    },
    {
      name: 'price on the send and a different one on the receipt: the receipt’s',
      build: (b: EventBuilder) => [
        b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1', cost: eur(0.04) }),
        b.ev('delivered', T + MINUTE, { messageId: 'm1', cost: eur(0.0512) }),
      ],
      money: { 'cost:EUR': 512 },
      minute: T + MINUTE,
    },
    {
      name: 'two receipts at the same time: the larger price wins (ties by value, not by event id)',
      build: (b: EventBuilder) => [
        b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' }),
        b.ev('delivered', T + MINUTE, { messageId: 'm1', cost: eur(0.07) }),
        b.ev('failed', T + MINUTE, { messageId: 'm1', cost: eur(0.03) }),
      ],
      money: { 'cost:EUR': 700 },
      minute: T + MINUTE,
    },
  ])('$name', ({ build, money, minute }) => {
    const c = tenant(build(eventBuilder())).campaigns.c1;
    expect(c?.money).toEqual(money);
    const inMinutes = Object.entries(c?.minutes ?? {}).filter(([, f]) => 'cost:EUR' in f);
    expect(inMinutes).toEqual([[min(minute), expect.objectContaining(money)]]);
  });

  it('a recipient-level event with a cost adds it per event', () => {
    const b = eventBuilder();
    const c = tenant([
      b.ev('sent', T, { campaignId: 'c1', recipientId: 'r1', cost: eur(0.01) }),
      b.ev('sent', T, { campaignId: 'c1', recipientId: 'r2', cost: eur(0.01) }),
    ]).campaigns.c1;
    expect(c?.money).toEqual({ 'cost:EUR': 200 });
    expect(c?.counts.sent).toBe(0);
  });
});

describe('money per currency', () => {
  it('every currency with a cost or a revenue has its own key', () => {
    const b = eventBuilder();
    const c = tenant([
      b.ev('sent', T, {
        messageId: 'm1',
        campaignId: 'c1',
        recipientId: 'r1',
        cost: { amount: 0.1, currency: 'USD' },
      }),
      b.ev('sent', T, {
        messageId: 'm2',
        campaignId: 'c1',
        recipientId: 'r2',
        cost: { amount: 0.2, currency: 'EUR' },
      }),
      b.ev('converted', T + HOUR, {
        campaignId: 'c1',
        recipientId: 'r1',
        value: { amount: 10, currency: 'USD' },
      }),
      b.ev('converted', T + HOUR, { messageId: 'm2', value: { amount: 5.5, currency: 'EUR' } }),
    ]).campaigns.c1;
    expect(c?.money).toEqual({
      'cost:EUR': 2000,
      'cost:USD': 1000,
      'revenue:EUR': 55_000,
      'revenue:USD': 100_000,
    });
    expect(c?.counts).toMatchObject({ conversions: 2, converted: 1 });
  });
});

describe('recipient sets', () => {
  it('opt-outs are unique per recipient, at the earliest', () => {
    const b = eventBuilder();
    const c = tenant([
      b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' }),
      b.ev('sent', T, { messageId: 'm2', campaignId: 'c1', recipientId: 'r2' }),
      b.ev('opted_out', T + 2 * HOUR, { recipientId: 'r1' }),
      b.ev('opted_out', T + HOUR, { recipientId: 'r1' }),
      b.ev('opted_out', T + 3 * HOUR, { messageId: 'm2', recipientId: 'r2' }),
      b.ev('opted_out', T + 4 * HOUR, { messageId: 'm2' }), // recipient r2 through its message
      b.ev('opted_out', T + 5 * HOUR, { campaignId: 'c1' }), // no recipient: one of its own
    ]).campaigns.c1;
    expect(c?.counts.optOuts).toBe(3);
    const optOutMinutes = Object.entries(c?.minutes ?? {}).filter(([, f]) => 'optOuts' in f);
    expect(optOutMinutes).toEqual([
      [min(T + HOUR), { optOuts: 1 }],
      [min(T + 3 * HOUR), { optOuts: 1 }],
      [min(T + 5 * HOUR), { optOuts: 1 }],
    ]);
  });

  it('in-app openers and feature adopters are distinct recipients', () => {
    const b = eventBuilder();
    const inApp = { campaignId: 'c1', channel: 'in_app' as const };
    const c = tenant([
      b.ev('sent', T, { messageId: 'm1', recipientId: 'r1', ...inApp }),
      b.ev('opened', T + MINUTE, { messageId: 'm1', channel: 'in_app' }),
      b.ev('sent', T + HOUR, { messageId: 'm2', recipientId: 'r1', ...inApp }),
      b.ev('opened', T + HOUR + MINUTE, { messageId: 'm2', channel: 'in_app' }),
      b.ev('sent', T, { messageId: 'm3', recipientId: 'r2', ...inApp }),
      b.ev('sent', T, { messageId: 'm4', recipientId: 'r3', campaignId: 'c1', channel: 'push' }),
      b.ev('opened', T + MINUTE, { messageId: 'm4', channel: 'push' }),
      b.ev('feature_adopted', T + 2 * MINUTE, { recipientId: 'r1', channel: 'in_app', feature: 'dark' }),
      b.ev('feature_adopted', T + 5 * MINUTE, { recipientId: 'r1', channel: 'in_app', feature: 'sync' }),
      b.ev('feature_adopted', T + 6 * MINUTE, { messageId: 'm3', channel: 'in_app', feature: 'dark' }),
      b.ev('uninstalled', T + 7 * MINUTE, { recipientId: 'r3', channel: 'push' }),
    ]).campaigns.c1;
    expect(c?.counts).toMatchObject({ sent: 4, opened: 3, uninstalls: 1 });
    expect(c?.stats).toMatchObject({ inAppOpeners: 1, featureAdopters: 2 });
    expect(c?.minutes[min(T + MINUTE)]).toEqual({ delivered: 2, opened: 2, inAppOpeners: 1 });
    expect(c?.minutes[min(T + 2 * MINUTE)]).toEqual({ featureAdopters: 1 });
    expect(c?.minutes[min(T + 6 * MINUTE)]).toEqual({ featureAdopters: 1 });
    expect(c?.minutes[min(T + 7 * MINUTE)]).toEqual({ uninstalls: 1 });
  });

  it('surveys count per event with their score', () => {
    const b = eventBuilder();
    const c = tenant([
      b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' }),
      b.ev('survey_answered', T + MINUTE, { recipientId: 'r1', score: 4 }),
      b.ev('survey_answered', T + MINUTE, { messageId: 'm1', score: 2 }),
    ]).campaigns.c1;
    expect(c?.stats).toMatchObject({ surveys: 2, scoreSum: 6 });
    expect(c?.minutes[min(T + MINUTE)]).toEqual({ surveys: 2, scoreSum: 6 });
  });
});

describe('engagement (WhatsApp, 24 h after the reach)', () => {
  const wa = { channel: 'whatsapp' as const };
  it.each([
    { name: 'two inbound within 24 h', replies: [HOUR, 3 * HOUR], engN: 1, engSum: 2 * HOUR },
    { name: 'one inbound: 0 ms', replies: [HOUR], engN: 1, engSum: 0 },
    {
      name: 'a reply 80 h after the send does not count',
      replies: [HOUR, 3 * HOUR, 80 * HOUR],
      engN: 1,
      engSum: 2 * HOUR,
    },
    { name: 'only a reply 80 h after: no engagement', replies: [80 * HOUR], engN: 0, engSum: 0 },
    { name: 'exactly 24 h after counts', replies: [0, 24 * HOUR], engN: 1, engSum: 24 * HOUR },
  ])('$name', ({ replies, engN, engSum }) => {
    const b = eventBuilder();
    const c = tenant([
      b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1', ...wa }),
      // context id, so that the 80 h reply still belongs to m1 (the reply rule would stop at 72 h)
      ...replies.map((d) => b.ev('replied', T + d, { messageId: 'm1', ...wa })),
    ]).campaigns.c1;
    expect(c?.stats).toMatchObject({ engN, engSum });
    expect(c?.counts.replied).toBe(1);
  });
});

describe('response time', () => {
  it.each([
    { name: 'first reply − delivery', delivered: 10_000, replies: [70_000, 200_000], bucket: '225' }, // 60 s
    { name: 'no delivery: − send', delivered: undefined, replies: [1000], bucket: '141' }, // 1 s
    { name: 'reply before the receipt: 0 ms', delivered: 10_000, replies: [5000], bucket: '-1' },
  ])('$name', ({ delivered, replies, bucket }) => {
    const b = eventBuilder();
    const c = tenant([
      b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' }),
      ...(delivered === undefined ? [] : [b.ev('delivered', T + delivered, { messageId: 'm1' })]),
      ...replies.map((d) => b.ev('replied', T + d, { recipientId: 'r1' })),
    ]).campaigns.c1;
    expect(c?.responseTimes).toEqual({ [bucket]: 1 });
  });
});

describe('senders', () => {
  it('sent/delivered/failed first occurrences and distinct opted-out recipients, across campaigns', () => {
    const b = eventBuilder();
    const t = tenant([
      b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1', sender: 'A' }),
      b.ev('delivered', T + MINUTE, { messageId: 'm1' }),
      b.ev('sent', T, { messageId: 'm2', campaignId: 'c2', recipientId: 'r2', sender: 'A' }),
      b.ev('failed', T + 2 * MINUTE, { messageId: 'm2' }),
      b.ev('delivered', T, { messageId: 'm3', recipientId: 'r3', sender: 'A' }), // no campaign: nowhere
      b.ev('opted_out', T + HOUR, { recipientId: 'r1', sender: 'A' }),
      b.ev('opted_out', T + 2 * HOUR, { recipientId: 'r1', sender: 'A' }),
      b.ev('sent', T, { messageId: 'm4', campaignId: 'c1', recipientId: 'r4' }),
    ]);
    expect(t.senders).toEqual({
      A: {
        minutes: {
          [min(T)]: { sent: 2 },
          [min(T + MINUTE)]: { delivered: 1 },
          [min(T + 2 * MINUTE)]: { failed: 1 },
          [min(T + HOUR)]: { optOuts: 1 },
        },
      },
    });
  });
});
