import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from '@tally/kafka';
import { decodeMessage } from './decode.ts';

const msg = (value: string | null): KafkaMessage => ({
  key: null,
  value: value === null ? null : Buffer.from(value),
  offset: '0',
  timestamp: '0',
  attributes: 0,
  headers: {},
});

const good = {
  eventId: 'e1',
  tenantId: 'acme',
  type: 'sent',
  occurredAt: '2026-11-26T10:00:00Z',
  channel: 'sms',
  messageId: 'm1',
  campaignId: 'c1',
};

describe('decodeMessage', () => {
  it('accepts a canonical event and normalizes its time', () => {
    expect(decodeMessage({ ...msg(JSON.stringify(good)), offset: '7', timestamp: '1764151200500' })).toEqual({
      ok: true,
      record: {
        offset: 7,
        timestamp: 1764151200500,
        event: { ...good, occurredAt: '2026-11-26T10:00:00.000Z' },
      },
    });
  });
  it('takes a record without a timestamp to have arrived when it happened', () => {
    const d = decodeMessage(msg(JSON.stringify(good)));
    expect(d.ok && d.record.timestamp).toBe(Date.parse('2026-11-26T10:00:00Z'));
  });
  it('dead-letters bad JSON', () => {
    const d = decodeMessage(msg('{nope'));
    expect(d.ok).toBe(false);
    expect(!d.ok && d.reason).toMatch(/^invalid JSON/);
  });
  it('dead-letters a schema violation, naming the field', () => {
    const d = decodeMessage(msg(JSON.stringify({ ...good, type: 'exploded' })));
    expect(!d.ok && d.reason).toMatch(/^schema: type:/);
  });
  it('accepts a bot click and dead-letters a click class anywhere else or of an unknown kind', () => {
    const click = { ...good, type: 'clicked', clickClass: 'bot' };
    const ok = decodeMessage(msg(JSON.stringify(click)));
    expect(ok.ok && ok.record.event?.clickClass).toBe('bot');
    const onSend = decodeMessage(msg(JSON.stringify({ ...good, clickClass: 'bot' })));
    expect(!onSend.ok && onSend.reason).toMatch(/^schema: clickClass:/);
    const unknown = decodeMessage(msg(JSON.stringify({ ...click, clickClass: 'robot' })));
    expect(!unknown.ok && unknown.reason).toMatch(/^schema: clickClass:/);
  });
  it('dead-letters an empty message', () => {
    expect(decodeMessage(msg(null)).ok).toBe(false);
  });
});
