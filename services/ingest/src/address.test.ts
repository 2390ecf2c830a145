import { describe, expect, it } from 'vitest';
import { normalizeAddress } from './address.ts';

describe('normalizeAddress on phone channels', () => {
  it.each([
    ['447700900001', '+447700900001', 'GB'],
    ['+44 7700 900001', '+447700900001', 'GB'],
    ['whatsapp:+447700900001', '+447700900001', 'GB'],
    ['WhatsApp:447700900001', '+447700900001', 'GB'],
    ['0044 7700 900001', '+447700900001', 'GB'],
    ['  +44 7700-900.001 ', '+447700900001', 'GB'],
    ['tel:+15005550009', '+15005550009', 'US'],
    ['+1 (555) 000-0009', '+15550000009', 'US'],
    ['15550000009', '+15550000009', 'US'],
    ['41790000001', '+41790000001', 'CH'],
    ['US.13491208655302741918', 'US.13491208655302741918', 'US'],
  ])('%j → %s (%s)', (raw, address, country) => {
    expect(normalizeAddress(raw, 'sms')).toEqual({ address, country });
    expect(normalizeAddress(raw, 'whatsapp')).toEqual({ address, country });
  });

  it.each([
    ['07700 900001', '07700900001', 'a national number: no country to read it in'],
    ['12345', '12345', 'a short code'],
    ['+4477009000011234', '+4477009000011234', 'too long to be possible: kept, no country'],
    ['AcmeInc', 'AcmeInc', 'an alphanumeric id'],
    [' Alice@Example.com ', 'Alice@Example.com', 'anything else: trimmed'],
  ])('%j → %s (%s)', (raw, address) => {
    expect(normalizeAddress(raw, 'sms')).toEqual({ address });
  });

  it('is undefined for a blank address', () => {
    expect([normalizeAddress('  ', 'sms'), normalizeAddress('whatsapp:', 'whatsapp')]).toEqual([
      undefined,
      undefined,
    ]);
  });
});

describe('normalizeAddress on push and in-app', () => {
  it("keeps the sender's own id exactly, trimmed, without a country", () => {
    expect(normalizeAddress(' Device-ABC ', 'push')).toEqual({ address: 'Device-ABC' });
    expect(normalizeAddress('447700900001', 'in_app')).toEqual({ address: '447700900001' });
    expect(normalizeAddress('whatsapp:+447700900001', 'push')).toEqual({ address: 'whatsapp:+447700900001' });
    expect(normalizeAddress(' ', 'in_app')).toBeUndefined();
  });
});
