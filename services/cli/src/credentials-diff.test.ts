import { describe, expect, it } from 'vitest';
import { isUnchanged } from './credentials-diff.ts';

describe('isUnchanged', () => {
  const vonage = { signatureSecret: 's', signatureMethod: 'sha256', accountCurrency: 'EUR' };

  it('is true when every given field already has that value (defaults included)', () => {
    expect(isUnchanged('twilio', { authToken: 't' }, { authToken: 't' })).toBe(true);
    expect(isUnchanged('vonage', vonage, { signatureSecret: 's' })).toBe(true);
    expect(isUnchanged('vonage', vonage, { signatureSecret: 's', signatureMethod: 'sha256' })).toBe(true);
  });

  it('is false when nothing is stored, a value differs, or the fields are invalid', () => {
    expect(isUnchanged('twilio', undefined, { authToken: 't' })).toBe(false);
    expect(isUnchanged('twilio', { authToken: 't' }, { authToken: 'u' })).toBe(false);
    expect(isUnchanged('vonage', vonage, { accountCurrency: 'GBP' })).toBe(false);
    expect(isUnchanged('vonage', vonage, { signatureMethod: 'sha3' })).toBe(false);
    expect(isUnchanged('twilio', { authToken: 't' }, { authToken: 't', extra: 'x' })).toBe(false);
  });
});
