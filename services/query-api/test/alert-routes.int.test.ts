/**
 * The alert configuration routes: rules with documented defaults and validation, channels whose
 * secrets never come back, internal URLs refused at create and at send time, tenant isolation on
 * every route, and the live SSE stream fed by another replica's evaluator.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES } from '@tally/kpi';
import { eventually, isolate, type Isolation } from '@tally/testing';
import { channelSealer } from '../src/alerts/channel-secrets.ts';
import { recordFire } from '../src/alerts/transitions.ts';
import {
  addTenant,
  call,
  counts,
  FeedSource,
  startInstance,
  underLease,
  type Instance,
} from './alert-fixtures.ts';

describe('alert routes', () => {
  let iso: Isolation;
  let feed: FeedSource;
  let open: Instance; // private URLs allowed (as in the other tests)
  let strict: Instance; // ALERTS_ALLOW_PRIVATE_URLS=false
  let keyA: string;
  let keyB: string;

  beforeAll(async () => {
    iso = await isolate('aroutes');
    feed = new FeedSource();
    open = await startInstance(iso, feed);
    strict = await startInstance(iso, feed, { ALERTS_ALLOW_PRIVATE_URLS: 'false' });
    keyA = await addTenant(iso, 'tenant-a');
    keyB = await addTenant(iso, 'tenant-b');
  });
  afterAll(async () => {
    await open?.stop();
    await strict?.stop();
    await iso?.cleanup();
  });

  it('needs a key', async () => {
    for (const url of [
      '/v1/alerts',
      '/v1/alert-rules',
      '/v1/notification-channels',
      '/v1/silences',
      '/v1/alerts/stream',
    ]) {
      expect((await open.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
  });

  it('returns the defaults until rules are set, fills omitted fields, refuses invalid ones', async () => {
    const first = await call(open, keyA, 'GET', '/v1/alert-rules');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ rules: DEFAULT_ALERT_RULES, isDefault: true, updatedAt: null });
    expect(first.body.rules.optOutSpike).toMatchObject({
      windowMinutes: 15,
      minDelivered: 200,
      minOptOuts: 3,
      threshold: 0.02,
    });

    const put = await call(open, keyA, 'PUT', '/v1/alert-rules', {
      optOutSpike: { threshold: 0.03, baseline: true },
      deliveryDrop: { enabled: true, scopes: ['campaign', 'sender'] },
    });
    expect(put.status).toBe(200);
    const got = await call(open, keyA, 'GET', '/v1/alert-rules');
    expect(got.body.isDefault).toBe(false);
    expect(got.body.rules.optOutSpike).toEqual({
      ...DEFAULT_ALERT_RULES.optOutSpike,
      threshold: 0.03,
      baseline: true,
    });
    expect(got.body.rules.deliveryDrop).toEqual({
      ...DEFAULT_ALERT_RULES.deliveryDrop,
      enabled: true,
      scopes: ['campaign', 'sender'],
    });

    for (const bad of [
      { optOutSpike: { threshold: 2 } },
      { optOutSpike: { windowMinutes: 0 } },
      { deliveryDrop: { scopes: ['planet'] } },
      { renotifyAfterSeconds: 'often' },
    ]) {
      const res = await call(open, keyA, 'PUT', '/v1/alert-rules', bad);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    // tenant B still sees the defaults
    expect((await call(open, keyB, 'GET', '/v1/alert-rules')).body.isDefault).toBe(true);
  });

  it('never returns channel secrets; a webhook secret is generated and shown once', async () => {
    const hook = await call(open, keyA, 'POST', '/v1/notification-channels', {
      kind: 'webhook',
      name: 'ops',
      url: 'http://127.0.0.1:9/hook',
    });
    expect(hook.status).toBe(201);
    expect(hook.body.signingSecret).toMatch(/^whsec_/);
    const pd = await call(open, keyA, 'POST', '/v1/notification-channels', {
      kind: 'pagerduty',
      name: 'pd',
      routingKey: 'SECRET-ROUTING-KEY',
      url: 'http://127.0.0.1:9/pd',
    });
    const slack = await call(open, keyA, 'POST', '/v1/notification-channels', {
      kind: 'slack',
      name: 'slack',
      url: 'http://127.0.0.1:9/services/T000/B000/XXXXSECRET',
    });
    expect(pd.body).toEqual({ channel: expect.objectContaining({ kind: 'pagerduty', hasSecret: true }) });
    const list = await call(open, keyA, 'GET', '/v1/notification-channels');
    expect(list.body.channels).toHaveLength(3);
    const text = JSON.stringify(list.body);
    for (const secret of [hook.body.signingSecret, 'SECRET-ROUTING-KEY', 'XXXXSECRET'])
      expect(text).not.toContain(secret);
    expect(list.body.channels.find((c: any) => c.id === slack.body.channel.id).url).toBe(
      'http://127.0.0.1:9/…',
    );
    // at rest: URLs and secrets sealed, bound to their channel (a row's values moved to another
    // channel do not open)
    const { rows } = await iso.db.pool.query<{ id: string; url: string; secret: string | null }>(
      'SELECT id::text, url, secret FROM notification_channels WHERE id = ANY($1::uuid[])',
      [[hook, pd, slack].map((c) => c.body.channel.id)],
    );
    const stored = JSON.stringify(rows);
    for (const plain of [hook.body.signingSecret, 'SECRET-ROUTING-KEY', 'XXXXSECRET', '127.0.0.1'])
      expect(stored).not.toContain(plain);
    for (const r of rows) expect(r.url).toMatch(/^v1\./);
    const sealer = channelSealer(iso.env.CREDENTIALS_KEY ?? '');
    const pdRow = rows.find((r) => r.id === pd.body.channel.id);
    expect(sealer.open('tenant-a', pd.body.channel.id, 'secret', pdRow?.secret ?? '')).toBe(
      'SECRET-ROUTING-KEY',
    );
    expect(() => sealer.open('tenant-a', hook.body.channel.id, 'secret', pdRow?.secret ?? '')).toThrow();
  });

  it('refuses loopback, private and link-local URLs with 400 unless allowed', async () => {
    for (const url of [
      'http://127.0.0.1:8080/x',
      'http://localhost/x',
      'http://10.1.2.3/x',
      'http://169.254.169.254/latest',
      'http://[::1]/x',
    ]) {
      const res = await call(strict, keyA, 'POST', '/v1/notification-channels', {
        kind: 'webhook',
        name: 'x',
        url,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('url_not_allowed');
    }
    const pd = await call(strict, keyA, 'POST', '/v1/notification-channels', {
      kind: 'pagerduty',
      name: 'pd',
      routingKey: 'rk',
      url: 'http://192.168.0.10/v2/enqueue',
    });
    expect(pd.status).toBe(400);
    const bad = await call(strict, keyA, 'POST', '/v1/notification-channels', {
      kind: 'webhook',
      name: 'x',
      url: 'ftp://example.com/x',
    });
    expect(bad.status).toBe(400);
  });

  it('refuses an internal address at send time too', async () => {
    const tenant = 'tenant-send';
    await addTenant(iso, tenant);
    // as if the host resolved to a public address when the channel was made
    await iso.db.pool.query(
      "INSERT INTO notification_channels(tenant_id, kind, name, url) VALUES ($1, 'slack', 's', 'http://127.0.0.1:9/x')",
      [tenant],
    );
    await underLease(iso, (fence) =>
      recordFire(iso.db.pool, fence, {
        tenantId: tenant,
        ruleType: 'optOutSpike',
        scope: { kind: 'campaign', campaignId: 'c' },
        numbers: {},
        at: new Date(),
        autoPause: false,
      }),
    );
    expect(await strict.deps.alerting.sender.pump()).toBe(1);
    const row = await eventually(
      async () =>
        (
          await iso.db.pool.query(
            `SELECT status, attempts, local_refusals, last_error, last_local_refusal
               FROM notification_deliveries WHERE tenant_id = $1`,
            [tenant],
          )
        ).rows[0],
      (r) => r?.status !== 'sending',
      { timeoutMs: 5000 },
    );
    // refused by this replica's guard: given back for another replica, no attempt spent
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 0,
      local_refusals: 1,
      last_error: null,
      last_local_refusal: expect.stringMatching(/^url_guard: .*loopback, private or link-local/),
    });
  });

  it("hides another tenant's alerts, channels and silences", async () => {
    const chan = await call(open, keyA, 'POST', '/v1/notification-channels', {
      kind: 'slack',
      name: 's',
      url: 'http://127.0.0.1:9/s',
    });
    const sil = await call(open, keyA, 'POST', '/v1/silences', {
      scope: { kind: 'sender', id: 'BRAND' },
      endsAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(sil.status).toBe(201);
    await underLease(iso, (fence) =>
      recordFire(iso.db.pool, fence, {
        tenantId: 'tenant-a',
        ruleType: 'optOutSpike',
        scope: { kind: 'campaign', campaignId: 'secret-campaign' },
        numbers: { delivered: 1000, optOuts: 50 },
        at: new Date(),
        autoPause: false,
      }),
    );
    expect((await call(open, keyA, 'GET', '/v1/alerts')).body.alerts.length).toBeGreaterThan(0);
    expect((await call(open, keyA, 'GET', '/v1/silences')).body.silences).toHaveLength(1);
    expect((await call(open, keyB, 'GET', '/v1/alerts')).body).toEqual({ alerts: [] });
    expect((await call(open, keyB, 'GET', '/v1/notification-channels')).body).toEqual({ channels: [] });
    expect((await call(open, keyB, 'GET', '/v1/silences')).body).toEqual({ silences: [] });
    expect(
      (await call(open, keyB, 'DELETE', `/v1/notification-channels/${chan.body.channel.id}`)).status,
    ).toBe(404);
    expect((await call(open, keyB, 'DELETE', `/v1/silences/${sil.body.silence.id}`)).status).toBe(404);
    expect(
      (await call(open, keyA, 'DELETE', `/v1/notification-channels/${chan.body.channel.id}`)).status,
    ).toBe(204);
    expect((await call(open, keyA, 'DELETE', `/v1/silences/${sil.body.silence.id}`)).status).toBe(204);
  });

  it("streams transitions live from another replica's evaluator, to their tenant only", async () => {
    await open.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = open.app.server.address() as AddressInfo;
    const streams = [keyA, keyB].map((key) => {
      const s = {
        text: '',
        req: http.get({
          host: '127.0.0.1',
          port,
          path: '/v1/alerts/stream',
          headers: { authorization: `Bearer ${key}` },
        }),
      };
      s.req.on('response', (res) => res.on('data', (c: Buffer) => (s.text += c.toString('utf8'))));
      return s;
    });
    await eventually(
      () => Promise.resolve(streams.map((s) => s.text)),
      (t) => t.every((x) => x.includes(': subscribed')),
    );
    // the strict instance evaluates; the stream is served by the open one
    strict.deps.alerting.start();
    feed.set('tenant-a', { kind: 'campaign', campaignId: 'live' }, counts({ delivered: 1000, optOuts: 60 }));
    const [a, b] = streams;
    await eventually(
      () => Promise.resolve(a?.text ?? ''),
      (t) => t.includes('event: transition'),
      { timeoutMs: 10_000 },
    );
    const data = /data: (.*)\n/.exec(a?.text ?? '')?.[1] ?? '{}';
    expect(JSON.parse(data)).toMatchObject({
      kind: 'fire',
      alert: { scope: { kind: 'campaign', id: 'live' }, state: 'firing' },
    });
    expect(b?.text).not.toContain('event: transition');
    for (const s of streams) s.req.destroy();
  });
});
