/**
 * The shared setup of the read-API tests (issue 5): a pipeline of their own, the scripted datasets
 * of api-dataset.ts, audience-dataset.ts and benchmark-dataset.ts posted and applied, a snapshot taken (so the Postgres copies exist), and
 * helpers. Minutes older than 10 minutes are read from the Postgres rollups
 * (TIMESERIES_LIVE_MINUTES=10), so time series cross the Redis/Postgres seam.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { startPipeline, type Pipeline } from './harness.ts';
import { apiDataset } from './api-dataset.ts';
import { audienceDataset } from './audience-dataset.ts';
import { benchmarkDataset } from './benchmark-dataset.ts';

export interface ApiContext {
  p: Pipeline;
  acme: string;
  globex: string;
  /** The audience and value dataset's tenant (audience-dataset.ts). */
  initech: string;
  /** The benchmark dataset's tenant (benchmark-dataset.ts). */
  umbrella: string;
  data: ReturnType<typeof apiDataset>;
  ok: (key: string, url: string) => Promise<any>;
  badRequest: (url: string, param: string) => Promise<void>;
}

/** Registers beforeAll/afterAll; the returned context is filled in once beforeAll has run. */
export function useApiPipeline(label: string): ApiContext {
  const ctx = { data: apiDataset(Date.now()) } as ApiContext;
  const audience = audienceDataset(Date.now());
  ctx.ok = async (key, url) => {
    const res = await ctx.p.getJson(key, url);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  ctx.badRequest = async (url, param) => {
    const res = await ctx.p.getJson(ctx.acme, url);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toContain(param);
  };
  beforeAll(async () => {
    // The audience history reaches 45 days back (relative to the run: audience-dataset.ts).
    const p = await startPipeline(label, { TIMESERIES_LIVE_MINUTES: '10' }, { maxAgeMs: 47 * 86_400_000 });
    ctx.p = p;
    ctx.acme = await p.addTenant(`acme${p.iso.id}`);
    ctx.globex = await p.addTenant(`globex${p.iso.id}`);
    ctx.initech = await p.addTenant(`initech${p.iso.id}`);
    ctx.umbrella = await p.addTenant(`umbrella${p.iso.id}`);
    // The datasets reach back months (audience periods, previous campaigns): like a tenant that
    // imports its history, these tenants accept events that old (docs/semantics.md §0).
    for (const t of ['acme', 'globex', 'initech', 'umbrella'])
      await p.iso.db.pool.query('INSERT INTO tenant_attribution(tenant_id, horizon_s) VALUES ($1, $2)', [
        `${t}${p.iso.id}`,
        200 * 86_400,
      ]);
    expect((await p.postEvents(ctx.acme, ctx.data.acme)).status).toBe(202);
    expect((await p.postEvents(ctx.globex, ctx.data.globex)).status).toBe(202);
    expect((await p.postEvents(ctx.initech, audience.events)).status).toBe(202);
    expect((await p.postEvents(ctx.umbrella, benchmarkDataset(Date.now()))).status).toBe(202);
    await p.settle();
    expect((await p.postEvents(ctx.acme, ctx.data.acmeLater)).status).toBe(202);
    expect((await p.postEvents(ctx.initech, audience.later)).status).toBe(202);
    await p.settle();
    await p.aggregator.snapshot();
  });
  afterAll(async () => {
    await ctx.p?.stop();
  });
  return ctx;
}
