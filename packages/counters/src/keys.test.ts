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
    { key: k.responseTimes('acme', 'spring'), want: { kind: 'other' } },
    { key: k.partition('events', 3).meta, want: { kind: 'other' } },
    { key: 'other:c:{acme:spring}:counts', want: { kind: 'other' } },
  ])('$key', ({ key, want }) => {
    expect(k.parse(key)).toEqual(want);
  });

  it('puts every partition key in the partition hash tag', () => {
    const p = k.partition('tally.events.v1', 3);
    for (const [name, key] of Object.entries(p))
      if (name !== 'field') expect(key).toContain('{tally.events.v1:3}');
    expect(p.field).toBe('tally.events.v1:3');
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
