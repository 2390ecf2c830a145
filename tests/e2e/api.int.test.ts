/**
 * Issue 5: the read API over a scripted dataset (api-dataset.ts) on the real pipeline — exact
 * answers per route, cross-route consistency, tenant isolation, 400s naming the parameter, 429.
 * Minutes older than 10 minutes are read from the Postgres rollups (TIMESERIES_LIVE_MINUTES=10),
 * so the time series crosses the Redis/Postgres seam.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@tally/config';
import { createLogger } from '@tally/logging';
import * as querySvc from '@tally/query-api';
import { COUNT_NAMES } from '@tally/kpi';
import { startPipeline, type Pipeline } from './harness.ts';
import { API_EXPECTED, apiDataset } from './api-dataset.ts';

const MESSAGE_STATUSES = ['sent', 'delivered', 'failed', 'opened', 'clicked', 'replied', 'converted'];

describe('read API (issue 5)', () => {
  let p: Pipeline;
  let acme: string;
  let globex: string;
  const data = apiDataset(Date.now());

  beforeAll(async () => {
    p = await startPipeline('api', { TIMESERIES_LIVE_MINUTES: '10' });
    acme = await p.addTenant(`acme${p.iso.id}`);
    globex = await p.addTenant(`globex${p.iso.id}`);
    expect((await p.postEvents(acme, data.acme)).status).toBe(202);
    expect((await p.postEvents(globex, data.globex)).status).toBe(202);
    await p.settle();
    expect((await p.postEvents(acme, data.acmeLater)).status).toBe(202);
    await p.settle();
    await p.aggregator.snapshot();
  });
  afterAll(async () => {
    await p?.stop();
  });

  const ok = async (key: string, url: string) => {
    const res = await p.getJson(key, url);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const badRequest = async (url: string, param: string) => {
    const res = await p.getJson(acme, url);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toContain(param);
  };

  describe('GET /v1/campaigns', () => {
    it('lists the tenant’s campaigns sorted by a KPI, with exact headline counts', async () => {
      const b = await ok(acme, '/v1/campaigns?sort=-deliveryRate');
      expect(b.campaigns.map((c: any) => c.campaignId)).toEqual(API_EXPECTED.byDeliveryRateDesc);
      expect(b.campaigns[1].counts).toMatchObject(API_EXPECTED.k1);
      expect(b.campaigns[1].rates.deliveryRate).toBe(0.75);
      expect(b.campaigns[1].rates.ctr).toBe(1 / 3);
      expect(b.campaigns[2].rates.ctr).toBeNull();
      expect(b.nextCursor).toBeNull();
    });

    it('filters by channel and by first event time', async () => {
      const sms = await ok(acme, '/v1/campaigns?channel=sms&sort=campaignId');
      expect(sms.campaigns.map((c: any) => c.campaignId)).toEqual(['k1', 'k2']);
      const from = new Date(data.T0 + 60_000).toISOString();
      const to = new Date(data.T0 + 3 * 60_000).toISOString();
      const late = await ok(acme, `/v1/campaigns?sort=campaignId&from=${from}`);
      expect(late.campaigns.map((c: any) => c.campaignId)).toEqual(['k2', 'k3']);
      const mid = await ok(acme, `/v1/campaigns?sort=campaignId&from=${from}&to=${to}`);
      expect(mid.campaigns.map((c: any) => c.campaignId)).toEqual(['k2']);
    });

    it('pages with an opaque cursor through every campaign exactly once', async () => {
      const seen: string[] = [];
      let url = '/v1/campaigns?sort=-deliveryRate&limit=1';
      for (let i = 0; i < 5; i += 1) {
        const b = await ok(acme, url);
        expect(b.campaigns).toHaveLength(1);
        seen.push(b.campaigns[0].campaignId);
        if (!b.nextCursor) break;
        url = `/v1/campaigns?sort=-deliveryRate&limit=1&cursor=${b.nextCursor}`;
      }
      expect(seen).toEqual(API_EXPECTED.byDeliveryRateDesc);
    });

    it('names the bad parameter', async () => {
      await badRequest('/v1/campaigns?limit=101', 'limit');
      await badRequest('/v1/campaigns?sort=-bogus', 'sort');
      await badRequest('/v1/campaigns?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from');
      await badRequest('/v1/campaigns?from=yesterday', 'from');
      await badRequest('/v1/campaigns?cursor=abc', 'cursor');
    });

    it('shows another tenant only its own campaigns', async () => {
      const b = await ok(globex, '/v1/campaigns');
      expect(b.campaigns.map((c: any) => [c.campaignId, c.counts.sent])).toEqual([['k1', 1]]);
    });
  });

  describe('GET /v1/campaigns/:id/kpis', () => {
    it('filters lifetime counts by segment, variant and channel', async () => {
      const vip = await ok(acme, '/v1/campaigns/k1/kpis?segment=vip');
      expect(vip.counts).toMatchObject(API_EXPECTED.k1Vip);
      expect(vip.rates.ctr).toBe(0.5);
      expect(vip.filter).toEqual({ segment: 'vip', scope: 'lifetime' });
      expect(vip.money).toBeNull();
      const regA = await ok(acme, '/v1/campaigns/k1/kpis?segment=regular&variant=A');
      expect(regA.counts).toMatchObject(API_EXPECTED.k1RegularA);
      const wa = await ok(acme, '/v1/campaigns/k1/kpis?channel=whatsapp');
      expect(wa.counts.sent).toBe(0);
      expect(wa.rates.deliveryRate).toBeNull();
      const all = await ok(acme, '/v1/campaigns/k1/kpis');
      expect(all.filter).toBeNull();
      expect(all.counts).toMatchObject(API_EXPECTED.k1);
    });

    it('reports freshness: caught up after settling', async () => {
      const b = await ok(acme, '/v1/campaigns/k1/kpis');
      expect(b.lagEvents).toBe(0);
      expect(b.freshnessMs).toBe(0);
      expect(Date.parse(b.asOf)).toBeGreaterThan(data.T0);
    });

    it('names the bad parameter, and a filter with a rolling window is refused', async () => {
      await badRequest('/v1/campaigns/k1/kpis?window=5m&segment=vip', 'window');
      await badRequest('/v1/campaigns/k1/kpis?window=2h', 'window');
      await badRequest('/v1/campaigns/k1/kpis?channel=fax', 'channel');
    });

    it('keeps tenants apart: same campaign id, different numbers; another’s campaign is 404', async () => {
      expect((await ok(globex, '/v1/campaigns/k1/kpis')).counts.sent).toBe(1);
      expect((await ok(globex, '/v1/campaigns/k1/kpis?segment=vip')).counts.sent).toBe(0);
      expect((await p.getJson(globex, '/v1/campaigns/k2/kpis')).status).toBe(404);
      expect((await p.getJson(globex, '/v1/campaigns/k2/breakdown?by=segment')).status).toBe(404);
    });
  });

  describe('consistency across routes', () => {
    it.each(['segment', 'variant', 'channel', 'hour_of_day'])(
      'the breakdown by %s sums to the campaign’s message counts',
      async (by) => {
        const kpis = await ok(acme, '/v1/campaigns/k1/kpis');
        const b = await ok(acme, `/v1/campaigns/k1/breakdown?by=${by}`);
        for (const status of MESSAGE_STATUSES) {
          const sum = b.groups.reduce((s: number, g: any) => s + g.counts[status], 0);
          expect(sum, status).toBe(kpis.counts[status]);
        }
      },
    );

    it.each(['1m', '1h'])(
      'the %s time series over the campaign’s life sums to each lifetime count (Redis + Postgres)',
      async (bucket) => {
        const kpis = await ok(acme, '/v1/campaigns/k1/kpis');
        for (const metric of COUNT_NAMES) {
          const ts = await ok(acme, `/v1/campaigns/k1/timeseries?metric=${metric}&bucket=${bucket}`);
          const sum = ts.points.reduce((s: number, x: any) => s + x.value, 0);
          expect(sum, metric).toBe(kpis.counts[metric]);
          expect(ts.total, metric).toBe(kpis.counts[metric]);
        }
      },
    );
  });

  describe('GET /v1/campaigns/:id/timeseries', () => {
    it('puts each first-occurrence in its event-time minute, old minutes from Postgres', async () => {
      const from = new Date(data.T0).toISOString();
      const to = new Date(data.T0 + 19 * 60_000).toISOString();
      const sent = await ok(acme, `/v1/campaigns/k1/timeseries?metric=sent&bucket=1m&from=${from}&to=${to}`);
      expect(sent.points).toHaveLength(20);
      expect(sent.points[0]).toEqual({ t: from, value: 4 });
      expect(sent.points.slice(1).every((x: any) => x.value === 0)).toBe(true);
      const clicked = await ok(
        acme,
        `/v1/campaigns/k1/timeseries?metric=clicked&bucket=1m&from=${from}&to=${to}`,
      );
      expect(clicked.points[18]).toEqual({ t: new Date(data.T0 + 18 * 60_000).toISOString(), value: 1 });
      expect(clicked.total).toBe(1);
    });

    it('answers a range reaching into the future with empty buckets', async () => {
      const to = new Date(data.T0 + 300 * 3_600_000).toISOString();
      const b = await ok(acme, `/v1/campaigns/k1/timeseries?metric=sent&bucket=1h&to=${to}`);
      expect(b.points.length).toBeGreaterThanOrEqual(300);
      expect(b.total).toBe(API_EXPECTED.k1.sent);
    });

    it('names the bad parameter and keeps tenants apart', async () => {
      await badRequest(
        '/v1/campaigns/k1/timeseries?metric=sent&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
        'from',
      );
      await badRequest('/v1/campaigns/k1/timeseries?metric=bogus', 'metric');
      await badRequest('/v1/campaigns/k1/timeseries?metric=sent&bucket=1d', 'bucket');
      expect((await p.getJson(globex, '/v1/campaigns/k2/timeseries?metric=sent')).status).toBe(404);
      expect((await ok(globex, '/v1/campaigns/k1/timeseries?metric=sent')).total).toBe(1);
    });
  });

  describe('GET /v1/campaigns/:id/benchmark', () => {
    it('compares each rate with the previous campaigns on the same channel', async () => {
      const b = await ok(acme, '/v1/campaigns/k2/benchmark?previous=5');
      expect(b.previous.map((c: any) => c.campaignId)).toEqual(['k1']);
      expect(b.kpis.deliveryRate).toEqual({
        value: 1,
        median: 0.75,
        p25: 0.75,
        p75: 0.75,
        delta: 0.25,
        percentileRank: 100,
        sampleSize: 1,
      });
      expect(b.kpis.ctr).toMatchObject({ value: 0, median: 1 / 3, percentileRank: 0 });
      expect(b.kpis.openRate).toMatchObject({ value: 0, median: 0 });
      const first = await ok(acme, '/v1/campaigns/k1/benchmark');
      expect(first.previous).toEqual([]);
      expect(first.kpis.deliveryRate).toMatchObject({ value: 0.75, median: null, sampleSize: 0 });
    });

    it('reads the first 15 min / 1 h / 24 h from the minute rollups', async () => {
      const k1 = await ok(acme, '/v1/campaigns/k1/benchmark');
      const at = Object.fromEntries(k1.earlyRead.map((e: any) => [e.at, e]));
      expect(at['15m']).toMatchObject({ complete: true, counts: { sent: 4, delivered: 3, clicked: 0 } });
      expect(at['15m'].rates.ctr).toBe(0);
      expect(at['1h']).toMatchObject({ complete: false, counts: { sent: 4, delivered: 3, clicked: 1 } });
      const k2 = await ok(acme, '/v1/campaigns/k2/benchmark');
      const k2at = Object.fromEntries(k2.earlyRead.map((e: any) => [e.at, e]));
      expect(k2at['15m'].benchmark.deliveryRate).toMatchObject({ value: 1, median: 0.75, sampleSize: 1 });
      // k1's first hour has not passed yet: it is no benchmark at +1 h
      expect(k2at['1h'].benchmark.deliveryRate).toMatchObject({ value: 1, median: null, sampleSize: 0 });
    });

    it('names the bad parameter and keeps tenants apart', async () => {
      await badRequest('/v1/campaigns/k2/benchmark?previous=0', 'previous');
      expect((await p.getJson(globex, '/v1/campaigns/k2/benchmark')).status).toBe(404);
      expect((await ok(globex, '/v1/campaigns/k1/benchmark')).kpis.deliveryRate.value).toBe(0);
    });
  });

  describe('GET /v1/send-time', () => {
    const cellOf = (ms: number) => {
      const d = new Date(ms);
      return d.getUTCDay() * 24 + d.getUTCHours();
    };

    it('grids the rate by hour of week of the send, with sample sizes and Wilson intervals', async () => {
      // k1: 1 clicked of 3 delivered, sent at T0; k2: 0 of 2, sent at T0+2m; k3 (whatsapp): none delivered
      const want = new Map<number, { successes: number; trials: number }>();
      for (const [ms, successes, trials] of [
        [data.T0, 1, 3],
        [data.T0 + 120_000, 0, 2],
      ] as const) {
        const c = want.get(cellOf(ms)) ?? { successes: 0, trials: 0 };
        want.set(cellOf(ms), { successes: c.successes + successes, trials: c.trials + trials });
      }
      const b = await ok(acme, '/v1/send-time?channel=sms&metric=ctr');
      expect(b.cells).toHaveLength(168);
      b.cells.forEach((c: any, i: number) => {
        expect([c.dayOfWeek * 24 + c.hour, c.successes, c.trials]).toEqual([
          i,
          want.get(i)?.successes ?? 0,
          want.get(i)?.trials ?? 0,
        ]);
      });
      const k1 = b.cells[cellOf(data.T0)];
      expect(k1.rate).toBe(k1.successes / k1.trials);
      expect(k1.interval.lower).toBeGreaterThan(0);
      expect(k1.interval.upper).toBeLessThan(1);
      expect(b.best[0]).toEqual(k1);
      const wa = await ok(acme, '/v1/send-time?channel=whatsapp&metric=replyRate');
      expect(wa.cells.reduce((s: number, c: any) => s + c.trials, 0)).toBe(0);
      expect(wa.best).toEqual([]);
    });

    it('names the bad parameter and keeps tenants apart', async () => {
      await badRequest('/v1/send-time?metric=roi', 'metric');
      await badRequest('/v1/send-time?channel=fax', 'channel');
      const g = await ok(globex, '/v1/send-time');
      expect(g.cells.reduce((s: number, c: any) => s + c.trials, 0)).toBe(0);
    });
  });

  describe('GET /v1/audience/silent-disengagement', () => {
    const silent = (key: string, q: string) => ok(key, `/v1/audience/silent-disengagement?${q}`);

    it.each([
      // r1 clicked, r4 opted out; r2 was reached twice, r3 once
      { q: 'minMessages=1', count: 2, audience: 3 },
      { q: 'minMessages=2', count: 1, audience: 3 },
      { q: 'minMessages=3', count: 0, audience: 3 },
      { q: 'minMessages=1&channel=whatsapp', count: 0, audience: 1 },
      { q: 'minMessages=1&channel=push', count: 0, audience: 0 },
    ])('$q → $count of $audience', async ({ q, count, audience }) => {
      const b = await silent(acme, q);
      expect([b.count, b.audience]).toEqual([count, audience]);
      expect(b.share).toBe(audience === 0 ? null : count / audience);
      expect(b.recipients).toHaveLength(count);
    });

    it('pages pseudonymous ids and trends by week', async () => {
      const first = await silent(acme, 'minMessages=1&limit=1&days=14');
      expect(first.recipients).toHaveLength(1);
      const second = await silent(acme, `minMessages=1&limit=1&days=14&cursor=${first.nextCursor}`);
      expect(second.nextCursor).toBeNull();
      const ids = [...first.recipients, ...second.recipients].map((r: any) => r.recipientId);
      expect(new Set(ids).size).toBe(2);
      for (const id of ids) expect(id).toMatch(/^r_[\w-]{22}$/);
      expect(second.recipients[0].lastEngagedAt).toBeNull();
      expect(first.trend.map((w: any) => [w.reached, w.silentSince])).toEqual([
        [0, 0],
        [3, 2],
      ]);
    });

    it('names the bad parameter and keeps tenants apart', async () => {
      await badRequest('/v1/audience/silent-disengagement?minMessages=4', 'minMessages');
      await badRequest('/v1/audience/silent-disengagement?days=0', 'days');
      await badRequest('/v1/audience/silent-disengagement?cursor=!!!', 'cursor');
      const g = await silent(globex, 'minMessages=1');
      expect([g.count, g.audience]).toEqual([1, 1]);
      const mine = await silent(acme, 'minMessages=1');
      expect(mine.recipients.map((r: any) => r.recipientId)).not.toContain(g.recipients[0].recipientId);
    });
  });

  describe('GET /v1/audience/frequency', () => {
    it('groups recipients by messages received, with rates and sample sizes', async () => {
      const b = await ok(acme, '/v1/audience/frequency?days=7');
      const by = Object.fromEntries(b.buckets.map((x: any) => [x.bucket, x]));
      // r3 and r4 got 1 (r4 opted out), r2 got 2, r1 got 3 and clicked
      expect(by['1']).toMatchObject({
        recipients: 2,
        optOuts: 1,
        optOutRate: 0.5,
        clickers: 0,
        clickRate: 0,
      });
      expect(by['2']).toMatchObject({
        recipients: 1,
        optOuts: 0,
        clickers: 0,
        engaged: 0,
        engagementRate: 0,
      });
      expect(by['3']).toMatchObject({ recipients: 1, clickers: 1, clickRate: 1, engaged: 1 });
      expect(by['4-5']).toMatchObject({ recipients: 0, optOutRate: null, clickRate: null });
      const total = b.buckets.reduce((s: number, x: any) => s + x.recipients, 0);
      expect(total).toBe(4);
    });

    it('names the bad parameter and keeps tenants apart', async () => {
      await badRequest('/v1/audience/frequency?days=14', 'days');
      const g = await ok(globex, '/v1/audience/frequency?days=30');
      expect(g.buckets.map((x: any) => x.recipients)).toEqual([1, 0, 0, 0, 0, 0]);
    });
  });

  describe('GET /v1/value', () => {
    it('answers revenue per reached recipient and per conversion, per currency', async () => {
      const b = await ok(acme, '/v1/value');
      expect(b).toMatchObject({
        campaigns: 3,
        revenue: { USD: 12, EUR: 5 },
        reachedRecipients: 4,
        conversions: 2,
        convertedMessages: 2,
        revenuePerReachedRecipient: { USD: 3, EUR: 1.25 },
        revenuePerConversion: { USD: 6, EUR: 2.5 },
      });
      const wa = await ok(acme, '/v1/value?channel=whatsapp');
      expect(wa).toMatchObject({
        campaigns: 1,
        revenue: {},
        reachedRecipients: 1,
        revenuePerReachedRecipient: {},
      });
    });

    it('names the bad parameter and keeps tenants apart', async () => {
      await badRequest('/v1/value?channel=fax', 'channel');
      const g = await ok(globex, '/v1/value');
      expect(g).toMatchObject({ campaigns: 1, revenue: {}, reachedRecipients: 1, conversions: 0 });
    });
  });

  it('documents every route, its parameters and responses in the OpenAPI document at /docs', async () => {
    const res = await p.query.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = res.json().paths;
    for (const path of [
      '/v1/campaigns',
      '/v1/campaigns/{id}/kpis',
      '/v1/campaigns/{id}/timeseries',
      '/v1/campaigns/{id}/benchmark',
      '/v1/audience/silent-disengagement',
      '/v1/audience/frequency',
      '/v1/send-time',
      '/v1/value',
    ])
      expect(paths[path]?.get?.responses?.['429'], path).toBeDefined();
    const params = paths['/v1/campaigns/{id}/kpis'].get.parameters.map((x: any) => x.name);
    expect(params).toEqual(expect.arrayContaining(['window', 'channel', 'segment', 'variant', 'id']));
  });

  describe('rate limit', () => {
    it('answers 429 rate_limited past the per-tenant limit, other tenants unaffected', async () => {
      const logger = createLogger({ service: 'test-api-rl', level: 'silent' });
      const deps = querySvc.createDeps(
        loadConfig(querySvc.queryApiConfigSchema, { ...p.iso.env, RATE_LIMIT_PER_MINUTE: '3' }),
        logger,
      );
      const app = await querySvc.buildApp(deps);
      // Tenants of their own: the other tests' requests count in acme's current minute.
      const busy = await p.addTenant(`busy${p.iso.id}`);
      const calm = await p.addTenant(`calm${p.iso.id}`);
      try {
        const get = (key: string) =>
          app.inject({ method: 'GET', url: '/v1/campaigns', headers: { authorization: `Bearer ${key}` } });
        const statuses: number[] = [];
        // A minute boundary can reset the window once: 8 requests cross the limit of 3 either way.
        for (let i = 0; i < 8 && !statuses.includes(429); i += 1) statuses.push((await get(busy)).statusCode);
        expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
        const limited = await get(busy);
        expect(limited.statusCode).toBe(429);
        expect(limited.json().error.code).toBe('rate_limited');
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
        expect((await get(calm)).statusCode).toBe(200);
      } finally {
        await app.close();
        await querySvc.closeDeps(deps);
      }
    });
  });
});
