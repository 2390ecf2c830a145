/**
 * Issue 21 at the front door: POST /v1/global-control/check answers, per address, whether the
 * recipient is in the tenant's global control group — the same membership query-api computes from
 * pseudonyms (@tally/kpi inGlobalControl over the pseudonym ingest gives the address) — and a
 * `held_out` is accepted on /v1/events only as the schema allows (a recipient and a campaign, no
 * message).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@tally/config';
import { addApiKey, createTenant, putExperimentSettings } from '@tally/db';
import { inGlobalControl } from '@tally/kpi';
import { createLogger } from '@tally/logging';
import { guardEventTimes, isolate, type Isolation } from '@tally/testing';
import {
  buildApp,
  closeDeps,
  connectKafka,
  createDeps,
  ingestConfigSchema,
  type IngestDeps,
} from '../src/index.ts';

describe('the global control group and held_out at ingest', () => {
  let iso: Isolation;
  let deps: IngestDeps;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let key: string;
  const addresses = Array.from({ length: 200 }, (_, i) => `+1500555${String(i).padStart(4, '0')}`);

  beforeAll(async () => {
    iso = await isolate('gcg');
    const config = loadConfig(ingestConfigSchema, iso.env);
    deps = createDeps(config, createLogger({ service: 'test', level: 'silent' }));
    deps.publisher = guardEventTimes(deps.publisher);
    await connectKafka(deps);
    app = await buildApp(deps);
    await createTenant(iso.db.pool, 'acme');
    key = await addApiKey(iso.db.pool, 'acme');
  });
  afterAll(async () => {
    await app?.close();
    if (deps) await closeDeps(deps);
    await iso?.cleanup();
  });

  const check = (payload: unknown) =>
    app.inject({
      method: 'POST',
      url: '/v1/global-control/check',
      headers: { authorization: `Bearer ${key}` },
      payload: payload as object,
    });

  it('no group: nobody is a member', async () => {
    const res = await check({ channel: 'sms', addresses: addresses.slice(0, 3) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ share: 0, members: [false, false, false] });
  });

  it('a 10 % group: the members are those whose pseudonym hashes below the share', async () => {
    const settings = await putExperimentSettings(iso.db.pool, 'acme', { globalControlShare: 0.1 });
    const res = await check({ channel: 'sms', addresses });
    expect(res.statusCode).toBe(200);
    const { share, members } = res.json<{ share: number; members: boolean[] }>();
    expect(share).toBe(0.1);
    const want = addresses.map((a) => {
      const r = deps.pseudonymizer.recipient('acme', a, 'sms');
      return r !== undefined && inGlobalControl(r.recipientId, settings.globalControl.salt, 0.1);
    });
    expect(members).toEqual(want);
    const n = members.filter(Boolean).length;
    expect(n).toBeGreaterThan(5);
    expect(n).toBeLessThan(40);
    // formatting does not change who the person is
    const spaced = await check({ channel: 'sms', addresses: addresses.map((a) => a.replace('+1', '+1 ')) });
    expect(spaced.json<{ members: boolean[] }>().members).toEqual(members);
  });

  it('refuses more than 1,000 addresses, none, or no channel', async () => {
    expect((await check({ channel: 'sms', addresses: Array(1001).fill('+15005550006') })).statusCode).toBe(
      400,
    );
    expect((await check({ channel: 'sms', addresses: [] })).statusCode).toBe(400);
    expect((await check({ addresses: ['+15005550006'] })).statusCode).toBe(400);
  });

  it('/v1/events: a held_out with a recipient and a campaign is accepted; one naming a message is not', async () => {
    const at = new Date(Date.now() - 60_000).toISOString();
    const post = (e: Record<string, unknown>) =>
      app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: `Bearer ${key}` },
        payload: {
          events: [
            { eventId: 'h1', type: 'held_out', occurredAt: at, channel: 'sms', campaignId: 'c1', ...e },
          ],
        },
      });
    expect((await post({ recipientId: '+15005550006' })).statusCode).toBe(202);
    const bad = await post({ recipientId: '+15005550006', messageId: 'm1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('body.events.0.messageId');
    expect((await post({})).statusCode).toBe(400);
  });
});
