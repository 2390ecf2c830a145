/**
 * The demo generator as load (@tally/demo, scenario `demo`): signed Twilio, WhatsApp, Vonage and
 * Infobip webhooks, sender batches on /v1/events, tracked links minted and followed, provider
 * retries and late receipts — the mix a real tenant sends — at a fixed offered rate, through the
 * real ingest process. The figure is the accepted event rate against the offered one (the
 * baseline here), with request latency and how far the generator fell behind its schedule.
 * Every request must be accepted (2xx, 302 for a follow).
 */
import { runDemoLoad, seedCredentials } from '../lib/demo-load.ts';
import { benchEnv, dropBenchDatabase, startAll, type Running } from '../lib/processes.ts';
import type { Figure } from '../lib/report.ts';
import { benchTenant } from '../lib/tenant.ts';

export async function ingestMix(mode: 'quick' | 'full'): Promise<Figure[]> {
  const env = await benchEnv('mix');
  const apiKey = await benchTenant(env);
  const credentials = await seedCredentials(env, 'bench');
  const rate = mode === 'quick' ? 500 : 1500;
  const durationS = mode === 'quick' ? 5 : 30;
  const [ingest] = (await startAll([{ script: 'services/ingest/dist/main.js', env, cpu: '0' }])) as [Running];
  try {
    const load = (seconds: number) =>
      runDemoLoad({
        ingestUrl: `http://127.0.0.1:${ingest.port}`,
        publicBaseUrl: env.PUBLIC_BASE_URL ?? '',
        tenant: 'bench',
        apiKey,
        credentials,
        scenario: 'demo',
        rate,
        durationS: seconds,
        concurrency: 64,
        cpu: '1',
      });
    if (mode === 'full') await load(3); // warm-up: JIT, connections, Kafka metadata
    const s = await load(durationS);
    if (s.refused > 0 || s.errors > 0)
      throw new Error(`ingest refused ${s.refused} and failed ${s.errors} of ${s.requests} requests`);
    const seconds = s.elapsedMs / 1000;
    const accepted = s.eventsTotal / seconds;
    const ratio = accepted / rate;
    const scenario = `ingest mixed provider traffic (demo generator, ${rate} ev/s offered, ${durationS} s)`;
    const kinds = Object.entries(s.byKind)
      .map(([k, v]) => `${k} ${v.requests}`)
      .join(', ');
    return [
      {
        scenario,
        metric: 'events/s accepted',
        value: accepted,
        baseline: rate,
        ratio,
        unit: 'ev/s',
        goal: 'ratio >= 0.95',
        met: ratio >= 0.95,
        note: `${s.eventsTotal} events in ${s.requests} requests (${kinds}), ${s.retries} provider retries, all accepted`,
      },
      { scenario, metric: 'requests/s', value: s.requests / seconds, unit: 'req/s' },
      { scenario, metric: 'p50 latency', value: s.latencyMs.p50, unit: 'ms' },
      { scenario, metric: 'p99 latency', value: s.latencyMs.p99, unit: 'ms' },
      { scenario, metric: 'generator behind schedule (max)', value: s.maxLagMs, unit: 'ms' },
    ];
  } finally {
    await ingest.stop();
    await dropBenchDatabase(env);
  }
}
