/**
 * Semantics §1–§3 by hand for issue 19: people's clicks and bot clicks (previews, scanners, HEAD,
 * prefetch), the clicks within 10 s of delivery, and the sender a receipt names.
 */
import { describe, expect, it } from 'vitest';
import { eventBuilder, HOUR, MINUTE } from './builders.ts';
import type { EventBuilder } from './builders.ts';
import { computeModel } from './model.ts';
import type { ArrivedEvent, CampaignModel, TenantModel } from './types.ts';

const T = Date.parse('2025-03-03T10:00:00.000Z');
const min = (t: number): string => String(Math.floor(t / MINUTE));

function tenant(events: ArrivedEvent[]): TenantModel {
  const t = computeModel({ events }).tenants.t1;
  if (t === undefined) throw new Error('no tenant t1');
  return t;
}

function campaign(events: ArrivedEvent[], id = 'c1'): CampaignModel {
  const c = tenant(events).campaigns[id];
  if (c === undefined) throw new Error(`no campaign ${id}`);
  return c;
}

const send = (b: EventBuilder, fields: Partial<ArrivedEvent> = {}) =>
  b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1', ...fields });
const click = (b: EventBuilder, at: number, clickClass?: 'human' | 'bot') =>
  b.ev('clicked', at, {
    messageId: 'm1',
    campaignId: 'c1',
    recipientId: 'r1',
    url: 'https://acme.example/x',
    ...(clickClass ? { clickClass } : {}),
  });

describe('bot clicks (semantics §1, §3)', () => {
  it('a preview fetch, a HEAD and a phone browser on one link: clicks 1, botClicks 2', () => {
    const b = eventBuilder();
    const c = campaign([
      send(b),
      b.ev('delivered', T + MINUTE, { messageId: 'm1' }),
      click(b, T + MINUTE + 2_000, 'bot'),
      click(b, T + MINUTE + 3_000, 'bot'),
      click(b, T + 5 * MINUTE, 'human'),
    ]);
    expect(c.counts).toMatchObject({ clicked: 1, clicks: 1, botClicks: 2, clicksWithin10s: 0 });
    expect(c.minutes[min(T + MINUTE)]).toMatchObject({ botClicks: 2 });
    expect(c.minutes[min(T + 5 * MINUTE)]).toMatchObject({ clicks: 1, clicked: 1 });
  });

  it('a bot click sets no status: the message is neither clicked nor delivered by it', () => {
    const b = eventBuilder();
    const c = campaign([send(b), click(b, T + MINUTE, 'bot')]);
    expect(c.counts).toMatchObject({ sent: 1, delivered: 0, clicked: 0, clicks: 0, botClicks: 1 });
  });

  it('a click without a class is a person’s', () => {
    const b = eventBuilder();
    expect(campaign([send(b), click(b, T + MINUTE)]).counts).toMatchObject({ clicked: 1, clicks: 1 });
  });

  it('a conversion follows a person’s click, never a bot’s', () => {
    const b = eventBuilder();
    const events = [
      send(b),
      b.ev('sent', T, { messageId: 'm2', campaignId: 'c2', recipientId: 'r1' }),
      b.ev('clicked', T + MINUTE, { messageId: 'm2', recipientId: 'r1', clickClass: 'human' }),
      click(b, T + 2 * MINUTE, 'bot'),
      b.ev('converted', T + 3 * MINUTE, { recipientId: 'r1' }),
    ];
    const t = tenant(events);
    expect(t.campaigns.c1?.counts.conversions).toBe(0);
    expect(t.campaigns.c2?.counts.conversions).toBe(1);
  });

  it('a recipient-level bot click is attributed like a click and counted apart', () => {
    const b = eventBuilder();
    const c = campaign([
      send(b),
      b.ev('clicked', T + HOUR, { recipientId: 'r1', clickClass: 'bot', url: 'https://acme.example/x' }),
    ]);
    expect(c.counts).toMatchObject({ clicked: 0, clicks: 0, botClicks: 1, delivered: 0 });
  });

  it('per send tuple: people’s and bots’ clicks of its messages', () => {
    const b = eventBuilder();
    const c = campaign([
      send(b, { segment: 'vip' }),
      click(b, T + MINUTE, 'bot'),
      click(b, T + 2 * MINUTE, 'human'),
    ]);
    const [tuple] = Object.keys(c.tuples);
    expect(tuple?.split('\0').slice(0, 2)).toEqual(['sms', 'vip']);
    expect(c.tuples[tuple ?? '']).toEqual({ sent: 1, delivered: 1, clicked: 1, clicks: 1, botClicks: 1 });
  });
});

describe('people’s clicks within 10 s of delivery (semantics §3)', () => {
  it.each([
    { name: '3 s after the delivery', dt: 3_000, within: 1 },
    { name: 'exactly 10 s after', dt: 10_000, within: 1 },
    { name: '10.001 s after', dt: 10_001, within: 0 },
    { name: '4 s before the delivery receipt’s time', dt: -4_000, within: 1 },
    { name: '11 s before it', dt: -11_000, within: 0 },
  ])('$name: $within', ({ dt, within }) => {
    const b = eventBuilder();
    const delivered = T + MINUTE;
    const c = campaign([
      send(b),
      b.ev('delivered', delivered, { messageId: 'm1' }),
      click(b, delivered + dt),
    ]);
    expect(c.counts).toMatchObject({ clicks: 1, clicksWithin10s: within });
  });

  it('a bot click near the delivery is not one; without a delivery time no click is', () => {
    const b = eventBuilder();
    expect(
      campaign([send(b), b.ev('delivered', T + MINUTE, { messageId: 'm1' }), click(b, T + MINUTE, 'bot')])
        .counts.clicksWithin10s,
    ).toBe(0);
    const b2 = eventBuilder();
    expect(campaign([send(b2), click(b2, T + 1_000)]).counts.clicksWithin10s).toBe(0);
  });

  it('the delivery time is the earliest status implying it, a read too', () => {
    const b = eventBuilder();
    const c = campaign([
      send(b, { channel: 'whatsapp' }),
      b.ev('opened', T + MINUTE, { messageId: 'm1', channel: 'whatsapp' }),
      b.ev('delivered', T + 2 * MINUTE, { messageId: 'm1', channel: 'whatsapp' }),
      click(b, T + MINUTE + 5_000),
    ]);
    expect(c.counts.clicksWithin10s).toBe(1);
  });
});

describe('sender(M) from the earliest own event naming one (semantics §1)', () => {
  const replyTo = (b: EventBuilder, sender: string) =>
    b.ev('replied', T + HOUR, { recipientId: 'r1', sender });

  it('a send without a sender takes the receipt’s: a reply to another number goes elsewhere', () => {
    const b = eventBuilder();
    const events = [
      send(b),
      b.ev('delivered', T + MINUTE, { messageId: 'm1', sender: '+15550001111' }),
      b.ev('sent', T + 10 * MINUTE, { messageId: 'm2', campaignId: 'c2', recipientId: 'r1' }),
      b.ev('delivered', T + 11 * MINUTE, { messageId: 'm2', sender: '+15550002222' }),
      replyTo(b, '+15550001111'),
    ];
    const t = tenant(events);
    // c2's m2 is the later reach, but it was sent from another number
    expect(t.campaigns.c1?.counts.replied).toBe(1);
    expect(t.campaigns.c2?.counts.replied).toBe(0);
    expect(Object.keys(t.senders).sort()).toEqual(['+15550001111', '+15550002222']);
  });

  it('the earliest naming event wins, ties by the value; the send tuple carries it', () => {
    const b = eventBuilder();
    const c = campaign([
      send(b, { segment: 'vip' }),
      b.ev('failed', T + MINUTE, { messageId: 'm1', sender: 'B' }),
      b.ev('delivered', T + MINUTE, { messageId: 'm1', sender: 'A' }),
      b.ev('opened', T + 2 * MINUTE, { messageId: 'm1', sender: '0' }),
    ]);
    const [tuple] = Object.keys(c.tuples);
    expect(tuple?.split('\0')[3]).toBe('A');
  });
});
