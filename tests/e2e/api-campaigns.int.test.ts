/**
 * Issue 5, campaign routes: list, KPIs with filters and freshness, breakdown and time-series
 * consistency, benchmark, OpenAPI — exact answers over the scripted dataset (api-dataset.ts) on
 * the real pipeline, tenant isolation, 400s naming the parameter.
 */
import { describe, expect, it } from 'vitest';
import { COUNT_NAMES } from '@tally/kpi';
import { API_EXPECTED } from './api-dataset.ts';
import { BENCHMARK_EXPECTED } from './benchmark-dataset.ts';
import { useApiPipeline } from './api-fixture.ts';

const MESSAGE_STATUSES = ['sent', 'delivered', 'failed', 'opened', 'clicked', 'replied', 'converted'];

describe('read API: campaigns (issue 5)', () => {
  const t = useApiPipeline('apicamp');
  const { data, ok, badRequest } = t;
  describe('GET /v1/campaigns', () => {
    it('lists the tenant’s campaigns sorted by a KPI, with exact headline counts', async () => {
      const b = await ok(t.acme, '/v1/campaigns?sort=-deliveryRate');
      expect(b.campaigns.map((c: any) => c.campaignId)).toEqual(API_EXPECTED.byDeliveryRateDesc);
      expect(b.campaigns[1].counts).toMatchObject(API_EXPECTED.k1);
      expect(b.campaigns[1].rates.deliveryRate).toBe(0.75);
      expect(b.campaigns[1].rates.ctr).toBe(1 / 3);
      expect(b.campaigns[2].rates.ctr).toBeNull();
      expect(b.nextCursor).toBeNull();
    });

    it('filters by channel and by first event time', async () => {
      const sms = await ok(t.acme, '/v1/campaigns?channel=sms&sort=campaignId');
      expect(sms.campaigns.map((c: any) => c.campaignId)).toEqual(['k1', 'k2']);
      const from = new Date(data.T0 + 60_000).toISOString();
      const to = new Date(data.T0 + 3 * 60_000).toISOString();
      const late = await ok(t.acme, `/v1/campaigns?sort=campaignId&from=${from}`);
      expect(late.campaigns.map((c: any) => c.campaignId)).toEqual(['k2', 'k3']);
      const mid = await ok(t.acme, `/v1/campaigns?sort=campaignId&from=${from}&to=${to}`);
      expect(mid.campaigns.map((c: any) => c.campaignId)).toEqual(['k2']);
    });

    it('pages with an opaque cursor through every campaign exactly once', async () => {
      const seen: string[] = [];
      let url = '/v1/campaigns?sort=-deliveryRate&limit=1';
      for (let i = 0; i < 5; i += 1) {
        const b = await ok(t.acme, url);
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
      const b = await ok(t.globex, '/v1/campaigns');
      expect(b.campaigns.map((c: any) => [c.campaignId, c.counts.sent])).toEqual([['k1', 1]]);
    });
  });

  describe('GET /v1/campaigns/:id/kpis', () => {
    it('filters lifetime counts by segment, variant and channel', async () => {
      const vip = await ok(t.acme, '/v1/campaigns/k1/kpis?segment=vip');
      expect(vip.counts).toMatchObject(API_EXPECTED.k1Vip);
      expect(vip.rates.ctr).toBe(0.5);
      expect(vip.filter).toEqual({ segment: 'vip', scope: 'lifetime' });
      expect(vip.money).toBeNull();
      const regA = await ok(t.acme, '/v1/campaigns/k1/kpis?segment=regular&variant=A');
      expect(regA.counts).toMatchObject(API_EXPECTED.k1RegularA);
      const wa = await ok(t.acme, '/v1/campaigns/k1/kpis?channel=whatsapp');
      expect(wa.counts.sent).toBe(0);
      expect(wa.rates.deliveryRate).toBeNull();
      const all = await ok(t.acme, '/v1/campaigns/k1/kpis');
      expect(all.filter).toBeNull();
      expect(all.counts).toMatchObject(API_EXPECTED.k1);
    });

    it('reports freshness: caught up after settling', async () => {
      const b = await ok(t.acme, '/v1/campaigns/k1/kpis');
      expect(b.lagEvents).toBe(0);
      expect(b.freshnessMs).toBe(0);
      expect(Date.parse(b.asOf)).toBeGreaterThan(data.T0);
    });

    it('filters a rolling window’s counts by the sends’ segment and variant', async () => {
      // k1 was sent at T0 (now − 20 min); its one click, to a vip, at T0 + 18 min
      const vip5 = await ok(t.acme, '/v1/campaigns/k1/kpis?window=5m&segment=vip');
      expect(vip5.filter).toEqual({ segment: 'vip', scope: 'window' });
      expect(vip5.counts).toMatchObject({ sent: 0, delivered: 0, clicked: 1 });
      const reg5 = await ok(t.acme, '/v1/campaigns/k1/kpis?window=5m&segment=regular');
      expect(reg5.counts).toMatchObject({ sent: 0, clicked: 0 });
      const vipHour = await ok(t.acme, '/v1/campaigns/k1/kpis?window=1h&segment=vip');
      expect(vipHour.counts).toMatchObject(API_EXPECTED.k1Vip);
      const regA = await ok(t.acme, '/v1/campaigns/k1/kpis?window=1h&segment=regular&variant=A');
      expect(regA.counts).toMatchObject(API_EXPECTED.k1RegularA);
      expect(regA.rates.deliveryRate).toBe(0.5);
    });

    it('names the bad parameter', async () => {
      await badRequest('/v1/campaigns/k1/kpis?window=2h&segment=vip', 'window');
      await badRequest('/v1/campaigns/k1/kpis?window=2h', 'window');
      await badRequest('/v1/campaigns/k1/kpis?channel=fax', 'channel');
    });

    it('keeps tenants apart: same campaign id, different numbers; another’s campaign is 404', async () => {
      expect((await ok(t.globex, '/v1/campaigns/k1/kpis')).counts.sent).toBe(1);
      expect((await ok(t.globex, '/v1/campaigns/k1/kpis?segment=vip')).counts.sent).toBe(0);
      expect((await t.p.getJson(t.globex, '/v1/campaigns/k2/kpis')).status).toBe(404);
      expect((await t.p.getJson(t.globex, '/v1/campaigns/k2/breakdown?by=segment')).status).toBe(404);
    });
  });

  describe('consistency across routes', () => {
    it.each(['segment', 'variant', 'channel', 'hour_of_day'])(
      'the breakdown by %s sums to the campaign’s message counts',
      async (by) => {
        const kpis = await ok(t.acme, '/v1/campaigns/k1/kpis');
        const b = await ok(t.acme, `/v1/campaigns/k1/breakdown?by=${by}`);
        for (const status of MESSAGE_STATUSES) {
          const sum = b.groups.reduce((s: number, g: any) => s + g.counts[status], 0);
          expect(sum, status).toBe(kpis.counts[status]);
        }
      },
    );

    it.each(['all', '5m', '1h', '24h'])(
      'window=%s: the send filter on the campaign’s own channel gives the unfiltered message counts',
      async (window) => {
        const all = await ok(t.acme, `/v1/campaigns/k1/kpis?window=${window}`);
        const sms = await ok(t.acme, `/v1/campaigns/k1/kpis?window=${window}&channel=sms`);
        for (const status of MESSAGE_STATUSES) expect(sms.counts[status], status).toBe(all.counts[status]);
        expect(sms.rates.deliveryRate).toBe(all.rates.deliveryRate);
      },
    );

    it('a window’s segments sum to the window’s message counts', async () => {
      const all = await ok(t.acme, '/v1/campaigns/k1/kpis?window=1h');
      const vip = await ok(t.acme, '/v1/campaigns/k1/kpis?window=1h&segment=vip');
      const reg = await ok(t.acme, '/v1/campaigns/k1/kpis?window=1h&segment=regular');
      for (const status of MESSAGE_STATUSES)
        expect(vip.counts[status] + reg.counts[status], status).toBe(all.counts[status]);
      expect(all.counts.sent).toBe(4);
    });

    it.each(['1m', '1h'])(
      'the %s time series over the campaign’s life sums to each lifetime count (Redis + Postgres)',
      async (bucket) => {
        const kpis = await ok(t.acme, '/v1/campaigns/k1/kpis');
        for (const metric of COUNT_NAMES) {
          const ts = await ok(t.acme, `/v1/campaigns/k1/timeseries?metric=${metric}&bucket=${bucket}`);
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
      const sent = await ok(
        t.acme,
        `/v1/campaigns/k1/timeseries?metric=sent&bucket=1m&from=${from}&to=${to}`,
      );
      expect(sent.points).toHaveLength(20);
      expect(sent.points[0]).toEqual({ t: from, value: 4 });
      expect(sent.points.slice(1).every((x: any) => x.value === 0)).toBe(true);
      const clicked = await ok(
        t.acme,
        `/v1/campaigns/k1/timeseries?metric=clicked&bucket=1m&from=${from}&to=${to}`,
      );
      expect(clicked.points[18]).toEqual({ t: new Date(data.T0 + 18 * 60_000).toISOString(), value: 1 });
      expect(clicked.total).toBe(1);
    });

    it('answers a range reaching into the future with empty buckets', async () => {
      const to = new Date(data.T0 + 300 * 3_600_000).toISOString();
      const b = await ok(t.acme, `/v1/campaigns/k1/timeseries?metric=sent&bucket=1h&to=${to}`);
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
      expect((await t.p.getJson(t.globex, '/v1/campaigns/k2/timeseries?metric=sent')).status).toBe(404);
      expect((await ok(t.globex, '/v1/campaigns/k1/timeseries?metric=sent')).total).toBe(1);
    });
  });

  describe('GET /v1/campaigns/:id/benchmark', () => {
    it('compares each rate with the previous campaigns on the same channel', async () => {
      const b = await ok(t.acme, '/v1/campaigns/k2/benchmark?previous=5');
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
      // SMS without opens: not reported, so nobody's benchmark either (never 0 %)
      expect(b.notReported.openRate).toBe('SMS providers do not report opens');
      expect(b.kpis.openRate).toMatchObject({ value: null, median: null, sampleSize: 0 });
      const first = await ok(t.acme, '/v1/campaigns/k1/benchmark');
      expect(first.previous).toEqual([]);
      expect(first.kpis.deliveryRate).toMatchObject({ value: 0.75, median: null, sampleSize: 0 });
    });

    it('places a campaign among its 5 (or 6) previous ones on the same channel', async () => {
      const want5 = BENCHMARK_EXPECTED.previous5;
      const b = await ok(t.umbrella, '/v1/campaigns/b6/benchmark?previous=5');
      expect(b.previous.map((c: any) => c.campaignId)).toEqual(want5.ids);
      const d = b.kpis.deliveryRate;
      expect([d.value, d.median, d.p25, d.p75, d.percentileRank, d.sampleSize]).toEqual([
        want5.value,
        want5.median,
        want5.p25,
        want5.p75,
        want5.rank,
        5,
      ]);
      expect(d.delta).toBeCloseTo(want5.delta, 12);
      const six = (await ok(t.umbrella, '/v1/campaigns/b6/benchmark?previous=6')).kpis.deliveryRate;
      const want6 = BENCHMARK_EXPECTED.previous6;
      expect(six.sampleSize).toBe(6);
      expect(six.median).toBeCloseTo(want6.median, 12);
      expect(six.p25).toBeCloseTo(want6.p25, 12);
      expect(six.p75).toBeCloseTo(want6.p75, 12);
      expect(six.percentileRank).toBeCloseTo(want6.rank, 12);
      const wa = await ok(t.umbrella, '/v1/campaigns/wa/benchmark?previous=5');
      expect(wa.previous).toEqual([]);
    });

    it('reads the first 15 min / 1 h / 24 h from the minute rollups', async () => {
      const k1 = await ok(t.acme, '/v1/campaigns/k1/benchmark');
      const at = Object.fromEntries(k1.earlyRead.map((e: any) => [e.at, e]));
      expect(at['15m']).toMatchObject({ complete: true, counts: { sent: 4, delivered: 3, clicked: 0 } });
      expect(at['15m'].rates.ctr).toBe(0);
      expect(at['1h']).toMatchObject({ complete: false, counts: { sent: 4, delivered: 3, clicked: 1 } });
      const k2 = await ok(t.acme, '/v1/campaigns/k2/benchmark');
      const k2at = Object.fromEntries(k2.earlyRead.map((e: any) => [e.at, e]));
      expect(k2at['15m'].benchmark.deliveryRate).toMatchObject({ value: 1, median: 0.75, sampleSize: 1 });
      // k1's first hour has not passed yet: it is no benchmark at +1 h
      expect(k2at['1h'].benchmark.deliveryRate).toMatchObject({ value: 1, median: null, sampleSize: 0 });
    });

    it('names the bad parameter and keeps tenants apart', async () => {
      await badRequest('/v1/campaigns/k2/benchmark?previous=0', 'previous');
      expect((await t.p.getJson(t.globex, '/v1/campaigns/k2/benchmark')).status).toBe(404);
      expect((await ok(t.globex, '/v1/campaigns/k1/benchmark')).kpis.deliveryRate.value).toBe(0);
    });
  });

  it('documents every route, its parameters and responses in the OpenAPI document at /docs', async () => {
    const res = await t.p.query.inject({ method: 'GET', url: '/docs/json' });
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
});
