import { describe, expect, it } from 'vitest';
import { acceptedCredentials } from '../../credentials/rotation.ts';
import { verifyInfobip } from './auth.ts';

const none = new URLSearchParams();
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('infobip secret', () => {
  it('accepts the secret in the configured place only', () => {
    const bearer = [{ secret: 's3', authMode: 'bearer' as const }];
    expect(verifyInfobip(bearer, 'Bearer s3', none)).toBe(true);
    expect(verifyInfobip(bearer, 'App s3', none)).toBe(true);
    expect(verifyInfobip(bearer, 'Bearer s4', none)).toBe(false);
    expect(verifyInfobip(bearer, basic('u', 's3'), none)).toBe(false);
    expect(verifyInfobip(bearer, undefined, new URLSearchParams('secret=s3'))).toBe(false);
    const b = [{ secret: 's3', authMode: 'basic' as const }];
    expect(verifyInfobip(b, basic('infobip', 's3'), none)).toBe(true);
    expect(verifyInfobip(b, basic('infobip', 'nope'), none)).toBe(false);
    const q = [{ secret: 's3', authMode: 'query' as const }];
    expect(verifyInfobip(q, undefined, new URLSearchParams('secret=s3'))).toBe(true);
    expect(verifyInfobip(q, 'Bearer s3', none)).toBe(false);
  });
  it('accepts the previous secret within its grace period only', () => {
    const stored = {
      current: { secret: 'new', authMode: 'bearer' as const },
      previous: { value: { secret: 'old', authMode: 'bearer' as const }, validUntil: new Date(1000) },
    };
    expect(verifyInfobip(acceptedCredentials(stored, new Date(999)), 'Bearer old', none)).toBe(true);
    expect(verifyInfobip(acceptedCredentials(stored, new Date(1000)), 'Bearer old', none)).toBe(false);
    expect(verifyInfobip(acceptedCredentials(stored, new Date(1000)), 'Bearer new', none)).toBe(true);
  });
});
