/**
 * Failed authentications per client (an IP address, or an IPv6 /64): a token bucket of
 * `perMinute` tokens refilled at `perMinute` a minute; each failure takes one. A client with no
 * token left is refused without a lookup until one has refilled (`retryAfterMs`). Pure: `now` is
 * passed in. At most `maxClients` are remembered (least recently failed forgotten first).
 */
import { Lru } from './lru.ts';

export interface AuthFailureLimiter {
  /** 0 when the client may try a key; else how long until it may. */
  retryAfterMs(client: string, now: number): number;
  fail(client: string, now: number): void;
}

export function createAuthFailureLimiter(opts: {
  perMinute: number;
  maxClients?: number;
}): AuthFailureLimiter {
  const perMs = opts.perMinute / 60_000;
  const buckets = new Lru<{ tokens: number; at: number }>(opts.maxClients ?? 10_000);
  const level = (client: string, now: number) => {
    const b = buckets.get(client, now);
    if (!b) return opts.perMinute;
    return Math.min(opts.perMinute, b.tokens + (now - b.at) * perMs);
  };
  return {
    retryAfterMs(client, now) {
      const tokens = level(client, now);
      return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / perMs);
    },
    fail(client, now) {
      buckets.set(client, { tokens: level(client, now) - 1, at: now });
    },
  };
}
