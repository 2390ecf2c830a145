/**
 * Semantics §0, §7, §8 by hand: duplicates, late events, pending vs unattributed, tenants apart.
 */
import { describe, expect, it } from 'vitest';
import { DAY, eventBuilder, HOUR, MINUTE } from './builders.ts';
import type { EventBuilder } from './builders.ts';
import { computeModel } from './model.ts';
import type { ArrivedEvent, ModelInput, TenantModel } from './types.ts';

const T = Date.parse('2025-03-03T10:00:00.000Z');
const H = 7 * DAY;
const RETIRE = 5 * DAY + H; // max(Wr, Wc, Wd) + H with the defaults

function tenant(events: ArrivedEvent[], extra: Omit<ModelInput, 'events'> = {}): TenantModel {
  const t = computeModel({ events, ...extra }).tenants.t1;
  if (t === undefined) throw new Error('no tenant t1');
  return t;
}

describe('duplicates (semantics §0)', () => {
  it('copies of one eventId count once; the first copy wins when copies differ', () => {
    const b = eventBuilder();
    const sent = b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' });
    const stop = b.ev('opted_out', T + HOUR, { recipientId: 'r1' });
    const t = tenant([stop, sent, { ...sent, campaignId: 'c2' }, sent, stop, { ...stop }]);
    expect(Object.keys(t.campaigns)).toEqual(['c1']);
    expect(t.campaigns.c1?.counts).toMatchObject({ sent: 1, optOuts: 1 });
  });

  it('the same eventId on two tenants is two events', () => {
    const b = eventBuilder();
    const sent = b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' });
    const out = computeModel({ events: [sent, { ...sent, tenantId: 't2' }] });
    expect(Object.keys(out.tenants)).toEqual(['t1', 't2']);
    expect(out.tenants.t2?.campaigns.c1?.counts.sent).toBe(1);
    expect(out.tenants.t1?.campaigns.c1?.counts.sent).toBe(1);
  });

  it('a reply on another tenant never finds this tenant’s reach', () => {
    const b = eventBuilder();
    const out = computeModel({
      events: [
        b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' }),
        b.ev('replied', T + HOUR, { recipientId: 'r1', tenantId: 't2' }),
      ],
    });
    expect(out.tenants.t1?.campaigns.c1?.counts.replied).toBe(0);
    expect(out.tenants.t2?.pending).toEqual({ replied: 1 });
  });
});

describe('late events (semantics §0, §8)', () => {
  const sendAt = (b: EventBuilder, arrivalMs: number) =>
    b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1', arrivalMs });
  it.each([
    { name: 'arrived exactly H after it occurred: accepted', arrival: T + H, late: {}, sent: 1 },
    { name: 'arrived H + 1 ms after: late', arrival: T + H + 1, late: { sent: 1 }, sent: 0 },
    { name: 'arrived exactly 24 h before it occurred: accepted', arrival: T - DAY, late: {}, sent: 1 },
    {
      name: 'arrived 24 h + 1 ms before it occurred: late',
      arrival: T - DAY - 1,
      late: { sent: 1 },
      sent: 0,
    },
  ])('$name', ({ arrival, late, sent }) => {
    const t = tenant([sendAt(eventBuilder(), arrival)]);
    expect(t.late).toEqual(late);
    expect(t.campaigns.c1?.counts.sent ?? 0).toBe(sent);
    // A late event names no campaign into existence.
    expect(Object.keys(t.campaigns)).toEqual(sent === 0 ? [] : ['c1']);
  });

  it.each([
    { name: 'a receipt arriving exactly when the message retires is accepted', gap: RETIRE, late: {} },
    { name: 'a receipt arriving after its message retired is late', gap: RETIRE + 1, late: { delivered: 1 } },
  ])('$name', ({ gap, late }) => {
    const b = eventBuilder();
    const t = tenant([
      sendAt(b, T),
      // occurred long after the send but arrived promptly: late only because m1's state is gone
      b.ev('delivered', T + gap - MINUTE, { messageId: 'm1', arrivalMs: T + gap }),
    ]);
    expect(t.late).toEqual(late);
    expect(t.campaigns.c1?.counts.delivered).toBe(Object.keys(late).length === 0 ? 1 : 0);
  });

  it('a duplicate of a late event is not counted late twice', () => {
    const b = eventBuilder();
    const e = sendAt(b, T + H + 1);
    expect(tenant([e, e, { ...e }]).late).toEqual({ sent: 1 });
  });
});

describe('pending vs unattributed (semantics §7)', () => {
  it.each([
    { name: 'an event with neither recipient, message nor campaign', type: 'survey_answered' as const },
    { name: 'a reply with neither recipient, message nor campaign', type: 'replied' as const },
  ])('$name is unattributed at once', ({ type }) => {
    const b = eventBuilder();
    const t = tenant([b.ev(type, T, type === 'survey_answered' ? { score: 3 } : {})]);
    expect(t.unattributed).toEqual({ [type]: 1 });
    expect(t.pending).toEqual({});
  });

  it.each([
    {
      name: 'while the message state is kept: pending',
      now: T + RETIRE,
      pending: { message: 1 },
      unattributed: {},
    },
    {
      name: 'after it retired without a campaign: unattributed',
      now: T + RETIRE + 1,
      pending: {},
      unattributed: { message: 1 },
    },
  ])('own events of a campaign-less message, $name', ({ now, pending, unattributed }) => {
    const b = eventBuilder();
    const t = tenant(
      [
        b.ev('delivered', T - HOUR, { messageId: 'm1', recipientId: 'r1' }),
        b.ev('delivered', T, { messageId: 'm1', recipientId: 'r1' }), // the newest own event
      ],
      { now },
    );
    expect(t.pending).toEqual(pending);
    expect(t.unattributed).toEqual(unattributed);
    expect(t.campaigns).toEqual({});
  });

  it('a recipient-level opted_in is neither pending nor unattributed', () => {
    const b = eventBuilder();
    const t = tenant([b.ev('opted_in', T, { recipientId: 'r1' }), b.ev('opted_in', T)], {
      now: T + 30 * DAY,
    });
    expect(t.pending).toEqual({});
    expect(t.unattributed).toEqual({});
    expect(t.campaigns).toEqual({});
  });

  it('a recipient-level status event has no rule: pending, then unattributed after H', () => {
    const b = eventBuilder();
    const events = [b.ev('delivered', T, { recipientId: 'r1' })];
    expect(tenant(events, { now: T + H }).pending).toEqual({ delivered: 1 });
    expect(tenant(events, { now: T + H + 1 }).unattributed).toEqual({ delivered: 1 });
  });

  it('now defaults to the largest arrival, late copies included', () => {
    const b = eventBuilder();
    const reply = b.ev('replied', T, { recipientId: 'r1' });
    const lateOne = b.ev('sent', T - 2 * H, { messageId: 'm9', arrivalMs: T + H + 1 });
    const t = tenant([reply, lateOne]);
    expect(t.late).toEqual({ sent: 1 });
    expect(t.unattributed).toEqual({ replied: 1 });
  });
});
