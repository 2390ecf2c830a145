/**
 * The webhook endpoints against real Postgres (credentials, rotation) and Kafka: what each kind of
 * bad request gets (404 / 401 / 400 / 413 / 415, the process unharmed), the variants the fixtures
 * do not cover (Twilio JSON + bodySHA256 and :443, Vonage GET and Messages JWT, Infobip basic
 * auth, a 1000-update WhatsApp POST), rotation with a grace period, and 503 when Kafka is down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { eventually, type Isolation } from '@tally/testing';
import { closeDeps, connectKafka, parseCredentialsKey, setCredentials } from '../src/index.ts';
import { twilioSignature } from '../src/providers/twilio/signature.ts';
import {
  addTenantWithCredentials,
  FIXTURE_CREDENTIALS,
  startIngestHarness,
  stopIngestHarness,
  type IngestHarness,
} from './helpers.ts';
import { BASE, twilioForm, vonageJwt, vonageSigned, waStatusBody, whatsappPost } from './sign.ts';

const TOKEN = FIXTURE_CREDENTIALS.twilio.authToken;
const WA = FIXTURE_CREDENTIALS.whatsapp.appSecret;
const VONAGE = FIXTURE_CREDENTIALS.vonage.signatureSecret;
/** Provider times of these tests: an hour before the run, on a whole second. */
const T = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const UNIX = String(Math.floor(T / 1000));
const isoSec = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
/** Infobip's time format: `2026-11-26T14:30:00.000+0000`. */
const infobipTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
const status = (sid: string, s: string) => ({
  MessageSid: sid,
  MessageStatus: s,
  From: '+15005550006',
  To: '+15005550009',
});

describe('provider webhooks', () => {
  let iso: IngestHarness['iso'];
  let deps: IngestHarness['deps'];
  let app: IngestHarness['app'];
  let reader: IngestHarness['reader'];
  const published = (eventId: string) =>
    eventually(
      () => Promise.resolve(reader.seen.filter((e) => e.eventId === eventId)),
      (l) => l.length > 0,
      { timeoutMs: 10_000 },
    );

  beforeAll(async () => {
    ({ iso, deps, app, reader } = await startIngestHarness('wh', {
      WEBHOOK_BODY_LIMIT_BYTES: '600000',
      CREDENTIALS_CACHE_MS: '1',
    }));
    await addTenantWithCredentials(deps, 'acme');
    await addTenantWithCredentials(deps, 'bare', {});
  });
  afterAll(() => stopIngestHarness({ iso, deps, app, reader }));

  it('answers 404 for an unknown tenant and 401 for a tenant without credentials', async () => {
    const unknown = await app.inject(twilioForm('nobody', TOKEN, status('SM1', 'sent')));
    expect(unknown.statusCode).toBe(404);
    const bare = await app.inject(twilioForm('bare', TOKEN, status('SM1', 'sent')));
    expect(bare.statusCode).toBe(401);
    expect(bare.json().error).toEqual({
      code: 'invalid_signature',
      message: 'no twilio credentials are configured for this tenant',
    });
  });

  it('answers 401 invalid_signature with a clear message for a missing or wrong signature', async () => {
    const req = twilioForm('acme', TOKEN, status('SM1', 'sent'));
    const missing = await app.inject({ ...req, headers: { 'content-type': req.headers['content-type'] } });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error).toEqual({
      code: 'invalid_signature',
      message: 'missing X-Twilio-Signature header',
    });
    const tampered = await app.inject({ ...req, payload: req.payload.replace('sent', 'delivered') });
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json().error.message).toContain(
      'X-Twilio-Signature does not match https://tally.example.com/webhooks/twilio/acme',
    );
    const wa = await app.inject({ ...whatsappPost('acme', 'wrong', waStatusBody([])) });
    expect(wa.json().error).toEqual({
      code: 'invalid_signature',
      message: 'X-Hub-Signature-256 does not match the body',
    });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/ingest_webhook_rejected_total\{[^}]*provider="twilio"[^}]*\} [3-9]/);
  });

  it('signs over PUBLIC_BASE_URL, never the Host header, with or without :443', async () => {
    const req = twilioForm('acme', TOKEN, status('SMhost', 'sent'), '?campaign=c1');
    const res = await app.inject({ ...req, headers: { ...req.headers, host: 'evil.example:8080' } });
    expect(res.statusCode).toBe(200);
    const withPort = twilioSignature(
      TOKEN,
      'https://tally.example.com:443/webhooks/twilio/acme?campaign=c1',
      Object.entries(status('SMport', 'sent')),
    );
    const res2 = await app.inject({
      ...twilioForm('acme', TOKEN, status('SMport', 'sent'), '?campaign=c1'),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': withPort },
    });
    expect(res2.statusCode).toBe(200);
    expect((await published('twilio:SMport:sent'))[0]).toMatchObject({ campaignId: 'c1', country: 'US' });
  });

  it('takes Twilio JSON bodies signed through bodySHA256', async () => {
    const body = JSON.stringify(status('SMjson', 'delivered'));
    const path = `/webhooks/twilio/acme?campaign=cj&bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
    const res = await app.inject({
      method: 'POST',
      url: path,
      headers: {
        'content-type': 'application/json',
        'x-twilio-signature': twilioSignature(TOKEN, BASE + path, []),
      },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    expect((await published('twilio:SMjson:delivered'))[0]).toMatchObject({
      type: 'delivered',
      campaignId: 'cj',
    });
  });

  it('answers an inbound Twilio message with empty TwiML', async () => {
    const res = await app.inject(
      twilioForm('acme', TOKEN, {
        MessageSid: 'SMin',
        SmsStatus: 'received',
        From: '+15005550009',
        To: '+15005550006',
        Body: 'STOP',
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/xml');
    expect(res.body).toContain('<Response></Response>');
    expect((await published('twilio:SMin:inbound'))[0]?.type).toBe('opted_out');
  });

  it('answers 200 for intermediate and unknown statuses, publishes nothing, and counts them', async () => {
    expect((await app.inject(twilioForm('acme', TOKEN, status('SMq', 'queued')))).statusCode).toBe(200);
    expect((await app.inject(twilioForm('acme', TOKEN, status('SMq', 'brand_new_status')))).statusCode).toBe(
      200,
    );
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(
      /ingest_webhook_skipped_total\{[^}]*provider="twilio",reason="intermediate"[^}]*\} 1/,
    );
    expect(metrics).toMatch(
      /ingest_webhook_skipped_total\{[^}]*provider="twilio",reason="unknown_status"[^}]*\} 1/,
    );
    expect(reader.seen.some((e) => e.messageId === 'SMq')).toBe(false);
  });

  it('answers 415, 400 and 413 naming the problem, and keeps serving', async () => {
    const text = await app.inject({
      ...twilioForm('acme', TOKEN, status('SM1', 'sent')),
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.statusCode).toBe(415);
    const notJson = await app.inject(
      whatsappPost('acme', WA, '{"object": "whatsapp_business_account", "entry": ['),
    );
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.message).toMatch(/malformed JSON body/);
    const missing = await app.inject(
      whatsappPost('acme', WA, waStatusBody([{ id: 'wamid.X', status: 'sent' }])),
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toContain('statuses.0.timestamp is missing');
    const noSid = await app.inject(twilioForm('acme', TOKEN, { MessageStatus: 'sent' }));
    expect(noSid.json().error).toEqual({
      code: 'invalid_request',
      message: 'invalid twilio payload: MessageSid is missing',
    });
    const huge = await app.inject(whatsappPost('acme', WA, { pad: 'x'.repeat(700_000) }));
    expect(huge.statusCode).toBe(413);
    expect((await app.inject(twilioForm('acme', TOKEN, status('SMafter', 'sent')))).statusCode).toBe(200);
  });

  it('publishes a 1000-update WhatsApp POST as 1000 events', async () => {
    const statuses = Array.from({ length: 1000 }, (_, i) => ({
      id: `wamid.bulk${i}`,
      status: 'delivered',
      timestamp: UNIX,
      recipient_id: `1555000${String(i).padStart(4, '0')}`,
      biz_opaque_callback_data: 'bulk',
    }));
    const res = await app.inject(whatsappPost('acme', WA, waStatusBody(statuses)));
    expect(res.statusCode).toBe(200);
    await eventually(
      () => Promise.resolve(reader.seen.filter((e) => e.campaignId === 'bulk').length),
      (n) => n === 1000,
    );
  });

  it('answers the WhatsApp handshake with the raw challenge, or 403', async () => {
    const ok = await app.inject({
      method: 'GET',
      url: '/webhooks/whatsapp/acme?hub.mode=subscribe&hub.challenge=abc&hub.verify_token=test_verify_token',
    });
    expect([ok.statusCode, ok.body]).toEqual([200, 'abc']);
    const bad = await app.inject({
      method: 'GET',
      url: '/webhooks/whatsapp/acme?hub.mode=subscribe&hub.challenge=abc&hub.verify_token=nope',
    });
    expect(bad.statusCode).toBe(403);
  });

  it('takes Vonage receipts by GET and form POST, and Messages API callbacks signed with a JWT', async () => {
    const dlr = vonageSigned(
      {
        msisdn: '447700900001',
        to: 'Acme',
        messageId: 'VGET1',
        status: 'delivered',
        'err-code': '0',
        price: '0.05',
        'client-ref': 'vg',
        timestamp: UNIX,
        nonce: 'n1',
      },
      VONAGE,
      'sha256',
    );
    const get = await app.inject({
      method: 'GET',
      url: `/webhooks/vonage/acme?${new URLSearchParams(dlr).toString()}`,
    });
    expect(get.statusCode).toBe(200);
    expect((await published('vonage:VGET1:delivered'))[0]).toMatchObject({
      cost: { amount: 0.05, currency: 'GBP' },
      campaignId: 'vg',
      country: 'GB',
    });
    const signedForm = vonageSigned(
      { ...Object.fromEntries(Object.entries(dlr).filter(([k]) => k !== 'sig')), messageId: 'VFORM1' },
      VONAGE,
      'sha256',
    );
    const post = await app.inject({
      method: 'POST',
      url: '/webhooks/vonage/acme',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(signedForm).toString(),
    });
    expect(post.statusCode).toBe(200);
    const tampered = await app.inject({
      method: 'POST',
      url: '/webhooks/vonage/acme',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...signedForm, status: 'failed' }).toString(),
    });
    expect(tampered.statusCode).toBe(401);
    const body = JSON.stringify({
      message_uuid: 'vm-1',
      to: '447700900001',
      from: 'Acme',
      timestamp: isoSec(T),
      status: 'read',
      channel: 'whatsapp',
      client_ref: 'vm',
    });
    const jwt = await app.inject({
      method: 'POST',
      url: '/webhooks/vonage/acme',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${vonageJwt(body, VONAGE)}` },
      payload: body,
    });
    expect(jwt.statusCode).toBe(200);
    expect((await published('vonage:vm-1:read'))[0]).toMatchObject({ type: 'opened', channel: 'whatsapp' });
    const noJwt = await app.inject({
      method: 'POST',
      url: '/webhooks/vonage/acme',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(noJwt.statusCode).toBe(401);
  });

  it('checks the Infobip secret where the tenant configured it', async () => {
    const body = JSON.stringify({
      results: [
        {
          messageId: 'IB-SEEN',
          to: '41790000001',
          sentAt: infobipTime(T),
          seenAt: infobipTime(T + 60_000),
        },
      ],
    });
    const req = { method: 'POST' as const, url: '/webhooks/infobip/acme', payload: body };
    expect((await app.inject({ ...req, headers: { 'content-type': 'application/json' } })).statusCode).toBe(
      401,
    );
    expect(
      (
        await app.inject({
          ...req,
          headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
        })
      ).statusCode,
    ).toBe(401);
    const ok = await app.inject({
      ...req,
      headers: { 'content-type': 'application/json', authorization: 'App test_infobip_secret' },
    });
    expect(ok.statusCode).toBe(200);
    expect((await published('infobip:IB-SEEN:seen'))[0]).toMatchObject({ type: 'opened', country: 'CH' });
  });

  it('accepts a rotated secret during its grace period, and not after it is revoked', async () => {
    const key = parseCredentialsKey(deps.config.CREDENTIALS_KEY);
    await setCredentials(deps.pool, key, 'acme', 'twilio', { authToken: 'rotated-token' }, 3_600_000);
    await new Promise((r) => setTimeout(r, 5));
    expect((await app.inject(twilioForm('acme', TOKEN, status('SMrot1', 'sent')))).statusCode).toBe(200);
    expect((await app.inject(twilioForm('acme', 'rotated-token', status('SMrot2', 'sent')))).statusCode).toBe(
      200,
    );
    await setCredentials(deps.pool, key, 'acme', 'twilio', { authToken: 'third-token' }, 0);
    await new Promise((r) => setTimeout(r, 5));
    expect((await app.inject(twilioForm('acme', 'rotated-token', status('SMrot3', 'sent')))).statusCode).toBe(
      401,
    );
    expect((await app.inject(twilioForm('acme', 'third-token', status('SMrot4', 'sent')))).statusCode).toBe(
      200,
    );
    const { rows } = await deps.pool.query<{ s: string }>(
      "SELECT current_secret AS s FROM provider_credentials WHERE provider = 'twilio'",
    );
    expect(rows[0]?.s).toMatch(/^v1\./);
    expect(JSON.stringify(rows)).not.toContain('third-token');
    await setCredentials(deps.pool, key, 'acme', 'twilio', { authToken: TOKEN }, 0);
  });

  it('answers 503, never 200, when Kafka cannot be reached', async () => {
    const dead = await startIngestWithoutKafka(iso);
    try {
      await addTenantWithCredentials(dead.deps, 'acme2');
      const res = await dead.app.inject(twilioForm('acme2', TOKEN, status('SMdead', 'sent')));
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('kafka_unavailable');
    } finally {
      await dead.app.close();
      await closeDeps(dead.deps);
    }
  });
});

async function startIngestWithoutKafka(iso: Isolation) {
  const { loadConfig } = await import('@tally/config');
  const { createLogger } = await import('@tally/logging');
  const { buildApp, createDeps, ingestConfigSchema } = await import('../src/index.ts');
  const config = loadConfig(ingestConfigSchema, {
    ...iso.env,
    KAFKA_BROKERS: '127.0.0.1:1',
    PUBLISH_TIMEOUT_MS: '300',
  });
  const deps = createDeps(config, createLogger({ service: 'test', level: 'silent' }));
  void connectKafka(deps, AbortSignal.timeout(500));
  return { deps, app: await buildApp(deps) };
}

describe('what webhooks log', () => {
  const lines: Record<string, unknown>[] = [];
  let h: IngestHarness | undefined;
  beforeAll(async () => {
    const logTo = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    });
    h = await startIngestHarness('whlog', {}, { logTo });
    await addTenantWithCredentials(h.deps, 'acme');
  });
  afterAll(() => stopIngestHarness(h ?? {}));

  it('gives an unknown status by its shape, never its value (a number put in MessageStatus)', async () => {
    const app = h?.app;
    if (!app) throw new Error('no harness');
    const res = await app.inject(twilioForm('acme', TOKEN, status('SMprobe', 'whatsapp:+15558001112')));
    expect(res.statusCode).toBe(200);
    const warned = lines.find((l) => l.msg === 'webhook_unknown_status');
    expect(warned).toMatchObject({
      level: 'warn',
      provider: 'twilio',
      status: { shape: 'aaaaaaaa:+99999999999', length: 21 },
    });
    const all = JSON.stringify(lines);
    expect(all).not.toContain('15558001112');
    // nor the numbers of the form (From, To): request lines carry method, route, status and time
    expect(all).not.toContain('15005550006');
    expect(all).not.toContain('15005550009');
  });
});
