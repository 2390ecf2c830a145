/**
 * Semantics §2 by hand: the reply rule (reach, channel, 72 h edge, sender tiers, moves) and the
 * conversion rule (click within 5 d, else delivery within 24 h, any channel).
 */
import { describe, expect, it } from 'vitest';
import { DAY, eventBuilder, HOUR, MINUTE } from './builders.ts';
import type { EventBuilder } from './builders.ts';
import { computeModel, explainModel } from './model.ts';
import type { ArrivedEvent, ModelInput, TenantModel } from './types.ts';

const T = Date.parse('2025-03-03T10:00:00.000Z');

function tenant(events: ArrivedEvent[], extra: Omit<ModelInput, 'events'> = {}): TenantModel {
  const t = computeModel({ events, ...extra }).tenants.t1;
  if (t === undefined) throw new Error('no tenant t1');
  return t;
}

/** campaign → its `replied` (or another count), for the campaigns that have one. */
function countBy(
  t: TenantModel,
  name: 'replied' | 'converted' | 'conversions' | 'optOuts',
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, c] of Object.entries(t.campaigns)) if (c.counts[name] > 0) out[id] = c.counts[name];
  return out;
}

describe('reach (semantics §1)', () => {
  const send = (b: EventBuilder) => b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' });
  it.each([
    {
      name: 'a message that only failed reaches nobody',
      build: (b: EventBuilder) => [send(b), b.ev('failed', T + MINUTE, { messageId: 'm1' })],
      replied: {},
      pending: { replied: 1 },
    },
    {
      name: 'failed then delivered is a reach',
      build: (b: EventBuilder) => [
        send(b),
        b.ev('failed', T + MINUTE, { messageId: 'm1' }),
        b.ev('delivered', T + 2 * MINUTE, { messageId: 'm1' }),
      ],
      replied: { c1: 1 },
      pending: {},
    },
    {
      name: 'a receipt that names the campaign is enough for a reach',
      build: (b: EventBuilder) => [
        b.ev('delivered', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' }),
      ],
      replied: { c1: 1 },
      pending: {},
    },
    {
      name: 'a message whose campaign is unknown is no reach',
      build: (b: EventBuilder) => [b.ev('delivered', T, { messageId: 'm1', recipientId: 'r1' })],
      replied: {},
      pending: { message: 1, replied: 1 },
    },
  ])('$name', ({ build, replied, pending }) => {
    const b = eventBuilder();
    const t = tenant([...build(b), b.ev('replied', T + HOUR, { recipientId: 'r1' })]);
    expect(countBy(t, 'replied')).toEqual(replied);
    expect(t.pending).toEqual(pending);
  });
});

describe('reply rule: sender tiers (Twilio To / Vonage to)', () => {
  // r1 on SMS: m1 from A at T (c1), m3 with no sender at T+30m (c3), m2 from B at T+1h (c2).
  function reaches(b: EventBuilder, withUnknown = true): ArrivedEvent[] {
    return [
      b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1', sender: 'A' }),
      b.ev('sent', T + HOUR, { messageId: 'm2', campaignId: 'c2', recipientId: 'r1', sender: 'B' }),
      ...(withUnknown
        ? [b.ev('sent', T + 30 * MINUTE, { messageId: 'm3', campaignId: 'c3', recipientId: 'r1' })]
        : []),
    ];
  }
  it.each([
    { name: 'addressed to A: the reach from A, though older', sender: 'A', unknown: true, want: { c1: 1 } },
    {
      name: 'addressed to C (no reach from it): the unknown-sender reach',
      sender: 'C',
      unknown: true,
      want: { c3: 1 },
    },
    {
      name: 'addressed to C and no unknown-sender reach: never the others',
      sender: 'C',
      unknown: false,
      want: {},
    },
    { name: 'no sender named: the latest reach', sender: undefined, unknown: true, want: { c2: 1 } },
  ])('$name', ({ sender, unknown, want }) => {
    const b = eventBuilder();
    const reply = b.ev('opted_out', T + 2 * HOUR, { recipientId: 'r1', ...(sender ? { sender } : {}) });
    const t = tenant([...reaches(b, unknown), reply]);
    expect(countBy(t, 'optOuts')).toEqual(want);
    expect(t.pending).toEqual(Object.keys(want).length === 0 ? { opted_out: 1 } : {});
  });

  it('only reaches on the reply’s channel', () => {
    const b = eventBuilder();
    const t = tenant([
      ...reaches(b),
      b.ev('replied', T + 2 * HOUR, { recipientId: 'r1', channel: 'whatsapp' }),
    ]);
    expect(countBy(t, 'replied')).toEqual({});
    expect(t.pending).toEqual({ replied: 1 });
  });

  it('ties on reachAt go to the larger messageId', () => {
    const b = eventBuilder();
    const t = tenant([
      b.ev('sent', T, { messageId: 'mB', campaignId: 'c1', recipientId: 'r1' }),
      b.ev('sent', T, { messageId: 'mA', campaignId: 'c2', recipientId: 'r1' }),
      b.ev('replied', T + HOUR, { recipientId: 'r1' }),
    ]);
    expect(countBy(t, 'replied')).toEqual({ c1: 1 });
  });
});

describe('reply window (72 h default, both edges inclusive)', () => {
  const H7 = 7 * DAY;
  it.each([
    { name: 'at the reach', at: T, now: undefined, want: { c1: 1 }, pending: {}, unattributed: {} },
    {
      name: 'exactly 72 h after',
      at: T + 72 * HOUR,
      now: undefined,
      want: { c1: 1 },
      pending: {},
      unattributed: {},
    },
    {
      name: '72 h + 1 ms after',
      at: T + 72 * HOUR + 1,
      now: undefined,
      want: {},
      pending: { replied: 1 },
      unattributed: {},
    },
    {
      name: '1 ms before the reach',
      at: T - 1,
      now: undefined,
      want: {},
      pending: { replied: 1 },
      unattributed: {},
    },
    {
      name: 'still no candidate exactly H after it occurred: pending',
      at: T + 72 * HOUR + 1,
      now: T + 72 * HOUR + 1 + H7,
      want: {},
      pending: { replied: 1 },
      unattributed: {},
    },
    {
      name: 'no candidate more than H after it occurred: unattributed',
      at: T + 72 * HOUR + 1,
      now: T + 72 * HOUR + 2 + H7,
      want: {},
      pending: {},
      unattributed: { replied: 1 },
    },
  ])('$name', ({ at, now, want, pending, unattributed }) => {
    const b = eventBuilder();
    const events = [
      b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' }),
      b.ev('replied', at, { recipientId: 'r1' }),
    ];
    const t = tenant(events, now === undefined ? {} : { now });
    expect(countBy(t, 'replied')).toEqual(want);
    expect(t.pending).toEqual(pending);
    expect(t.unattributed).toEqual(unattributed);
  });

  it('the window is the tenant’s setting', () => {
    const b = eventBuilder();
    const events = [
      b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' }),
      b.ev('replied', T + 2 * HOUR, { recipientId: 'r1' }),
    ];
    expect(countBy(tenant(events, { windows: { t1: { replyMs: 2 * HOUR } } }), 'replied')).toEqual({ c1: 1 });
    expect(countBy(tenant(events, { windows: { t1: { replyMs: 2 * HOUR - 1 } } }), 'replied')).toEqual({});
  });
});

describe('a later-arriving reach that fits better moves the attribution', () => {
  it('reply first, then the send it answers, then a later send still before the reply', () => {
    const b = eventBuilder();
    const reply = b.ev('replied', T + 2 * HOUR, { recipientId: 'r1', arrivalMs: T + 2 * HOUR });
    const first = b.ev('sent', T, {
      messageId: 'm1',
      campaignId: 'c1',
      recipientId: 'r1',
      arrivalMs: T + 3 * HOUR,
    });
    const better = b.ev('sent', T + HOUR, {
      messageId: 'm2',
      campaignId: 'c2',
      recipientId: 'r1',
      arrivalMs: T + 4 * HOUR,
    });
    const after = b.ev('sent', T + 3 * HOUR, { messageId: 'm3', campaignId: 'c3', recipientId: 'r1' });
    expect(countBy(tenant([reply]), 'replied')).toEqual({});
    expect(countBy(tenant([reply, first]), 'replied')).toEqual({ c1: 1 });
    expect(countBy(tenant([reply, first, better]), 'replied')).toEqual({ c2: 1 });
    expect(countBy(tenant([reply, first, better, after]), 'replied')).toEqual({ c2: 1 });
    expect(explainModel({ events: [reply, first, better] }).t1?.[reply.eventId]).toBe('attached c2 m2');
  });
});

describe('conversion rule', () => {
  // m1: SMS of c1, tracked click at T. m2: WhatsApp of c2, delivered at `deliveredAt`.
  function setup(b: EventBuilder, deliveredAt?: number): ArrivedEvent[] {
    const out = [
      b.ev('sent', T - MINUTE, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' }),
      b.ev('clicked', T, { messageId: 'm1', url: 'https://ex.am/x' }),
    ];
    if (deliveredAt === undefined) return out;
    return [
      ...out,
      b.ev('sent', deliveredAt - MINUTE, {
        messageId: 'm2',
        campaignId: 'c2',
        recipientId: 'r1',
        channel: 'whatsapp',
      }),
      b.ev('delivered', deliveredAt, { messageId: 'm2', channel: 'whatsapp' }),
    ];
  }
  it.each([
    {
      name: 'by click exactly 5 d before (push conversion)',
      deliveredAt: undefined,
      at: T + 5 * DAY,
      want: { c1: 1 },
    },
    {
      name: 'click 5 d + 1 ms before and no delivery: pending',
      deliveredAt: undefined,
      at: T + 5 * DAY + 1,
      want: {},
    },
    {
      name: 'click out of window: by delivery, across channels',
      deliveredAt: T + 4 * DAY + 12 * HOUR,
      at: T + 5 * DAY + 1,
      want: { c2: 1 },
    },
    {
      name: 'the click wins over a later delivery',
      deliveredAt: T + HOUR,
      at: T + 2 * HOUR,
      want: { c1: 1 },
    },
    {
      name: 'delivery exactly 24 h before',
      deliveredAt: T + 5 * DAY + 1 - DAY,
      at: T + 5 * DAY + 1,
      want: { c2: 1 },
    },
    {
      name: 'delivery 24 h + 1 ms before: pending',
      deliveredAt: T + 5 * DAY - DAY,
      at: T + 5 * DAY + 1,
      want: {},
    },
  ])('$name', ({ deliveredAt, at, want }) => {
    const b = eventBuilder();
    const conv = b.ev('converted', at, {
      recipientId: 'r1',
      channel: 'push',
      value: { amount: 10, currency: 'USD' },
    });
    const t = tenant([...setup(b, deliveredAt), conv]);
    expect(countBy(t, 'converted')).toEqual(want);
    expect(countBy(t, 'conversions')).toEqual(want);
    expect(t.pending).toEqual(Object.keys(want).length === 0 ? { converted: 1 } : {});
    for (const id of Object.keys(want)) expect(t.campaigns[id]?.money).toEqual({ 'revenue:USD': 100_000 });
  });

  it('explicit campaignId: a conversion of the campaign without a message', () => {
    const b = eventBuilder();
    const t = tenant([...setup(b), b.ev('converted', T + HOUR, { recipientId: 'r1', campaignId: 'c9' })]);
    expect(countBy(t, 'conversions')).toEqual({ c9: 1 });
    expect(countBy(t, 'converted')).toEqual({});
  });

  it('explicit messageId: an own event of that message (V bit)', () => {
    const b = eventBuilder();
    const t = tenant([
      ...setup(b, T + HOUR),
      b.ev('converted', T + 2 * HOUR, { messageId: 'm2', channel: 'whatsapp' }),
    ]);
    expect(countBy(t, 'converted')).toEqual({ c2: 1 });
    expect(countBy(t, 'conversions')).toEqual({ c2: 1 });
  });

  it('a recipient-level click takes its reply-rule message; the conversion follows it', () => {
    const b = eventBuilder();
    const t = tenant([
      b.ev('sent', T, { messageId: 'm5', campaignId: 'c5', recipientId: 'r1', channel: 'push' }),
      b.ev('clicked', T + MINUTE, { recipientId: 'r1', channel: 'push' }),
      b.ev('converted', T + HOUR, { recipientId: 'r1', channel: 'in_app' }),
    ]);
    expect(t.campaigns.c5?.counts).toMatchObject({
      sent: 1,
      delivered: 1,
      clicked: 1,
      clicks: 1,
      converted: 1,
    });
  });

  it('a click naming a campaign but no message: the conversion goes to that campaign, no message', () => {
    const b = eventBuilder();
    const t = tenant([
      ...setup(b),
      b.ev('clicked', T + MINUTE, { recipientId: 'r1', campaignId: 'c7', channel: 'push' }),
      b.ev('converted', T + HOUR, { recipientId: 'r1' }),
    ]);
    expect(countBy(t, 'conversions')).toEqual({ c7: 1 });
    expect(t.campaigns.c7?.counts).toMatchObject({ clicks: 1, clicked: 0, converted: 0 });
  });

  it('simultaneous clicks: the conversion follows the later target, not the later event id', () => {
    for (const [message, winner] of [
      ['m5', 'c5'], // "m5" > "c:c7": the message's click wins
      ['a5', 'c7'], // "a5" < "c:c7": the click naming only campaign c7 wins
    ] as const) {
      const b = eventBuilder();
      const t = tenant([
        b.ev('sent', T, { messageId: message, campaignId: 'c5', recipientId: 'r1', channel: 'push' }),
        b.ev('clicked', T + MINUTE, { recipientId: 'r1', campaignId: 'c7', channel: 'push', eventId: 'e2' }),
        b.ev('clicked', T + MINUTE, {
          messageId: message,
          recipientId: 'r1',
          channel: 'push',
          eventId: 'e1',
        }),
        b.ev('converted', T + HOUR, { recipientId: 'r1' }),
      ]);
      expect(countBy(t, 'conversions')).toEqual({ [winner]: 1 });
    }
  });
});
