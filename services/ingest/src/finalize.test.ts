import { describe, expect, it } from 'vitest';
import { finalizeEvent, type Draft } from './finalize.ts';
import { createPseudonymizer } from './pseudonymize.ts';

const p = createPseudonymizer('0123456789abcdef-secret');
const AT = new Date('2026-11-26T14:00:00Z');
const WAMID = 'wamid.HBgLMTU1NTAwMDAwMDkVAgASGBQzQTdEMUE0QkM4QkY4MTZGQTQ0RQA=';
const draft = (extra: Partial<Draft> = {}): Draft => ({
  eventId: 'wa:pref:{recipient}:stop:1',
  type: 'opted_out',
  occurredAt: '2026-11-26T13:36:40.000Z',
  channel: 'whatsapp',
  recipient: '447700900001',
  ...extra,
});

describe('finalizeEvent', () => {
  it('pseudonymizes, derives the country, sets the tenant, and fills a recipient-keyed eventId', () => {
    const r = finalizeEvent('acme', draft(), p, AT);
    const recipientId = p.recipient('acme', '+447700900001', 'whatsapp')?.recipientId;
    expect(r).toEqual({
      ok: true,
      event: {
        eventId: `wa:pref:${recipientId}:stop:1`,
        type: 'opted_out',
        occurredAt: '2026-11-26T13:36:40.000Z',
        channel: 'whatsapp',
        tenantId: 'acme',
        recipientId,
        country: 'GB',
      },
    });
  });

  it('keeps a country the event gives, and pseudonymizes wamids in messageId and eventId', () => {
    const r = finalizeEvent(
      'acme',
      draft({ eventId: `wa:${WAMID}:sent`, type: 'sent', messageId: WAMID, country: 'IE' }),
      p,
      AT,
    );
    const wa = p.ids('acme', WAMID);
    expect(r.ok && [r.event.eventId, r.event.messageId, r.event.country]).toEqual([
      `wa:${wa}:sent`,
      wa,
      'IE',
    ]);
    expect(JSON.stringify(r)).not.toContain('wamid.');
  });

  it.each([
    ['an invalid eventId', { eventId: 'x y' }, 'eventId'],
    ['a time that is not one', { occurredAt: 'now' }, 'occurredAt'],
    ['a blank recipient', { recipient: ' ' }, 'recipientId'],
    ['a recipient of 321 characters', { recipient: '1'.repeat(321) }, 'recipientId'],
    ['a NUL in the recipient', { recipient: '4477\u0000' }, 'recipientId'],
    ['a time 24 h and 1 ms after the receipt', { occurredAt: '2026-11-27T14:00:00.001Z' }, 'occurredAt'],
  ])('refuses %s, naming the field', (_name, extra, path) => {
    const r = finalizeEvent('acme', draft(extra), p, AT);
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual([path]);
  });

  it('accepts a time exactly 24 h after the receipt', () => {
    expect(finalizeEvent('acme', draft({ occurredAt: '2026-11-27T14:00:00.000Z' }), p, AT).ok).toBe(true);
  });
});
