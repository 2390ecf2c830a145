/**
 * The query-api fuzz suite (issue 12): random and adversarial parameters, bodies and headers
 * (fuzz-requests.ts) thrown at every route through app.inject, with a valid key, an invalid key,
 * none or a malformed one, on a tenant that has a campaign and an audience. Never a 5xx; every
 * 4xx has the SPEC §6 error shape; the process answers afterwards.
 *
 * Bounded by default (FUZZ_RUNS runs, 10,000, and at most FUZZ_TIME_MS, 45 s); set FUZZ_RUNS higher
 * for a longer run and FUZZ_SEED to replay one (the seed and path are printed on failure).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey } from '@tally/db';
import { fuzzRequest, fuzzStreamRequest, type FuzzRequest } from './fuzz-requests.ts';
import { startApi, type Api } from './api-fixture.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const TIME_MS = Number(process.env.FUZZ_TIME_MS ?? (process.env.FUZZ_RUNS ? 3_600_000 : 45_000));
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

const DAY_MS = 86_400_000;

describe('query-api fuzz', () => {
  let api: Api;
  let key: string;

  beforeAll(async () => {
    api = await startApi({
      // the fuzzer is one client sending thousands of requests: it tests answers, not budgets
      RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_FAILURES_PER_MINUTE: '100000',
    });
    key = await api.addTenant('acme');
    await api.seedCampaign('acme', 'k1');
    await api.seedCampaign('acme', 'k2');
    const today = Math.floor(Date.now() / DAY_MS);
    await api.iso.db.pool.query(
      `INSERT INTO recipient_state(tenant_id, recipient_id, state)
       SELECT 'acme', 'r' || g, jsonb_build_object('rd:sms', $1::int || ':' || g, 'lr:sms', $2::bigint || '|k1|m' || g,
                                                   'le', CASE WHEN g % 2 = 0 THEN $2::bigint END, 'cv:sms', g % 3,
                                                   'cr:sms:USD', g * 100)
         FROM generate_series(1, 50) g`,
      [today, Date.now()],
    );
    await api.iso.db.pool.query(
      `INSERT INTO campaign_minute_counts(tenant_id, campaign_id, minute, metric, value)
       VALUES ('acme', 'k1', date_trunc('minute', now() - interval '3 days'), 'sent', 5)`,
    );
  });
  afterAll(() => api.stop());

  function authorization(r: FuzzRequest): Record<string, string> {
    switch (r.auth) {
      case 'valid':
        return { authorization: `Bearer ${key}` };
      case 'invalid':
        return { authorization: `Bearer ${newApiKey()}` };
      case 'malformed':
        return { authorization: r.malformed ?? 'Bearer' };
      case 'none':
        return {};
    }
  }

  async function send(r: FuzzRequest) {
    const res = await api.app.inject({
      method: r.method,
      url: r.url,
      headers: { ...r.headers, ...authorization(r) },
      ...(r.payload !== undefined ? { payload: r.payload } : {}),
    });
    const where = `${r.method} ${r.url.slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
    if (res.statusCode >= 500) throw new Error(`5xx: ${where}`);
    if (res.statusCode >= 400) {
      let body: unknown;
      try {
        body = res.json();
      } catch {
        throw new Error(`4xx without a JSON body: ${where}`);
      }
      const e = (body as { error?: { code?: unknown; message?: unknown } }).error;
      if (
        typeof e?.code !== 'string' ||
        typeof e.message !== 'string' ||
        Object.keys(body as object).length !== 1
      )
        throw new Error(`4xx without the error shape: ${where}`);
    }
    if (r.auth !== 'valid' && r.url.startsWith('/v1/') && res.statusCode < 400)
      throw new Error(`answered without a valid key: ${where}`);
  }

  it('answers every request without a 5xx, every 4xx in the error shape', async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 20, arbitrary: fuzzRequest }, { weight: 1, arbitrary: fuzzStreamRequest }),
        send,
      ),
      {
        numRuns: RUNS,
        interruptAfterTimeLimit: TIME_MS,
        markInterruptAsFailure: false,
        ...(SEED === undefined ? {} : { seed: SEED }),
      },
    );
    expect(Date.now() - started).toBeLessThan(TIME_MS + 15_000);
  }, 3_600_000);

  it('still answers afterwards', async () => {
    expect((await api.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const res = await api.call(key, 'GET', '/v1/campaigns?sort=campaignId');
    expect(res.status).toBe(200);
    expect(res.body.campaigns.map((c: { campaignId: string }) => c.campaignId)).toEqual(['k1', 'k2']);
  });
});
