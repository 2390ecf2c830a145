import { describe, expect, it } from 'vitest';
import { credentialsKeySchema, isSealed, parseCredentialsKey, seal, unseal } from './seal.ts';

const key = parseCredentialsKey('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');

describe('credential sealing (AES-256-GCM)', () => {
  it('round-trips, with a fresh IV each time and no plaintext in the sealed value', () => {
    const a = seal(key, '{"authToken":"tok_secret"}', 'acme/twilio');
    const b = seal(key, '{"authToken":"tok_secret"}', 'acme/twilio');
    expect(a).not.toBe(b);
    expect(a).not.toContain('tok_secret');
    expect(unseal(key, a, 'acme/twilio')).toBe('{"authToken":"tok_secret"}');
  });
  it('refuses another tenant or provider, another key, and a tampered value', () => {
    const s = seal(key, 'x', 'acme/twilio');
    expect(() => unseal(key, s, 'globex/twilio')).toThrow();
    expect(() =>
      unseal(parseCredentialsKey(Buffer.alloc(32, 7).toString('base64')), s, 'acme/twilio'),
    ).toThrow();
    const parts = s.split('.');
    parts[3] = Buffer.from('y').toString('base64url');
    expect(() => unseal(key, parts.join('.'), 'acme/twilio')).toThrow();
  });
  it('accepts 32-byte keys in hex or base64 only', () => {
    expect(parseCredentialsKey(Buffer.alloc(32, 1).toString('base64')).length).toBe(32);
    expect(() => parseCredentialsKey('short')).toThrow(/32 bytes/);
    expect(credentialsKeySchema.safeParse('short').success).toBe(false);
    expect(credentialsKeySchema.safeParse(Buffer.alloc(32, 1).toString('hex')).success).toBe(true);
  });
  it('tells sealed values from plaintext ones', () => {
    expect(isSealed(seal(key, 'https://hooks.slack.com/services/T/B/x', 'acme/channel'))).toBe(true);
    expect(isSealed('https://hooks.slack.com/services/T/B/x')).toBe(false);
  });
});
