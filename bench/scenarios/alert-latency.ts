/**
 * Alert latency: from the data that crosses an opt-out threshold to the webhook notification
 * arriving at a local receiver, over 20 spikes in full mode (3 in quick), each at a random phase
 * against the evaluation tick; p50 and max. One query-api (evaluator + outbox sender, default
 * ALERT_* intervals) runs in the bench process on a database of its own.
 *
 * The crossing data comes from a `SpikeDriver`. The suite uses `pipelineDriver`: ingest and the
 * aggregator run as their own processes, each spike's campaign first gets 1,000 sends and
 * deliveries (not timed), then the clock starts and 50 opt-outs are posted to ingest in one request
 * — so the figure covers ingest → Kafka → aggregator → Redis window → evaluation → transition →
 * outbox → HTTP delivery. `feedDriver` writes window counts straight into an in-memory source
 * instead, isolating evaluation + delivery.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@tally/config';
import { readScopeWindow, RedisKeys } from '@tally/counters';
import { createLogger } from '@tally/logging';
import type { WindowCounts } from '../../packages/kpi/src/index.ts';
import {
  buildApp,
  closeDeps,
  createDeps,
  queryApiConfigSchema,
  type ActiveScope,
  type AlertCountsSource,
  type AlertScope,
} from '../../services/query-api/src/index.ts';
import { benchEnv, benchRedis, dropBenchDatabase, startAll, type BenchEnv } from '../lib/processes.ts';
import { benchTenant } from '../lib/tenant.ts';
import type { Figure } from '../lib/report.ts';
import { summarize } from '../lib/stats.ts';

/** Makes one campaign's opt-out rate cross the threshold. */
export interface SpikeDriver {
  /** Handed to query-api as its alert source; undefined = the service's own (real) source. */
  source: AlertCountsSource | undefined;
  describe: string;
  /** Untimed set-up of a spike (the campaign's reach). */
  prepare?(campaignId: string): Promise<void>;
  /** The crossing itself; the clock runs from just before it until the webhook arrives. */
  spike(tenantId: string, campaignId: string): Promise<void>;
  stop?(): Promise<void>;
}

export type MakeDriver = (env: BenchEnv, apiKey: string) => Promise<SpikeDriver>;

/** Real events through real ingest and aggregator processes (see the module doc). */
export const pipelineDriver: MakeDriver = async (env, apiKey) => {
  const [aggregator, ingest] = await startAll([
    { script: 'services/aggregator/dist/main.js', env },
    { script: 'services/ingest/dist/main.js', env },
  ]);
  if (!aggregator || !ingest) throw new Error('pipeline processes did not start');
  const redis = benchRedis(env);
  const keys = new RedisKeys(env.REDIS_PREFIX);
  const now = () => new Date().toISOString();
  const post = async (events: Record<string, unknown>[]) => {
    const res = await fetch(`http://127.0.0.1:${ingest.port}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  };
  const msg = (c: string, i: number) => ({
    messageId: `${c}-m${i}`,
    recipientId: `+1500${String(i).padStart(7, '0')}`,
  });
  return {
    source: undefined,
    describe: 'opt-outs posted to a real ingest process, counted by a real aggregator process',
    async prepare(campaign) {
      const reach: Record<string, unknown>[] = [];
      for (let i = 0; i < 1000; i++) {
        const m = msg(campaign, i);
        reach.push({
          eventId: `${m.messageId}:s`,
          type: 'sent',
          occurredAt: now(),
          channel: 'sms',
          campaignId: campaign,
          ...m,
        });
        reach.push({
          eventId: `${m.messageId}:d`,
          type: 'delivered',
          occurredAt: now(),
          channel: 'sms',
          messageId: m.messageId,
        });
      }
      await post(reach.slice(0, 1000));
      await post(reach.slice(1000));
      const deadline = Date.now() + 30_000;
      while (
        (await readScopeWindow(redis, keys, 'bench', { kind: 'campaign', id: campaign }, 15, Date.now()))
          .delivered < 1000
      ) {
        if (Date.now() > deadline) throw new Error(`${campaign}: deliveries not counted within 30 s`);
        await sleep(20);
      }
    },
    async spike(_tenant, campaign) {
      await post(
        Array.from({ length: 50 }, (_, i) => {
          const m = msg(campaign, i);
          return {
            eventId: `${m.messageId}:o`,
            type: 'opted_out',
            occurredAt: now(),
            channel: 'sms',
            campaignId: campaign,
            ...m,
          };
        }),
      );
    },
    async stop() {
      redis.disconnect();
      await Promise.all([ingest.stop(), aggregator.stop()]);
    },
  };
};

export const feedDriver: MakeDriver = () => Promise.resolve(feedDriverSync());

function feedDriverSync(): SpikeDriver {
  const rows = new Map<string, { active: ActiveScope; counts: WindowCounts }>();
  const id = (s: AlertScope) => (s.kind === 'campaign' ? s.campaignId : s.sender);
  const empty = (): WindowCounts => ({ sent: 0, delivered: 0, failed: 0, optOuts: 0, failedByErrorCode: {} });
  return {
    describe: 'window counts fed straight to the evaluator (in-memory AlertCountsSource)',
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

export async function alertLatency(
  mode: 'quick' | 'full',
  notes: string[],
  makeDriver: MakeDriver = pipelineDriver,
): Promise<Figure[]> {
  const spikes = mode === 'quick' ? 3 : 20;
  const env = await benchEnv('alert');
  const key = await benchTenant(env);
  const driver = await makeDriver(env, key);
  const config = loadConfig(queryApiConfigSchema, {
    ...process.env,
    ...env,
    ALERTS_ALLOW_PRIVATE_URLS: 'true',
  });
  const deps = createDeps(config, createLogger({ service: 'bench-alerts', level: 'warn' }), {
    ...(driver.source ? { alertSource: driver.source } : {}),
  });
  const rx = await receiver();
  const app = await buildApp(deps);
  try {
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
      await sleep(Math.random() * config.ALERT_EVAL_INTERVAL_MS); // a random phase against the tick
      const campaign = `spike-${i}`;
      await driver.prepare?.(campaign);
      const t0 = performance.now();
      await driver.spike('bench', campaign);
      const deadline = Date.now() + 30_000;
      while (!rx.arrivals.has(campaign) && Date.now() < deadline) await sleep(5);
      const at = rx.arrivals.get(campaign);
      if (at === undefined) throw new Error(`no notification for ${campaign} within 30 s`);
      latencies.push(at - t0);
    }
    notes.push(
      `alert latency: crossing data from ${driver.describe}; eval every ${config.ALERT_EVAL_INTERVAL_MS} ms, sender every ${config.ALERT_SENDER_INTERVAL_MS} ms.`,
    );
    const s = summarize(latencies);
    const scenario = `alert latency (${spikes} spikes, crossing → webhook received)`;
    return [
      { scenario, metric: 'p50', value: s.p50, unit: 'ms', goal: 'p50 <= 2000 ms', met: s.p50 <= 2000 },
      { scenario, metric: 'max', value: s.max, unit: 'ms', goal: 'max <= 5000 ms', met: s.max <= 5000 },
    ];
  } finally {
    await app.close();
    await closeDeps(deps);
    await driver.stop?.();
    await rx.close();
    await dropBenchDatabase(env);
  }
}
