import { describe, expect, it } from 'vitest';
import { acceptedCredentials, parseDuration } from './rotation.ts';

describe('rotation', () => {
  const stored = { current: 'new', previous: { value: 'old', validUntil: new Date('2026-01-02T00:00:00Z') } };
  it('accepts the previous credentials until the grace period ends', () => {
    expect(acceptedCredentials(stored, new Date('2026-01-01T23:59:59Z'))).toEqual(['new', 'old']);
    expect(acceptedCredentials(stored, new Date('2026-01-02T00:00:00Z'))).toEqual(['new']);
    expect(acceptedCredentials({ current: 'only' }, new Date())).toEqual(['only']);
  });
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['0', 0],
  ])('parses %s', (s, ms) => expect(parseDuration(s)).toBe(ms));
  it('refuses a duration without a unit', () =>
    expect(() => parseDuration('24')).toThrow(/invalid duration/));
});
