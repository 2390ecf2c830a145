/**
 * The generated validators (packages/events/src/validators.gen.ts) against the zod schemas they
 * are generated from: for payloads written by hand and payloads fuzzed around a valid event, the
 * hot path (`decodeMessage`) and the zod path (`decodeWithZod`) accept and refuse the same records,
 * give the same events and control records, and dead-letter with the same reason.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from '@tally/kafka';
import {
  canonicalEventSchema,
  CHANNELS,
  EVENT_TYPES,
  FAILURE_CLASSES,
  handoverSchema,
  isStorableText,
  PROVIDERS,
  validateCanonicalEvent,
  validateHandover,
} from '@tally/events';
import { decodeMessage, decodeWithZod } from './decode.ts';

const msg = (value: string | null, timestamp = '1764151200500'): KafkaMessage => ({
  key: null,
  value: value === null ? null : Buffer.from(value),
  offset: '3',
  timestamp,
  attributes: 0,
  headers: {},
});

/**
 * Both paths give the same outcome, and the generated validator alone accepts exactly what zod
 * accepts (a refusal of a valid record would not show in the outcome: zod decides it again).
 */
function same(m: KafkaMessage): void {
  expect(decodeMessage(m)).toStrictEqual(decodeWithZod(m));
  let json: unknown;
  try {
    json = JSON.parse(m.value?.toString() ?? '');
  } catch {
    return;
  }
  const isControl = typeof json === 'object' && json !== null && 'control' in json;
  const [schema, validate] = isControl
    ? [handoverSchema, validateHandover]
    : [canonicalEventSchema, validateCanonicalEvent];
  const zod = schema.safeParse(json);
  const generated = validate(json);
  expect(generated !== undefined).toBe(zod.success);
  if (zod.success) expect(generated).toStrictEqual(zod.data);
}

const good = {
  eventId: 'e1',
  tenantId: 'acme',
  type: 'sent',
  occurredAt: '2026-11-26T10:00:00+01:00',
  channel: 'sms',
  messageId: 'm1',
  campaignId: 'c1',
  recipientId: 'r_1',
};

// Values near every rule's edge, valid and not, for any field.
const STRINGS = [
  '',
  ' ',
  'a',
  'x'.repeat(100),
  'x'.repeat(101),
  'x'.repeat(200),
  'x'.repeat(201),
  'a b',
  'é',
  '😀',
  '\u0000',
  'a\u0007',
  '\u007f',
  '\u0085',
  '\ud800',
  'a\udc00b',
  'GB',
  'gb',
  'GBR',
  'USD',
  'usd',
  'US',
  '23410',
  '234100',
  '2341',
  '2341a',
  'human',
  'bot',
  'robot',
  'true',
  ...EVENT_TYPES,
  ...CHANNELS,
  ...PROVIDERS,
  ...FAILURE_CLASSES,
];
const TIMES = [
  '2026-11-26T10:00:00Z',
  '2026-11-26T10:00:00.123456+05:30',
  '2026-11-26T10:00:00',
  '2026-11-26 10:00:00Z',
  '2026-11-26T24:00:00Z',
  '1999-12-31T23:59:59.999Z',
  '2000-01-01T00:00:00Z',
  '2000-01-01T00:30:00+01:00',
  '2099-12-31T23:59:59.999Z',
  '2100-01-01T00:00:00Z',
  '2099-12-31T23:30:00-01:00',
  '2024-02-29T00:00:00Z',
  '2023-02-29T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-11-26T10:00:00+24:00',
];
const URLS = [
  'https://x.io/a',
  'http://x.io',
  ' https://x.io/a ',
  'https://x.io/\ta',
  'https://x.io/\na',
  'ftp://x.io',
  'http://',
  'javascript:alert(1)',
  'https://x.io/\u0000',
  'https://x.io/\u0085',
  'HTTPS://X.IO',
  `https://x.io/${'a'.repeat(2040)}`,
  `https://x.io/${'a'.repeat(2041)}`,
  'https://ex ample.com',
  'notaurl',
];
const NUMBERS = [
  0,
  -0,
  1,
  2,
  5,
  6,
  1.5,
  0.1234,
  0.12345,
  19.99,
  1e9,
  1e9 + 0.0001,
  -1,
  2 ** 53,
  100_000,
  100_001,
];
const scalar = fc.oneof(
  fc.constantFrom<unknown>(...STRINGS, ...TIMES, ...URLS, ...NUMBERS, true, false, null),
  fc.string(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const money = fc.oneof(
  fc.record({ amount: scalar, currency: scalar }),
  fc.record({ amount: fc.constantFrom(0, 0.0075, 12.5, 1e9), currency: fc.constantFrom('USD', 'EUR') }),
  fc.record({ amount: scalar, currency: scalar, extra: scalar }, { requiredKeys: [] }),
);
const anyValue = fc.oneof({ weight: 6, arbitrary: scalar }, money, fc.jsonValue({ maxDepth: 2 }));

/** Every field of the event, from the schema that owns it (a new field is mutated too). */
const FIELDS = Object.keys(canonicalEventSchema.shape);

/** A valid event with some fields set to any value, some dropped and maybe one unknown. */
const mutated = fc
  .record({
    set: fc.dictionary(fc.constantFrom(...FIELDS, 'unknown', '__proto__', 'constructor'), anyValue, {
      maxKeys: 4,
    }),
    drop: fc.subarray(FIELDS, { maxLength: 3 }),
  })
  .map(({ set, drop }) => {
    const e: Record<string, unknown> = { ...good };
    for (const k of drop) delete e[k];
    for (const [k, v] of Object.entries(set)) Object.defineProperty(e, k, { value: v, enumerable: true });
    return JSON.stringify(e);
  });

/** Events of each type with the fields that type may carry, valid more often than not. */
const typed = fc
  .record({
    type: fc.constantFrom(...EVENT_TYPES),
    occurredAt: fc.constantFrom(...TIMES),
    channel: fc.constantFrom(...CHANNELS),
    optional: fc.record(
      {
        score: fc.constantFrom<unknown>(1, 3, 5, 0, 6, 2.5),
        value: money,
        cost: money,
        clickClass: fc.constantFrom<unknown>('human', 'bot', 'other'),
        failureClass: fc.constantFrom<unknown>(...FAILURE_CLASSES, 'nope'),
        permanent: fc.constantFrom<unknown>(true, false, 'yes'),
        url: fc.constantFrom(...URLS),
        carrier: fc.constantFrom('23410', '310260', '1234'),
        provider: fc.constantFrom(...PROVIDERS),
        country: fc.constantFrom('GB', 'de'),
        messageId: fc.constantFrom('m1', ''),
        campaignId: fc.constantFrom('c1', 'c 1'),
        recipientId: fc.constantFrom('r_1', '\u0000'),
        segment: fc.constantFrom(...STRINGS),
      },
      { requiredKeys: [] },
    ),
  })
  .map(({ optional, ...base }) => JSON.stringify({ eventId: 'e2', tenantId: 't', ...base, ...optional }));

/** Valid events of every type: the fields each type may carry, with values that pass. */
const valid = fc
  .record({
    type: fc.constantFrom(...EVENT_TYPES),
    occurredAt: fc.constantFrom(
      ...TIMES.slice(0, 2),
      '2000-01-01T00:30:00+01:00',
      '2099-12-31T23:59:59.999Z',
    ),
    channel: fc.constantFrom(...CHANNELS),
    amount: fc.integer({ min: 0, max: 10_000_000 }).map((n) => n / 10_000),
    score: fc.integer({ min: 1, max: 5 }),
    extras: fc.record(
      {
        provider: fc.constantFrom(...PROVIDERS),
        country: fc.constantFrom('GB', 'DE'),
        segment: fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme-ascii' }).filter(isStorableText),
        errorCode: fc.constantFrom('30003', 'é'),
        carrier: fc.constantFrom('23410', '310260'),
      },
      { requiredKeys: [] },
    ),
  })
  .map(({ type, occurredAt, channel, amount, score, extras }) => {
    const e: Record<string, unknown> = { eventId: 'e3', tenantId: 't', type, occurredAt, channel, ...extras };
    e.campaignId = 'c1';
    e.recipientId = 'r_1';
    if (type !== 'held_out') {
      e.messageId = 'm1';
      e.cost = { amount, currency: 'USD' };
    }
    if (type === 'survey_answered') e.score = score;
    if (type === 'converted') e.value = { amount, currency: 'EUR' };
    if (type === 'clicked') Object.assign(e, { clickClass: 'bot', url: 'https://x.io/a?b=1' });
    if (type === 'failed') Object.assign(e, { failureClass: 'expired', permanent: false });
    return JSON.stringify(e);
  });

const control = fc
  .record(
    {
      control: fc.constantFrom<unknown>('handover', 'other', 1),
      tenantId: fc.constantFrom<unknown>('acme', '', 'a b', 7),
      messageId: fc.constantFrom<unknown>('m1', 'x'.repeat(201)),
      partition: fc.constantFrom<unknown>(0, 5, 100_000, 100_001, -1, 1.5, '3'),
      extra: scalar,
    },
    { requiredKeys: ['control'] },
  )
  .map((c) => JSON.stringify(c));

/** A valid event of `type` that carries every field it may: a base for one field's edge values. */
function fullEvent(type: string): Record<string, unknown> {
  const e: Record<string, unknown> = {
    ...good,
    type,
    segment: 's',
    variant: 'v',
    provider: 'twilio',
    sender: 'Acme',
    country: 'GB',
    errorCode: '30003',
    feature: 'f',
    carrier: '23410',
    cost: { amount: 0.0075, currency: 'USD' },
  };
  if (type === 'held_out') {
    delete e.messageId;
    delete e.cost;
  }
  if (type === 'survey_answered') e.score = 3;
  if (type === 'converted') e.value = { amount: 19.99, currency: 'EUR' };
  if (type === 'clicked') Object.assign(e, { clickClass: 'human', url: 'https://x.io/a' });
  if (type === 'failed') Object.assign(e, { failureClass: 'expired', permanent: true });
  return e;
}

const EDGES: unknown[] = [...STRINGS, ...TIMES, ...URLS, ...NUMBERS, true, false, null, [], {}, ['a']];
/** The type on which a field is allowed, so that its own rule is what decides. */
const HOME: Record<string, string> = {
  score: 'survey_answered',
  value: 'converted',
  clickClass: 'clicked',
  url: 'clicked',
  failureClass: 'failed',
  permanent: 'failed',
};

describe('the generated validators decode as the zod schemas do', () => {
  it('on every field set to each edge value, and dropped', () => {
    for (const field of FIELDS)
      for (const type of new Set([HOME[field] ?? 'sent', 'held_out'])) {
        const { [field]: _dropped, ...without } = fullEvent(type);
        same(msg(JSON.stringify(without)));
        for (const edge of EDGES) same(msg(JSON.stringify({ ...fullEvent(type), [field]: edge })));
      }
    for (const money of ['cost', 'value'])
      for (const edge of EDGES) {
        const e = fullEvent(HOME[money] ?? 'sent');
        same(msg(JSON.stringify({ ...e, [money]: { amount: edge, currency: 'USD' } })));
        same(msg(JSON.stringify({ ...e, [money]: { amount: 1, currency: edge } })));
      }
  });

  it('on payloads written by hand', () => {
    const payloads: (string | null)[] = [
      null,
      '',
      '{nope',
      'null',
      '[]',
      '7',
      '"sent"',
      '{}',
      JSON.stringify(good),
      JSON.stringify({ ...good, occurredAt: '2026-11-26T10:00:00.5-02:30' }),
      JSON.stringify({ ...good, type: 'clicked', url: ' https://x.io/a\tb ', clickClass: 'bot' }),
      JSON.stringify({ ...good, type: 'converted', value: { amount: 19.99, currency: 'EUR' } }),
      JSON.stringify({ ...good, type: 'survey_answered', score: 4 }),
      JSON.stringify({ ...good, type: 'survey_answered' }),
      JSON.stringify({ ...good, type: 'held_out', messageId: undefined }),
      JSON.stringify({ ...good, type: 'held_out' }),
      JSON.stringify({ ...good, type: 'failed', failureClass: 'expired', permanent: true, carrier: '23410' }),
      JSON.stringify({ ...good, cost: { amount: 0.0075, currency: 'USD' } }),
      JSON.stringify({ ...good, cost: { amount: 0.0075, currency: 'USD', x: 1 } }),
      `{"__proto__":{"a":1},${JSON.stringify(good).slice(1)}`,
      `${JSON.stringify(good).slice(0, -1)},"eventId":"dup"}`,
      JSON.stringify({ control: 'handover', tenantId: 'acme', messageId: 'm1', partition: 4 }),
      JSON.stringify({ control: 'handover', tenantId: 'acme', messageId: 'm1', partition: 4, x: 1 }),
      JSON.stringify({ control: 'handover', tenantId: 'acme', messageId: 'm1' }),
    ];
    for (const p of payloads) same(msg(p));
    same(msg(JSON.stringify(good), '0'));
    same(msg(JSON.stringify(good), 'x'));
    expect(
      decodeMessage(msg(JSON.stringify({ ...good, type: 'clicked', url: ' https://x.io/a\tb ' }))).ok,
    ).toBe(true);
  });

  it('on fuzzed payloads', () => {
    const payload = fc.oneof(
      valid,
      mutated,
      typed,
      control,
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string(),
    );
    fc.assert(
      fc.property(payload, (p) => same(msg(p))),
      { numRuns: 4000 },
    );
  });

  it('meet both outcomes often (a fuzz that only refuses would prove little)', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.oneof(valid, mutated, typed), (p) => {
        if (decodeMessage(msg(p)).ok) accepted++;
        else refused++;
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(200);
  });
});
