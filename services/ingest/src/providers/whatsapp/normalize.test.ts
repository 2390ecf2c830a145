import { describe, expect, it } from 'vitest';
import { PayloadError } from '../types.ts';
import { normalizeWhatsapp } from './normalize.ts';

const envelope = (field: string, value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: 'W1',
      changes: [
        {
          field,
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550000001' },
            ...value,
          },
        },
      ],
    },
  ],
});
const st = (status: string, extra: Record<string, unknown> = {}) => ({
  id: `wamid.${status}`,
  status,
  timestamp: '1795700000',
  recipient_id: '15550000009',
  biz_opaque_callback_data: 'campaign=wa&variant=B',
  ...extra,
});

describe('whatsapp statuses', () => {
  it('maps every status and keeps the campaign, time and recipient', () => {
    const { events, skipped } = normalizeWhatsapp(
      envelope('messages', {
        statuses: [
          st('sent'),
          st('delivered'),
          st('read'),
          st('played'),
          st('failed', { errors: [{ code: 131026 }] }),
          st('deleted'),
        ],
      }),
    );
    expect(events.map((e) => [e.eventId, e.type, e.errorCode])).toEqual([
      ['wa:wamid.sent:sent', 'sent', undefined],
      ['wa:wamid.delivered:delivered', 'delivered', undefined],
      ['wa:wamid.read:read', 'opened', undefined],
      ['wa:wamid.played:played', 'opened', undefined],
      ['wa:wamid.failed:failed', 'failed', '131026'],
    ]);
    expect(events[0]).toMatchObject({
      occurredAt: '2026-11-26T13:33:20.000Z',
      campaignId: 'wa',
      variant: 'B',
      recipient: '15550000009',
      sender: '15550000001',
      channel: 'whatsapp',
    });
    expect(skipped).toEqual([{ provider: 'whatsapp', status: 'deleted', reason: 'unknown_status' }]);
  });
  it('131050 is a failure and an opt-out', () => {
    const { events } = normalizeWhatsapp(
      envelope('messages', { statuses: [st('failed', { errors: [{ code: 131050 }] })] }),
    );
    expect(events.map((e) => e.type)).toEqual(['failed', 'opted_out']);
    expect(events[1]).toMatchObject({ messageId: 'wamid.failed', campaignId: 'wa' });
  });
  it('accepts a business-scoped user id instead of a phone number', () => {
    const { events } = normalizeWhatsapp(
      envelope('messages', { statuses: [st('sent', { recipient_id: undefined, user_id: 'US.1349' })] }),
    );
    expect(events[0]?.recipient).toBe('US.1349');
  });
});

describe('whatsapp inbound and preferences', () => {
  const msg = (extra: Record<string, unknown>) =>
    normalizeWhatsapp(
      envelope('messages', {
        messages: [{ from: '15550000009', id: 'wamid.IN', timestamp: '1795700100', type: 'text', ...extra }],
      }),
    ).events[0];
  it('reply with context → replied about the answered message', () => {
    expect(msg({ text: { body: 'Is this on?' }, context: { id: 'wamid.OUT' } })).toMatchObject({
      type: 'replied',
      messageId: 'wamid.OUT',
      eventId: 'wa:wamid.IN:inbound',
    });
  });
  it('STOP text or button → opted_out; START → opted_in', () => {
    expect(msg({ text: { body: 'STOP' } })?.type).toBe('opted_out');
    expect(msg({ type: 'button', button: { text: 'Stop promotions', payload: 'STOP' } })?.type).toBe(
      'replied',
    );
    expect(msg({ type: 'button', button: { payload: 'stop' } })?.type).toBe('opted_out');
    expect(msg({ text: { body: 'start' } })?.type).toBe('opted_in');
  });
  it('user_preferences stop / resume → opted_out / opted_in', () => {
    const { events } = normalizeWhatsapp(
      envelope('user_preferences', {
        user_preferences: [
          { wa_id: '15550000009', category: 'marketing_messages', value: 'stop', timestamp: 1795700200 },
          { wa_id: '15550000008', category: 'marketing_messages', value: 'resume', timestamp: 1795700300 },
        ],
      }),
    );
    expect(events.map((e) => [e.type, e.eventId])).toEqual([
      ['opted_out', 'wa:pref:{recipient}:stop:1795700200'],
      ['opted_in', 'wa:pref:{recipient}:resume:1795700300'],
    ]);
  });
  it('refuses what is not a WhatsApp notification, naming the problem', () => {
    expect(() => normalizeWhatsapp({ object: 'page', entry: [] })).toThrow(/whatsapp_business_account/);
    expect(() =>
      normalizeWhatsapp(envelope('messages', { statuses: [{ id: 'x', status: 'sent' }] })),
    ).toThrow(/statuses\.0\.timestamp/);
    expect(() => normalizeWhatsapp(null)).toThrow(PayloadError);
  });
});
