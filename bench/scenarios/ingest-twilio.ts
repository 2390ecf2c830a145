/**
 * Twilio status callbacks through the real ingest process — tenant credentials from Postgres,
 * signature verification over the raw form body, normalization, pseudonymization, one Kafka
 * produce acknowledged by all in-sync replicas per request — against the bare Fastify route that
 * only parses the same form body. Every request must be answered 2xx (= acked by Kafka).
 */
import { createPool } from '@tally/db';
import { parseCredentialsKey, setCredentials } from '@tally/ingest';
import { runLoad, type LoadOptions } from '../lib/load.ts';
import { benchEnv, dropBenchDatabase, startAll, type BenchEnv, type Running } from '../lib/processes.ts';
import type { Figure } from '../lib/report.ts';
import { benchTenant } from '../lib/tenant.ts';

const AUTH_TOKEN = 'bench-twilio-auth-token';

async function twilioCredentials(env: BenchEnv): Promise<void> {
  const pool = createPool({ connectionString: env.DATABASE_URL, max: 1 });
  try {
    const key = parseCredentialsKey(env.CREDENTIALS_KEY ?? '');
    await setCredentials(pool, key, 'bench', 'twilio', { authToken: AUTH_TOKEN }, 0);
  } finally {
    await pool.end();
  }
}

export async function ingestTwilio(mode: 'quick' | 'full'): Promise<Figure[]> {
  const env = await benchEnv('tw');
  await benchTenant(env);
  await twilioCredentials(env);
  const durationS = mode === 'quick' ? 3 : 20;
  const [ingest, bare] = (await startAll([
    { script: 'services/ingest/dist/main.js', env, cpu: '0' },
    { script: 'bench/lib/bare-server.ts', env: {}, cpu: '0' },
  ])) as [Running, Running];
  try {
    const load = (port: number, path: string, seconds: number) => {
      const opts: LoadOptions = {
        url: `http://127.0.0.1:${port}`,
        connections: 20,
        durationS: seconds,
        cpu: '1',
        twilio: { path, authToken: AUTH_TOKEN, publicBaseUrl: env.PUBLIC_BASE_URL ?? '' },
      };
      return runLoad(opts);
    };
    const ingestPath = '/webhooks/twilio/bench?campaign=bench';
    // Warm-up (JIT, connections, Kafka metadata), then the same load on each.
    if (mode === 'full') await load(bare.port, '/form', 1);
    await load(ingest.port, ingestPath, mode === 'quick' ? 1 : 3);
    const base = await load(bare.port, '/form', durationS);
    const real = await load(ingest.port, ingestPath, durationS);
    if (real.non2xx > 0 || real.errors > 0)
      throw new Error(`ingest answered ${real.non2xx} non-2xx and ${real.errors} errors`);
    const scenario = 'ingest Twilio status callbacks (20 connections)';
    const ratio = real.requestsPerSec / base.requestsPerSec;
    return [
      {
        scenario,
        metric: 'requests/s, all acked by Kafka',
        value: real.requestsPerSec,
        baseline: base.requestsPerSec,
        ratio,
        unit: 'req/s',
        goal: 'ratio >= 0.5',
        met: ratio >= 0.5,
        note: `${real.total} requests, 0 non-2xx`,
      },
      { scenario, metric: 'p50 latency', value: real.latencyP50Ms, baseline: base.latencyP50Ms, unit: 'ms' },
      { scenario, metric: 'p99 latency', value: real.latencyP99Ms, baseline: base.latencyP99Ms, unit: 'ms' },
    ];
  } finally {
    await ingest.stop();
    await bare.stop();
    await dropBenchDatabase(env);
  }
}
