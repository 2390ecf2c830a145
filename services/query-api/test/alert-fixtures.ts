/**
 * Fixtures for the alert integration tests: a data feed implementing AlertCountsSource (the
 * numbers a test wants the window to hold — all state the alerting system keeps is in the real
 * Postgres), a real HTTP receiver on 127.0.0.1:0, and query-api instances on the test's database.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@tally/config';
import { addApiKey, createTenant } from '@tally/db';
import type { WindowCounts } from '@tally/kpi';
import { createLogger } from '@tally/logging';
import type { Isolation } from '@tally/testing';
import { buildApp, closeDeps, createDeps, queryApiConfigSchema, type QueryApiDeps } from '../src/index.ts';
import type { ActiveScope, AlertCountsSource, AlertScope } from '../src/index.ts';
import { createLeader, type Fence, type Leader } from '../src/alerts/leader.ts';

export const ALERT_TEST_ENV: Record<string, string> = {
  ALERT_EVAL_INTERVAL_MS: '100',
  ALERT_SENDER_INTERVAL_MS: '50',
  ALERT_RETRY_BASE_MS: '100',
  ALERT_RETRY_MAX_MS: '1000',
  ALERT_DELIVERY_TIMEOUT_MS: '2000',
  ALERTS_ALLOW_PRIVATE_URLS: 'true',
};

export function counts(over: Partial<WindowCounts>): WindowCounts {
  return { sent: 0, delivered: 0, failed: 0, optOuts: 0, failedByErrorCode: {}, ...over };
}

/** Window counts per (tenant, scope), as the test sets them. */
/** Window counts fed by the test: fixed, or by the end of the window asked for. */
type Feed = WindowCounts | ((windowEnd: Date) => WindowCounts);

export class FeedSource implements AlertCountsSource {
  private readonly rows = new Map<string, { active: ActiveScope; counts: Feed }>();
  private key(tenantId: string, scope: AlertScope) {
    return JSON.stringify([
      tenantId,
      scope.kind,
      scope.kind === 'campaign' ? scope.campaignId : scope.sender,
    ]);
  }
  set(tenantId: string, scope: AlertScope, c: Feed): void {
    this.rows.set(this.key(tenantId, scope), { active: { tenantId, scope }, counts: c });
  }
  windowCounts(tenantId: string, scope: AlertScope, _minutes: number, now: Date): Promise<WindowCounts> {
    const c = this.rows.get(this.key(tenantId, scope))?.counts ?? counts({});
    return Promise.resolve(typeof c === 'function' ? c(now) : c);
  }
  listActiveScopes(tenantId: string | undefined): Promise<ActiveScope[]> {
    const all = [...this.rows.values()].map((r) => r.active);
    return Promise.resolve(tenantId ? all.filter((a) => a.tenantId === tenantId) : all);
  }
  private readonly baselines = new Map<string, number>();
  setBaseline(tenantId: string, rate: number): void {
    this.baselines.set(tenantId, rate);
  }
  baselineOptOutRate(tenantId: string): Promise<number | null> {
    return Promise.resolve(this.baselines.get(tenantId) ?? null);
  }
}

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  json: any;
  at: number;
  status: number;
}

/** A real HTTP server on 127.0.0.1:0 recording every request; `respond` picks the status per request. */
export async function startReceiver(respond: (path: string, n: number) => number | 'hang' = () => 200) {
  const received: Received[] = [];
  const perPath = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const n = (perPath.get(path) ?? 0) + 1;
      perPath.set(path, n);
      const raw = Buffer.concat(chunks).toString('utf8');
      const status = respond(path, n);
      received.push({
        path,
        headers: req.headers,
        raw,
        json: JSON.parse(raw),
        at: Date.now(),
        status: status === 'hang' ? 0 : status,
      });
      if (status === 'hang') return;
      res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    on: (path: string) => received.filter((r) => r.path === path),
    /** Requests answered 2xx: what the receiver accepted. */
    accepted: (path: string) => received.filter((r) => r.path === path && r.status >= 200 && r.status < 300),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

export interface Instance {
  deps: QueryApiDeps;
  app: Awaited<ReturnType<typeof buildApp>>;
  stop(): Promise<void>;
}

export async function startInstance(
  iso: Isolation,
  source: AlertCountsSource,
  env: Record<string, string> = {},
): Promise<Instance> {
  const config = loadConfig(queryApiConfigSchema, { ...iso.env, ...ALERT_TEST_ENV, ...env });
  const deps = createDeps(config, createLogger({ service: 'test-alerts', level: config.LOG_LEVEL }), {
    alertSource: source,
  });
  const app = await buildApp(deps);
  let stopped: Promise<void> | undefined;
  return {
    deps,
    app,
    stop: () =>
      (stopped ??= (async () => {
        await deps.alerting.stopEvaluator();
        await app.close();
        await closeDeps(deps);
      })()),
  };
}

export async function addTenant(iso: Isolation, id: string): Promise<string> {
  await createTenant(iso.db.pool, id);
  return addApiKey(iso.db.pool, id);
}

export async function call(
  inst: Instance,
  key: string,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await inst.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A real evaluator lease taken by the test itself, for tests that tick an evaluator or record
 * transitions directly (their writes are fenced by it). Long enough never to lapse in a test.
 */
export async function holdLease(iso: Isolation): Promise<Leader & { fence: Fence }> {
  const leader = createLeader({
    connectionString: iso.db.url,
    logger: createLogger({ service: 'test-lease', level: 'silent' }),
    ttlMs: 600_000,
    renewMs: 200_000,
  });
  const fence = await leader.acquire();
  if (!fence) throw new Error('the evaluator lease is held by someone else');
  return Object.assign(leader, { fence });
}

/** Runs `fn` under a lease taken for it and given back after (so a replica can lead next). */
export async function underLease<T>(iso: Isolation, fn: (fence: Fence) => Promise<T>): Promise<T> {
  const lease = await holdLease(iso);
  try {
    return await fn(lease.fence);
  } finally {
    await lease.release();
  }
}
