/**
 * Everything ingest needs, built once from config, and closed in reverse order.
 */
import type { Registry } from 'prom-client';
import { Counter } from 'prom-client';
import { topicNames, TOPICS } from '@tally/events';
import { createApiKeyResolver, createPool, type ApiKeyResolver, type Pool } from '@tally/db';
import { createRegistry } from '@tally/http';
import { createEventProducer, createKafka, ensureTopics, type EventProducer, type Kafka } from '@tally/kafka';
import type { Logger } from '@tally/logging';
import type { IngestConfig } from './config.ts';
import { createPseudonymizer } from './pseudonymize.ts';

export interface IngestMetrics {
  eventsPublished: Counter;
  publishFailures: Counter;
}

export interface IngestDeps {
  config: IngestConfig;
  logger: Logger;
  registry: Registry;
  metrics: IngestMetrics;
  pool: Pool;
  apiKeys: ApiKeyResolver;
  kafka: Kafka;
  producer: EventProducer;
  pseudonymize: (tenantId: string, address: string) => string;
  topics: ReturnType<typeof topicNames>;
}

export function createDeps(config: IngestConfig, logger: Logger): IngestDeps {
  const registry = createRegistry('ingest');
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    max: config.PG_POOL_MAX,
    applicationName: 'tally-ingest',
  });
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: `${config.KAFKA_CLIENT_ID}-ingest`,
    logger,
  });
  const topics = topicNames(config.KAFKA_TOPIC_SUFFIX);
  return {
    config,
    logger,
    registry,
    metrics: {
      eventsPublished: new Counter({
        name: 'ingest_events_published_total',
        help: 'Events acknowledged by Kafka',
        labelNames: ['source'],
        registers: [registry],
      }),
      publishFailures: new Counter({
        name: 'ingest_publish_failures_total',
        help: 'Requests answered 503 because Kafka did not acknowledge',
        registers: [registry],
      }),
    },
    pool,
    apiKeys: createApiKeyResolver(pool),
    kafka,
    producer: createEventProducer({
      kafka,
      topic: topics.events,
      logger,
      publishTimeoutMs: config.PUBLISH_TIMEOUT_MS,
    }),
    pseudonymize: createPseudonymizer(config.PSEUDONYM_SECRET),
    topics,
  };
}

/** Connects to Kafka and makes sure the topics exist. Retries until `signal` aborts. */
export async function connectKafka(deps: IngestDeps, signal?: AbortSignal): Promise<void> {
  const log = deps.logger.child({ component: 'kafka_connect' });
  for (let attempt = 1; !signal?.aborted; attempt++) {
    try {
      await ensureTopics(deps.kafka, [
        { name: deps.topics.events, partitions: TOPICS.events.partitions },
        { name: deps.topics.eventsDeadLetter, partitions: TOPICS.eventsDeadLetter.partitions },
      ]);
      await deps.producer.connect();
      log.info({ attempt }, 'kafka_connected');
      return;
    } catch (err) {
      log.warn({ err, attempt }, 'kafka_connect_failed');
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
    }
  }
}

export async function closeDeps(deps: IngestDeps): Promise<void> {
  await deps.producer.disconnect().catch(() => undefined);
  await deps.pool.end();
}
