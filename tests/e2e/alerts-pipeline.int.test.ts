/**
 * Alerts on the real pipeline: events posted to ingest, counted by the aggregator into per-minute
 * buckets, read by query-api's Redis window source, evaluated, and delivered to real local HTTP
 * receivers in the webhook, Slack and PagerDuty formats.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '@tally/query-api';
import { eventually } from '@tally/testing';
import { startPipeline, type Pipeline } from './harness.ts';

const SECRET = 'whsec_pipeline_test_secret_0123';

async function startReceiver() {
  const received: { path: string; json: any; raw: string; signature: string | undefined }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({
        path: req.url ?? '/',
        raw,
        json: JSON.parse(raw),
        signature: req.headers['x-tally-signature'] as string | undefined,
      });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    on: (path: string) => received.filter((r) => r.path === path),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Sends and deliveries of `n` messages of a campaign from `sender` (`reach`), and opt-outs of the
 * first `optOuts` of their recipients (`optOuts`), posted in that order so the crossing is exact.
 */
function traffic(campaign: string, sender: string, n: number, optOuts: number, from = 0) {
  const now = new Date().toISOString();
  const reach: Record<string, unknown>[] = [];
  const outs: Record<string, unknown>[] = [];
  // Recipients of their own per campaign (a person opting out counts once per sending number).
  const base = [...campaign].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 9000, 7) + 1000;
  for (let i = from; i < from + n; i++) {
    const messageId = `${campaign}-m${i}`;
    const recipientId = `+1${base}${String(i).padStart(6, '0')}`;
    reach.push({
      eventId: `${messageId}:s`,
      type: 'sent',
      occurredAt: now,
      channel: 'sms',
      campaignId: campaign,
      messageId,
      recipientId,
      sender,
    });
    reach.push({ eventId: `${messageId}:d`, type: 'delivered', occurredAt: now, channel: 'sms', messageId });
    if (i - from < optOuts) {
      outs.push({
        eventId: `${messageId}:o`,
        type: 'opted_out',
        occurredAt: now,
        channel: 'sms',
        campaignId: campaign,
        messageId,
        recipientId,
      });
    }
  }
  return { reach, outs };
}

/** The numbers an optOutSpike fired with: taken at the crossing, so opt-outs may still be arriving. */
function expectCrossing(numbers: any, delivered: number, maxOptOuts: number) {
  expect(numbers.delivered).toBe(delivered);
  expect(numbers.optOuts).toBeGreaterThanOrEqual(3);
  expect(numbers.optOuts).toBeLessThanOrEqual(maxOptOuts);
  expect(numbers.wilsonLower).toBeGreaterThan(0.02);
  expect(numbers.rate).toBe(numbers.optOuts / delivered);
}

describe('alerts on the real pipeline', () => {
  let p: Pipeline;
  let rx: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    p = await startPipeline('alpipe', {
      ALERT_EVAL_INTERVAL_MS: '100',
      ALERT_SENDER_INTERVAL_MS: '50',
      ALERTS_ALLOW_PRIVATE_URLS: 'true',
    });
    p.queryDeps.alerting.start();
    rx = await startReceiver();
  });
  afterAll(async () => {
    await rx?.close();
    await p?.stop();
  });

  const call = async (key: string, method: 'PUT' | 'POST' | 'GET', url: string, payload?: object) => {
    const res = await p.query.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(payload ? { payload } : {}),
    });
    return { status: res.statusCode, body: res.json() };
  };

  async function tenantWithChannels(id: string, scopes: string[], path: string) {
    const key = await p.addTenant(`${id}${p.iso.id}`);
    expect(
      (await call(key, 'PUT', '/v1/alert-rules', { optOutSpike: { resolveAfterSeconds: 1, scopes } })).status,
    ).toBe(200);
    for (const body of [
      { kind: 'webhook', name: 'hook', url: rx.url(`/${path}/webhook`), secret: SECRET },
      { kind: 'slack', name: 'slack', url: rx.url(`/${path}/slack`) },
      { kind: 'pagerduty', name: 'pd', url: rx.url(`/${path}/pd`), routingKey: 'R0UTINGKEY' },
    ]) {
      expect((await call(key, 'POST', '/v1/notification-channels', body)).status).toBe(201);
    }
    return key;
  }

  async function post(key: string, events: Record<string, unknown>[]) {
    for (let i = 0; i < events.length; i += 1000) {
      expect((await p.postEvents(key, events.slice(i, i + 1000))).status).toBe(202);
    }
    await p.settle();
  }

  const paths = (prefix: string) => ['webhook', 'slack', 'pd'].map((c) => `/${prefix}/${c}`);
  const countsOn = (prefix: string) => Promise.resolve(paths(prefix).map((x) => rx.on(x).length));

  it('a 5% opt-out spike over 1,000 deliveries fires once per channel, and resolves once when the rate falls back', async () => {
    const key = await tenantWithChannels('spike', ['campaign'], 'a');
    const spring = traffic('spring', '+15005550100', 1000, 50);
    await post(key, spring.reach);
    expect(await countsOn('a')).toEqual([0, 0, 0]);
    await post(key, spring.outs);
    await eventually(
      () => countsOn('a'),
      (n) => n.every((x) => x >= 1),
      { timeoutMs: 15_000 },
    );
    await new Promise((r) => setTimeout(r, 700));
    expect(await countsOn('a')).toEqual([1, 1, 1]);

    const [hook] = rx.on('/a/webhook');
    expect(verifySignature(SECRET, hook?.signature ?? '', hook?.raw ?? '', new Date())).toBe(true);
    expect(hook?.json).toMatchObject({
      kind: 'fire',
      alert: { ruleType: 'optOutSpike', scope: { kind: 'campaign', id: 'spring' }, state: 'firing' },
    });
    expectCrossing(hook?.json.alert.numbers, 1000, 50);
    const kpis = await p.getJson(key, '/v1/campaigns/spring/kpis');
    expect(kpis.body.counts).toMatchObject({ delivered: 1000, optOuts: 50 });
    const dedupKey: string = hook?.json.alert.dedupKey;
    expect(rx.on('/a/pd')[0]?.json).toMatchObject({ event_action: 'trigger', dedup_key: dedupKey });

    // 2,000 more deliveries without opt-outs: 50 / 3,000 ≈ 1.7%, under the 2% threshold.
    await post(key, traffic('spring', '+15005550100', 2000, 0, 1000).reach);
    await eventually(
      () => countsOn('a'),
      (n) => n.every((x) => x >= 2),
      { timeoutMs: 15_000 },
    );
    await new Promise((r) => setTimeout(r, 700));
    expect(await countsOn('a')).toEqual([2, 2, 2]);
    expect(rx.on('/a/pd')[1]?.json).toEqual({
      routing_key: 'R0UTINGKEY',
      event_action: 'resolve',
      dedup_key: dedupKey,
    });
    expect(rx.on('/a/webhook')[1]?.json).toMatchObject({
      kind: 'resolve',
      alert: { dedupKey, state: 'resolved' },
    });
  });

  it('watches a sending number across campaigns', async () => {
    const key = await tenantWithChannels('sender', ['sender'], 'b');
    // Two campaigns from one number, 2.5% opt-outs each: neither campaign alone is watched here.
    const one = traffic('one', '+15005550199', 600, 30);
    const two = traffic('two', '+15005550199', 600, 30);
    await post(key, [...one.reach, ...two.reach]);
    await post(key, [...one.outs, ...two.outs]);
    await eventually(
      () => countsOn('b'),
      (n) => n.every((x) => x >= 1),
      { timeoutMs: 15_000 },
    );
    const [hook] = rx.on('/b/webhook');
    expect(hook?.json.alert).toMatchObject({
      scope: { kind: 'sender', id: '+15005550199' },
      state: 'firing',
    });
    expectCrossing(hook?.json.alert.numbers, 1200, 60);
    const alerts = (await call(key, 'GET', '/v1/alerts')).body.alerts;
    expect(alerts.map((a: any) => [a.scope.kind, a.scope.id])).toEqual([['sender', '+15005550199']]);
  });

  it('stays quiet on small samples: 2 opt-outs of 20 is not a spike', async () => {
    const key = await tenantWithChannels('small', ['campaign', 'sender'], 'c');
    const tiny = traffic('tiny', '+15005550177', 20, 2);
    await post(key, [...tiny.reach, ...tiny.outs]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await countsOn('c')).toEqual([0, 0, 0]);
    expect((await call(key, 'GET', '/v1/alerts')).body.alerts).toEqual([]);
  });
});
