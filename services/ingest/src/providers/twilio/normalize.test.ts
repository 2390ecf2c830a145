import { describe, expect, it } from 'vitest';
import { PayloadError } from '../types.ts';
import { normalizeTwilio } from './normalize.ts';

const AT = '2026-11-26T14:00:00.000Z';
const q = new URLSearchParams('campaign=spring&segment=vip&variant=B');
const status = (s: string, extra: Record<string, string> = {}) =>
  normalizeTwilio(
    { MessageSid: 'SM1', MessageStatus: s, From: '+15005550006', To: '+15005550009', ...extra },
    q,
    AT,
  );

describe('twilio status callbacks', () => {
  it.each([
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['undelivered', 'failed'],
    ['failed', 'failed'],
    ['read', 'opened'],
  ])('%s → %s, with the campaign of the callback URL and the receipt time', (s, type) => {
    const { events, skipped } = status(s, { ErrorCode: '30003' });
    expect(skipped).toEqual([]);
    expect(events).toEqual([
      {
        eventId: `twilio:SM1:${s}`,
        type,
        occurredAt: AT,
        channel: 'sms',
        provider: 'twilio',
        messageId: 'SM1',
        campaignId: 'spring',
        segment: 'vip',
        variant: 'B',
        recipient: '+15005550009',
        sender: '+15005550006',
        ...(type === 'failed' ? { errorCode: '30003', failureClass: 'unreachable', permanent: false } : {}),
      },
    ]);
  });
  it.each(['accepted', 'queued', 'sending', 'scheduled', 'canceled'])('skips intermediate %s', (s) => {
    expect(status(s)).toEqual({
      events: [],
      skipped: [{ provider: 'twilio', status: s, reason: 'intermediate' }],
    });
  });
  it('skips and names an unknown status', () => {
    expect(status('teleported').skipped).toEqual([
      { provider: 'twilio', status: 'teleported', reason: 'unknown_status' },
    ]);
  });
  it('tells WhatsApp via Twilio apart', () => {
    const { events } = status('read', { From: 'whatsapp:+15005550006', To: 'whatsapp:+15005550009' });
    expect(events[0]).toMatchObject({
      channel: 'whatsapp',
      type: 'opened',
      recipient: 'whatsapp:+15005550009',
      sender: '+15005550006',
    });
  });
  it('needs a MessageSid', () => {
    expect(() => normalizeTwilio({ MessageStatus: 'sent' }, q, AT)).toThrow(PayloadError);
  });
});

describe('twilio inbound', () => {
  const inbound = (extra: Record<string, string>) =>
    normalizeTwilio(
      {
        MessageSid: 'SM9',
        SmsStatus: 'received',
        From: '+15005550009',
        To: '+15005550006',
        Body: 'hi',
        ...extra,
      },
      new URLSearchParams(),
      AT,
    ).events[0];
  it('STOP (OptOutType or keyword) → opted_out, START → opted_in', () => {
    expect(inbound({ Body: ' Stop ', OptOutType: 'STOP' })).toMatchObject({
      type: 'opted_out',
      eventId: 'twilio:SM9:inbound',
    });
    expect(inbound({ Body: 'unsubscribe' })).toMatchObject({ type: 'opted_out' });
    expect(inbound({ Body: 'start', OptOutType: 'START' })).toMatchObject({ type: 'opted_in' });
    expect(inbound({ Body: 'UNSTOP' })).toMatchObject({ type: 'opted_in' });
  });
  it('HELP and anything else → replied, naming the answered message when Twilio does', () => {
    expect(inbound({ Body: 'HELP', OptOutType: 'HELP' })).toMatchObject({ type: 'replied' });
    const r = inbound({
      Body: 'yes please!',
      From: 'whatsapp:+15005550009',
      OriginalRepliedMessageSid: 'SM1',
    });
    expect(r).toMatchObject({
      type: 'replied',
      channel: 'whatsapp',
      messageId: 'SM1',
      recipient: 'whatsapp:+15005550009',
    });
    expect(inbound({ Body: 'who is this' })?.messageId).toBeUndefined();
  });
});
