import { describe, expect, it } from 'vitest';
import { createPseudonymizer, normalizeAddress } from './pseudonymize.ts';

describe('normalizeAddress', () => {
  it.each([
    ['+1 (500) 555-0006', '+15005550006'],
    ['0044 7700 900001', '+447700900001'],
    ['  Alice@Example.COM ', 'alice@example.com'],
    ['device-ABC', 'device-abc'],
  ])('%s → %s', (raw, want) => expect(normalizeAddress(raw)).toBe(want));
});

describe('pseudonymize', () => {
  const p = createPseudonymizer('0123456789abcdef-secret');
  it('is stable per tenant and normalized address, never the raw number', () => {
    const a = p('acme', '+1 500 555 0006');
    expect(a).toBe(p('acme', '+15005550006'));
    expect(a).toMatch(/^r_[A-Za-z0-9_-]{22}$/);
    expect(a).not.toContain('5005550006');
  });
  it('gives unrelated ids in two tenants', () => {
    expect(p('acme', '+15005550006')).not.toBe(p('globex', '+15005550006'));
  });
});
