/** A replica's backoff from channels it cannot reach: doubles per refusal in a row, ends when reached. */
import { describe, expect, it } from 'vitest';
import { ChannelBackoff } from './channel-backoff.ts';

describe('ChannelBackoff', () => {
  it('doubles from base to max per refusal in a row (random 0.5 = no jitter)', () => {
    const b = new ChannelBackoff(1000, 5000);
    expect([1, 2, 3, 4].map(() => b.refuse('ch', 0, 0.5))).toEqual([1000, 2000, 4000, 5000]);
    expect(b.refuse('other', 0, 0)).toBe(800); // −20%
  });

  it('leaves a channel alone until its backoff ends, and forgets it once reached', () => {
    const b = new ChannelBackoff(1000, 5000);
    b.refuse('a', 10_000, 0.5);
    b.refuse('b', 10_000, 0.5);
    b.refuse('b', 10_000, 0.5);
    expect(b.blocked(10_999)).toEqual(['a', 'b']);
    expect(b.blocked(11_000)).toEqual(['b']);
    expect(b.blocked(12_000)).toEqual([]);
    b.reached('b');
    expect(b.refuse('b', 20_000, 0.5)).toBe(1000);
  });

  it('forgets a channel not refused again for max after its backoff ended', () => {
    const b = new ChannelBackoff(1000, 5000);
    b.refuse('a', 0, 0.5);
    b.refuse('a', 0, 0.5); // until 2000
    expect(b.blocked(6999)).toEqual([]);
    expect(b.refuse('a', 6999, 0.5)).toBe(4000); // still counted
    expect(b.blocked(6999 + 4000 + 5000)).toEqual([]); // forgotten
    expect(b.refuse('a', 20_000, 0.5)).toBe(1000);
  });
});
