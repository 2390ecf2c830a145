/**
 * POST /v1/events against real Postgres (keys) and Kafka: validation of the whole batch, 202 only
 * after Kafka acknowledged (the events are read back from the topic, pseudonymized), and 503 —
 * never 202 — when Kafka cannot be reached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '@tally/config';
import { addApiKey, createTenant } from '@tally/db';
import { createLogger } from '@tally/logging';
import { eventually, guardEventTimes, isolate, type Isolation } from '@tally/testing';
import {
  buildApp,
  closeDeps,
  connectKafka,
  createDeps,
  ingestConfigSchema,
  type IngestDeps,
} from '../src/index.ts';

/** An hour before the run, on a whole second (the published form adds milliseconds). */
const SENT_AT = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
const event = (i: number, extra: Record<string, unknown> = {}) => ({
  eventId: `e${i}`,
  type: 'sent',
  occurredAt: SENT_AT.toISOString().replace('.000Z', 'Z'),
  channel: 'sms',
  campaignId: 'c1',
  messageId: `m${i}`,
  recipientId: '+15005550006',
  ...extra,
});

async function start(iso: Isolation, env: Record<string, string> = {}, connect = true) {
  const config = loadConfig(ingestConfigSchema, { ...iso.env, ...env });
  const deps = createDeps(config, createLogger({ service: 'test', level: 'silent' }));
  deps.publisher = guardEventTimes(deps.publisher);
  if (connect) await connectKafka(deps);
  return { deps, app: await buildApp(deps) };
}

describe('POST /v1/events', () => {
  let iso: Isolation;
  let deps: IngestDeps;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let key: string;

  beforeAll(async () => {
    iso = await isolate('ing');
    ({ deps, app } = await start(iso));
    await createTenant(iso.db.pool, 'acme');
    key = await addApiKey(iso.db.pool, 'acme');
  });
  afterAll(async () => {
    await app?.close();
    if (deps) await closeDeps(deps);
    await iso?.cleanup();
  });

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${key}`, ...headers },
      payload: payload as object,
    });

  it('publishes the batch after Kafka acked it, pseudonymized and tagged with the key tenant', async () => {
    const res = await post({ events: [event(1), event(2, { tenantId: undefined })] });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 2 });

    const kafka = new Kafka({
      clientId: 'test-reader',
      brokers: iso.env.KAFKA_BROKERS.split(','),
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `reader-${iso.id}` });
    const seen: Record<string, unknown>[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: deps.topics.events, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        seen.push(JSON.parse(String(message.value)));
        return Promise.resolve();
      },
    });
    await eventually(
      () => Promise.resolve(seen.length),
      (n) => n >= 2,
    );
    await consumer.disconnect();
    const byId = Object.fromEntries(seen.map((e) => [e.eventId, e]));
    expect(byId.e1).toMatchObject({
      tenantId: 'acme',
      provider: 'api',
      messageId: 'm1',
      occurredAt: SENT_AT.toISOString(),
    });
    expect(byId.e1?.recipientId).toMatch(/^r_[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(seen)).not.toContain('5005550006');
  });

  it('rejects the whole batch, naming each bad index and field, and publishes nothing', async () => {
    const res = await post({
      events: [event(1), event(2, { type: 'teleported' }), event(3, { occurredAt: 'yesterday' })],
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('invalid_request');
    const paths = body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.events.1.type', 'body.events.2.occurredAt']));
  });

  it('refuses a tenantId in the body: the tenant comes from the key', async () => {
    const res = await post({ events: [event(1, { tenantId: 'globex' })] });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json().error.details)).toContain('tenantId');
  });

  it.each([
    ['an empty batch', { events: [] }],
    ['a body without events', { nope: 1 }],
  ])('answers 400 for %s', async (_name, payload) => {
    expect((await post(payload)).statusCode).toBe(400);
  });

  it('answers 400 for malformed JSON and 415 for another content type', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: '{"events": [',
    });
    expect(bad.statusCode).toBe(400);
    const xml = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/xml' },
      payload: '<events/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error.code).toBe('unsupported_media_type');
  });

  it('answers 400 above the batch limit and 413 above the body limit', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => event(i));
    expect((await post({ events: many })).statusCode).toBe(400);
    const huge = { events: [event(1, { segment: 'x'.repeat(200) })], pad: 'y'.repeat(1024 * 1024) };
    expect((await post(huge)).statusCode).toBe(413);
  });

  it('answers 503, never 202, when Kafka cannot be reached', async () => {
    const dead = await start(iso, { KAFKA_BROKERS: '127.0.0.1:1', PUBLISH_TIMEOUT_MS: '500' }, false);
    const connecting = connectKafka(dead.deps, AbortSignal.timeout(1500));
    try {
      const res = await dead.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: `Bearer ${key}` },
        payload: { events: [event(9)] },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('kafka_unavailable');
      const ready = await dead.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks).toEqual({ kafka: false });
    } finally {
      await connecting;
      await dead.app.close();
      await closeDeps(dead.deps);
    }
  });

  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
      status: 'ready',
      checks: { kafka: true },
    });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('ingest_events_published_total');
    const doc = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(doc.json().paths['/v1/events']).toBeDefined();
  });
});
