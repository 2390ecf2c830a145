/**
 * The dashboard tests' stack: ingest, aggregator and query-api of their own (harness.ts) with
 * query-api listening on a real port so a browser can load the dashboard from it, the demo key
 * installed for the test's tenant, dataset.ts posted through ingest and applied, a snapshot taken
 * (the audience routes read it), and Chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import { addApiKey, createTenant } from '@tally/db';
import { startPipeline, type Pipeline } from '../harness.ts';
import { launchBrowser, type Browser } from './browser.ts';
import { dashboardDataset, type Ev } from './dataset.ts';

export const DEMO_KEY = 'tly_demo_local_only_do_not_use_in_production';
const DASHBOARD = fileURLToPath(new URL('../../../services/dashboard/', import.meta.url));

export interface DashboardContext {
  p: Pipeline;
  key: string;
  base: string;
  browser: Browser;
  api(url: string): Promise<any>;
  post(events: Ev[]): Promise<void>;
}

/** The build query-api serves; made here when missing (./tally's install step makes it). */
function ensureBuilt(): void {
  if (existsSync(`${DASHBOARD}dist/index.html`)) return;
  execFileSync('pnpm', ['--filter', '@tally/dashboard', 'build'], { stdio: 'inherit' });
}

export function useDashboard(label: string): DashboardContext {
  const ctx = {} as DashboardContext;
  beforeAll(async () => {
    ensureBuilt();
    const p = await startPipeline(label, { ALERT_EVAL_INTERVAL_MS: '200' });
    ctx.p = p;
    const tenant = `dash${p.iso.id}`
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, '')
      .slice(0, 60);
    await createTenant(p.iso.db.pool, tenant, 'Dashboard test');
    ctx.key = await addApiKey(p.iso.db.pool, tenant, { key: DEMO_KEY });
    ctx.post = async (events) => {
      for (let i = 0; i < events.length; i += 1000) {
        const res = await p.postEvents(ctx.key, events.slice(i, i + 1000));
        expect(res.status, JSON.stringify(res.body)).toBe(202);
      }
      await p.settle();
    };
    ctx.api = async (url) => {
      const res = await p.getJson(ctx.key, url);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    const data = dashboardDataset(Date.now());
    await ctx.post(data.events);
    await ctx.post(data.later);
    await p.aggregator.snapshot();
    await p.query.listen({ port: 0, host: '127.0.0.1' });
    ctx.base = `http://127.0.0.1:${(p.query.server.address() as AddressInfo).port}`;
    ctx.browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.p?.stop();
  });
  return ctx;
}
