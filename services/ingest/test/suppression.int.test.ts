/**
 * POST /v1/suppression/check (issue 20): per address, in order, the reason Tally would suppress it
 * — from the list-hygiene entries the aggregator keeps (`hy:<day>`) — or none; addresses are
 * normalized and pseudonymized exactly as events are (so `+44 7700 900001`, `00447700900001` and
 * `whatsapp:+447700900001` are one person); more than 1,000 addresses is a 413; an invalid address
 * is an error of its own entry; no raw address reaches the logs.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@tally/config';
import { FIELD_SEPARATOR } from '@tally/counters';
import { addApiKey, createTenant } from '@tally/db';
import { createLogger } from '@tally/logging';
import { deleteMatching } from '@tally/redis';
import { isolate, type Isolation } from '@tally/testing';
import { buildApp, closeDeps, createDeps, ingestConfigSchema, type IngestDeps } from '../src/index.ts';

const DAY = 86_400_000;

describe('the suppression check', () => {
  let iso: Isolation;
  let deps: IngestDeps;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let key: string;
  const logs: string[] = [];

  beforeAll(async () => {
    iso = await isolate('sup');
    const config = loadConfig(ingestConfigSchema, iso.env);
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs.push(chunk.toString());
        cb();
      },
    });
    deps = createDeps(config, createLogger({ service: 'test', level: 'debug', destination }));
    app = await buildApp(deps);
    await createTenant(iso.db.pool, 'acme');
    key = await addApiKey(iso.db.pool, 'acme');
    const redis = deps.redis;
    if (!redis) throw new Error('the test needs REDIS_URL');
    await redis.set(deps.keys.epoch(), '1');
    const id = (raw: string, ch: 'sms' | 'whatsapp' = 'sms') =>
      deps.pseudonymizer.recipient('acme', raw, ch)?.recipientId ?? '';
    const today = Math.floor(Date.now() / DAY);
    const t = today * DAY + 1000;
    const f = (...p: (string | number)[]) => p.join(FIELD_SEPARATOR);
    await redis.hset(deps.keys.hygiene('acme', today), {
      [f(id('+447700900001'), t, 'invalid_number', '1', 'SM1', 'twilio')]: '1',
      [f(id('+447700900002'), t, 'opted_out', '1', '', '')]: '1',
      [f(id('+447700900003'), t, 'unreachable', '0', 'V1', 'vonage')]: '1',
      // another tenant's pseudonym space: never matches acme's addresses
      [f('r_someone_else', t, 'invalid_number', '1', 'X', 'twilio')]: '1',
    });
  });
  afterAll(async () => {
    await app?.close();
    if (deps?.redis) await deleteMatching(deps.redis, `${iso.redisPrefix}:*`);
    if (deps) await closeDeps(deps);
    await iso?.cleanup();
  });

  const check = (payload: unknown) =>
    app.inject({
      method: 'POST',
      url: '/v1/suppression/check',
      headers: { authorization: `Bearer ${key}` },
      payload: payload as object,
    });
  const none = {
    suppressed: false,
    failureClass: null,
    permanent: null,
    messageId: null,
    provider: null,
    at: null,
  };

  it('answers per address, in order, normalized and pseudonymized as ingest does', async () => {
    const at = new Date(Math.floor(Date.now() / DAY) * DAY + 1000).toISOString();
    const res = await check({
      channel: 'sms',
      addresses: [
        '+44 7700 900001',
        '00447700900002',
        '447700900003',
        '+447700900004',
        '',
        'x'.repeat(321),
        42,
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      results: [
        {
          suppressed: true,
          failureClass: 'invalid_number',
          permanent: true,
          messageId: 'SM1',
          provider: 'twilio',
          at,
        },
        { suppressed: true, failureClass: 'opted_out', permanent: true, messageId: null, provider: null, at },
        none, // one unreachable failure is not enough
        none,
        { error: { code: 'invalid_address', message: 'addresses.4 must not be blank' } },
        { error: { code: 'invalid_address', message: 'addresses.5 must be at most 320 characters' } },
        { error: { code: 'invalid_address', message: 'addresses.6 must be a string' } },
      ],
      suppressed: 2,
    });
    const once = await check({ channel: 'sms', addresses: ['447700900003'], unreachableRepeat: 1 });
    expect(once.json().results[0]).toMatchObject({ suppressed: true, failureClass: 'unreachable' });
  });

  it('takes the same person on WhatsApp', async () => {
    const res = await check({ channel: 'whatsapp', addresses: ['whatsapp:+447700900001'] });
    expect(res.json().results[0]).toMatchObject({ suppressed: true, failureClass: 'invalid_number' });
  });

  it('refuses more than 1,000 addresses with a 413, and a bad request with a 400', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `+1500555${String(i).padStart(4, '0')}`);
    const res = await check({ channel: 'sms', addresses: many });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
    expect((await check({ channel: 'sms', addresses: many.slice(0, 1000) })).statusCode).toBe(200);
    expect((await check({ channel: 'fax', addresses: ['+1'] })).statusCode).toBe(400);
    expect((await check({ channel: 'sms', addresses: [] })).statusCode).toBe(400);
  });

  it('never logs a raw address', () => {
    const text = logs.join('');
    expect(text.length).toBeGreaterThan(0);
    for (const raw of ['7700900001', '7700900002', '15005550']) expect(text).not.toContain(raw);
  });
});
