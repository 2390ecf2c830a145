/**
 * Semantics §2 and §4a by hand (issue 21): a held-out recipient is reached by the campaign's
 * control arm at its hold time for the conversion rule; a hold of a recipient the campaign also
 * messaged within max(Wr, Wc, Wd) is void (a conflict); the experiment figures per arm.
 */
import { describe, expect, it } from 'vitest';
import { DAY, eventBuilder, HOUR, MINUTE } from './builders.ts';
import type { EventBuilder } from './builders.ts';
import { computeModel, explainModel } from './model.ts';
import type { ArrivedEvent, CampaignModel } from './types.ts';

const T = Date.parse('2025-03-03T10:00:00.000Z');
const X = (arm: string, figure: string) => `${arm}\u0000${figure}`;

function campaigns(events: ArrivedEvent[]): Record<string, CampaignModel> {
  return computeModel({ events }).tenants.t1?.campaigns ?? {};
}
function fates(events: ArrivedEvent[]): Record<string, string> {
  return explainModel({ events }).t1 ?? {};
}
const hold = (b: EventBuilder, at: number, campaignId = 'c1', recipientId = 'r1') =>
  b.ev('held_out', at, { campaignId, recipientId });
const buy = (b: EventBuilder, at: number, amount = 10, recipientId = 'r1') =>
  b.ev('converted', at, { recipientId, value: { amount, currency: 'EUR' } });

describe('the control arm (semantics §2)', () => {
  it('a conversion within Wd after the hold goes to the control arm, not to the campaign', () => {
    const b = eventBuilder();
    const events = [hold(b, T), buy(b, T + 2 * HOUR, 10), buy(b, T + 3 * HOUR, 5)];
    const c1 = campaigns(events).c1;
    expect(fates(events)).toMatchObject({ e002: 'control c1', e003: 'control c1' });
    expect(c1?.counts.conversions).toBe(0);
    expect(c1?.money).toEqual({});
    expect(c1?.experiment).toEqual({
      [X('h', 'heldOut')]: 1,
      [X('h', 'converted')]: 1,
      [X('h', 'conversions')]: 2,
      [X('h', 'revenue:EUR')]: 150_000,
      [X('h', 'revenueSq:EUR')]: 150_000 * 150_000,
    });
    expect(c1?.firstEventAt).toBe(T);
  });

  it('beyond Wd the conversion waits; a click (any campaign) wins over the hold', () => {
    const b = eventBuilder();
    const late = [hold(b, T), buy(b, T + DAY + 1)];
    expect(fates(late).e002).toBe('pending');
    const c = eventBuilder();
    const clicked = [
      hold(c, T),
      c.ev('sent', T - HOUR, { messageId: 'm9', campaignId: 'c9', recipientId: 'r1' }),
      c.ev('clicked', T - 30 * MINUTE, { messageId: 'm9', recipientId: 'r1' }),
      buy(c, T + HOUR),
    ];
    expect(fates(clicked).e004).toBe('attached c9 m9');
  });

  it('the latest of a delivery and a hold wins; at the same instant the delivery', () => {
    for (const [deliveredAt, want] of [
      [T - MINUTE, 'control c1'],
      [T, 'attached c2 m2'],
      [T + MINUTE, 'attached c2 m2'],
    ] as const) {
      const b = eventBuilder();
      const events = [
        hold(b, T),
        b.ev('sent', T - HOUR, { messageId: 'm2', campaignId: 'c2', recipientId: 'r1' }),
        b.ev('delivered', deliveredAt, { messageId: 'm2' }),
        buy(b, T + HOUR),
      ];
      expect(fates(events).e004).toBe(want);
    }
  });

  it('two holds at one instant: the larger campaign id', () => {
    const b = eventBuilder();
    const events = [hold(b, T, 'c2'), hold(b, T, 'c1'), buy(b, T + HOUR)];
    expect(fates(events).e003).toBe('control c2');
  });
});

describe('conflicts: held out and messaged by the campaign', () => {
  const maxW = 5 * DAY; // default click window: the largest
  it.each([
    ['at the same time', 0, true],
    ['exactly max(Wr, Wc, Wd) before the hold', -maxW, true],
    ['1 ms further', -maxW - 1, false],
    ['max(Wr, Wc, Wd) after', maxW, true],
  ])('a message of the campaign %s', (_, sendOffset, conflict) => {
    const b = eventBuilder();
    const events = [
      hold(b, T),
      b.ev('sent', T + sendOffset, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1', variant: 'A' }),
      b.ev('delivered', T + sendOffset + MINUTE, { messageId: 'm1' }),
      buy(b, T + sendOffset + 2 * MINUTE, 1),
    ];
    const x = campaigns(events).c1?.experiment ?? {};
    expect(x[X('h', 'conflicts')] ?? 0).toBe(conflict ? 1 : 0);
    expect(x[X('h', 'heldOut')] ?? 0).toBe(conflict ? 0 : 1);
    // the conversion is the message's (its delivery is the latest candidate) either way
    expect(fates(events).e004).toBe('attached c1 m1');
    expect(x[X('v:A', 'revenue:EUR')]).toBe(10_000);
  });

  it('a void hold is no candidate: the conversion waits rather than going to the control arm', () => {
    const b = eventBuilder();
    const events = [
      b.ev('sent', T - 2 * DAY, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' }),
      b.ev('failed', T - 2 * DAY + MINUTE, { messageId: 'm1' }),
      hold(b, T),
      buy(b, T + HOUR),
    ];
    expect(fates(events).e004).toBe('pending');
    expect(campaigns(events).c1?.experiment[X('h', 'conflicts')]).toBe(1);
  });

  it('a hold of another campaign is no conflict', () => {
    const b = eventBuilder();
    const events = [
      hold(b, T, 'c2'),
      b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' }),
    ];
    expect(campaigns(events).c2?.experiment).toEqual({ [X('h', 'heldOut')]: 1 });
  });
});

describe('variant arms (semantics §4a)', () => {
  it('opt-outs and revenue per message of each variant; squares per message', () => {
    const b = eventBuilder();
    const events = [
      b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1', variant: 'A' }),
      b.ev('delivered', T + MINUTE, { messageId: 'm1' }),
      b.ev('converted', T + HOUR, { messageId: 'm1', value: { amount: 2, currency: 'USD' } }),
      buy(b, T + 2 * HOUR, 3),
      b.ev('converted', T + 3 * HOUR, { recipientId: 'r1', value: { amount: 1, currency: 'USD' } }),
      b.ev('sent', T, { messageId: 'm2', campaignId: 'c1', recipientId: 'r2', variant: 'B' }),
      b.ev('delivered', T + MINUTE, { messageId: 'm2' }),
      b.ev('opted_out', T + HOUR, { recipientId: 'r2' }),
      b.ev('delivered', T, { messageId: 'm3', campaignId: 'c1', recipientId: 'r3' }),
      b.ev('opted_out', T + HOUR, { messageId: 'm3', recipientId: 'r3' }),
    ];
    expect(campaigns(events).c1?.experiment).toEqual({
      [X('v:A', 'revenue:EUR')]: 30_000,
      [X('v:A', 'revenue:USD')]: 30_000,
      [X('v:A', 'revenueSq:EUR')]: 30_000 ** 2,
      [X('v:A', 'revenueSq:USD')]: 30_000 ** 2,
      [X('v:B', 'optedOut')]: 1,
      [X('u', 'optedOut')]: 1,
    });
  });
});
