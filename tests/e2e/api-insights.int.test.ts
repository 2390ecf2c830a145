/**
 * Issue 5, cross-campaign routes: send time, audiences, value, and the per-tenant rate limit —
 * exact answers over the scripted dataset (api-dataset.ts) on the real pipeline, tenant
 * isolation, 400s naming the parameter, 429.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@tally/config';
import { createLogger } from '@tally/logging';
import * as querySvc from '@tally/query-api';
import { useApiPipeline } from './api-fixture.ts';
import { AUDIENCE_EXPECTED } from './audience-dataset.ts';

describe('read API: audiences, send time, value, rate limit (issue 5)', () => {
  const t = useApiPipeline('apiins');
  const { data, ok, badRequest } = t;
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
      const b = await ok(t.acme, '/v1/send-time?channel=sms&metric=ctr');
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
      const wa = await ok(t.acme, '/v1/send-time?channel=whatsapp&metric=replyRate');
      expect(wa.cells.reduce((s: number, c: any) => s + c.trials, 0)).toBe(0);
      expect(wa.best).toEqual([]);
    });

    it('names the bad parameter and keeps tenants apart', async () => {
      await badRequest('/v1/send-time?metric=roi', 'metric');
      await badRequest('/v1/send-time?channel=fax', 'channel');
      const g = await ok(t.globex, '/v1/send-time');
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
      const b = await silent(t.acme, q);
      expect([b.count, b.audience]).toEqual([count, audience]);
      expect(b.share).toBe(audience === 0 ? null : count / audience);
      expect(b.recipients).toHaveLength(count);
    });

    it('pages pseudonymous ids and trends by week', async () => {
      const first = await silent(t.acme, 'minMessages=1&limit=1&days=14');
      expect(first.recipients).toHaveLength(1);
      const second = await silent(t.acme, `minMessages=1&limit=1&days=14&cursor=${first.nextCursor}`);
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

    it.each(AUDIENCE_EXPECTED.silent)(
      'counts reaches per day over the period: $q → $count of $audience',
      async ({ q, count, audience }) => {
        const b = await silent(t.initech, q);
        expect([b.count, b.audience, b.recipients.length]).toEqual([count, audience, count]);
      },
    );

    it('lists each silent recipient with its reaches in the period, and trends by week', async () => {
      const b = await silent(t.initech, 'days=30&minMessages=5');
      expect(b.recipients.map((r: any) => r.reachesInPeriod).sort((x: number, y: number) => x - y)).toEqual(
        AUDIENCE_EXPECTED.silentReaches,
      );
      for (const r of b.recipients) {
        expect(r.lastEngagedAt).toBeNull();
        expect(Date.parse(r.lastReachAt)).toBeGreaterThanOrEqual(Date.parse(b.from));
      }
      const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
      expect(b.from).toBe(new Date(today - 29 * 86_400_000).toISOString());
      const w = await silent(t.initech, 'days=14&minMessages=1');
      expect(w.trend.map((x: any) => [x.reached, x.silentSince])).toEqual(AUDIENCE_EXPECTED.trend14);
      expect(w.trend.map((x: any) => x.weekStart)).toEqual([
        new Date(today - 13 * 86_400_000).toISOString(),
        new Date(today - 6 * 86_400_000).toISOString(),
      ]);
    });

    it('names the bad parameter and keeps tenants apart', async () => {
      await badRequest('/v1/audience/silent-disengagement?minMessages=0', 'minMessages');
      await badRequest('/v1/audience/silent-disengagement?days=91', 'days');
      await badRequest('/v1/audience/silent-disengagement?days=0', 'days');
      await badRequest('/v1/audience/silent-disengagement?cursor=!!!', 'cursor');
      const g = await silent(t.globex, 'minMessages=1');
      expect([g.count, g.audience]).toEqual([1, 1]);
      const mine = await silent(t.acme, 'minMessages=1');
      expect(mine.recipients.map((r: any) => r.recipientId)).not.toContain(g.recipients[0].recipientId);
    });
  });

  describe('GET /v1/audience/frequency', () => {
    it('groups recipients by messages received, with rates and sample sizes', async () => {
      const b = await ok(t.acme, '/v1/audience/frequency?days=7');
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

    it.each([7, 30] as const)('fills every bucket from messages per day (days=%s)', async (days) => {
      const b = await ok(t.initech, `/v1/audience/frequency?days=${days}`);
      const got = Object.fromEntries(
        b.buckets.map((x: any) => [x.bucket, [x.recipients, x.optOuts, x.clickers, x.repliers, x.engaged]]),
      );
      expect(got).toEqual(AUDIENCE_EXPECTED.frequency[days]);
      for (const x of b.buckets) {
        expect(x.replyRate).toBe(x.recipients === 0 ? null : x.repliers / x.recipients);
        expect(x.optOutRate).toBe(x.recipients === 0 ? null : x.optOuts / x.recipients);
      }
    });

    it('names the bad parameter and keeps tenants apart', async () => {
      await badRequest('/v1/audience/frequency?days=13', 'days');
      const g = await ok(t.globex, '/v1/audience/frequency?days=30');
      expect(g.buckets.map((x: any) => x.recipients)).toEqual([1, 0, 0, 0, 0, 0]);
    });
  });

  describe('GET /v1/value', () => {
    it('answers revenue per reached recipient and per conversion, per currency', async () => {
      const b = await ok(t.acme, '/v1/value');
      expect(b).toMatchObject({
        campaigns: 3,
        revenue: { USD: 12, EUR: 5 },
        reachedRecipients: 4,
        conversions: 2,
        convertedMessages: 2,
        revenuePerReachedRecipient: { USD: 3, EUR: 1.25 },
        revenuePerConversion: { USD: 6, EUR: 2.5 },
        // both conversions are r1's
        convertingRecipients: 1,
        repeatConverters: 1,
        repeatConversionRate: 1,
        revenuePerConvertingRecipient: { USD: 12, EUR: 5 },
      });
      const wa = await ok(t.acme, '/v1/value?channel=whatsapp');
      expect(wa).toMatchObject({
        campaigns: 1,
        revenue: {},
        reachedRecipients: 1,
        revenuePerReachedRecipient: {},
      });
    });

    it('answers revenue per converting recipient and the repeat-conversion rate', async () => {
      const all = await ok(t.initech, '/v1/value');
      const { revenue, ...rest } = AUDIENCE_EXPECTED.value.all;
      expect(all).toMatchObject({ ...rest, revenue, convertingRecipientRevenue: revenue, conversions: 5 });
      const wa = await ok(t.initech, '/v1/value?channel=whatsapp');
      const w = AUDIENCE_EXPECTED.value.whatsapp;
      expect(wa).toMatchObject({ ...w, convertingRecipientRevenue: w.revenue, campaigns: 1, conversions: 1 });
    });

    it('names the bad parameter and keeps tenants apart', async () => {
      await badRequest('/v1/value?channel=fax', 'channel');
      const g = await ok(t.globex, '/v1/value');
      expect(g).toMatchObject({
        campaigns: 1,
        revenue: {},
        reachedRecipients: 1,
        conversions: 0,
        convertingRecipients: 0,
        repeatConversionRate: null,
        revenuePerConvertingRecipient: {},
      });
    });
  });

  describe('rate limit', () => {
    it('answers 429 rate_limited past the per-tenant limit, other tenants unaffected', async () => {
      const logger = createLogger({ service: 'test-api-rl', level: 'silent' });
      const deps = querySvc.createDeps(
        loadConfig(querySvc.queryApiConfigSchema, { ...t.p.iso.env, RATE_LIMIT_PER_MINUTE: '3' }),
        logger,
      );
      const app = await querySvc.buildApp(deps);
      // Tenants of their own: the other tests' requests count in t.acme's current minute.
      const busy = await t.p.addTenant(`busy${t.p.iso.id}`);
      const calm = await t.p.addTenant(`calm${t.p.iso.id}`);
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
