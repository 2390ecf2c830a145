/**
 * Tracked-link codes: 72 random bits as 12 base64url characters — short, URL-safe, and far too
 * many to enumerate. Pure apart from the randomness source.
 */
import { randomBytes } from 'node:crypto';

export const CODE_PATTERN = /^[A-Za-z0-9_-]{12}$/;

export function newLinkCode(random: (n: number) => Buffer = randomBytes): string {
  return random(9).toString('base64url');
}

/** Unique per click (a click is not retried by a provider): code, time and 48 random bits. */
export function clickEventId(code: string, at: Date, random: (n: number) => Buffer = randomBytes): string {
  return `click:${code}:${at.getTime().toString(36)}:${random(6).toString('base64url')}`;
}
