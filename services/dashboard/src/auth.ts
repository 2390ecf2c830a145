/**
 * The tenant API key, kept in sessionStorage only: it lives as long as the tab and never goes
 * into a URL, a cookie or a log.
 */
const KEY = 'tally.apiKey';
export const DEMO_KEY = 'tly_demo_local_only_do_not_use_in_production';

export function getKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setKey(key: string): void {
  sessionStorage.setItem(KEY, key);
}

export function clearKey(): void {
  sessionStorage.removeItem(KEY);
}

/** A local stack (loopback host) is the only place where the demo key is offered. */
export function isLocalStack(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\./.test(hostname);
}
