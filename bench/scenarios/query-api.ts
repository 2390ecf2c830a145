/**
 * GET /v1/campaigns/:id/kpis (and /breakdown when the route exists) on the real query-api process
 * over a campaign of 10,000 messages, at fixed concurrency, against a bare Fastify GET answering
 * a KPI-sized JSON.
 */
import { Redis } from 'ioredis';
import { applyEvents } from '@tally/counters';
import type { CanonicalEvent } from '@tally/events';
import { runLoad } from '../lib/load.ts';
import { benchEnv, dropBenchDatabase, freePort, startProcess } from '../lib/processes.ts';
import type { Figure } from '../lib/report.ts';
import { benchTenant } from '../lib/tenant.ts';

async function prefill(redisUrl: string, prefix: string, messages: number): Promise<void> {
  const redis = new Redis(redisUrl);
  const types = ['sent', 'delivered', 'opened', 'clicked'] as const;
  for (let start = 0; start < messages; start += 500) {
    const batch: CanonicalEvent[] = [];
    for (let i = start; i < Math.min(messages, start + 500); i++) {
      for (const type of types.slice(0, 1 + (i % 4))) {
        batch.push({
          eventId: `${type}-${i}`,
          tenantId: 'bench',
          type,
          occurredAt: new Date(Date.UTC(2026, 10, 26, 10, i % 60)).toISOString(),
          channel: 'sms',
          campaignId: 'bench',
          messageId: `m${i}`,
          segment: `s${i % 3}`,
          variant: i % 2 ? 'A' : 'B',
        });
      }
    }
    await applyEvents(redis, batch, { prefix, messageTtlSeconds: 3600, dedupeTtlSeconds: 3600 });
  }
  await redis.quit();
}

export async function queryApi(mode: 'quick' | 'full'): Promise<Figure[]> {
  const env = await benchEnv('qry');
  const key = await benchTenant(env);
  await prefill(env.REDIS_URL, env.REDIS_PREFIX, 10_000);
  const durationS = mode === 'quick' ? 3 : 15;
  const api = await startProcess('services/query-api/src/main.ts', env, freePort(), '0');
  const bare = await startProcess('bench/lib/bare-server.ts', {}, freePort(), '0');
  const figures: Figure[] = [];
  try {
    const common = { connections: 10, durationS, cpu: '1' };
    const base = await runLoad({ ...common, url: `http://127.0.0.1:${bare.port}/json` });
    const routes: [string, string][] = [['kpis', '/v1/campaigns/bench/kpis?window=all']];
    const probe = await fetch(`http://127.0.0.1:${api.port}/v1/campaigns/bench/breakdown?by=segment`, {
      headers: { authorization: `Bearer ${key}` },
    });
    if (probe.ok) routes.push(['breakdown', '/v1/campaigns/bench/breakdown?by=segment']);
    for (const [name, path] of routes) {
      const r = await runLoad({
        ...common,
        url: `http://127.0.0.1:${api.port}${path}`,
        headers: { authorization: `Bearer ${key}` },
      });
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      const scenario = `query-api GET /${name} (10 connections)`;
      figures.push(
        {
          scenario,
          metric: 'requests/s',
          value: r.requestsPerSec,
          baseline: base.requestsPerSec,
          ratio: r.requestsPerSec / base.requestsPerSec,
          unit: 'req/s',
          goal: 'ratio >= 0.5',
          met: r.requestsPerSec / base.requestsPerSec >= 0.5,
        },
        { scenario, metric: 'p50 latency', value: r.latencyP50Ms, baseline: base.latencyP50Ms, unit: 'ms' },
        {
          scenario,
          metric: 'p99 latency',
          value: r.latencyP99Ms,
          baseline: base.latencyP99Ms,
          unit: 'ms',
          goal: 'p99 <= 10 ms',
          met: r.latencyP99Ms <= 10,
        },
      );
    }
    return figures;
  } finally {
    await api.stop();
    await bare.stop();
    await dropBenchDatabase(env);
  }
}
