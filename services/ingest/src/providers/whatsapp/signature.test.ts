import { describe, expect, it } from 'vitest';
import { acceptedCredentials } from '../../credentials/rotation.ts';
import { verifyHandshake, verifyWhatsapp, whatsappSignature } from './signature.ts';

// providers.md vector.
const BODY = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
const SIG = 'sha256=660f27229f9413114913b3ba84677705a47f75e5692f68fb1e8c0f56c0014428';

describe('whatsapp signature', () => {
  it('matches the documented vector', () => {
    expect(whatsappSignature('fake_app_secret', BODY)).toBe(SIG);
    expect(verifyWhatsapp(BODY, SIG, ['fake_app_secret'])).toBe(true);
    expect(verifyWhatsapp(BODY, SIG.toUpperCase().replace('SHA256=', 'sha256='), ['fake_app_secret'])).toBe(
      true,
    );
  });
  it('refuses a tampered body, a re-serialized body, a wrong secret, a missing header', () => {
    expect(
      verifyWhatsapp(Buffer.from('{"object":"whatsapp_business_account","entry":[{}]}'), SIG, [
        'fake_app_secret',
      ]),
    ).toBe(false);
    expect(
      verifyWhatsapp(Buffer.from('{"object": "whatsapp_business_account", "entry": []}'), SIG, [
        'fake_app_secret',
      ]),
    ).toBe(false);
    expect(verifyWhatsapp(BODY, SIG, ['other_secret'])).toBe(false);
    expect(verifyWhatsapp(BODY, undefined, ['fake_app_secret'])).toBe(false);
    expect(verifyWhatsapp(BODY, SIG.slice(7), ['fake_app_secret'])).toBe(false);
  });
  it('accepts the previous app secret within its grace period only', () => {
    const stored = {
      current: 'new_secret',
      previous: { value: 'fake_app_secret', validUntil: new Date('2026-11-27T12:00:00Z') },
    };
    expect(verifyWhatsapp(BODY, SIG, acceptedCredentials(stored, new Date('2026-11-27T11:00:00Z')))).toBe(
      true,
    );
    expect(verifyWhatsapp(BODY, SIG, acceptedCredentials(stored, new Date('2026-11-27T13:00:00Z')))).toBe(
      false,
    );
  });
  it('answers the handshake only for subscribe with the right token', () => {
    expect(verifyHandshake({ mode: 'subscribe', token: 't', challenge: '42' }, ['t'])).toBe('42');
    expect(verifyHandshake({ mode: 'subscribe', token: 'x', challenge: '42' }, ['t'])).toBeUndefined();
    expect(verifyHandshake({ mode: 'unsubscribe', token: 't', challenge: '42' }, ['t'])).toBeUndefined();
    expect(verifyHandshake({ mode: 'subscribe', challenge: '42' }, ['t'])).toBeUndefined();
  });
});
