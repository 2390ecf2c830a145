/**
 * End-to-end freshness: at a fixed offered load (2,000 events/s: a batch of 100 every 50 ms), the
 * time from ingest's 202 for a batch to query-api's KPIs including it. All three services run as
 * their own processes; a poller reads /kpis every 10 ms.
 */
import { benchEnv, dropBenchDatabase, startAll, type Running } from '../lib/processes.ts';
import type { Figure } from '../lib/report.ts';
import { summarize } from '../lib/stats.ts';
import { benchTenant } from '../lib/tenant.ts';

export async function freshness(mode: 'quick' | 'full'): Promise<Figure[]> {
  const env = await benchEnv('fresh');
  const key = await benchTenant(env);
  const durationS = mode === 'quick' ? 5 : 60;
  const [aggregator, ingest, api] = (await startAll([
    { script: 'services/aggregator/src/main.ts', env: { ...env, SNAPSHOT_INTERVAL_MS: '5000' } },
    { script: 'services/ingest/src/main.ts', env },
    { script: 'services/query-api/src/main.ts', env },
  ])) as [Running, Running, Running];
  const auth = { authorization: `Bearer ${key}` };
  const acked: { count: number; at: number }[] = [];
  const latencies: number[] = [];
  let seen = 0;
  let running = true;
  let sent = 0;
  let lastAck = performance.now();

  const poller = (async () => {
    while (running || acked.length > 0) {
      const res = await fetch(`http://127.0.0.1:${api.port}/v1/campaigns/fresh/kpis`, { headers: auth });
      if (res.ok) {
        const body = (await res.json()) as { counts: { sent: number } };
        const now = performance.now();
        seen = body.counts.sent;
        while (acked.length > 0 && (acked[0]?.count ?? Infinity) <= seen)
          latencies.push(now - (acked.shift()?.at ?? now));
      }
      if (!running && performance.now() - lastAck > 10_000) break;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();

  const started = performance.now();
  let batchNo = 0;
  const posts: Promise<void>[] = [];
  while (performance.now() - started < durationS * 1000) {
    const n = batchNo++;
    const events = Array.from({ length: 100 }, (_, i) => ({
      eventId: `f${n}-${i}`,
      type: 'sent',
      occurredAt: new Date().toISOString(),
      channel: 'sms',
      campaignId: 'fresh',
      messageId: `f${n}-${i}`,
    }));
    posts.push(
      fetch(`http://127.0.0.1:${ingest.port}/v1/events`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
      }).then(async (res) => {
        if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
        sent += 100;
        lastAck = performance.now();
        acked.push({ count: sent, at: lastAck });
        acked.sort((a, b) => a.count - b.count);
      }),
    );
    const next = started + batchNo * 50;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  await Promise.all(posts);
  running = false;
  await poller;
  await Promise.all([api.stop(), ingest.stop(), aggregator.stop()]);
  await dropBenchDatabase(env);
  if (seen !== sent) throw new Error(`query-api shows ${seen} sends, ${sent} were acknowledged`);
  const s = summarize(latencies);
  const scenario = `end-to-end freshness (2,000 ev/s offered, ${durationS} s)`;
  return [
    { scenario, metric: 'p50 ack → KPI', value: s.p50, unit: 'ms' },
    {
      scenario,
      metric: 'p99 ack → KPI',
      value: s.p99,
      unit: 'ms',
      goal: 'p99 <= 1000 ms',
      met: s.p99 <= 1000,
    },
    { scenario, metric: 'events acknowledged', value: sent, unit: 'events', note: `all ${sent} counted` },
  ];
}
