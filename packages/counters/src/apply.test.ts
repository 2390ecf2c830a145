import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@tally/events';
import { compactEvent, STATUS_BITS as B } from './apply.ts';

const base: CanonicalEvent = {
  eventId: 'e1',
  tenantId: 'acme',
  type: 'sent',
  occurredAt: '2026-11-26T10:00:00.000Z',
  channel: 'sms',
};
const at = Date.parse(base.occurredAt);

describe('compactEvent', () => {
  it.each([
    {
      name: 'a send carries its dimensions and cost',
      e: {
        ...base,
        campaignId: 'c',
        messageId: 'm',
        recipientId: 'r',
        segment: 'vip',
        variant: 'A',
        sender: 'ACME',
        country: 'US',
        cost: { amount: 0.0075, currency: 'USD' },
      },
      want: {
        i: 'e1',
        t: 'acme',
        y: 'sent',
        o: 7,
        h: 'sms',
        a: at,
        b: B.sent,
        c: 'c',
        m: 'm',
        r: 'r',
        dg: 'vip',
        dv: 'A',
        ds: 'ACME',
        dc: 'US',
        mk: 'cost',
        mc: 'USD',
        mu: 75,
      },
    },
    {
      name: 'a read implies delivered and sent',
      e: {
        ...base,
        type: 'opened' as const,
        channel: 'whatsapp' as const,
        messageId: 'm',
        segment: 'ignored',
      },
      want: {
        i: 'e1',
        t: 'acme',
        y: 'opened',
        o: 7,
        h: 'whatsapp',
        a: at,
        b: B.sent | B.delivered | B.opened,
        m: 'm',
      },
    },
    {
      name: 'a click counts per event',
      e: { ...base, type: 'clicked' as const, messageId: 'm' },
      want: {
        i: 'e1',
        t: 'acme',
        y: 'clicked',
        o: 7,
        h: 'sms',
        a: at,
        b: B.sent | B.delivered | B.clicked,
        m: 'm',
        n: 'clicks',
      },
    },
    {
      name: 'a conversion carries revenue, not cost',
      e: { ...base, type: 'converted' as const, recipientId: 'r', value: { amount: 19.99, currency: 'EUR' } },
      want: {
        i: 'e1',
        t: 'acme',
        y: 'converted',
        o: 7,
        h: 'sms',
        a: at,
        b: B.sent | B.converted,
        r: 'r',
        n: 'conversions',
        mk: 'revenue',
        mc: 'EUR',
        mu: 199_900,
      },
    },
    {
      name: 'a survey carries its score',
      e: { ...base, type: 'survey_answered' as const, recipientId: 'r', score: 4 },
      want: {
        i: 'e1',
        t: 'acme',
        y: 'survey_answered',
        o: 7,
        h: 'sms',
        a: at,
        b: 0,
        r: 'r',
        n: 'surveys',
        sc: 4,
      },
    },
    {
      name: 'a failure carries its error code',
      e: { ...base, type: 'failed' as const, messageId: 'm', errorCode: '30003' },
      want: {
        i: 'e1',
        t: 'acme',
        y: 'failed',
        o: 7,
        h: 'sms',
        a: at,
        b: B.sent | B.failed,
        m: 'm',
        ec: '30003',
      },
    },
    {
      name: 'an opt-out is recipient-level: no status bits',
      e: { ...base, type: 'opted_out' as const, recipientId: 'r' },
      want: { i: 'e1', t: 'acme', y: 'opted_out', o: 7, h: 'sms', a: at, b: 0, r: 'r' },
    },
  ])('$name', ({ e, want }) => {
    expect(compactEvent(e as CanonicalEvent, 7)).toEqual(want);
  });
});
