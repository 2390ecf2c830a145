import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_LIMITS, deadLetterOf, deadLetterSchema } from './index.ts';

const source = { topic: 'tally.events.v1.t1', partition: 3, offset: '42' };
const failedAt = new Date('2026-11-26T10:00:00Z');

describe('dead letters', () => {
  it('keeps a refused record as it was, with its reason', () => {
    const d = deadLetterOf({ reason: 'schema: sender: bad', source, payload: '{"a":\n1}', failedAt });
    expect(d).toEqual({
      reason: 'schema: sender: bad',
      source,
      payload: '{"a":\n1}',
      failedAt: '2026-11-26T10:00:00.000Z',
    });
    expect(deadLetterSchema.parse(d)).toEqual(d);
  });

  it('makes any reason and payload fit the schema: controls and lone surrogates replaced, cut', () => {
    const d = deadLetterOf({
      reason: `bad key "\u0000\ud800" ${'x'.repeat(2000)}`,
      source,
      payload: Buffer.concat([Buffer.from('{"s":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      failedAt,
    });
    expect(d.reason.startsWith('bad key "\ufffd\ufffd" xxx')).toBe(true);
    expect(d.reason).toHaveLength(DEAD_LETTER_LIMITS.reason);
    expect(d.payload).toBe('{"s":"\ufffd\ufffd"}');
    expect(deadLetterSchema.safeParse(d).success).toBe(true);
  });

  it('cuts a payload above 512 KiB and says so', () => {
    const d = deadLetterOf({ reason: 'too big', source, payload: 'p'.repeat(600_000), failedAt });
    expect([d.payload.length, d.payloadTruncated]).toEqual([DEAD_LETTER_LIMITS.payload, true]);
    expect(deadLetterSchema.safeParse(d).success).toBe(true);
  });

  it.each([
    ['a NUL in the reason', { reason: 'a\u0000' }, 'reason'],
    ['an empty reason', { reason: '' }, 'reason'],
    ['a negative partition', { source: { ...source, partition: -1 } }, 'source.partition'],
    ['a non-decimal offset', { source: { ...source, offset: '1e3' } }, 'source.offset'],
    ['a topic with a space', { source: { ...source, topic: 'a b' } }, 'source.topic'],
    ['a lone surrogate in the payload', { payload: '\udc00' }, 'payload'],
    ['a time that is not ISO', { failedAt: 'yesterday' }, 'failedAt'],
  ])('refuses %s', (_name, patch, path) => {
    const r = deadLetterSchema.safeParse({
      reason: 'r',
      source,
      payload: '',
      failedAt: '2026-11-26T10:00:00.000Z',
      ...patch,
    });
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toEqual([path]);
  });
});
