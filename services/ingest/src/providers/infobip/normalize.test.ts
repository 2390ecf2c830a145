import { describe, expect, it } from 'vitest';
import { normalizeInfobip } from './normalize.ts';

const report = (groupId: number, id: number, name: string, extra: Record<string, unknown> = {}) => ({
  messageId: `M${id}`,
  to: '41790000001',
  from: 'Acme',
  sentAt: '2026-11-26T14:30:00.000+0000',
  doneAt: '2026-11-26T14:30:09.000+0100',
  callbackData: 'campaign=ch&segment=s1',
  price: { pricePerMessage: 0.01, currency: 'EUR' },
  status: { groupId, id, name },
  error: { groupId: 0, id: 0, name: 'NO_ERROR' },
  ...extra,
});

describe('infobip reports', () => {
  it('maps status groups, with campaign, time (offset honoured) and cost on final reports', () => {
    const { events, skipped } = normalizeInfobip(
      {
        results: [
          report(3, 5, 'DELIVERED_TO_HANDSET'),
          report(3, 2, 'DELIVERED_TO_OPERATOR'),
          report(2, 9, 'UNDELIVERABLE_NOT_DELIVERED', { error: { id: 1, name: 'EC_UNKNOWN_SUBSCRIBER' } }),
          report(4, 15, 'EXPIRED_EXPIRED'),
          report(5, 14, 'REJECTED_DESTINATION_BLOCKLISTED'),
          report(1, 7, 'PENDING_ENROUTE'),
          report(9, 99, 'NEW_GROUP'),
        ],
      },
      undefined,
    );
    expect(events.map((e) => [e.eventId, e.type, e.errorCode, e.cost?.amount])).toEqual([
      ['infobip:M5:5', 'delivered', undefined, 0.01],
      ['infobip:M2:2', 'sent', undefined, undefined],
      ['infobip:M9:9', 'failed', 'EC_UNKNOWN_SUBSCRIBER', 0.01],
      ['infobip:M15:15', 'failed', 'EXPIRED_EXPIRED', 0.01],
      ['infobip:M14:14', 'failed', 'REJECTED_DESTINATION_BLOCKLISTED', 0.01],
    ]);
    expect(events[0]).toMatchObject({
      occurredAt: '2026-11-26T13:30:09.000Z',
      campaignId: 'ch',
      segment: 's1',
      channel: 'sms',
      // the report names the number the message was sent from: the message's sender (SPEC §4.6)
      sender: 'Acme',
    });
    expect(skipped).toEqual([
      { provider: 'infobip', status: 'PENDING_ENROUTE', reason: 'intermediate' },
      { provider: 'infobip', status: 'NEW_GROUP', reason: 'unknown_status' },
    ]);
  });
  it('seen reports → opened (WhatsApp unless told otherwise)', () => {
    const { events } = normalizeInfobip(
      {
        results: [
          {
            messageId: 'W1',
            from: 'Acme',
            to: '41790000001',
            sentAt: '2026-11-26T14:30:00.000+0000',
            seenAt: '2026-11-26T14:35:00.000+0000',
          },
        ],
      },
      undefined,
    );
    expect(events).toEqual([
      expect.objectContaining({
        eventId: 'infobip:W1:seen',
        type: 'opened',
        channel: 'whatsapp',
        occurredAt: '2026-11-26T14:35:00.000Z',
      }),
    ]);
  });
  it('refuses a body without results or a report without messageId', () => {
    expect(() => normalizeInfobip({}, undefined)).toThrow(/results/);
    expect(() => normalizeInfobip({ results: [{ status: {} }] }, undefined)).toThrow(/results\.0\.messageId/);
  });
});
