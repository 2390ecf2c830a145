import { describe, expect, it } from 'vitest';
import { normalizeVonageMessages, normalizeVonageSms } from './normalize.ts';

const AT = '2026-11-26T15:00:00.000Z';
const dlr = (status: string, extra: Record<string, string> = {}) =>
  normalizeVonageSms(
    {
      msisdn: '447700900001',
      to: 'AcmeInc',
      messageId: '0A1',
      price: '0.0333',
      status,
      'err-code': '0',
      'client-ref': 'campaign=uk&variant=A',
      'message-timestamp': '2026-11-26 14:32:05',
      ...extra,
    },
    'GBP',
    AT,
  );

describe('vonage SMS receipts', () => {
  it.each([
    ['accepted', 'sent', false],
    ['buffered', 'sent', false],
    ['delivered', 'delivered', true],
    ['expired', 'failed', true],
    ['failed', 'failed', true],
    ['rejected', 'failed', true],
  ])('%s → %s (cost on final receipts only)', (status, type, costed) => {
    const [e] = dlr(status).events;
    expect(e).toMatchObject({
      eventId: `vonage:0A1:${status}`,
      type,
      occurredAt: '2026-11-26T14:32:05.000Z',
      campaignId: 'uk',
      variant: 'A',
      recipient: '447700900001',
      sender: 'AcmeInc',
    });
    expect(e?.cost).toEqual(costed ? { amount: 0.0333, currency: 'GBP' } : undefined);
  });
  it('err-code 9 is also an opt-out', () => {
    expect(dlr('failed', { 'err-code': '9' }).events.map((e) => [e.type, e.errorCode])).toEqual([
      ['failed', '9'],
      ['opted_out', undefined],
    ]);
  });
  it('skips unknown, falls back to scts then receipt time', () => {
    expect(dlr('unknown').skipped).toEqual([
      { provider: 'vonage', status: 'unknown', reason: 'unknown_status' },
    ]);
    expect(dlr('delivered', { 'message-timestamp': '', scts: '2611261432' }).events[0]?.occurredAt).toBe(
      '2026-11-26T14:32:00.000Z',
    );
    expect(dlr('delivered', { 'message-timestamp': 'x' }).events[0]?.occurredAt).toBe(AT);
  });
  it('inbound SMS: STOP → opted_out, other text → replied; later parts of a long SMS skipped', () => {
    const inbound = (extra: Record<string, string>) =>
      normalizeVonageSms(
        {
          msisdn: '447700900001',
          to: '447700900000',
          messageId: 'IN1',
          text: 'Stop',
          type: 'text',
          ...extra,
        },
        'GBP',
        AT,
      );
    expect(inbound({}).events[0]).toMatchObject({ type: 'opted_out', eventId: 'vonage:IN1:inbound' });
    expect(inbound({ text: 'maybe later' }).events[0]?.type).toBe('replied');
    expect(inbound({ concat: 'true', 'concat-ref': '7', 'concat-part': '2' }).events).toEqual([]);
    expect(inbound({ concat: 'true', 'concat-ref': '7', 'concat-part': '1' }).events[0]?.eventId).toBe(
      'vonage:concat-7:inbound',
    );
  });
});

describe('vonage Messages API', () => {
  const status = (s: string, extra: Record<string, unknown> = {}) =>
    normalizeVonageMessages(
      {
        message_uuid: 'u1',
        to: '447700900001',
        from: 'Acme',
        timestamp: '2026-11-26T14:00:00Z',
        status: s,
        channel: 'whatsapp',
        client_ref: 'wa_c',
        usage: { currency: 'EUR', price: '0.0050' },
        ...extra,
      },
      AT,
    );
  it.each([
    ['submitted', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'opened'],
    ['rejected', 'failed'],
    ['undeliverable', 'failed'],
  ])('%s → %s', (s, type) => {
    expect(status(s, { error: { title: '1320' } }).events[0]).toMatchObject({
      eventId: `vonage:u1:${s}`,
      type,
      channel: 'whatsapp',
      campaignId: 'wa_c',
      occurredAt: '2026-11-26T14:00:00.000Z',
      ...(type === 'failed' ? { errorCode: '1320' } : {}),
    });
  });
  it('cost from usage on final statuses', () => {
    expect(status('delivered').events[0]?.cost).toEqual({ amount: 0.005, currency: 'EUR' });
    expect(status('submitted').events[0]?.cost).toBeUndefined();
  });
  it('inbound with context → replied about the quoted message; other channels skipped', () => {
    const r = normalizeVonageMessages(
      {
        message_uuid: 'in1',
        from: '447700900001',
        to: 'Acme',
        channel: 'whatsapp',
        text: 'ok',
        context: { message_uuid: 'u1' },
        timestamp: '2026-11-26T14:01:00Z',
      },
      AT,
    );
    expect(r.events[0]).toMatchObject({ type: 'replied', messageId: 'u1' });
    expect(status('delivered', { channel: 'viber_service' }).events).toEqual([]);
  });
});
