/**
 * Alert latency benchmark (not a test): time from the data that crosses an opt-out threshold to
 * the webhook notification arriving at a local receiver, over N spikes; prints p50 and max.
 *
 *   eval "$(bash infra/native/stack.sh env)"; npx tsx bench/alert-latency.ts [spikes=20]
 *
 * It runs one query-api instance (evaluator + sender, default intervals unless ALERT_* env is set)
 * on a database of its own (created from DATABASE_URL's server, migrated, dropped at the end).
 * The crossing data goes through a `SpikeDriver`: here one that writes the window counts straight
 * into an AlertCountsSource, so it measures evaluation + transition + outbox + HTTP. To measure the
 * whole pipeline, swap in a driver that posts the events to ingest and pass the Redis window
 * source as `alertSource` (SPEC §7 target: under 5 s).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../packages/config/src/index.ts';
import { addApiKey, createPool, createTenant, migrate } from '../packages/db/src/index.ts';
import type { WindowCounts } from '../packages/kpi/src/index.ts';
import { createLogger } from '../packages/logging/src/index.ts';
import {
  buildApp,
  closeDeps,
  createDeps,
  queryApiConfigSchema,
  type ActiveScope,
  type AlertCountsSource,
  type AlertScope,
} from '../services/query-api/src/index.ts';

/** Makes one campaign's opt-out rate cross the threshold. */
export interface SpikeDriver {
  source: AlertCountsSource;
  spike(tenantId: string, campaignId: string): Promise<void>;
}

function feedDriver(): SpikeDriver {
  const rows = new Map<string, { active: ActiveScope; counts: WindowCounts }>();
  const id = (s: AlertScope) => (s.kind === 'campaign' ? s.campaignId : s.sender);
  const empty = (): WindowCounts => ({ sent: 0, delivered: 0, failed: 0, optOuts: 0, failedByErrorCode: {} });
  return {
    source: {
      windowCounts: (t, s) => Promise.resolve(rows.get(`${t}/${s.kind}/${id(s)}`)?.counts ?? empty()),
      listActiveScopes: () => Promise.resolve([...rows.values()].map((r) => r.active)),
      baselineOptOutRate: () => Promise.resolve(null),
    },
    spike(tenantId, campaignId) {
      const scope: AlertScope = { kind: 'campaign', campaignId };
      const counts = { ...empty(), sent: 1000, delivered: 1000, optOuts: 50 };
      rows.set(`${tenantId}/campaign/${campaignId}`, { active: { tenantId, scope }, counts });
      return Promise.resolve();
    },
  };
}

async function receiver() {
  const arrivals = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const msg = JSON.parse(body) as { kind?: string; alert?: { scope?: { id?: string } } };
      const campaign = msg.alert?.scope?.id;
      if (msg.kind === 'fire' && campaign && !arrivals.has(campaign))
        arrivals.set(campaign, performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, arrivals, close: () => new Promise((r) => server.close(r)) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

async function main() {
  const spikes = Number(process.argv[2] ?? 20);
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('set DATABASE_URL (eval "$(bash infra/native/stack.sh env)")');
  const dbName = `tally_bench_alerts_${randomBytes(4).toString('hex')}`;
  const admin = createPool({ connectionString: adminUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${dbName}`);
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const env: Record<string, string | undefined> = {
    REDIS_URL: 'redis://127.0.0.1:6379',
    ...process.env,
    DATABASE_URL: u.toString(),
    ALERTS_ALLOW_PRIVATE_URLS: 'true',
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig(queryApiConfigSchema, env);
  const driver = feedDriver();
  const deps = createDeps(config, createLogger({ service: 'bench-alerts', level: config.LOG_LEVEL }), {
    alertSource: driver.source,
  });
  const rx = await receiver();
  try {
    await migrate(deps.pool);
    await createTenant(deps.pool, 'bench');
    const key = await addApiKey(deps.pool, 'bench');
    const app = await buildApp(deps);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/notification-channels',
      headers: { authorization: `Bearer ${key}` },
      payload: { kind: 'webhook', name: 'bench', url: rx.url },
    });
    if (res.statusCode !== 201) throw new Error(`channel: ${res.statusCode} ${res.body}`);
    deps.alerting.start();
    const latencies: number[] = [];
    for (let i = 0; i < spikes; i++) {
      // a random phase against the evaluation tick, as real traffic would have
      await sleep(Math.random() * config.ALERT_EVAL_INTERVAL_MS);
      const campaign = `spike-${i}`;
      const t0 = performance.now();
      await driver.spike('bench', campaign);
      const deadline = Date.now() + 30_000;
      while (!rx.arrivals.has(campaign) && Date.now() < deadline) await sleep(5);
      const at = rx.arrivals.get(campaign);
      if (at === undefined) throw new Error(`no notification for ${campaign} within 30 s`);
      latencies.push(at - t0);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const result = {
      spikes,
      evalIntervalMs: config.ALERT_EVAL_INTERVAL_MS,
      senderIntervalMs: config.ALERT_SENDER_INTERVAL_MS,
      p50Ms: Math.round(percentile(sorted, 0.5)),
      maxMs: Math.round(sorted.at(-1) ?? NaN),
      allMs: latencies.map(Math.round),
    };
    console.log(JSON.stringify(result));
    await app.close();
  } finally {
    await closeDeps(deps);
    await rx.close();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
