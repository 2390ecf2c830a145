/**
 * GET /v1/campaigns/stream?ids=… (the dashboard's one figure stream per tab): on connect an event
 * `figures` with the headline figures of the asked campaigns, exactly the campaign list's rows;
 * a later event only with the campaigns whose figures changed; more than 50 ids or a malformed id
 * is a 400 before any stream opens; another tenant's campaign ids (and unknown ones) give nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@tally/testing';
import { startApi, type Api } from './api-fixture.ts';

interface Stream {
  status: number;
  /** The `figures` events so far, parsed. */
  figures: () => { campaigns: any[] }[];
  text: () => string;
  close: () => void;
}

function openStream(port: number, key: string, ids: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path: `/v1/campaigns/stream?ids=${encodeURIComponent(ids)}`,
        headers: { authorization: `Bearer ${key}` },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.once('data', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: () => text,
            figures: () =>
              text
                .split('\n\n')
                .filter((block) => block.startsWith('event: figures\n'))
                .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6))),
            close: () => req.destroy(),
          }),
        );
      },
    );
    req.on('error', reject);
  });
}

describe('GET /v1/campaigns/stream', () => {
  let api: Api;
  let port: number;
  let acme: string;
  let globex: string;

  const counts = (tenant: string, campaign: string, c: Record<string, number>) =>
    api.deps.redis.hset(api.deps.keys.counts(tenant, campaign), c);

  beforeAll(async () => {
    api = await startApi();
    acme = await api.addTenant('acme');
    globex = await api.addTenant('globex');
    for (const c of ['k1', 'k2']) await api.seedCampaign('acme', c);
    await api.seedCampaign('globex', 'g1');
    await api.deps.redis.hset(api.deps.keys.meta('acme', 'k1'), { channel: 'sms' });
    await counts('acme', 'k1', { sent: 200, delivered: 180, failed: 20, clicked: 9, optOuts: 3 });
    await counts('acme', 'k2', { sent: 10, delivered: 10 });
    await counts('globex', 'g1', { sent: 5, delivered: 5 });
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    port = (api.app.server.address() as AddressInfo).port;
  });
  afterAll(() => api.stop());

  it("answers the asked campaigns' figures exactly as the list does, then only what changed", async () => {
    const s = await openStream(port, acme, 'k1,k2');
    expect(s.status).toBe(200);
    const first = await eventually(
      () => Promise.resolve(s.figures()),
      (f) => f.length === 1,
      { timeoutMs: 5000, intervalMs: 50 },
    );
    const list = await api.call(acme, 'GET', '/v1/campaigns?limit=25');
    const byId = (xs: any[]) => Object.fromEntries(xs.map(({ asOf: _a, ...c }) => [c.campaignId, c]));
    const streamed = byId(first[0]?.campaigns ?? []);
    expect(Object.keys(streamed).sort()).toEqual(['k1', 'k2']);
    expect(streamed).toEqual(byId(list.body.campaigns));
    expect(streamed.k1.counts).toMatchObject({
      sent: 200,
      delivered: 180,
      failed: 20,
      clicked: 9,
      optOuts: 3,
    });
    expect(streamed.k1.rates.deliveryRate).toBe(0.9);
    expect(streamed.k1.rates.optOutRate).toBe(3 / 180);
    // SMS without any opened message: not reported, never 0
    expect(streamed.k1.rates.openRate).toBeNull();

    // k2 moves, k1 does not: the next event carries k2 alone
    await counts('acme', 'k2', { sent: 12, delivered: 11 });
    const next = await eventually(
      () => Promise.resolve(s.figures()),
      (f) => f.length === 2,
      { timeoutMs: 5000, intervalMs: 50 },
    );
    expect(next[1]?.campaigns.map((c) => c.campaignId)).toEqual(['k2']);
    expect(next[1]?.campaigns[0].counts).toMatchObject({ sent: 12, delivered: 11 });
    s.close();
  });

  it("gives nothing for another tenant's campaign ids or unknown ones", async () => {
    const s = await openStream(port, acme, 'g1,nope');
    expect(s.status).toBe(200);
    const g = await openStream(port, globex, 'g1,k1');
    await eventually(
      () => Promise.resolve(g.figures()),
      (f) => f.length === 1,
      { timeoutMs: 5000, intervalMs: 50 },
    );
    expect(g.figures()[0]?.campaigns.map((c) => c.campaignId)).toEqual(['g1']);
    // two ticks later acme's stream has still said nothing but that it is subscribed
    await new Promise((r) => setTimeout(r, 2500));
    expect(s.figures()).toEqual([]);
    expect(s.text()).toBe(': subscribed\n\n');
    s.close();
    g.close();
  });

  it('refuses more than 50 ids, a malformed id and no ids with a 400, before any stream opens', async () => {
    const ids = Array.from({ length: 51 }, (_, i) => `c${i}`).join(',');
    const tooMany = await api.call(acme, 'GET', `/v1/campaigns/stream?ids=${ids}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain('at most 50 campaigns');
    const fifty = Array.from({ length: 50 }, (_, i) => `c${i}`).join(',');
    const ok = await openStream(port, acme, fifty);
    expect(ok.status).toBe(200);
    ok.close();
    for (const bad of ['k1,not an id', '']) {
      const r = await api.call(acme, 'GET', `/v1/campaigns/stream?ids=${encodeURIComponent(bad)}`);
      expect(r.status, bad).toBe(400);
    }
    expect((await api.call(undefined, 'GET', '/v1/campaigns/stream?ids=k1')).status).toBe(401);
  });
});
