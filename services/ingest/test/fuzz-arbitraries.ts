/**
 * fast-check arbitraries for the ingest fuzz suite: adversarial strings (NUL, C1 controls, lone
 * surrogates, bidi overrides, percent-escapes, wamids, 70k-character runs), numbers out of every
 * range, deeply nested JSON, event-shaped objects whose every field may be any of those, and
 * requests for every ingest route — webhooks signed with the test tenant's credentials (so they
 * reach the parsers and normalizers) or with a wrong or missing signature.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { CHANNELS, EVENT_TYPES } from '@tally/events';
import { twilioSignature } from '../src/providers/twilio/signature.ts';
import { vonageSignature } from '../src/providers/vonage/signature.ts';
import { whatsappSignature } from '../src/providers/whatsapp/signature.ts';
import { FIXTURE_CREDENTIALS } from './helpers.ts';
import { BASE, vonageJwt } from './sign.ts';

export interface Req {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

const TOKEN = FIXTURE_CREDENTIALS.twilio.authToken;
const WA = FIXTURE_CREDENTIALS.whatsapp.appSecret;
const VONAGE = FIXTURE_CREDENTIALS.vonage.signatureSecret;

const evilPiece = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom(
    '\u0000',
    '\ud800',
    '\udfff',
    '\u202e',
    '\u0085',
    '\u007f',
    '\n',
    ' ',
    '例え',
    '🎉',
    '%',
    '%00',
    '%ff',
    '{recipient}',
    'wamid.HBgLNDQ3NzAwOTAwMDAx',
    '"',
    '\\',
    '&',
    '=',
    '+',
    '?',
    '#',
    '/',
    '..',
    ':',
    '__proto__',
    'constructor',
  ),
);
const evil = fc.array(evilPiece, { maxLength: 6 }).map((a) => a.join(''));
const huge = fc
  .tuple(fc.constantFrom('x', '例', '\ud800', '9', '\u0000'), fc.integer({ min: 201, max: 70_000 }))
  .map(([c, n]) => c.repeat(n));
const plausible = fc.constantFrom(
  '447700900001',
  '+44 7700 900001',
  'whatsapp:+15005550009',
  '0044 7700 900001',
  'US.13491208655302741918',
  'SM1',
  'c1',
  'delivered',
  'sent',
  'read',
  'failed',
  'received',
  'STOP',
  '1795700000',
  '2026-11-26T10:00:00Z',
  '2026-11-26 14:32:05',
  '0.0333',
  'EUR',
  'https://例え.jp/',
);

/** Any string an attacker or a broken client might send. */
export const anyString = fc.oneof(
  { weight: 5, arbitrary: evil },
  { weight: 3, arbitrary: plausible },
  { weight: 1, arbitrary: huge },
);

export const anyNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(1e12, 1e9, 1e9 + 0.0001, 0.00001, -1, 2 ** 53 + 1, 1e308, -0, 1e-7, 5, 6, 131050),
);

/** `{ a: { a: … } }` or `[[…]]`, `depth` levels (built iteratively). */
function nested(depth: number, array: boolean): unknown {
  let v: unknown = array ? [] : {};
  for (let i = 0; i < depth; i++) v = array ? [v] : { a: v };
  return v;
}
export const deep = fc
  .tuple(fc.integer({ min: 10, max: 3000 }), fc.boolean())
  .map(([d, array]) => nested(d, array));

export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: anyString },
  { weight: 2, arbitrary: anyNumber },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null, [], {}) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deep },
);

const money = fc.oneof(
  fc.record({ amount: anyNumber, currency: fc.oneof(fc.constantFrom('EUR', 'USD'), anyString) }),
  anyValue,
);
const timestamp = fc.oneof(
  fc
    .date({
      min: new Date('1800-01-01T00:00:00Z'),
      max: new Date('2300-01-01T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
  fc.constantFrom('1900-01-01T00:00:00Z', '2200-01-01T00:00:00Z', '2026-11-26T10:00:00+14:00'),
  anyValue,
);

/** Mostly valid, sometimes anything: so requests get past validation and reach what lies behind it. */
const mostly = <T>(valid: fc.Arbitrary<T>, weight = 3) =>
  fc.oneof({ weight, arbitrary: valid }, { weight: 1, arbitrary: anyValue });
export const validId = fc.stringMatching(/^[\x21-\x7e]{1,40}$/);
const recent = fc
  .date({ min: new Date(Date.now() - 400 * 86_400_000), max: new Date(), noInvalidDate: true })
  .map((d) => d.toISOString());

const optionalFields = {
  campaignId: mostly(validId, 2),
  messageId: mostly(fc.oneof(validId, fc.constant('wamid.HBgLNDQ3NzAwOTAwMDAxFQIAERgS')), 2),
  recipientId: mostly(fc.oneof(fc.constantFrom('447700900001', '+44 7700 900001', 'Device-1'), anyString), 2),
  segment: anyString,
  variant: anyString,
  provider: mostly(fc.constantFrom('twilio', 'api'), 2),
  sender: anyString,
  country: mostly(fc.constantFrom('GB', 'FR'), 2),
  errorCode: anyString,
  cost: money,
  value: money,
  url: anyString,
  feature: anyString,
  score: anyNumber,
};

/**
 * An object shaped like a canonical event: the four required fields mostly valid, up to three
 * optional ones (plausible or adversarial), sometimes extra keys — so some events are valid and go
 * all the way to Kafka, and the rest fail in every way there is.
 */
export const eventLike = fc
  .tuple(
    fc.record({
      eventId: mostly(validId, 9),
      type: mostly(fc.constantFrom(...EVENT_TYPES), 9),
      occurredAt: mostly(fc.oneof({ weight: 6, arbitrary: recent }, { weight: 1, arbitrary: timestamp }), 9),
      channel: mostly(fc.constantFrom(...CHANNELS), 9),
    }),
    fc.record(optionalFields),
    fc.shuffledSubarray(Object.keys(optionalFields) as (keyof typeof optionalFields)[], { maxLength: 3 }),
    fc.dictionary(anyString, anyValue, { maxKeys: 2 }),
    fc.nat(9),
  )
  .map(([core, optional, keys, extra, n]) => {
    const some = Object.fromEntries(keys.map((k) => [k, optional[k]]));
    return n === 0 ? { ...extra, ...core, ...some } : { ...core, ...some };
  });

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/JSON',
      'application/x-www-form-urlencoded',
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      '',
    ),
  },
);

const rawBody = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  fc.integer({ min: 1, max: 100_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.constantFrom('', '{', 'null', '[]', '"x"', '1e999', '{"events":', '\ufeff{}'),
);

/** A JSON text of `v` (lone surrogates escaped, as JSON.stringify writes them). */
const json = (v: unknown) => JSON.stringify(v) ?? 'null';

export function eventsRequests(key: string): fc.Arbitrary<Req> {
  const body = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.array(eventLike, { minLength: 1, maxLength: 3 }).map((events) => json({ events })),
    },
    { weight: 1, arbitrary: anyValue.map(json) },
    { weight: 1, arbitrary: rawBody },
  );
  const auth = fc.oneof(
    { weight: 8, arbitrary: fc.constant(`Bearer ${key}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', 'Bearer', 'Bearer tly_nope', `bearer ${key} x`, `Basic ${key}`),
    },
  );
  return fc.record({ body, auth, type: contentType }).map(({ body: payload, auth: authorization, type }) => ({
    method: 'POST' as const,
    url: '/v1/events',
    headers: { 'content-type': type, ...(authorization ? { authorization } : {}) },
    payload,
  }));
}

/**
 * The import routes (issue 22): PUT /v1/imports/:id/parts/:n with NDJSON parts (events, junk
 * lines, blank lines, raw bytes), odd ids and part numbers, other content types; GET the progress
 * and POST close of known and unknown imports.
 */
export function importsRequests(key: string): fc.Arbitrary<Req> {
  const id = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('hist', 'hist-2', 'q4_2026') },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 80 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(65), 'a%20b', '..', '%2F') },
  );
  const part = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 20 }).map(String) },
    { weight: 1, arbitrary: fc.constantFrom('-1', '1.5', '1e3', 'x', '99999999999', '0x1') },
  );
  const line = fc.oneof(
    { weight: 6, arbitrary: eventLike.map(json) },
    { weight: 1, arbitrary: fc.oneof(anyString, anyValue.map(json)) },
    { weight: 1, arbitrary: fc.constantFrom('', '   ', '{', 'null', '[]') },
  );
  const ndjson = fc.oneof(
    { weight: 6, arbitrary: fc.array(line, { minLength: 0, maxLength: 5 }).map((l) => l.join('\n')) },
    { weight: 1, arbitrary: rawBody },
  );
  const type = fc.oneof(
    { weight: 6, arbitrary: fc.constant('application/x-ndjson') },
    { weight: 1, arbitrary: contentType },
  );
  const auth = fc.oneof(
    { weight: 8, arbitrary: fc.constant(`Bearer ${key}`) },
    { weight: 1, arbitrary: fc.constantFrom('', 'Bearer tly_nope', `Basic ${key}`) },
  );
  const put = fc.record({ id, part, body: ndjson, type, auth }).map((r): Req => ({
    method: 'PUT',
    url: `/v1/imports/${r.id}/parts/${r.part}`,
    headers: { 'content-type': r.type, ...(r.auth ? { authorization: r.auth } : {}) },
    payload: r.body,
  }));
  const other = fc.record({ id, auth, close: fc.boolean() }).map((r): Req => ({
    method: r.close ? 'POST' : 'GET',
    url: r.close ? `/v1/imports/${r.id}/close` : `/v1/imports/${r.id}`,
    headers: r.auth ? { authorization: r.auth } : {},
  }));
  return fc.oneof({ weight: 4, arbitrary: put }, { weight: 1, arbitrary: other });
}

/**
 * POST /v1/global-control/check (issue 21) and POST /v1/suppression/check (issue 20), which take
 * the same body: addresses that are numbers, junk, too many, none.
 */
export function globalControlRequests(key: string, url = '/v1/global-control/check'): fc.Arbitrary<Req> {
  const address = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.integer({ min: 0, max: 9999 }).map((i) => `+1500555${String(i).padStart(4, '0')}`),
    },
    { weight: 2, arbitrary: anyString },
    { weight: 1, arbitrary: anyValue },
  );
  const valid = fc.record({
    channel: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('sms', 'whatsapp', 'push', 'in_app') },
      { weight: 1, arbitrary: anyValue },
    ),
    addresses: fc.oneof(
      { weight: 6, arbitrary: fc.array(address, { minLength: 1, maxLength: 5 }) },
      { weight: 1, arbitrary: fc.constant(Array.from({ length: 1001 }, () => '+15005550006')) },
      { weight: 1, arbitrary: anyValue },
    ),
  });
  const body = fc.oneof(
    { weight: 6, arbitrary: valid.map(json) },
    { weight: 1, arbitrary: anyValue.map(json) },
    { weight: 1, arbitrary: rawBody },
  );
  const auth = fc.constantFrom(`Bearer ${key}`, `Bearer ${key}`, `Bearer ${key}`, '', 'Bearer tly_nope');
  return fc.record({ body, auth, type: contentType }).map(({ body: payload, auth: authorization, type }) => ({
    method: 'POST' as const,
    url,
    headers: { 'content-type': type, ...(authorization ? { authorization } : {}) },
    payload,
  }));
}

const TWILIO_FIELDS = [
  'MessageSid',
  'SmsSid',
  'MessageStatus',
  'SmsStatus',
  'To',
  'From',
  'Body',
  'ErrorCode',
  'OptOutType',
  'OriginalRepliedMessageSid',
  'ChannelPrefix',
] as const;
const twilioParams = fc
  .tuple(
    fc.record(Object.fromEntries(TWILIO_FIELDS.map((k) => [k, anyString])), { requiredKeys: [] }),
    fc.dictionary(anyString, anyString, { maxKeys: 2 }),
  )
  .map(([known, extra]) => ({ ...extra, ...known }) as Record<string, string>);
const refQuery = fc
  .record({ campaign: anyString, segment: anyString, variant: anyString }, { requiredKeys: [] })
  .map((q) => new URLSearchParams(q as Record<string, string>).toString());

/** A wrong signature, or none. */
const badSignature = fc.option(fc.base64String({ maxLength: 44 }), { nil: undefined });

export function twilioRequests(tenant: string): fc.Arbitrary<Req> {
  const form = fc
    .tuple(twilioParams, refQuery, fc.boolean(), badSignature)
    .map(([params, q, signed, bad]) => {
      const path = `/webhooks/twilio/${tenant}${q ? `?${q}` : ''}`;
      // What the server will parse back: URLSearchParams writes lone surrogates as U+FFFD.
      const payload = new URLSearchParams(params).toString();
      const entries = [...new URLSearchParams(payload).entries()];
      const sig = signed ? twilioSignature(TOKEN, BASE + path, entries) : bad;
      return {
        method: 'POST' as const,
        url: path,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(sig === undefined ? {} : { 'x-twilio-signature': sig }),
        },
        payload,
      };
    });
  const asJson = fc.tuple(fc.oneof(twilioParams, anyValue), fc.boolean()).map(([body, signed]) => {
    const payload = json(body);
    const sha = createHash('sha256').update(payload).digest('hex');
    const path = `/webhooks/twilio/${tenant}?campaign=fz&bodySHA256=${signed ? sha : '0'.repeat(64)}`;
    return {
      method: 'POST' as const,
      url: path,
      headers: {
        'content-type': 'application/json',
        'x-twilio-signature': twilioSignature(TOKEN, BASE + path, []),
      },
      payload,
    };
  });
  return fc.oneof({ weight: 3, arbitrary: form }, { weight: 1, arbitrary: asJson });
}

const waStatus = fc.record(
  {
    id: anyString,
    status: fc.oneof(fc.constantFrom('sent', 'delivered', 'read', 'failed', 'played'), anyString),
    timestamp: fc.oneof(fc.constantFrom('1795700000', 1795700000), anyValue),
    recipient_id: anyString,
    user_id: anyString,
    biz_opaque_callback_data: anyString,
    errors: fc.oneof(fc.constant([{ code: 131050 }]), anyValue),
  },
  { requiredKeys: [] },
);
const waMessage = fc.record(
  {
    id: anyString,
    from: anyString,
    timestamp: fc.oneof(fc.constant('1795700000'), anyValue),
    type: anyString,
    text: fc.oneof(fc.record({ body: anyString }), anyValue),
    button: anyValue,
    interactive: anyValue,
    context: fc.oneof(fc.record({ id: anyString }), anyValue),
  },
  { requiredKeys: [] },
);
const waPreference = fc.record(
  { wa_id: anyString, user_id: anyString, value: anyString, timestamp: anyValue },
  { requiredKeys: [] },
);
const waEnvelope = fc
  .record({
    field: fc.oneof(fc.constantFrom('messages', 'user_preferences'), anyString),
    statuses: fc.array(waStatus, { maxLength: 3 }),
    messages: fc.array(waMessage, { maxLength: 2 }),
    user_preferences: fc.array(waPreference, { maxLength: 2 }),
    metadata: fc.oneof(fc.record({ display_phone_number: anyString }), anyValue),
  })
  .map((v) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: 'W1', changes: [{ field: v.field, value: v }] }],
  }));

export function whatsappRequests(tenant: string): fc.Arbitrary<Req> {
  const body = fc.oneof(
    { weight: 4, arbitrary: waEnvelope.map(json) },
    { weight: 1, arbitrary: anyValue.map(json) },
    { weight: 1, arbitrary: rawBody },
  );
  return fc.tuple(body, fc.boolean(), badSignature, contentType).map(([payload, signed, bad, type]) => {
    const sig = signed ? whatsappSignature(WA, Buffer.from(payload)) : bad && `sha256=${bad}`;
    return {
      method: 'POST' as const,
      url: `/webhooks/whatsapp/${tenant}`,
      headers: { 'content-type': type, ...(sig === undefined ? {} : { 'x-hub-signature-256': sig }) },
      payload,
    };
  });
}

export function handshakeRequests(tenant: string): fc.Arbitrary<Req> {
  return fc
    .record(
      {
        'hub.mode': fc.oneof(fc.constant('subscribe'), anyString),
        'hub.verify_token': fc.oneof(fc.constant(FIXTURE_CREDENTIALS.whatsapp.verifyToken), anyString),
        'hub.challenge': anyString,
      },
      { requiredKeys: [] },
    )
    .map((q) => ({
      method: 'GET' as const,
      url: `/webhooks/whatsapp/${tenant}?${new URLSearchParams(q as Record<string, string>).toString()}`,
      headers: {},
    }));
}

const VONAGE_FIELDS = [
  'msisdn',
  'to',
  'messageId',
  'message-id',
  'status',
  'err-code',
  'price',
  'client-ref',
  'message-timestamp',
  'scts',
  'text',
  'keyword',
  'concat',
  'concat-ref',
  'concat-part',
  'timestamp',
  'nonce',
] as const;
const vonageParams = fc
  .record(Object.fromEntries(VONAGE_FIELDS.map((k) => [k, anyString])), { requiredKeys: [] })
  .map((p) => Object.fromEntries(new URLSearchParams(p as Record<string, string>)));

export function vonageRequests(tenant: string): fc.Arbitrary<Req> {
  const path = `/webhooks/vonage/${tenant}`;
  const sms = fc
    .tuple(vonageParams, fc.boolean(), fc.constantFrom('get', 'form', 'json'))
    .map(([params, signed, how]): Req => {
      const sig = signed ? vonageSignature(params, VONAGE, 'sha256') : 'f'.repeat(64);
      const all = new URLSearchParams({ ...params, sig }).toString();
      if (how === 'get') return { method: 'GET' as const, url: `${path}?${all}`, headers: {} };
      return how === 'form'
        ? {
            method: 'POST' as const,
            url: path,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: all,
          }
        : {
            method: 'POST' as const,
            url: path,
            headers: { 'content-type': 'application/json' },
            payload: json({ ...params, sig }),
          };
    });
  const messages = fc
    .tuple(
      fc.record(
        {
          message_uuid: anyString,
          status: fc.oneof(fc.constantFrom('submitted', 'delivered', 'read', 'rejected'), anyString),
          channel: fc.oneof(fc.constantFrom('sms', 'whatsapp', 'mms', 'viber_service'), anyString),
          timestamp: anyValue,
          to: anyValue,
          from: anyValue,
          usage: fc.oneof(fc.record({ price: anyString, currency: anyString }), anyValue),
          error: anyValue,
          context: anyValue,
          text: anyValue,
          client_ref: anyString,
        },
        { requiredKeys: [] },
      ),
      fc.boolean(),
    )
    .map(([b, signed]) => {
      const payload = json(b);
      return {
        method: 'POST' as const,
        url: path,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${signed ? vonageJwt(payload, VONAGE) : vonageJwt('other', VONAGE)}`,
        },
        payload,
      };
    });
  return fc.oneof(sms, messages);
}

const infobipReport = fc.record(
  {
    messageId: anyString,
    to: anyString,
    from: anyString,
    sentAt: anyValue,
    doneAt: fc.oneof(fc.constant('2026-11-26T14:30:09.000+0000'), anyValue),
    seenAt: anyValue,
    callbackData: anyString,
    channel: anyValue,
    price: fc.oneof(fc.record({ pricePerMessage: anyNumber, currency: anyString }), anyValue),
    status: fc.oneof(
      fc.record({
        groupId: fc.constantFrom(1, 2, 3, 4, 5, 9),
        id: fc.constantFrom(2, 5, 14),
        name: anyString,
      }),
      anyValue,
    ),
    error: anyValue,
  },
  { requiredKeys: [] },
);

export function infobipRequests(tenant: string): fc.Arbitrary<Req> {
  const body = fc.oneof(
    { weight: 4, arbitrary: fc.array(infobipReport, { maxLength: 3 }).map((results) => json({ results })) },
    { weight: 1, arbitrary: anyValue.map(json) },
  );
  const query = fc.option(fc.oneof(fc.constantFrom('sms', 'whatsapp'), anyString), { nil: undefined });
  return fc.tuple(body, fc.boolean(), query, contentType).map(([payload, signed, channel, type]) => ({
    method: 'POST' as const,
    url: `/webhooks/infobip/${tenant}${channel === undefined ? '' : `?${new URLSearchParams({ channel }).toString()}`}`,
    headers: {
      'content-type': type,
      authorization: signed ? `Bearer ${FIXTURE_CREDENTIALS.infobip.secret}` : 'Bearer wrong',
    },
    payload,
  }));
}

const urls = fc.oneof(
  fc.constantFrom(
    'https://例え.jp/',
    'https://shop.example/a\u202eb',
    'https://shop.example/?q=\ud800',
    'javascript:alert(1)',
    'https://[::1]/',
    'http://a..b/',
    'https://x.example:99999/',
    'https://%00/',
    'https://a\u0000b.example/',
    'https://user:pa ss@x.example/',
    'https://xn--/',
    'HTTPS://X.EXAMPLE/%zz',
  ),
  { weight: 3, arbitrary: anyString.map((s) => `https://shop.example/${s}`) },
  anyString,
);

export function linkRequests(key: string): fc.Arbitrary<Req> {
  return fc
    .tuple(
      fc.record(
        {
          campaignId: mostly(fc.constant('fz'), 6),
          messageId: mostly(fc.oneof(validId, fc.constant('wamid.HBgLNDQ3NzAwOTAwMDAxFQIAERgS'))),
          recipientId: mostly(fc.oneof(anyString, fc.constant('447700900001'))),
          channel: mostly(fc.constantFrom(...CHANNELS), 6),
          url: urls,
        },
        { requiredKeys: ['campaignId', 'url'] },
      ),
      contentType,
    )
    .map(([b, type]) => ({
      method: 'POST' as const,
      url: '/v1/links',
      headers: { 'content-type': type, authorization: `Bearer ${key}` },
      payload: json(b),
    }));
}

/** `s` percent-encoded for a path (a lone surrogate, which cannot be, as `x`). */
const uriComponent = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'));

/** Codes for GET /c/:code: well-formed and unknown, malformed, percent-encoded garbage. */
export const linkCodes = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{12}$/),
  anyString.map((s) => uriComponent(s).slice(0, 3000)),
  fc.constantFrom('%', '%zz', '%ff%fe', '..%2F..%2F', '%00', 'a'.repeat(101)),
);

/** Paths and tenants that are not quite right, on every webhook and any method. */
export const strayRequests: fc.Arbitrary<Req> = fc
  .tuple(
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
    fc.constantFrom('twilio', 'whatsapp', 'vonage', 'infobip', 'nope'),
    fc.oneof(
      fc.constantFrom('acme', 'nobody', '%00', '%ff', 'a'.repeat(300), '..'),
      anyString.map(uriComponent),
    ),
    rawBody,
  )
  .map(([method, provider, tenant, payload]) => ({
    method,
    url: `/webhooks/${provider}/${tenant}`,
    headers: { 'content-type': 'application/json' },
    ...(method === 'GET' ? {} : { payload }),
  }));
