import { describe, expect, it } from 'vitest';
import { createAnswerCache } from './answer-cache.ts';

function setup(ttlMs: number, maxEntries?: number) {
  let now = 0;
  let reads = 0;
  const cache = createAnswerCache({ ttlMs, clock: () => now, ...(maxEntries ? { maxEntries } : {}) });
  const get = (key = 'k') => cache.get(key, () => Promise.resolve(`${key}#${++reads}`));
  return { get, cache, tick: (ms: number) => (now += ms), reads: () => reads };
}

describe('answer cache', () => {
  it('reuses an answer for ttlMs from the start of its read, then reads again', async () => {
    const c = setup(100);
    expect(await c.get()).toBe('k#1');
    c.tick(99);
    expect(await c.get()).toBe('k#1');
    c.tick(1);
    expect(await c.get()).toBe('k#2');
    expect(await c.get('other')).toBe('other#3');
  });

  it('shares a read in flight, also with ttlMs 0, and keeps nothing after it with ttlMs 0', async () => {
    const c = setup(0);
    let release: (v: string) => void = () => undefined;
    const slow = c.cache.get('k', () => new Promise<string>((r) => (release = r)));
    const joined = c.cache.get('k', () => Promise.resolve('never read'));
    release('first');
    expect(await Promise.all([slow, joined])).toEqual(['first', 'first']);
    expect(await c.get()).toBe('k#1');
  });

  it('never keeps a failed read', async () => {
    const c = setup(1000);
    await expect(c.cache.get('k', () => Promise.reject(new Error('no campaign')))).rejects.toThrow(
      'no campaign',
    );
    await expect(
      c.cache.get('k', () => {
        throw new Error('sync failure');
      }),
    ).rejects.toThrow('sync failure');
    expect(await c.get()).toBe('k#1');
  });

  it('stays within maxEntries', async () => {
    const c = setup(1000, 2);
    await c.get('a');
    await c.get('b');
    await c.get('c'); // full: nothing expired, so everything is dropped
    expect(await c.get('a')).toBe('a#4');
    expect(await c.get('c')).toBe('c#3');
  });
});
