/**
 * Everything the aggregator needs, built once from config.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { RedisKeys } from '@tally/counters';
import { createPool, type Pool } from '@tally/db';
import { topicNames } from '@tally/events';
import { createRegistry } from '@tally/http';
import { createKafka, type Kafka } from '@tally/kafka';
import { createRedisClient, type RedisClient } from '@tally/redis';
import type { Logger } from '@tally/logging';
import type { AggregatorConfig } from './config.ts';

export interface AggregatorMetrics {
  events: Counter<'outcome'>;
  batchDuration: Histogram;
  batchRecords: Histogram;
  lag: Gauge<'partition'>;
  snapshots: Counter<'result'>;
  retired: Counter;
  longestCut: Gauge;
  gapRecords: Counter;
}

export interface AggregatorDeps {
  config: AggregatorConfig;
  logger: Logger;
  registry: Registry;
  metrics: AggregatorMetrics;
  /** Standalone or Cluster (REDIS_CLUSTER_NODES): @tally/redis. */
  redis: RedisClient;
  keys: RedisKeys;
  pool: Pool;
  kafka: Kafka;
  topics: ReturnType<typeof topicNames>;
}

export function createDeps(config: AggregatorConfig, logger: Logger): AggregatorDeps {
  const registry = createRegistry('aggregator');
  const redis = createRedisClient(config, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    retryDelay: (times) => Math.min(times * 200, 2000),
  });
  redis.on('error', (err) => logger.warn({ err: (err as Error).message }, 'redis_error'));
  return {
    config,
    logger,
    registry,
    metrics: {
      events: new Counter({
        name: 'aggregator_events_total',
        help: 'Records by outcome: applied, duplicate, late, forwarded, replayed (below the stored offset), dead_lettered, foreign (forwards of another state, skipped)',
        labelNames: ['outcome'],
        registers: [registry],
      }),
      batchDuration: new Histogram({
        name: 'aggregator_batch_duration_seconds',
        help: 'Time to apply one Kafka batch to Redis',
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers: [registry],
      }),
      batchRecords: new Histogram({
        name: 'aggregator_batch_records',
        help: 'Records per Kafka batch applied',
        buckets: [1, 10, 100, 500, 1000, 2000, 5000, 10000],
        registers: [registry],
      }),
      lag: new Gauge({
        name: 'aggregator_consumer_lag',
        help: 'Messages behind the partition high watermark, as of the last batch',
        labelNames: ['partition'],
        registers: [registry],
      }),
      longestCut: new Gauge({
        name: 'aggregator_snapshot_longest_cut_seconds',
        help: 'The longest single snapshot cut script since start (each blocks Redis while it runs)',
        registers: [registry],
      }),
      retired: new Counter({
        name: 'aggregator_retired_records_total',
        help: 'Messages, events and markers retired (stream time past every window plus the horizon)',
        registers: [registry],
      }),
      gapRecords: new Counter({
        name: 'aggregator_offset_gap_records_total',
        help: 'Records skipped because Kafka no longer held them when they were due (retention shorter than the lag)',
        registers: [registry],
      }),
      snapshots: new Counter({
        name: 'aggregator_snapshots_total',
        help: 'Snapshots to Postgres by result',
        labelNames: ['result'],
        registers: [registry],
      }),
    },
    redis,
    keys: new RedisKeys(config.REDIS_PREFIX),
    pool: createPool({
      connectionString: config.DATABASE_URL,
      max: config.PG_POOL_MAX,
      applicationName: 'tally-aggregator',
    }),
    kafka: createKafka({
      brokers: config.KAFKA_BROKERS,
      clientId: `${config.KAFKA_CLIENT_ID}-aggregator`,
      logger,
    }),
    topics: topicNames(config.KAFKA_TOPIC_SUFFIX),
  };
}

export async function closeDeps(deps: AggregatorDeps): Promise<void> {
  await deps.redis.quit().catch(() => deps.redis.disconnect());
  await deps.pool.end();
}
