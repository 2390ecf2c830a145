import { describe, expect, it } from 'vitest';
import { createAuthFailureLimiter } from './auth-failures.ts';
import { Lru } from './lru.ts';

describe('createAuthFailureLimiter', () => {
  it('lets a client fail perMinute times, then refuses it until one failure has refilled', () => {
    const l = createAuthFailureLimiter({ perMinute: 3 });
    const t = 1_000_000;
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfterMs('a', t)).toBe(0);
      l.fail('a', t);
    }
    // one token refills every 20 s
    expect(l.retryAfterMs('a', t)).toBe(20_000);
    expect(l.retryAfterMs('a', t + 15_000)).toBe(5000);
    expect(l.retryAfterMs('a', t + 20_000)).toBe(0);
    expect(l.retryAfterMs('b', t)).toBe(0);
  });

  it('never holds more than perMinute tokens, however long a client was quiet', () => {
    const l = createAuthFailureLimiter({ perMinute: 2 });
    l.fail('a', 0);
    for (let i = 0; i < 2; i++) l.fail('a', 3_600_000);
    expect(l.retryAfterMs('a', 3_600_000)).toBe(30_000);
  });

  it('remembers at most maxClients', () => {
    const l = createAuthFailureLimiter({ perMinute: 1, maxClients: 2 });
    l.fail('a', 0);
    l.fail('b', 0);
    l.fail('c', 0);
    expect([l.retryAfterMs('a', 0), l.retryAfterMs('b', 0), l.retryAfterMs('c', 0)]).toEqual([
      0, 60_000, 60_000,
    ]);
  });
});

describe('Lru', () => {
  it('evicts the least recently used entry and expires entries', () => {
    const c = new Lru<number>(2);
    c.set('a', 1);
    c.set('b', 2, 100);
    expect(c.get('a', 0)).toBe(1);
    c.set('c', 3);
    expect([c.get('a', 0), c.get('b', 0), c.get('c', 0)]).toEqual([1, undefined, 3]);
    c.set('d', 4, 100);
    expect(c.get('d', 99)).toBe(4);
    expect(c.get('d', 100)).toBeUndefined();
    expect(c.size).toBe(2);
    expect(c.peek('d')).toBe(4); // expired, still there until evicted
  });
});
