/**
 * Semantics §1 and §3 by hand: status implication, campaign of a message, receipts before and
 * without sends, tuples and error codes. Every expectation is computed by hand from the rules.
 */
import { emptyCounts } from '@tally/kpi';
import type { Counts } from '@tally/kpi';
import { describe, expect, it } from 'vitest';
import { eventBuilder, HOUR, MINUTE } from './builders.ts';
import { computeModel } from './model.ts';
import type { ArrivedEvent, ModelInput, TenantModel } from './types.ts';

const T = Date.parse('2025-03-03T10:00:00.000Z'); // a Monday, 10:00 UTC
const min = (t: number): string => String(Math.floor(t / MINUTE));
const counts = (over: Partial<Counts>): Counts => ({ ...emptyCounts(), ...over });

function tenant(events: ArrivedEvent[], extra: Omit<ModelInput, 'events'> = {}): TenantModel {
  const t = computeModel({ events, ...extra }).tenants.t1;
  if (t === undefined) throw new Error('no tenant t1');
  return t;
}

describe('status implication (semantics §1 bits, §3 first occurrences)', () => {
  const b = eventBuilder();
  const whatsappRead = [
    b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1', channel: 'whatsapp' }),
    b.ev('opened', T + 5 * MINUTE, { messageId: 'm1', channel: 'whatsapp' }),
  ];
  const smsClickOnly = [
    b.ev('sent', T, { messageId: 'm2', campaignId: 'c1', recipientId: 'r2' }),
    b.ev('clicked', T + 10 * MINUTE, { messageId: 'm2', url: 'https://ex.am/a' }),
  ];
  const contextReply = [
    b.ev('sent', T, { messageId: 'm3', campaignId: 'c1', recipientId: 'r3', channel: 'whatsapp' }),
    b.ev('replied', T + HOUR, { messageId: 'm3', channel: 'whatsapp' }),
  ];
  it.each([
    {
      name: 'a read without a delivered receipt is delivered (and sent) at the read',
      events: whatsappRead,
      want: counts({ sent: 1, delivered: 1, opened: 1 }),
      minutes: { [min(T)]: { sent: 1 }, [min(T + 5 * MINUTE)]: { delivered: 1, opened: 1 } },
    },
    {
      name: 'a tracked click implies delivered, first occurrence at the click',
      events: smsClickOnly,
      want: counts({ sent: 1, delivered: 1, clicked: 1, clicks: 1 }),
      minutes: { [min(T)]: { sent: 1 }, [min(T + 10 * MINUTE)]: { delivered: 1, clicked: 1, clicks: 1 } },
    },
    {
      name: 'a reply naming the message implies delivered at the reply',
      events: contextReply,
      want: counts({ sent: 1, delivered: 1, replied: 1 }),
      minutes: { [min(T)]: { sent: 1 }, [min(T + HOUR)]: { delivered: 1, replied: 1 } },
    },
  ])('$name', ({ events, want, minutes }) => {
    const c = tenant(events).campaigns.c1;
    expect(c?.counts).toEqual(want);
    expect(c?.minutes).toEqual(minutes);
  });
});

describe('failed, delivered and error codes', () => {
  const send = (b: ReturnType<typeof eventBuilder>) =>
    b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1', provider: 'vonage' });
  it.each([
    {
      name: 'failed then delivered counts delivered, not failed',
      build: (b: ReturnType<typeof eventBuilder>) => [
        send(b),
        b.ev('failed', T + MINUTE, { messageId: 'm1', errorCode: '30003' }),
        b.ev('delivered', T + 2 * MINUTE, { messageId: 'm1' }),
      ],
      want: counts({ sent: 1, delivered: 1 }),
      errorCodes: {},
      minuteErrorCodes: {},
    },
    {
      name: 'delivered then failed is still delivered',
      build: (b: ReturnType<typeof eventBuilder>) => [
        send(b),
        b.ev('delivered', T + MINUTE, { messageId: 'm1' }),
        b.ev('failed', T + 2 * MINUTE, { messageId: 'm1', errorCode: '30003' }),
      ],
      want: counts({ sent: 1, delivered: 1 }),
      errorCodes: {},
      minuteErrorCodes: {},
    },
    {
      name: 'only failed: failed under the earliest failed event’s code, at failedAt',
      build: (b: ReturnType<typeof eventBuilder>) => [
        send(b),
        b.ev('failed', T + 2 * MINUTE, { messageId: 'm1', errorCode: '30005' }),
        b.ev('failed', T + MINUTE, { messageId: 'm1', errorCode: '30003' }),
      ],
      want: counts({ sent: 1, failed: 1 }),
      errorCodes: { '30003': 1 },
      minuteErrorCodes: { [min(T + MINUTE)]: { '30003': 1 } },
    },
    {
      name: 'a failed event without a code is code none',
      build: (b: ReturnType<typeof eventBuilder>) => [
        send(b),
        b.ev('failed', T + MINUTE, { messageId: 'm1' }),
      ],
      want: counts({ sent: 1, failed: 1 }),
      errorCodes: { none: 1 },
      minuteErrorCodes: { [min(T + MINUTE)]: { none: 1 } },
    },
  ])('$name', ({ build, want, errorCodes, minuteErrorCodes }) => {
    const c = tenant(build(eventBuilder())).campaigns.c1;
    expect(c?.counts).toEqual(want);
    expect(c?.errorCodes).toEqual(errorCodes);
    expect(c?.minuteErrorCodes).toEqual(minuteErrorCodes);
  });
});

describe('campaign of a message (semantics §1)', () => {
  it('the send’s campaign wins over an echoing receipt; the echoed campaign still exists, empty', () => {
    const b = eventBuilder();
    const t = tenant([
      b.ev('delivered', T + MINUTE, { messageId: 'm1', campaignId: 'c2' }),
      b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' }),
    ]);
    expect(Object.keys(t.campaigns)).toEqual(['c1', 'c2']);
    expect(t.campaignList).toEqual(['c1', 'c2']);
    expect(t.campaigns.c1?.counts).toEqual(counts({ sent: 1, delivered: 1 }));
    expect(t.campaigns.c2?.counts).toEqual(emptyCounts());
    expect(t.campaigns.c2?.firstEventAt).toBe(T + MINUTE);
    expect(t.campaigns.c2?.minutes).toEqual({});
  });

  it('a receipt-only message takes the echoed campaign and is sent at its first status', () => {
    const b = eventBuilder();
    const t = tenant([b.ev('delivered', T, { messageId: 'm1', campaignId: 'c3', recipientId: 'r1' })]);
    expect(t.campaigns.c3?.counts).toEqual(counts({ sent: 1, delivered: 1 }));
    expect(t.campaigns.c3?.minutes).toEqual({ [min(T)]: { sent: 1, delivered: 1 } });
    expect(t.campaigns.c3?.tuples).toEqual({});
  });

  it('a receipt with no campaign and no send is pending, counted nowhere', () => {
    const b = eventBuilder();
    const t = tenant([b.ev('delivered', T, { messageId: 'm1', recipientId: 'r1' })]);
    expect(t.campaigns).toEqual({});
    expect(t.pending).toEqual({ message: 1 });
    expect(t.unattributed).toEqual({});
  });

  it('a receipt occurring (and arriving) before its send: sent at sendAt, delivered at the receipt', () => {
    const b = eventBuilder();
    const t = tenant([
      b.ev('delivered', T - 1000, { messageId: 'm1' }),
      b.ev('replied', T - 500, { recipientId: 'r1' }),
      b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' }),
    ]);
    expect(t.campaigns.c1?.counts).toEqual(counts({ sent: 1, delivered: 1 }));
    expect(t.campaigns.c1?.minutes).toEqual({ [min(T - 1000)]: { delivered: 1 }, [min(T)]: { sent: 1 } });
    // The reach is at sendAt (T), after the reply: the reply has no candidate.
    expect(t.pending).toEqual({ replied: 1 });
    expect(t.campaigns.c1?.firstEventAt).toBe(T - 1000);
  });

  it('the recipient comes from any own event naming one (API receipt without recipient)', () => {
    const b = eventBuilder();
    const t = tenant([
      b.ev('delivered', T + MINUTE, {
        messageId: 'm1',
        campaignId: 'c1',
        recipientId: 'r1',
        provider: 'api',
      }),
      b.ev('sent', T, { messageId: 'm1', provider: 'api' }),
      b.ev('replied', T + HOUR, { recipientId: 'r1' }),
    ]);
    expect(t.campaigns.c1?.counts).toEqual(counts({ sent: 1, delivered: 1, replied: 1 }));
  });
});

describe('send tuples (breakdowns)', () => {
  it('counts each status of a message under the earliest send’s tuple; no send, no tuple', () => {
    const b = eventBuilder();
    const fields = {
      campaignId: 'c1',
      recipientId: 'r1',
      segment: 'vip',
      variant: 'B',
      sender: 'A',
      country: 'GB',
    };
    const t = tenant([
      b.ev('sent', T, { messageId: 'm1', ...fields }),
      b.ev('delivered', T + MINUTE, { messageId: 'm1' }),
      b.ev('sent', T + 2 * HOUR, { messageId: 'm1', campaignId: 'c1', segment: 'later' }),
      b.ev('failed', T, { messageId: 'm2', campaignId: 'c1', errorCode: 'X1' }),
      b.ev('sent', T + HOUR, { messageId: 'm3', campaignId: 'c1', channel: 'push' }),
    ]);
    const vip = ['sms', 'vip', 'B', 'A', 'GB', '10', '1'].join('\u0000');
    const bare = ['push', '', '', '', '', '11', '1'].join('\u0000');
    const c = t.campaigns.c1;
    expect(c?.tuples).toEqual({ [vip]: { sent: 1, delivered: 1 }, [bare]: { sent: 1 } });
    expect(c?.minuteTuples).toEqual({
      [min(T)]: { [vip]: { sent: 1 } },
      [min(T + MINUTE)]: { [vip]: { delivered: 1 } },
      [min(T + HOUR)]: { [bare]: { sent: 1 } },
    });
    expect(c?.errorCodes).toEqual({ X1: 1 });
    expect(c?.counts).toEqual(counts({ sent: 3, delivered: 1, failed: 1 }));
  });
});

describe('campaign list', () => {
  it('is ordered by firstEventAt, then id', () => {
    const b = eventBuilder();
    const t = tenant([
      b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' }),
      b.ev('sent', T - HOUR, { messageId: 'm2', campaignId: 'c3', recipientId: 'r1' }),
      b.ev('sent', T - HOUR, { messageId: 'm3', campaignId: 'c2', recipientId: 'r1' }),
    ]);
    expect(t.campaignList).toEqual(['c2', 'c3', 'c1']);
  });
});

describe('firstEventAt and channel', () => {
  it('are the earliest event naming or counted to the campaign', () => {
    const b = eventBuilder();
    const t = tenant([
      b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' }),
      b.ev('converted', T - HOUR, { campaignId: 'c1', channel: 'push', recipientId: 'r9' }),
    ]);
    expect(t.campaigns.c1?.firstEventAt).toBe(T - HOUR);
    expect(t.campaignList).toEqual(['c1']);
    expect(t.campaigns.c1?.channel).toBe('push');
    expect(t.campaigns.c1?.counts).toEqual(counts({ sent: 1, conversions: 1 }));
  });
});
