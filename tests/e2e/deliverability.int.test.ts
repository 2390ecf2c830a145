/**
 * Issue 20's end-to-end proof: sends posted to POST /v1/events and signed failed (and delivered)
 * receipts from all four providers — Twilio, WhatsApp, Vonage and Infobip — through ingest, Kafka
 * and the aggregator, answer exactly in the campaign breakdowns by failure class and carrier, in
 * GET /v1/deliverability, in the list-hygiene feed, and in ingest's suppression check; and a
 * failureSpike narrowed to carrier_filtered on one carrier fires on the aggregator's minute buckets
 * (the evaluator's own read and decision), not on the other carrier.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseCredentialsKey,
  setCredentials,
  twilioSignature,
  vonageSignature,
  whatsappSignature,
} from '@tally/ingest';
import { readScopeWindow } from '@tally/counters';
import { evaluateRule, type FailureSpikeRule } from '@tally/kpi';
import { beforeRun, eventually } from '@tally/testing';
import { startPipeline, type Pipeline } from './harness.ts';

const BASE = 'https://tally.example.com';
const TOKEN = 'e2e-twilio-token';
const APP_SECRET = 'e2e-meta-secret';
const VONAGE = 'e2e-vonage-signature-secret';
const INFOBIP = 'e2e-infobip-secret';
const CAMPAIGN = 'dlv';
const T0 = beforeRun(30);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const unix = (s: number) => String(Math.floor(T0 / 1000) + s);
const infobipTime = (s: number) => at(s).replace('Z', '+0000');
const vonageTime = (s: number) => at(s).slice(0, 19).replace('T', ' ');

type Ev = Record<string, unknown>;
const send = (messageId: string, channel: string, provider: string, to: string): Ev => ({
  eventId: `send-${messageId}`,
  type: 'sent',
  occurredAt: at(0),
  channel,
  provider,
  campaignId: CAMPAIGN,
  messageId,
  recipientId: to,
});

// Twilio: TW1 invalid (30005), TW2..TW4 the same handset unreachable three times (30003), TW5 an
// unknown code. WhatsApp: WA1 not on WhatsApp (131026). Vonage on carrier 23410: VG1 anti-spam
// (6), VG2 delivered. Infobip on carrier 22801: IB1 unknown subscriber (permanent), IB2 delivered.
const sends: Ev[] = [
  send('TW1', 'sms', 'twilio', '+15005550011'),
  send('TW2', 'sms', 'twilio', '+15005550012'),
  send('TW3', 'sms', 'twilio', '+15005550012'),
  send('TW4', 'sms', 'twilio', '+15005550012'),
  send('TW5', 'sms', 'twilio', '+15005550013'),
  send('wamid.WA1', 'whatsapp', 'whatsapp', '+15550000011'),
  send('VG1', 'sms', 'vonage', '+447700900011'),
  send('VG2', 'sms', 'vonage', '+447700900012'),
  send('IB1', 'sms', 'infobip', '+41790000011'),
  send('IB2', 'sms', 'infobip', '+41790000012'),
];

describe('why delivery is low, end to end', () => {
  let p: Pipeline;
  let key: string;
  let tenant: string;

  const ok = (res: { statusCode: number; body: string }) => expect(res.statusCode, res.body).toBe(200);
  const twilio = async (sid: string, to: string, code: string) => {
    const path = `/webhooks/twilio/${tenant}?campaign=${CAMPAIGN}`;
    const params = {
      MessageSid: sid,
      MessageStatus: 'undelivered',
      ErrorCode: code,
      To: to,
      From: '+15005550006',
    };
    ok(
      await p.ingest.inject({
        method: 'POST',
        url: path,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(TOKEN, BASE + path, Object.entries(params)),
        },
        payload: new URLSearchParams(params).toString(),
      }),
    );
  };
  const whatsapp = async (wamid: string, to: string, code: number) => {
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'W',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550000001', phone_number_id: 'P' },
                statuses: [
                  {
                    id: wamid,
                    status: 'failed',
                    timestamp: unix(5),
                    recipient_id: to,
                    biz_opaque_callback_data: CAMPAIGN,
                    errors: [{ code, title: 'Message undeliverable' }],
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    ok(
      await p.ingest.inject({
        method: 'POST',
        url: `/webhooks/whatsapp/${tenant}`,
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': whatsappSignature(APP_SECRET, Buffer.from(raw)),
        },
        payload: raw,
      }),
    );
  };
  const vonage = async (messageId: string, msisdn: string, status: string, errCode: string) => {
    const params: Record<string, string> = {
      msisdn,
      to: 'Acme',
      'network-code': '23410',
      messageId,
      price: '0.03330000',
      status,
      'err-code': errCode,
      'message-timestamp': vonageTime(6),
      'client-ref': CAMPAIGN,
      timestamp: unix(6),
      nonce: `n-${messageId}`,
    };
    params.sig = vonageSignature(params, VONAGE, 'sha256');
    ok(
      await p.ingest.inject({
        method: 'POST',
        url: `/webhooks/vonage/${tenant}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(params).toString(),
      }),
    );
  };
  const infobip = async (results: Ev[]) => {
    ok(
      await p.ingest.inject({
        method: 'POST',
        url: `/webhooks/infobip/${tenant}`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${INFOBIP}` },
        payload: { results },
      }),
    );
  };
  const report = (messageId: string, to: string, status: Ev, error: Ev) => ({
    messageId,
    to,
    doneAt: infobipTime(9),
    mccMnc: '22801',
    callbackData: CAMPAIGN,
    status,
    error,
  });

  beforeAll(async () => {
    p = await startPipeline('dlv');
    tenant = `acme${p.iso.id}`;
    key = await p.addTenant(tenant);
    const sealKey = parseCredentialsKey(p.iso.env.CREDENTIALS_KEY ?? '');
    const pool = p.iso.db.pool;
    await setCredentials(pool, sealKey, tenant, 'twilio', { authToken: TOKEN }, 0);
    await setCredentials(pool, sealKey, tenant, 'whatsapp', { appSecret: APP_SECRET, verifyToken: 'v' }, 0);
    await setCredentials(
      pool,
      sealKey,
      tenant,
      'vonage',
      { signatureSecret: VONAGE, signatureMethod: 'sha256', accountCurrency: 'GBP' },
      0,
    );
    await setCredentials(pool, sealKey, tenant, 'infobip', { secret: INFOBIP }, 0);
    expect((await p.postEvents(key, sends)).status).toBe(202);
    await twilio('TW1', '+15005550011', '30005');
    for (const sid of ['TW2', 'TW3', 'TW4']) await twilio(sid, '+15005550012', '30003');
    await twilio('TW5', '+15005550013', '39999');
    await whatsapp('wamid.WA1', '15550000011', 131026);
    await vonage('VG1', '447700900011', 'failed', '6');
    await vonage('VG2', '447700900012', 'delivered', '0');
    await infobip([
      report(
        'IB1',
        '41790000011',
        { groupId: 2, groupName: 'UNDELIVERABLE', id: 9, name: 'UNDELIVERABLE_NOT_DELIVERED' },
        { groupId: 1, groupName: 'HANDSET_ERRORS', id: 1, name: 'EC_UNKNOWN_SUBSCRIBER', permanent: true },
      ),
      report(
        'IB2',
        '41790000012',
        { groupId: 3, groupName: 'DELIVERED', id: 5, name: 'DELIVERED_TO_HANDSET' },
        { groupId: 0, groupName: 'OK', id: 0, name: 'NO_ERROR', permanent: false },
      ),
    ]);
    await p.settle();
  });
  afterAll(async () => {
    await p?.stop();
  });

  const breakdown = async (by: string) => {
    const res = await eventually(
      () => p.getJson(key, `/v1/campaigns/${CAMPAIGN}/breakdown?by=${by}`),
      (r) => r.status === 200 && r.body.groups.length > 0,
    );
    return Object.fromEntries(
      (res.body.groups as { value: string; counts: Record<string, number> }[]).map((g) => [
        g.value,
        by === 'carrier' ? [g.counts.sent, g.counts.delivered, g.counts.failed] : g.counts.failed,
      ]),
    );
  };

  it('breaks the campaign down by failure class and by carrier, exactly', async () => {
    await eventually(
      () => p.getJson(key, `/v1/campaigns/${CAMPAIGN}/kpis?window=all`),
      (r) => r.status === 200 && r.body.counts.failed === 8 && r.body.counts.delivered === 2,
    );
    expect(await breakdown('failure_class')).toEqual({
      invalid_number: 2,
      unreachable: 3,
      not_capable: 1,
      carrier_filtered: 1,
      other: 1,
    });
    expect(await breakdown('carrier')).toEqual({ '23410': [2, 1, 1], '22801': [2, 1, 1] });
    expect(await breakdown('error_code')).toMatchObject({ '39999': 1, EC_UNKNOWN_SUBSCRIBER: 1, '6': 1 });
    // the raw codes under each class (the campaign page's table)
    const classes = await p.getJson(key, `/v1/campaigns/${CAMPAIGN}/breakdown?by=failure_class`);
    expect(
      Object.fromEntries(
        (classes.body.groups as { value: string; codes: { code: string; failed: number }[] }[]).map((g) => [
          g.value,
          g.codes.map((c) => `${c.code}×${c.failed}`),
        ]),
      ),
    ).toEqual({
      invalid_number: ['30005×1', 'EC_UNKNOWN_SUBSCRIBER×1'],
      unreachable: ['30003×3'],
      not_capable: ['131026×1'],
      carrier_filtered: ['6×1'],
      other: ['39999×1'],
    });
  });

  it('answers GET /v1/deliverability exactly', async () => {
    const res = await p.getJson(key, '/v1/deliverability?days=2&minSent=2');
    expect(res.status).toBe(200);
    const b = res.body;
    expect(b.totals).toMatchObject({ sent: 10, delivered: 2, failed: 8, permanentFailures: 3 });
    expect(b.totals.permanentShare).toBe(3 / 8);
    expect(
      Object.fromEntries(
        (b.byClass as { failureClass: string; failed: number; permanent: number }[]).map((c) => [
          c.failureClass,
          [c.failed, c.permanent],
        ]),
      ),
    ).toEqual({
      invalid_number: [2, 2],
      not_capable: [1, 1],
      unreachable: [3, 0],
      carrier_filtered: [1, 0],
      other: [1, 0],
    });
    const by = (list: { value: string; sent: number; failed: number }[]) =>
      Object.fromEntries(list.map((g) => [g.value, [g.sent, g.failed]]));
    expect(by(b.byProvider)).toEqual({ twilio: [5, 5], whatsapp: [1, 1], vonage: [2, 1], infobip: [2, 1] });
    expect(by(b.byCountry)).toEqual({ US: [6, 6], GB: [2, 1], CH: [2, 1] });
    expect(by(b.byCarrier)).toEqual({ unknown: [6, 6], '23410': [2, 1], '22801': [2, 1] });
    expect(b.worst.countries[0]).toMatchObject({ value: 'US', sent: 6, failed: 6 });
  });

  it('lists the recipients to stop sending to, and the suppression check agrees', async () => {
    const res = await p.getJson(key, '/v1/hygiene?days=2');
    expect(res.status).toBe(200);
    const rows = res.body.rows as { failureClass: string; messageId: string; provider: string }[];
    expect(rows.map((r) => [r.failureClass, r.provider]).sort()).toEqual(
      [
        ['invalid_number', 'infobip'],
        ['invalid_number', 'twilio'],
        ['not_capable', 'whatsapp'],
        ['unreachable', 'twilio'],
      ].sort(),
    );
    expect(rows.find((r) => r.provider === 'infobip')?.messageId).toBe('IB1');
    const check = await p.ingest.inject({
      method: 'POST',
      url: '/v1/suppression/check',
      headers: { authorization: `Bearer ${key}` },
      payload: {
        channel: 'sms',
        addresses: [
          '+1 500 555 0011',
          '+15005550012',
          '+15005550013',
          '+41 79 000 00 11',
          '+447700900011',
          ' ',
        ],
      },
    });
    expect(check.statusCode).toBe(200);
    expect(
      (check.json().results as ({ failureClass: string | null } | { error: { code: string } })[]).map((r) =>
        'error' in r ? r.error.code : r.failureClass,
      ),
    ).toEqual(['invalid_number', 'unreachable', null, 'invalid_number', null, 'invalid_address']);
  });

  it('fires a failureSpike narrowed to carrier_filtered on carrier 23410, not on 22801', async () => {
    const put = await p.query.inject({
      method: 'PUT',
      url: '/v1/alert-rules',
      headers: { authorization: `Bearer ${key}` },
      payload: {
        failureSpike: {
          enabled: true,
          windowMinutes: 120,
          minSent: 2,
          threshold: 0.05,
          filter: { failureClass: 'carrier_filtered', carrier: '23410' },
        },
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    const rule = put.json().rules.failureSpike as FailureSpikeRule;
    expect(rule.filter).toEqual({ failureClass: 'carrier_filtered', carrier: '23410' });
    const both = await p.query.inject({
      method: 'PUT',
      url: '/v1/alert-rules',
      headers: { authorization: `Bearer ${key}` },
      payload: { failureSpike: { filter: { carrier: '23410', country: 'GB' } } },
    });
    expect(both.statusCode).toBe(400);
    const counts = await readScopeWindow(
      p.queryDeps.redis,
      p.queryDeps.keys,
      tenant,
      { kind: 'campaign', id: CAMPAIGN },
      120,
      Date.now(),
    );
    const decide = (r: FailureSpikeRule) =>
      evaluateRule({
        type: 'failureSpike',
        rule: r,
        counts,
        baselineOptOutRate: null,
        previous: null,
        renotifyAfterSeconds: 3600,
        now: new Date(),
      });
    const fired = decide(rule);
    expect(fired.action).toBe('fire');
    expect(fired.numbers).toMatchObject({ sent: 2, failed: 1, share: 0.5, carrier: '23410' });
    expect(decide({ ...rule, filter: { failureClass: 'carrier_filtered', carrier: '22801' } }).action).toBe(
      'none',
    );
    expect(decide({ ...rule, filter: { failureClass: 'invalid_number', carrier: '22801' } }).action).toBe(
      'fire',
    );
  });
});
