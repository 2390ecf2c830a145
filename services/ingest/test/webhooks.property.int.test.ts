/**
 * Property tests (fast-check): random and mutated requests — unsigned noise, and payloads that are
 * validly signed but arbitrary, so they reach the parsers and normalizers — thrown at every webhook
 * endpoint through app.inject. Nothing may answer 5xx or crash the process, and valid requests
 * interleaved with the noise still get 2xx and their events published to Kafka.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eventually } from '@tally/testing';
import {
  addTenantWithCredentials,
  FIXTURE_CREDENTIALS,
  startIngestHarness,
  stopIngestHarness,
  type IngestHarness,
} from './helpers.ts';
import { twilioForm, vonageJwt, vonageSigned, waStatusBody, whatsappPost } from './sign.ts';

const TOKEN = FIXTURE_CREDENTIALS.twilio.authToken;
const WA = FIXTURE_CREDENTIALS.whatsapp.appSecret;
const VONAGE = FIXTURE_CREDENTIALS.vonage.signatureSecret;
const INFOBIP = `Bearer ${FIXTURE_CREDENTIALS.infobip.secret}`;

type Req = {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
};

const paths = ['twilio', 'whatsapp', 'vonage', 'infobip'].flatMap((p) => [
  `/webhooks/${p}/acme`,
  `/webhooks/${p}/nobody`,
]);
const contentTypes = [
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/xml',
  '',
];

/** Unsigned noise: any endpoint, method, content type, headers and body. */
const noise: fc.Arbitrary<Req> = fc.record({
  method: fc.constantFrom('GET' as const, 'POST' as const),
  url: fc
    .tuple(fc.constantFrom(...paths), fc.string({ maxLength: 40 }))
    .map(([p, q]) => `${p}?${encodeURIComponent(q)}`),
  headers: fc.record({
    'content-type': fc.constantFrom(...contentTypes),
    'x-twilio-signature': fc.base64String({ maxLength: 40 }),
    'x-hub-signature-256': fc.string({ maxLength: 80 }).map((s) => `sha256=${s}`),
    authorization: fc.oneof(fc.constant(INFOBIP), fc.string({ maxLength: 60 })),
  }),
  payload: fc.oneof(
    fc.string({ maxLength: 400 }),
    fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
  ),
});

const json = fc.jsonValue({ maxDepth: 4 });

/** Validly signed (or authenticated) but arbitrary payloads: they get past the signature. */
const signedGarbage: fc.Arbitrary<Req> = fc.oneof(
  fc
    .dictionary(fc.string({ maxLength: 15 }), fc.string({ maxLength: 30 }), { maxKeys: 8 })
    .map((params) => twilioForm('acme', TOKEN, params)),
  fc
    .record({
      MessageSid: fc.string({ maxLength: 40 }),
      MessageStatus: fc.string({ maxLength: 20 }),
      To: fc.string({ maxLength: 20 }),
      Body: fc.string(),
    })
    .map((params) => twilioForm('acme', TOKEN, params, '?campaign=x')),
  json.map((body) => whatsappPost('acme', WA, body)),
  fc
    .array(
      fc.record(
        {
          id: fc.string(),
          status: fc.string(),
          timestamp: fc.oneof(fc.string(), fc.integer()),
          recipient_id: fc.string(),
          errors: json,
        },
        { requiredKeys: [] },
      ),
      { maxLength: 5 },
    )
    .map((statuses) => whatsappPost('acme', WA, waStatusBody(statuses))),
  fc.dictionary(fc.string({ maxLength: 15 }), fc.string({ maxLength: 30 }), { maxKeys: 10 }).map((p) => {
    const signed = vonageSigned(p, VONAGE, 'sha256');
    return {
      method: 'GET' as const,
      url: `/webhooks/vonage/acme?${new URLSearchParams(signed).toString()}`,
      headers: {},
    };
  }),
  fc
    .dictionary(fc.string({ maxLength: 15 }), fc.oneof(fc.string({ maxLength: 30 }), fc.integer()), {
      maxKeys: 10,
    })
    .map((p) => {
      const strings = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)]));
      return {
        method: 'POST' as const,
        url: '/webhooks/vonage/acme',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ ...p, sig: vonageSigned(strings, VONAGE, 'sha256').sig }),
      };
    }),
  fc
    .record(
      {
        message_uuid: fc.string(),
        status: fc.string(),
        channel: fc.constantFrom('sms', 'whatsapp', 'viber_service', ''),
        timestamp: fc.string(),
        usage: json,
        error: json,
        context: json,
        to: fc.string(),
        text: fc.string(),
      },
      { requiredKeys: ['message_uuid'] },
    )
    .map((b) => {
      const body = JSON.stringify(b);
      return {
        method: 'POST' as const,
        url: '/webhooks/vonage/acme',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${vonageJwt(body, VONAGE)}` },
        payload: body,
      };
    }),
  fc.oneof(json, fc.record({ results: fc.array(json, { maxLength: 4 }) })).map((body) => ({
    method: 'POST' as const,
    url: '/webhooks/infobip/acme',
    headers: { 'content-type': 'application/json', authorization: INFOBIP },
    payload: JSON.stringify(body) ?? 'null',
  })),
);

/** A valid signed request, mutated: one byte flipped, truncated, or extended. */
const mutated: fc.Arbitrary<Req> = fc
  .tuple(fc.nat(), fc.constantFrom('flip', 'truncate', 'append'), fc.nat(255))
  .map(([pos, how, byte]) => {
    const req = whatsappPost(
      'acme',
      WA,
      waStatusBody([{ id: 'wamid.M', status: 'read', timestamp: '1795700000', recipient_id: '15550000009' }]),
    );
    const body = Buffer.from(req.payload);
    const i = pos % body.length;
    const out =
      how === 'flip'
        ? Buffer.concat([body.subarray(0, i), Buffer.from([byte]), body.subarray(i + 1)])
        : how === 'truncate'
          ? body.subarray(0, i)
          : Buffer.concat([body, Buffer.from([byte])]);
    return { ...req, payload: out };
  });

describe('webhook endpoints under random and mutated input', () => {
  let iso: IngestHarness['iso'];
  let deps: IngestHarness['deps'];
  let app: IngestHarness['app'];
  let reader: IngestHarness['reader'];
  let valid = 0;

  beforeAll(async () => {
    ({ iso, deps, app, reader } = await startIngestHarness(
      'prop',
      { WEBHOOK_BODY_LIMIT_BYTES: '4096' },
      // Generated provider times reach back to 2000 on purpose; the events are only read back.
      { allowFixedDates: 'generated input, read back from the topic only' },
    ));
    await addTenantWithCredentials(deps, 'acme');
  });
  afterAll(() => stopIngestHarness({ iso, deps, app, reader }));

  const sendValid = async () => {
    const sid = `SMvalid${valid++}`;
    const res = await app.inject(
      twilioForm(
        'acme',
        TOKEN,
        { MessageSid: sid, MessageStatus: 'delivered', To: '+15005550009' },
        '?campaign=prop',
      ),
    );
    expect(res.statusCode).toBe(200);
  };

  it.each([
    ['unsigned noise', noise],
    ['signed garbage', signedGarbage],
    ['mutated valid requests', mutated],
  ] as const)('%s: never 5xx, valid requests around it still 2xx', async (_name, arb) => {
    await fc.assert(
      fc.asyncProperty(arb, async (req) => {
        const res = await app.inject(req);
        expect(res.statusCode, `${req.method} ${req.url} → ${res.body}`).toBeGreaterThanOrEqual(200);
        expect(res.statusCode, `${req.method} ${req.url} → ${res.body}`).toBeLessThan(500);
        if (res.statusCode >= 400) expect(res.json().error.message.length).toBeGreaterThan(0);
        await sendValid();
      }),
      { numRuns: 200 },
    );
  });

  it('published the events of every interleaved valid request', async () => {
    expect(valid).toBeGreaterThanOrEqual(600);
    await eventually(
      () =>
        Promise.resolve(
          new Set(reader.seen.filter((e) => e.campaignId === 'prop').map((e) => e.messageId)).size,
        ),
      (n) => n === valid,
    );
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
