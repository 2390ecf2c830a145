import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { canonicalEventSchema, describeIssues, inboundEventSchema, topicNames } from './index.ts';

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

  it.each([
    ['an unknown type', { type: 'exploded' }, ['type']],
    ['an unknown channel', { channel: 'fax' }, ['channel']],
    ['a time without offset', { occurredAt: '2026-11-26 10:00' }, ['occurredAt']],
    ['a missing eventId', { eventId: undefined }, ['eventId']],
    ['an id with spaces', { messageId: 'S M1' }, ['messageId']],
    ['a lower-case currency', { value: { amount: 1, currency: 'eur' } }, ['value.currency']],
    ['a negative amount', { value: { amount: -1, currency: 'EUR' } }, ['value.amount']],
    ['a value on a non-conversion', { type: 'clicked' }, ['value']],
    ['a score on a non-survey', { score: 3 }, ['score']],
    ['a survey without score', { type: 'survey_answered', value: undefined }, ['score']],
    ['a score out of range', { type: 'survey_answered', value: undefined, score: 6 }, ['score']],
    ['a javascript: url', { type: 'clicked', value: undefined, url: 'javascript:alert(1)' }, ['url']],
    ['an unknown field', { colour: 'red' }, ['(root)']],
  ])('rejects %s, naming the field', (_name, patch, paths) => {
    expect(issuesOf({ ...valid, ...patch })).toEqual(paths);
  });

  it('needs tenantId on the topic, and refuses it from senders', () => {
    expect(issuesOf({ ...valid, tenantId: undefined })).toEqual(['tenantId']);
    const { tenantId: _t, ...inbound } = valid;
    expect(issuesOf(inbound, inboundEventSchema)).toEqual([]);
    expect(issuesOf(valid, inboundEventSchema)).toEqual(['(root)']);
  });

  it('names the topics, with a suffix for a test of its own', () => {
    expect(topicNames()).toEqual({ events: 'tally.events.v1', eventsDeadLetter: 'tally.events.dlq.v1' });
    expect(topicNames('t1').events).toBe('tally.events.v1.t1');
  });
});
