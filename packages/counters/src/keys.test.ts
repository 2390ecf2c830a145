import { describe, expect, it } from 'vitest';
import { RedisKeys } from './keys.ts';

const k = new RedisKeys('tally');

describe('RedisKeys.parse', () => {
  it.each([
    { key: k.counts('acme', 'spring'), want: { kind: 'counts', tenant: 'acme', campaign: 'spring' } },
    { key: k.money('acme', 'a:b}c'), want: { kind: 'money', tenant: 'acme', campaign: 'a:b}c' } },
    { key: k.meta('acme', 'spring'), want: { kind: 'meta', tenant: 'acme', campaign: 'spring' } },
    {
      key: k.minute('acme', 'spring', 29_000_000),
      want: { kind: 'minute', tenant: 'acme', campaign: 'spring', minute: 29_000_000 },
    },
    { key: k.message('acme', 'SM123'), want: { kind: 'message', tenant: 'acme', id: 'SM123' } },
    { key: k.recipient('acme', 'ab12'), want: { kind: 'recipient', tenant: 'acme', id: 'ab12' } },
    { key: k.responseTimes('acme', 'spring'), want: { kind: 'other' } },
    { key: k.offsets(), want: { kind: 'other' } },
    { key: 'other:c:{acme:spring}:counts', want: { kind: 'other' } },
  ])('$key', ({ key, want }) => {
    expect(k.parse(key)).toEqual(want);
  });

  it('puts every campaign key in the campaign hash tag', () => {
    for (const key of [
      k.counts('t', 'c'),
      k.minute('t', 'c', 1),
      k.tuples('t', 'c'),
      k.breakdown('t', 'c', 'error_code'),
    ])
      expect(key).toContain('{t:c}');
  });
});
