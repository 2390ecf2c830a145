import { describe, expect, it } from 'vitest';
import { createPseudonymizer, pseudonymizeWamids, wamidKey } from './pseudonymize.ts';

const SECRET = '0123456789abcdef-secret';
const WAMID = 'wamid.HBgLMTU1NTAwMDAwMDkVAgASGBQzQTdEMUE0QkM4QkY4MTZGQTQ0RQA=';

describe('recipient pseudonyms', () => {
  const p = createPseudonymizer(SECRET);

  it('give one person one id per tenant, whatever the source wrote, with the country', () => {
    const forms = [
      p.recipient('acme', '447700900001', 'sms'),
      p.recipient('acme', '+44 7700 900001', 'sms'),
      p.recipient('acme', 'whatsapp:+447700900001', 'whatsapp'),
      p.recipient('acme', '447700900001', 'whatsapp'),
      p.recipient('acme', '0044 7700 900001', 'sms'),
    ];
    const first = forms[0];
    expect(first?.recipientId).toMatch(/^r_[A-Za-z0-9_-]{22}$/);
    expect(first?.recipientId).not.toContain('7700900001');
    for (const f of forms) expect(f).toEqual({ recipientId: first?.recipientId, country: 'GB' });
  });

  it('give unrelated ids in two tenants, and on push the id as the sender wrote it', () => {
    const acme = p.recipient('acme', '+15005550006', 'sms')?.recipientId;
    expect(p.recipient('globex', '+15005550006', 'sms')?.recipientId).not.toBe(acme);
    expect(p.recipient('acme', 'Device-1', 'push')).toEqual({
      recipientId: p.recipient('acme', ' Device-1 ', 'in_app')?.recipientId,
    });
    expect(p.recipient('acme', 'Device-1', 'push')).not.toEqual(p.recipient('acme', 'device-1', 'push'));
    expect(p.recipient('acme', '   ', 'sms')).toBeUndefined();
  });
});

describe('WhatsApp message id pseudonyms', () => {
  const p = createPseudonymizer(SECRET);

  it('replace every wamid in an id, deterministically per tenant', () => {
    const id = p.ids('acme', WAMID);
    expect(id).toMatch(/^wa_[A-Za-z0-9_-]{22}$/);
    expect(p.ids('acme', WAMID)).toBe(id);
    expect(p.ids('acme', `wa:${WAMID}:sent`)).toBe(`wa:${id}:sent`);
    expect(p.ids('acme', `send-${WAMID}`)).toBe(`send-${id}`);
    expect(p.ids('globex', WAMID)).not.toBe(id);
    expect(pseudonymizeWamids(wamidKey(SECRET, 'acme'), `${WAMID}|${WAMID}`)).toBe(`${id}|${id}`);
  });

  it('leave every other id alone', () => {
    for (const id of ['SM1', 'vonage:0A1:delivered', 'a.b.c', 'wamid.', 'infobip:MSG-1:5']) {
      expect(p.ids('acme', id)).toBe(id);
    }
  });
});
