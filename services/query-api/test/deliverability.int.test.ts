/**
 * GET /v1/deliverability and GET /v1/hygiene over cells as the aggregator writes them (keys.ts
 * `dl:<day>`, `hy:<day>`): exact counts, rates, the permanent share, the trend, the worst carriers
 * with a minimum sample, the hygiene rules (at once, repeated unreachable, an opt-in clears), paging
 * and CSV, and 400s for bad parameters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_SEPARATOR } from '@tally/counters';
import { startApi, type Api } from './api-fixture.ts';

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY);
const f = (...parts: (string | number)[]) => parts.join(FIELD_SEPARATOR);
const dl = (
  status: string,
  channel: string,
  provider: string,
  country: string,
  carrier: string,
  cls = '',
  p = '',
) => f(status, channel, provider, country, carrier, cls, p);

describe('deliverability and hygiene', () => {
  let api: Api;
  let key: string;
  beforeAll(async () => {
    api = await startApi();
    key = await api.addTenant('acme');
    const k = api.deps.keys;
    const r = api.deps.redis;
    // today: vonage carrier 23410 in GB, 200 sent, 150 delivered, 40 failed (30 carrier_filtered, 10 invalid_number permanent)
    await r.hset(k.deliverability('acme', today), {
      [dl('sent', 'sms', 'vonage', 'GB', '23410')]: '200',
      [dl('delivered', 'sms', 'vonage', 'GB', '23410')]: '150',
      [dl('failed', 'sms', 'vonage', 'GB', '23410', 'carrier_filtered', '0')]: '30',
      [dl('failed', 'sms', 'vonage', 'GB', '23410', 'invalid_number', '1')]: '10',
      // a carrier with 3 messages, all failed: never "worst"
      [dl('sent', 'sms', 'infobip', 'CH', '22801')]: '3',
      [dl('failed', 'sms', 'infobip', 'CH', '22801', 'unreachable', '0')]: '3',
    });
    // yesterday: twilio, no carrier, US
    await r.hset(k.deliverability('acme', today - 1), {
      [dl('sent', 'sms', 'twilio', 'US', '')]: '100',
      [dl('delivered', 'sms', 'twilio', 'US', '')]: '95',
      [dl('failed', 'sms', 'twilio', 'US', '', 'unreachable', '0')]: '5',
      [dl('sent', 'whatsapp', 'whatsapp', 'US', '')]: '10',
    });
    const t = (d: number, h: number) => (today - d) * DAY + h * 3_600_000;
    await r.hset(k.hygiene('acme', today - 1), {
      [f('r_a', t(1, 1), 'invalid_number', '1', 'SM1', 'twilio')]: '1',
      [f('r_b', t(1, 2), 'unreachable', '0', 'V1', 'vonage')]: '1',
      [f('r_b', t(1, 3), 'unreachable', '0', 'V2', 'vonage')]: '1',
      [f('r_c', t(1, 1), 'unreachable', '0', 'V3', 'vonage')]: '1',
      [f('r_d', t(1, 1), 'opted_out', '1', '', '')]: '1',
    });
    await r.hset(k.hygiene('acme', today), {
      [f('r_b', t(0, 0), 'unreachable', '0', 'V4', 'vonage')]: '1',
      [f('r_d', t(0, 0), 'opted_in', '0', '', '')]: '1',
      [f('r_e', t(0, 0), 'blocked_or_opted_out', '1', 'wa_x', 'whatsapp')]: '1',
      [f('r_f', t(0, 0), 'unreachable', '0', 'old', 'vonage')]: '0',
    });
  });
  afterAll(() => api?.stop());

  it('answers the report exactly', async () => {
    const res = await api.call(key, 'GET', '/v1/deliverability?days=2&minSent=50');
    expect(res.status).toBe(200);
    const b = res.body;
    expect(b.totals).toMatchObject({ sent: 313, delivered: 245, failed: 48, permanentFailures: 10 });
    expect(b.totals.deliveryRate).toBeCloseTo(245 / 313, 12);
    expect(b.totals.permanentShare).toBeCloseTo(10 / 48, 12);
    expect(b.byClass).toEqual([
      { failureClass: 'invalid_number', failed: 10, permanent: 10, share: 10 / 48 },
      { failureClass: 'unreachable', failed: 8, permanent: 0, share: 8 / 48 },
      { failureClass: 'carrier_filtered', failed: 30, permanent: 0, share: 30 / 48 },
    ]);
    expect(
      b.byCarrier.map((g: { value: string; sent: number; failed: number }) => [g.value, g.sent, g.failed]),
    ).toEqual([
      ['23410', 200, 40],
      ['unknown', 110, 5],
      ['22801', 3, 3],
    ]);
    expect(b.byProvider.map((g: { value: string }) => g.value)).toEqual([
      'vonage',
      'twilio',
      'infobip',
      'whatsapp',
    ]);
    expect(b.trend.map((d: { sent: number; failed: number }) => [d.sent, d.failed])).toEqual([
      [110, 5],
      [203, 43],
    ]);
    expect(b.trend[1].byClass).toEqual({ carrier_filtered: 30, invalid_number: 10, unreachable: 3 });
    expect(b.worst.minSent).toBe(50);
    expect(b.worst.carriers.map((w: { value: string; sent: number }) => [w.value, w.sent])).toEqual([
      ['23410', 200],
    ]);
    expect(b.worst.carriers[0].topClass).toBe('carrier_filtered');
    // operator names from the mcc-mnc-list dataset
    expect(b.worst.carriers[0].name).toBe('O2 (UK)');
    expect(b.byCarrier.map((g: { name: string | null }) => g.name)).toEqual(['O2 (UK)', null, 'Swisscom']);
    expect(b.byCountry.every((g: { name: string | null }) => g.name === null)).toBe(true);
    expect(b.worst.countries.map((w: { value: string }) => w.value)).toEqual(['GB', 'US']);
  });

  it('filters by channel and provider', async () => {
    const wa = await api.call(key, 'GET', '/v1/deliverability?days=2&channel=whatsapp');
    expect(wa.body.totals).toMatchObject({ sent: 10, delivered: 0, failed: 0 });
    const tw = await api.call(key, 'GET', '/v1/deliverability?days=1&provider=twilio');
    expect(tw.body.totals).toMatchObject({ sent: 0, failed: 0, deliveryRate: null });
  });

  it('lists the recipients to stop sending to, paged and as CSV', async () => {
    const res = await api.call(key, 'GET', '/v1/hygiene?days=2&unreachableRepeat=3');
    expect(res.status).toBe(200);
    expect(
      res.body.rows.map((r: { recipientId: string; failureClass: string; messageId: string }) => [
        r.recipientId,
        r.failureClass,
        r.messageId,
      ]),
    ).toEqual([
      ['r_b', 'unreachable', 'V4'],
      ['r_e', 'blocked_or_opted_out', 'wa_x'],
      ['r_a', 'invalid_number', 'SM1'],
    ]);
    expect(res.body.rows[0].unreachable).toBe(3);
    const page = await api.call(key, 'GET', '/v1/hygiene?days=2&limit=2');
    expect(page.body).toMatchObject({ total: 3, nextCursor: '2' });
    const next = await api.call(key, 'GET', '/v1/hygiene?days=2&limit=2&cursor=2');
    expect(next.body.rows.map((r: { recipientId: string }) => r.recipientId)).toEqual(['r_a']);
    expect(next.body.nextCursor).toBeNull();
    const csv = await api.app.inject({
      method: 'GET',
      url: '/v1/hygiene.csv?days=2',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('recipientId,failureClass,permanent,messageId,provider,at,unreachable');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^r_a,invalid_number,true,SM1,twilio,/);
  });

  it.each([
    '/v1/deliverability?days=0',
    '/v1/deliverability?days=91',
    '/v1/deliverability?channel=fax',
    '/v1/deliverability?provider=acme',
    '/v1/hygiene?limit=1001',
    '/v1/hygiene?cursor=abc',
    '/v1/hygiene?cursor=999',
    '/v1/hygiene.csv?days=x',
  ])('answers 400 for %s', async (url) => {
    const res = await api.call(key, 'GET', url);
    expect(res.status).toBe(400);
  });
});
