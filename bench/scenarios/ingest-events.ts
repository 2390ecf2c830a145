/**
 * POST /v1/events with batches of 100 events through the real ingest process (auth, validation,
 * pseudonymization, one Kafka produce with acks=all per request), against the bare Fastify route
 * parsing the same JSON body.
 */
import { runLoad } from '../lib/load.ts';
import { benchEnv, dropBenchDatabase, startAll, type Running } from '../lib/processes.ts';
import type { Figure } from '../lib/report.ts';
import { benchTenant } from '../lib/tenant.ts';

export async function ingestEvents(mode: 'quick' | 'full'): Promise<Figure[]> {
  const env = await benchEnv('ing');
  const key = await benchTenant(env);
  const events = Array.from({ length: 100 }, (_, i) => ({
    eventId: `e${i}`,
    type: i % 2 ? 'delivered' : 'sent',
    occurredAt: '2026-11-26T10:00:00Z',
    channel: 'sms',
    campaignId: 'bench',
    messageId: `m${i}`,
    recipientId: `+1500555${String(i).padStart(4, '0')}`,
  }));
  const body = JSON.stringify({ events });
  const durationS = mode === 'quick' ? 3 : 20;
  const [ingest, bare] = (await startAll([
    { script: 'services/ingest/dist/main.js', env, cpu: '0' },
    { script: 'bench/lib/bare-server.ts', env: {}, cpu: '0' },
  ])) as [Running, Running];
  try {
    const common = { method: 'POST' as const, body, connections: 10, durationS, cpu: '1' };
    const base = await runLoad({
      ...common,
      url: `http://127.0.0.1:${bare.port}/json`,
      headers: { 'content-type': 'application/json' },
    });
    const real = await runLoad({
      ...common,
      url: `http://127.0.0.1:${ingest.port}/v1/events`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    });
    if (real.non2xx > 0 || real.errors > 0)
      throw new Error(`ingest answered ${real.non2xx} non-2xx and ${real.errors} errors`);
    return [
      {
        scenario: 'ingest POST /v1/events (100/batch)',
        metric: 'events/s',
        value: real.requestsPerSec * 100,
        baseline: base.requestsPerSec * 100,
        ratio: real.requestsPerSec / base.requestsPerSec,
        unit: 'ev/s',
      },
      {
        scenario: 'ingest POST /v1/events (100/batch)',
        metric: 'p50 latency',
        value: real.latencyP50Ms,
        baseline: base.latencyP50Ms,
        unit: 'ms',
      },
      {
        scenario: 'ingest POST /v1/events (100/batch)',
        metric: 'p99 latency',
        value: real.latencyP99Ms,
        baseline: base.latencyP99Ms,
        unit: 'ms',
      },
    ];
  } finally {
    await ingest.stop();
    await bare.stop();
    await dropBenchDatabase(env);
  }
}
