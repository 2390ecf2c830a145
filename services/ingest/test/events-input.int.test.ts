/**
 * POST /v1/events against the real topic, for what issue 11 §3 and issue 12 ask of its input:
 * every limit of @tally/events is a 400 naming the field with nothing published; a sender's
 * address is normalized exactly like a webhook's (one pseudonym, one country, one record key per
 * person); wamids are pseudonymized the same way from both sources, so a send and its receipts join.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addApiKey } from '@tally/db';
import { eventually } from '@tally/testing';
import {
  addTenantWithCredentials,
  FIXTURE_CREDENTIALS,
  startIngestHarness,
  stopIngestHarness,
  type IngestHarness,
} from './helpers.ts';
import { waStatusBody, whatsappPost } from './sign.ts';

const WA = FIXTURE_CREDENTIALS.whatsapp.appSecret;
const WAMID = 'wamid.HBgLNDQ3NzAwOTAwMDAxFQIAERgSQ0I2QjM5REFBODkyQTExOEU1AA==';
/** Ingest's receipt time in these tests (its clock is pinned, so "24 h in the future" is exact). */
const RECEIPT = Math.floor(Date.now() / 1000) * 1000;
const iso = (ms: number) => new Date(ms).toISOString();
const DAY = 86_400_000;
/** A provider's unix-seconds time two hours before the receipt. */
const unix = (s = 0) => Math.floor(RECEIPT / 1000) - 7200 + s;
const event = (eventId: string, extra: Record<string, unknown> = {}) => ({
  eventId,
  type: 'sent',
  occurredAt: iso(RECEIPT - 2 * 3_600_000),
  channel: 'sms',
  campaignId: 'c1',
  ...extra,
});

describe('POST /v1/events input', () => {
  let h: IngestHarness;
  let key: string;
  const post = (events: unknown[]) =>
    h.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${key}` },
      payload: { events },
    });
  const published = (ids: string[]) =>
    eventually(
      () => Promise.resolve(h.reader.seen.filter((e) => ids.includes(e.eventId))),
      (l) => l.length === ids.length,
    );

  beforeAll(async () => {
    h = await startIngestHarness('evin');
    // A receipt time of its own, so "24 h in the future" is exact.
    h.deps.now = () => new Date(RECEIPT);
    await addTenantWithCredentials(h.deps, 'acme');
    key = await addApiKey(h.deps.pool, 'acme');
  });
  afterAll(() => stopIngestHarness(h));

  it.each([
    ['a NUL in sender', { sender: '\u0000' }, 'sender'],
    ['a lone surrogate in segment', { segment: '\ud800' }, 'segment'],
    ['a lone surrogate in variant', { variant: '\ud800' }, 'variant'],
    ['a lone surrogate in sender', { sender: '\ud800' }, 'sender'],
    ['a lone surrogate in errorCode', { type: 'failed', errorCode: '\ud800' }, 'errorCode'],
    // issue 20: a code longer than storage allows is a 400 like any other label; the class is checked
    ['a 101-character errorCode', { type: 'failed', errorCode: 'E'.repeat(101) }, 'errorCode'],
    ['an unknown failureClass', { type: 'failed', failureClass: 'gremlins' }, 'failureClass'],
    ['a failureClass on a delivery', { type: 'delivered', failureClass: 'unreachable' }, 'failureClass'],
    ['a carrier that is not an MCC-MNC', { type: 'failed', carrier: 'Vodafone' }, 'carrier'],
    ['a 3,000-character id', { messageId: 'm'.repeat(3000) }, 'messageId'],
    ['an amount of 1e12', { type: 'converted', value: { amount: 1e12, currency: 'EUR' } }, 'value.amount'],
    [
      'an amount of 0.00001',
      { type: 'converted', value: { amount: 0.00001, currency: 'EUR' } },
      'value.amount',
    ],
    ['a time in 1900', { occurredAt: '1900-01-01T00:00:00Z' }, 'occurredAt'],
    ['a time in 2200', { occurredAt: '2200-01-01T00:00:00Z' }, 'occurredAt'],
    ['a time 24 h and 1 s after the receipt', { occurredAt: iso(RECEIPT + DAY + 1000) }, 'occurredAt'],
    ['a NUL in a recipient', { recipientId: '+4477\u0000' }, 'recipientId'],
    ['a blank recipient', { recipientId: '   ' }, 'recipientId'],
  ])('answers 400 for %s, naming the field, and publishes nothing', async (name, extra, field) => {
    const id = `bad-${name.replace(/[^a-z0-9]+/gi, '-')}`;
    const res = await post([event(`${id}-ok`), event(id, extra)]);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details.map((d: { path: string }) => d.path)).toEqual([`body.events.1.${field}`]);
    expect(body.error.message).toContain(`body.events.1.${field}`);
    // A later valid batch is published; the refused one never was.
    await post([event(`${id}-after`)]);
    await published([`${id}-after`]);
    expect(h.reader.seen.some((e) => e.eventId === id || e.eventId === `${id}-ok`)).toBe(false);
  });

  it('keeps a posted failure class, and classes a failure posted without one as other (issue 20)', async () => {
    const res = await post([
      event('fc-given', {
        type: 'failed',
        errorCode: '30005',
        failureClass: 'invalid_number',
        permanent: true,
        carrier: '310260',
      }),
      event('fc-none', { type: 'failed', errorCode: 'X-42' }),
    ]);
    expect(res.statusCode).toBe(202);
    const got = await published(['fc-given', 'fc-none']);
    const by = Object.fromEntries(
      got.map((e) => [e.eventId, [e.errorCode, e.failureClass, e.permanent, e.carrier]]),
    );
    expect(by).toEqual({
      'fc-given': ['30005', 'invalid_number', true, '310260'],
      'fc-none': ['X-42', 'other', false, undefined],
    });
  });

  it('accepts a time exactly 24 h after the receipt, and the largest amount', async () => {
    const res = await post([
      event('edge-time', { occurredAt: iso(RECEIPT + DAY) }),
      event('edge-money', { type: 'converted', value: { amount: 1e9, currency: 'EUR' } }),
    ]);
    expect(res.statusCode).toBe(202);
    await published(['edge-time', 'edge-money']);
  });

  it('gives a sender-posted number and a WhatsApp wa_id one recipientId, country GB, one record key', async () => {
    const res = await post([
      event('addr-1', { recipientId: '447700900001' }),
      event('addr-2', { recipientId: '+44 7700 900001' }),
      event('addr-3', { channel: 'whatsapp', recipientId: 'whatsapp:+447700900001' }),
    ]);
    expect(res.statusCode).toBe(202);
    const prefs = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'W1',
          changes: [
            {
              field: 'user_preferences',
              value: { user_preferences: [{ wa_id: '447700900001', value: 'stop', timestamp: unix(200) }] },
            },
          ],
        },
      ],
    };
    expect((await h.app.inject(whatsappPost('acme', WA, prefs))).statusCode).toBe(200);
    const seen = await eventually(
      () =>
        Promise.resolve(
          h.reader.seen.filter((e) => e.eventId.startsWith('addr-') || e.eventId.startsWith('wa:pref:')),
        ),
      (l) => l.length === 4,
    );
    const who = h.deps.pseudonymizer.recipient('acme', '+447700900001', 'sms');
    expect(who?.recipientId).toMatch(/^r_/);
    for (const e of seen) {
      expect([e.recipientId, e.country]).toEqual([who?.recipientId, 'GB']);
      expect(h.reader.keys.get(e.eventId)).toBe(`acme r ${who?.recipientId}`);
    }
  });

  it('keeps a push or in-app id as the sender wrote it, and a country the event gives', async () => {
    const res = await post([
      event('dev-1', { channel: 'push', recipientId: ' Device-ABC ' }),
      event('dev-2', { channel: 'in_app', recipientId: 'Device-ABC', country: 'FR' }),
      event('dev-3', { channel: 'push', recipientId: 'device-abc' }),
      event('dev-4', { recipientId: '+33 6 12 34 56 78', country: 'BE' }),
    ]);
    expect(res.statusCode).toBe(202);
    const [d1, d2, d3, d4] = (await published(['dev-1', 'dev-2', 'dev-3', 'dev-4'])).sort((a, b) =>
      a.eventId.localeCompare(b.eventId),
    );
    expect(d1?.recipientId).toBe(d2?.recipientId);
    expect(d3?.recipientId).not.toBe(d1?.recipientId);
    expect([d1?.country, d2?.country, d4?.country]).toEqual([undefined, 'FR', 'BE']);
  });

  it('pseudonymizes wamids from both sources alike: the API send joins its webhook receipt', async () => {
    const res = await post([
      event(`api:${WAMID}:sent`, { channel: 'whatsapp', messageId: WAMID, recipientId: '447700900001' }),
    ]);
    expect(res.statusCode).toBe(202);
    const receipt = whatsappPost(
      'acme',
      WA,
      waStatusBody([
        { id: WAMID, status: 'delivered', timestamp: String(unix()), recipient_id: '447700900001' },
        {
          id: 'wamid.IN1',
          status: 'read',
          timestamp: String(unix(1)),
          recipient_id: '447700900001',
        },
      ]),
    );
    expect((await h.app.inject(receipt)).statusCode).toBe(200);
    const mapped = h.deps.pseudonymizer.ids('acme', WAMID);
    const [send, delivered] = await published([`api:${mapped}:sent`, `wa:${mapped}:delivered`]);
    expect(mapped).toMatch(/^wa_[A-Za-z0-9_-]{22}$/);
    expect([send?.messageId, delivered?.messageId]).toEqual([mapped, mapped]);
    await eventually(
      () => Promise.resolve(h.reader.seen.filter((e) => e.type === 'opened').length),
      (n) => n === 1,
    );
    expect(JSON.stringify(h.reader.seen)).not.toContain('wamid.');
    expect([...h.reader.keys.values()].join(' ')).not.toContain('wamid.');
  });
});
