import type { z } from 'zod';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalEventSchema,
  describeIssues,
  hasMoneyPrecision,
  inboundEventSchema,
  isTooFarInFuture,
  isWithinEventYears,
  moneyUnits,
  roundAmount,
  toUtcIso,
  topicNames,
} from './index.ts';

const valid = {
  eventId: 'e1',
  tenantId: 'acme',
  type: 'converted',
  occurredAt: '2026-11-26T10:00:00+01:00',
  channel: 'sms',
  campaignId: 'spring',
  messageId: 'SM1',
  value: { amount: 19.99, currency: 'EUR' },
};

function issuesOf(input: unknown, schema: z.ZodType = canonicalEventSchema) {
  const r = schema.safeParse(input);
  return r.success ? [] : describeIssues(r.error).map((i) => i.path);
}

describe('canonicalEventSchema', () => {
  it('accepts a valid event and normalizes its time to UTC', () => {
    expect(canonicalEventSchema.parse(valid).occurredAt).toBe('2026-11-26T09:00:00.000Z');
  });

  it('accepts a held_out: a recipient and a campaign, no message', () => {
    const { messageId: _m, value: _v, ...rest } = valid;
    expect(canonicalEventSchema.parse({ ...rest, type: 'held_out', recipientId: 'r_1' }).type).toBe(
      'held_out',
    );
  });

  it.each([
    ['an unknown type', { type: 'exploded' }, ['type']],
    ['an unknown channel', { channel: 'fax' }, ['channel']],
    ['a time without offset', { occurredAt: '2026-11-26 10:00' }, ['occurredAt']],
    ['a time that is not one', { occurredAt: 'yesterday' }, ['occurredAt']],
    ['a missing eventId', { eventId: undefined }, ['eventId']],
    ['an id with spaces', { messageId: 'S M1' }, ['messageId']],
    ['a lower-case currency', { value: { amount: 1, currency: 'eur' } }, ['value.currency']],
    ['a negative amount', { value: { amount: -1, currency: 'EUR' } }, ['value.amount']],
    ['a value on a non-conversion', { type: 'clicked' }, ['value']],
    ['a score on a non-survey', { score: 3 }, ['score']],
    ['a click class on a non-click', { clickClass: 'bot' }, ['clickClass']],
    ['an unknown click class', { type: 'clicked', value: undefined, clickClass: 'robot' }, ['clickClass']],
    ['a survey without score', { type: 'survey_answered', value: undefined }, ['score']],
    [
      'a failure class on a non-failure',
      { failureClass: 'unreachable', permanent: false },
      ['failureClass', 'permanent'],
    ],
    [
      'an unknown failure class',
      { type: 'failed', value: undefined, failureClass: 'gremlins' },
      ['failureClass'],
    ],
    ['a carrier that is not an MCC-MNC', { carrier: 'Vodafone UK' }, ['carrier']],
    [
      'a held_out naming a message, with a value',
      { type: 'held_out', recipientId: 'r1' },
      ['messageId', 'value'],
    ],
    [
      'a held_out without campaign or recipient',
      { type: 'held_out', value: undefined, messageId: undefined, campaignId: undefined },
      ['campaignId', 'recipientId'],
    ],
    [
      'a held_out with a cost',
      {
        type: 'held_out',
        value: undefined,
        messageId: undefined,
        recipientId: 'r1',
        cost: { amount: 1, currency: 'EUR' },
      },
      ['cost'],
    ],
    ['a score out of range', { type: 'survey_answered', value: undefined, score: 6 }, ['score']],
    ['a javascript: url', { type: 'clicked', value: undefined, url: 'javascript:alert(1)' }, ['url']],
    ['an unknown field', { colour: 'red' }, ['(root)']],
    ['a NUL in sender', { sender: '\u0000' }, ['sender']],
    ['a lone surrogate in segment', { segment: '\ud800' }, ['segment']],
    ['a lone surrogate in variant', { variant: 'A\udfff' }, ['variant']],
    ['a lone surrogate in sender', { sender: '\ud800x' }, ['sender']],
    ['a lone surrogate in errorCode', { errorCode: '\ud800' }, ['errorCode']],
    ['a DEL in feature', { feature: 'x\u007f' }, ['feature']],
    ['a C1 control in segment', { segment: 'a\u0085b' }, ['segment']],
    ['a 3,000-character id', { messageId: 'm'.repeat(3000) }, ['messageId']],
    ['a 201-character segment', { segment: 's'.repeat(201) }, ['segment']],
    ['a 101-character errorCode', { errorCode: 'e'.repeat(101) }, ['errorCode']],
    ['an amount of 1e12', { value: { amount: 1e12, currency: 'EUR' } }, ['value.amount']],
    ['an amount of 0.00001', { value: { amount: 0.00001, currency: 'EUR' } }, ['value.amount']],
    ['an infinite cost', { cost: { amount: Infinity, currency: 'EUR' } }, ['cost.amount']],
    ['a time in 1900', { occurredAt: '1900-01-01T00:00:00Z' }, ['occurredAt']],
    ['a time in 2200', { occurredAt: '2200-01-01T00:00:00Z' }, ['occurredAt']],
    ['a time at 2100-01-01', { occurredAt: '2100-01-01T00:00:00Z' }, ['occurredAt']],
    ['a url with a NUL', { type: 'clicked', value: undefined, url: 'https://x.example/\u0000' }, ['url']],
    ['a recipient with a space', { recipientId: 'r 1' }, ['recipientId']],
  ])('rejects %s, naming the field', (_name, patch, paths) => {
    expect(issuesOf({ ...valid, ...patch })).toEqual(paths);
  });

  it.each([
    ['the largest amount', { value: { amount: 1e9, currency: 'EUR' } }],
    ['four decimals', { value: { amount: 19.9999, currency: 'EUR' } }],
    ['a zero cost', { cost: { amount: 0, currency: 'EUR' } }],
    ['the first instant of 2000', { occurredAt: '2000-01-01T00:00:00Z' }],
    ['the last millisecond before 2100', { occurredAt: '2099-12-31T23:59:59.999Z' }],
    ['a label with emoji and accents', { segment: 'clients fidèles 🎉', variant: '例え' }],
    ['a 200-character id', { messageId: 'm'.repeat(200) }],
    ['a bot click', { type: 'clicked', value: undefined, clickClass: 'bot' }],
    ['a human click', { type: 'clicked', value: undefined, clickClass: 'human' }],
    [
      'a classified failure on a carrier',
      {
        type: 'failed',
        value: undefined,
        errorCode: '30005',
        failureClass: 'invalid_number',
        permanent: true,
        carrier: '310260',
      },
    ],
  ])('accepts %s', (_name, patch) => {
    expect(issuesOf({ ...valid, ...patch })).toEqual([]);
  });

  it('bounds a posted recipient at 320 storable characters, before pseudonymization', () => {
    const { tenantId: _t, ...inbound } = valid;
    expect(issuesOf({ ...inbound, recipientId: '+44 7700 900001' }, inboundEventSchema)).toEqual([]);
    expect(issuesOf({ ...inbound, recipientId: 'a'.repeat(320) }, inboundEventSchema)).toEqual([]);
    expect(issuesOf({ ...inbound, recipientId: 'a'.repeat(321) }, inboundEventSchema)).toEqual([
      'recipientId',
    ]);
    expect(issuesOf({ ...inbound, recipientId: 'a\u0000' }, inboundEventSchema)).toEqual(['recipientId']);
  });

  it('keeps money exact in units of 1/10,000', () => {
    expect([moneyUnits(19.99), moneyUnits(0.0333), moneyUnits(1e9), moneyUnits(0.0001)]).toEqual([
      199_900, 333, 1e13, 1,
    ]);
    expect([roundAmount(0.0333333), roundAmount(0.0333), roundAmount(2.00006)]).toEqual([
      0.0333, 0.0333, 2.0001,
    ]);
    expect([hasMoneyPrecision(0.1 + 0.2), hasMoneyPrecision(0.3), hasMoneyPrecision(NaN)]).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('says when an event is more than 24 h ahead of its receipt', () => {
    const at = new Date('2026-11-26T10:00:00Z');
    expect(isTooFarInFuture('2026-11-27T10:00:00.000Z', at)).toBe(false);
    expect(isTooFarInFuture('2026-11-27T10:00:00.001Z', at)).toBe(true);
  });

  it('needs tenantId on the topic, and refuses it from senders', () => {
    expect(issuesOf({ ...valid, tenantId: undefined })).toEqual(['tenantId']);
    const { tenantId: _t, ...inbound } = valid;
    expect(issuesOf(inbound, inboundEventSchema)).toEqual([]);
    expect(issuesOf(valid, inboundEventSchema)).toEqual(['(root)']);
  });

  it('carries an import id on the topic, set by ingest, never from a sender', () => {
    expect(canonicalEventSchema.parse({ ...valid, importId: 'hist-2026_q4' }).importId).toBe('hist-2026_q4');
    expect(issuesOf({ ...valid, importId: 'has space' })).toEqual(['importId']);
    expect(issuesOf({ ...valid, importId: 'x'.repeat(65) })).toEqual(['importId']);
    const { tenantId: _t, ...inbound } = valid;
    expect(issuesOf({ ...inbound, importId: 'hist' }, inboundEventSchema)).toEqual(['(root)']);
  });

  it('names the topics, with a suffix for a test of its own', () => {
    expect(topicNames()).toEqual({ events: 'tally.events.v1', eventsDeadLetter: 'tally.events.dlq.v1' });
    expect(topicNames('t1').events).toBe('tally.events.v1.t1');
  });
});

describe('the timestamp rule’s shortcut for times already in UTC milliseconds', () => {
  // The definitions without the shortcut: what the schema said before it.
  const within = (s: string) => {
    const t = Date.parse(s);
    return (
      Number.isNaN(t) || (t >= Date.parse('2000-01-01T00:00:00Z') && t < Date.parse('2100-01-01T00:00:00Z'))
    );
  };
  const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));
  const canonicalShaped = fc
    .tuple(digits(4), digits(2), digits(2), digits(2), digits(2), digits(2), digits(3))
    .map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
  const times = fc.oneof(
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    canonicalShaped,
    fc.constantFrom('2026-11-26T10:00:00Z', '2026-11-26T10:00:00.000+01:00', '1999-12-31T23:59:59.999Z'),
  );

  it('decides the year range as Date.parse does, valid time or not', () => {
    fc.assert(
      fc.property(times, (s) => {
        expect(isWithinEventYears(s)).toBe(within(s));
      }),
      { numRuns: 5000 },
    );
  });

  it('normalizes every valid time as new Date(s).toISOString() does', () => {
    fc.assert(
      fc.property(times, (s) => {
        if (canonicalEventSchema.shape.occurredAt.safeParse(s).success)
          expect(toUtcIso(s)).toBe(new Date(s).toISOString());
      }),
      { numRuns: 5000 },
    );
  });
});
