/**
 * One query-api instance on a test's own database and Redis prefix (no Kafka: freshness is
 * unknown), alert loops off, and helpers to add tenants, seed a campaign and call routes. Every
 * Redis key of the prefix and the database go at stop().
 */
import { loadConfig } from '@tally/config';
import { addApiKey, createTenant } from '@tally/db';
import { createLogger } from '@tally/logging';
import { deleteMatching } from '@tally/redis';
import { markWhole } from '@tally/counters';
import { isolate, type Isolation } from '@tally/testing';
import { buildApp, closeDeps, createDeps, queryApiConfigSchema, type QueryApiDeps } from '../src/index.ts';

export interface Api {
  iso: Isolation;
  deps: QueryApiDeps;
  app: Awaited<ReturnType<typeof buildApp>>;
  /** A tenant with one API key; returns the key. */
  addTenant(id: string): Promise<string>;
  /** Makes `campaign` known to Redis (no counts), as the aggregator's first event would. */
  seedCampaign(tenant: string, campaign: string): Promise<void>;
  call(
    key: string | undefined,
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export async function startApi(env: Record<string, string> = {}): Promise<Api> {
  const iso = await isolate('qapi');
  const { KAFKA_BROKERS: _unused, ...base } = iso.env;
  const config = loadConfig(queryApiConfigSchema, {
    ...base,
    ALERTS_ENABLED: 'false',
    ALERTS_ALLOW_PRIVATE_URLS: 'true',
    ...env,
  });
  const deps = createDeps(config, createLogger({ service: 'test-qapi', level: config.LOG_LEVEL }));
  const app = await buildApp(deps);
  // the aggregator's epoch: without it every Redis read answers 503 rebuilding
  await markWhole(deps.redis, deps.keys, '1');
  let stopped: Promise<void> | undefined;
  return {
    iso,
    deps,
    app,
    async addTenant(id) {
      await createTenant(iso.db.pool, id);
      return addApiKey(iso.db.pool, id);
    },
    async seedCampaign(tenant, campaign) {
      await deps.redis.zadd(deps.keys.campaigns(tenant), Date.now(), campaign);
    },
    async call(key, method, url, payload) {
      const res = await app.inject({
        method,
        url,
        headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      let body: unknown = null;
      try {
        body = res.body ? res.json() : null;
      } catch {
        body = res.body;
      }
      return { status: res.statusCode, body, headers: res.headers };
    },
    stop: () =>
      (stopped ??= (async () => {
        await app.close();
        await deps.rateLimiter.close(); // its last sync writes keys too
        await deleteMatching(deps.redis, `${iso.redisPrefix}:*`);
        await closeDeps(deps);
        await iso.cleanup();
      })()),
  };
}
