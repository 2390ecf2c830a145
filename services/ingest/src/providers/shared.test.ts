import { describe, expect, it } from 'vitest';
import { parseCampaignRef } from './campaign-ref.ts';
import { finalizeEvents } from './finalize.ts';
import { classifyBody } from './keywords.ts';
import { normalizeRecipient } from './recipient.ts';

describe('opt-out keywords', () => {
  it.each([
    ['STOP', 'opt_out'],
    [' Stop ', 'opt_out'],
    ['stop!', 'opt_out'],
    ['"Unsubscribe."', 'opt_out'],
    ['opt out', 'opt_out'],
    ['Opt-Out', 'opt_out'],
    ['stopall', 'opt_out'],
    ['quit', 'opt_out'],
    ['start', 'opt_in'],
    ['Yes', 'opt_in'],
    ['UNSTOP', 'opt_in'],
    ['help', 'help'],
    ['info?', 'help'],
    ['please stop texting me', 'other'],
    ['Is this still on?', 'other'],
    ['', 'other'],
  ])('%j → %s', (body, intent) => expect(classifyBody(body)).toBe(intent));
});

describe('campaign references', () => {
  it('reads a bare id or campaign=…&segment=…&variant=…', () => {
    expect(parseCampaignRef('ch_promo')).toEqual({ campaignId: 'ch_promo' });
    expect(parseCampaignRef('campaign=uk_winter&variant=A')).toEqual({
      campaignId: 'uk_winter',
      variant: 'A',
    });
    expect(parseCampaignRef('campaign=c&segment=lapsed+users&variant=B')).toEqual({
      campaignId: 'c',
      segment: 'lapsed users',
      variant: 'B',
    });
    expect(parseCampaignRef(undefined)).toEqual({});
    expect(parseCampaignRef('has space')).toEqual({});
  });
});

describe('recipients', () => {
  it.each([
    ['+15005550009', '+15005550009', 'US'],
    ['+1 (555) 000-0009', '+15550000009', 'US'],
    ['whatsapp:+447700900001', '+447700900001', 'GB'],
    ['447700900001', '+447700900001', 'GB'],
    ['41790000001', '+41790000001', 'CH'],
    ['US.13491208655302741918', 'US.13491208655302741918', 'US'],
  ])('%s → %s (%s)', (raw, address, country) => {
    expect(normalizeRecipient(raw)).toEqual({ address, country });
  });
});

describe('finalize', () => {
  const p = (t: string, a: string) => `r_${t}_${a.length}`;
  it('pseudonymizes, derives the country, sets the tenant, and fills a recipient-keyed eventId', () => {
    const [e] = finalizeEvents(
      'acme',
      [
        {
          eventId: 'wa:pref:{recipient}:stop:1',
          type: 'opted_out',
          occurredAt: '2026-11-26T13:36:40.000Z',
          channel: 'whatsapp',
          recipient: '447700900001',
        },
      ],
      p,
    );
    expect(e).toEqual({
      eventId: 'wa:pref:r_acme_13:stop:1',
      type: 'opted_out',
      occurredAt: '2026-11-26T13:36:40.000Z',
      channel: 'whatsapp',
      tenantId: 'acme',
      recipientId: 'r_acme_13',
      country: 'GB',
    });
  });
  it('refuses a draft that is not a canonical event, naming the field', () => {
    expect(() =>
      finalizeEvents('acme', [{ eventId: 'x y', type: 'sent', occurredAt: 'now', channel: 'sms' }], p),
    ).toThrow(/eventId|occurredAt/);
  });
});
