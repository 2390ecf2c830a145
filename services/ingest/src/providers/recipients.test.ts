/**
 * Every provider receipt carries its recipient (issue 11 §2): each shape below, normalized and
 * finalized as the routes do, gives events whose recipientId is the pseudonym of the expected
 * person and whose record key is that recipient's — so all of a person's events share a partition.
 */
import { describe, expect, it } from 'vitest';
import { recordKey, type Channel } from '@tally/events';
import { finalizeEvent } from '../finalize.ts';
import { createPseudonymizer } from '../pseudonymize.ts';
import { normalizeInfobip } from './infobip/normalize.ts';
import { normalizeTwilio } from './twilio/normalize.ts';
import type { Normalized } from './types.ts';
import { normalizeVonageMessages, normalizeVonageSms } from './vonage/normalize.ts';
import { normalizeWhatsapp } from './whatsapp/normalize.ts';

const p = createPseudonymizer('0123456789abcdef-secret');
const AT = '2026-11-26T15:00:00.000Z';
const wa = (field: string, value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: 'W1',
      changes: [{ field, value: { metadata: { display_phone_number: '15550000001' }, ...value } }],
    },
  ],
});
const ts = '1795700000';

const shapes: [string, () => Normalized, string, Channel][] = [
  [
    'twilio status callback: To',
    () =>
      normalizeTwilio(
        { MessageSid: 'SM1', MessageStatus: 'delivered', From: '+15005550006', To: '+15005550009' },
        new URLSearchParams(),
        AT,
      ),
    '+15005550009',
    'sms',
  ],
  [
    'twilio inbound: From',
    () =>
      normalizeTwilio(
        { MessageSid: 'SM2', SmsStatus: 'received', From: '+15005550009', To: '+15005550006', Body: 'STOP' },
        new URLSearchParams(),
        AT,
      ),
    '+15005550009',
    'sms',
  ],
  [
    'twilio WhatsApp status: To with the whatsapp: prefix',
    () =>
      normalizeTwilio(
        {
          MessageSid: 'SM3',
          MessageStatus: 'read',
          From: 'whatsapp:+15005550006',
          To: 'whatsapp:+447700900001',
        },
        new URLSearchParams(),
        AT,
      ),
    '447700900001',
    'whatsapp',
  ],
  [
    'whatsapp status: recipient_id',
    () =>
      normalizeWhatsapp(
        wa('messages', {
          statuses: [{ id: 'wamid.A', status: 'delivered', timestamp: ts, recipient_id: '447700900001' }],
        }),
      ),
    '+44 7700 900001',
    'whatsapp',
  ],
  [
    'whatsapp failed status with 131050 (failed + opted_out): recipient_id',
    () =>
      normalizeWhatsapp(
        wa('messages', {
          statuses: [
            {
              id: 'wamid.B',
              status: 'failed',
              timestamp: ts,
              recipient_id: '447700900001',
              errors: [{ code: 131050 }],
            },
          ],
        }),
      ),
    '447700900001',
    'whatsapp',
  ],
  [
    'whatsapp inbound message: from',
    () =>
      normalizeWhatsapp(
        wa('messages', {
          messages: [
            {
              id: 'wamid.IN',
              from: '447700900001',
              timestamp: ts,
              type: 'text',
              text: { body: 'hi' },
              context: { id: 'wamid.A' },
            },
          ],
        }),
      ),
    '447700900001',
    'whatsapp',
  ],
  [
    'whatsapp user_preferences: wa_id',
    () =>
      normalizeWhatsapp(
        wa('user_preferences', {
          user_preferences: [{ wa_id: '447700900001', value: 'stop', timestamp: 1795700200 }],
        }),
      ),
    'whatsapp:+447700900001',
    'whatsapp',
  ],
  [
    'whatsapp status with a business-scoped user_id only',
    () =>
      normalizeWhatsapp(
        wa('messages', {
          statuses: [{ id: 'wamid.C', status: 'sent', timestamp: ts, user_id: 'US.13491208655302741918' }],
        }),
      ),
    'US.13491208655302741918',
    'whatsapp',
  ],
  [
    'vonage SMS receipt: msisdn',
    () =>
      normalizeVonageSms(
        {
          msisdn: '447700900001',
          to: 'Acme',
          messageId: '0A1',
          status: 'delivered',
          'err-code': '0',
          price: '0.0333',
        },
        'GBP',
        AT,
      ),
    '447700900001',
    'sms',
  ],
  [
    'vonage SMS receipt with err-code 9 (failed + opted_out): msisdn',
    () =>
      normalizeVonageSms(
        { msisdn: '447700900001', to: 'Acme', messageId: '0A2', status: 'failed', 'err-code': '9' },
        'GBP',
        AT,
      ),
    '447700900001',
    'sms',
  ],
  [
    'vonage inbound SMS: msisdn',
    () =>
      normalizeVonageSms(
        { msisdn: '447700900001', to: '447700900999', messageId: '0A3', text: 'STOP' },
        'GBP',
        AT,
      ),
    '447700900001',
    'sms',
  ],
  [
    'vonage Messages API status: to',
    () =>
      normalizeVonageMessages(
        {
          message_uuid: 'u1',
          to: '447700900001',
          from: 'Acme',
          status: 'delivered',
          channel: 'whatsapp',
          timestamp: AT,
        },
        AT,
      ),
    '447700900001',
    'whatsapp',
  ],
  [
    'vonage Messages API status (v0.1): to { type, number }',
    () =>
      normalizeVonageMessages(
        {
          message_uuid: 'u2',
          to: { type: 'sms', number: '447700900001' },
          from: { type: 'sms', number: 'Acme' },
          status: 'submitted',
          channel: 'sms',
        },
        AT,
      ),
    '447700900001',
    'sms',
  ],
  [
    'vonage Messages API inbound: from',
    () =>
      normalizeVonageMessages(
        { message_uuid: 'u3', from: '447700900001', to: '447700900999', channel: 'sms', text: 'hello' },
        AT,
      ),
    '447700900001',
    'sms',
  ],
  [
    'infobip delivery report: to',
    () =>
      normalizeInfobip(
        {
          results: [
            {
              messageId: 'IB1',
              to: '41790000001',
              doneAt: '2026-11-26T14:30:09.000+0000',
              status: { groupId: 3, id: 5, name: 'DELIVERED_TO_HANDSET' },
            },
          ],
        },
        undefined,
      ),
    '+41 79 000 00 01',
    'sms',
  ],
  [
    'infobip seen report: to',
    () =>
      normalizeInfobip(
        { results: [{ messageId: 'IB2', to: '41790000001', seenAt: '2026-11-26T14:31:00.000+0000' }] },
        undefined,
      ),
    '41790000001',
    'whatsapp',
  ],
];

describe('every provider receipt carries the recipient', () => {
  it.each(shapes)('%s', (_name, normalize, person, channel) => {
    const want = p.recipient('demo', person, channel);
    const { events } = normalize();
    expect(events.length).toBeGreaterThan(0);
    for (const draft of events) {
      const r = finalizeEvent('demo', draft, p, new Date(AT));
      if (!r.ok) throw new Error(JSON.stringify(r.issues));
      expect(r.event.recipientId).toBe(want?.recipientId);
      expect(r.event.country).toBe(want?.country);
      expect(recordKey(r.event)).toBe(`demo r ${want?.recipientId}`);
    }
  });
});
