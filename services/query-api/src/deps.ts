import type { Registry } from 'prom-client';
import { RedisKeys } from '@tally/counters';
import { topicNames } from '@tally/events';
import { createKafka } from '@tally/kafka';
import { createApiKeyResolver, createPool, type ApiKeyResolver, type Pool } from '@tally/db';
import { createRegistry } from '@tally/http';
import type { Logger } from '@tally/logging';
import { createRedisClient, type RedisClient } from '@tally/redis';
import { createAlerting, type Alerting } from './alerts/alerting.ts';
import { createRedisAlertSource } from './alerts/redis-source.ts';
import type { AlertCountsSource } from './alerts/source.ts';
import type { QueryApiConfig } from './config.ts';
import { createAnswerCache, type AnswerCache } from './answer-cache.ts';
import { kafkaFreshness, unknownFreshness, type FreshnessSource } from './freshness.ts';
import { createHeavyReads, type HeavyReads } from './heavy-reads.ts';
import { createRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { createStreamRegistry, type StreamRegistry } from './sse-streams.ts';

export interface QueryApiDeps {
  config: QueryApiConfig;
  logger: Logger;
  registry: Registry;
  redis: RedisClient;
  keys: RedisKeys;
  pool: Pool;
  /** Turns and a Postgres pool (statement timeout) for the heavy reads (heavy-reads.ts). */
  heavy: HeavyReads;
  apiKeys: ApiKeyResolver;
  /** The per-tenant request budget, shared by the replicas through Redis. */
  rateLimiter: RateLimiter;
  /** Recent /kpis and /breakdown answers (ANSWER_CACHE_MS). */
  answers: AnswerCache;
  alerting: Alerting;
  /** The open alert streams (per-tenant cap, ended at shutdown). */
  streams: StreamRegistry;
  /** The open campaign-figure streams (GET /v1/campaigns/stream; the same cap, its own count). */
  figureStreams: StreamRegistry;
  /** How far behind accepted events the aggregation is (kpis `freshnessMs`). */
  freshness: FreshnessSource;
  closeFreshness: () => Promise<void>;
}

export interface DepsOptions {
  /**
   * Where alert rules read window counts; by default the aggregator's per-minute buckets in Redis
   * (tests and the latency benchmark may feed a source of their own).
   */
  alertSource?: AlertCountsSource;
  /** The evaluator's clock (tests and benchmarks). */
  clock?: () => Date;
}

export function createDeps(config: QueryApiConfig, logger: Logger, opts: DepsOptions = {}): QueryApiDeps {
  const redis = createRedisClient(config, {
    maxRetriesPerRequest: 1,
    retryDelay: (n) => Math.min(n * 200, 2000),
  });
  redis.on('error', (err) => logger.warn({ err: (err as Error).message }, 'redis_error'));
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    max: config.PG_POOL_MAX,
    applicationName: 'tally-query-api',
    connectionTimeoutMs: config.PG_CONNECT_TIMEOUT_MS,
  });
  const registry = createRegistry('query-api');
  const keys = new RedisKeys(config.REDIS_PREFIX);
  const brokers = config.KAFKA_BROKERS ?? [];
  const freshness =
    brokers.length > 0
      ? kafkaFreshness({
          kafka: createKafka({
            brokers,
            clientId: `${config.KAFKA_CLIENT_ID}-query-api`,
            logger,
            retry: { retries: 1 },
          }),
          topic: topicNames(config.KAFKA_TOPIC_SUFFIX).events,
          redis,
          keys,
          logger,
        })
      : { source: unknownFreshness, close: () => Promise.resolve() };
  return {
    config,
    logger,
    registry,
    redis,
    keys,
    freshness: freshness.source,
    closeFreshness: freshness.close,
    pool,
    heavy: createHeavyReads(config, registry),
    apiKeys: createApiKeyResolver(pool, {
      ttlMs: config.API_KEY_CACHE_MS,
      negativeTtlMs: config.API_KEY_NEGATIVE_CACHE_MS,
      failuresPerMinute: config.AUTH_FAILURES_PER_MINUTE,
      listen: {
        connectionString: config.DATABASE_URL,
        onError: (err) => logger.warn({ err: err.message }, 'api_key_listener_lost'),
      },
    }),
    rateLimiter: createRateLimiter({
      redis,
      keys,
      logger,
      limit: config.RATE_LIMIT_PER_MINUTE,
      syncMs: config.RATE_LIMIT_SYNC_MS,
    }),
    answers: createAnswerCache({ ttlMs: config.ANSWER_CACHE_MS }),
    streams: createStreamRegistry({ maxPerTenant: config.ALERT_STREAMS_PER_TENANT }),
    figureStreams: createStreamRegistry({ maxPerTenant: config.ALERT_STREAMS_PER_TENANT }),
    alerting: createAlerting({
      config,
      pool,
      logger,
      registry,
      source: opts.alertSource ?? createRedisAlertSource({ redis, keys, pool }),
      ...(opts.clock ? { clock: opts.clock } : {}),
    }),
  };
}

export async function closeDeps(deps: QueryApiDeps): Promise<void> {
  await deps.alerting.close();
  await deps.closeFreshness();
  await deps.rateLimiter.close();
  await deps.apiKeys.close();
  await deps.redis.quit().catch(() => deps.redis.disconnect());
  await deps.heavy.close();
  await deps.pool.end();
}
