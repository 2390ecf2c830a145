/**
 * GET /v1/campaigns/:id/kpis (and /breakdown when the route exists) on the real query-api process
 * over a campaign of 10,000 messages (2,000 in quick mode), at fixed concurrency, against a bare Fastify GET answering
 * a KPI-sized JSON.
 */
import { runLoad } from '../lib/load.ts';
import { benchEnv, dropBenchDatabase, startAll, type BenchEnv, type Running } from '../lib/processes.ts';
import type { Figure } from '../lib/report.ts';
import { benchTenant } from '../lib/tenant.ts';

/** Fills the campaign through the real pipeline (ingest → Kafka → aggregator), then stops both. */
async function prefill(env: BenchEnv, key: string, messages: number): Promise<void> {
  const [aggregator, ingest, api] = (await startAll([
    { script: 'services/aggregator/dist/main.js', env },
    { script: 'services/ingest/dist/main.js', env },
    { script: 'services/query-api/dist/main.js', env },
  ])) as [Running, Running, Running];
  const auth = { authorization: `Bearer ${key}` };
  try {
    const types = ['sent', 'delivered', 'opened', 'clicked'] as const;
    let batch: Record<string, unknown>[] = [];
    const post = async () => {
      const res = await fetch(`http://127.0.0.1:${ingest.port}/v1/events`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ events: batch }),
      });
      if (res.status !== 202) throw new Error(`prefill: ingest answered ${res.status}`);
      batch = [];
    };
    for (let i = 0; i < messages; i++) {
      for (const type of types.slice(0, 1 + (i % 4))) {
        batch.push({
          eventId: `${type}-${i}`,
          type,
          occurredAt: new Date(Date.now() - (i % 60) * 60_000).toISOString(),
          channel: 'sms',
          campaignId: 'bench',
          messageId: `m${i}`,
          recipientId: `+1500555${String(i % 10_000).padStart(4, '0')}`,
          ...(type === 'sent'
            ? { segment: `s${i % 3}`, variant: i % 2 ? 'A' : 'B', sender: '+15005550000' }
            : {}),
        });
        if (batch.length === 1000) await post();
      }
    }
    if (batch.length > 0) await post();
    const deadline = Date.now() + 120_000;
    for (;;) {
      const res = await fetch(`http://127.0.0.1:${api.port}/v1/campaigns/bench/kpis`, { headers: auth });
      const body = res.ok ? ((await res.json()) as { counts: { sent: number } }) : undefined;
      if (body?.counts.sent === messages) break;
      if (Date.now() > deadline)
        throw new Error(`prefill: ${body?.counts.sent ?? 0} of ${messages} sends counted`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await Promise.all([api.stop(), ingest.stop(), aggregator.stop()]);
  }
}

export async function queryApi(mode: 'quick' | 'full'): Promise<Figure[]> {
  const env = await benchEnv('qry');
  const key = await benchTenant(env);
  const messages = mode === 'quick' ? 2_000 : 10_000;
  await prefill(env, key, messages);
  const durationS = mode === 'quick' ? 3 : 15;
  const [api, bare] = (await startAll([
    { script: 'services/query-api/dist/main.js', env, cpu: '0' },
    { script: 'bench/lib/bare-server.ts', env: {}, cpu: '0' },
  ])) as [Running, Running];
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
