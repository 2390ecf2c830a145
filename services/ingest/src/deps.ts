/**
 * Everything ingest needs, built once from config, and closed in reverse order.
 */
import type { Registry } from 'prom-client';
import { Counter } from 'prom-client';
import { topicNames, TOPICS } from '@tally/events';
import { createApiKeyResolver, createPool, type ApiKeyResolver, type Pool } from '@tally/db';
import { createRegistry } from '@tally/http';
import { RedisKeys } from '@tally/counters';
import { createRedisClient, type RedisClient } from '@tally/redis';
import { createEventProducer, createKafka, ensureTopics, type EventProducer, type Kafka } from '@tally/kafka';
import type { Logger } from '@tally/logging';
import type { IngestConfig } from './config.ts';
import { createPseudonymizer, type Pseudonymizer } from './pseudonymize.ts';
import { createCredentialResolver, type CredentialResolver } from './credentials/cache.ts';
import { parseCredentialsKey } from '@tally/secrets';
import { createLinkStore, type LinkStore } from './links/store.ts';
import { createCoalescingPublisher, type Publisher } from './publish/coalescing-publisher.ts';

export interface IngestMetrics {
  eventsPublished: Counter;
  publishFailures: Counter;
  /** Provider updates deliberately not turned into events (intermediate or unknown statuses). */
  webhookSkips: Counter;
  /** Webhook requests refused for a missing or wrong signature / secret. */
  webhookRejected: Counter;
  /** Clicks redirected but not recorded because Kafka did not acknowledge. */
  clicksLost: Counter;
  /** Tracked-link requests by class (human | bot) and, for bots, reason (links/classify.ts). */
  linkRequests: Counter;
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
  /** Recipients and WhatsApp message ids → per-tenant pseudonyms (pseudonymize.ts). */
  pseudonymizer: Pseudonymizer;
  topics: ReturnType<typeof topicNames>;
  /** Group-commits concurrent webhook publishes (see publish/coalescing-publisher.ts). */
  publisher: Publisher;
  credentials: CredentialResolver;
  links: LinkStore;
  /** The aggregator's Redis, read-only (suppression check); undefined when not configured. */
  redis: RedisClient | undefined;
  keys: RedisKeys;
  now: () => Date;
}

export function createDeps(config: IngestConfig, logger: Logger): IngestDeps {
  const deps = createBaseDeps(config, logger);
  return { ...deps, publisher: createCoalescingPublisher(deps.producer) };
}

function createBaseDeps(config: IngestConfig, logger: Logger): Omit<IngestDeps, 'publisher'> {
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
      webhookSkips: new Counter({
        name: 'ingest_webhook_skipped_total',
        help: 'Provider updates answered 200 but not turned into events, by provider and reason',
        labelNames: ['provider', 'reason'],
        registers: [registry],
      }),
      webhookRejected: new Counter({
        name: 'ingest_webhook_rejected_total',
        help: 'Webhook requests refused for a missing or wrong signature or secret',
        labelNames: ['provider'],
        registers: [registry],
      }),
      clicksLost: new Counter({
        name: 'ingest_clicks_lost_total',
        help: 'Tracked-link clicks redirected but not published (Kafka unavailable)',
        registers: [registry],
      }),
      linkRequests: new Counter({
        name: 'ingest_link_requests_total',
        help: 'Tracked-link requests redirected, by class (human, bot) and bot reason (head, prefetch, no_user_agent, known_bot)',
        labelNames: ['class', 'reason'],
        registers: [registry],
      }),
    },
    pool,
    // LISTENs for new and revoked keys, so a revocation is honoured at once (api-key-cache.ts)
    apiKeys: createApiKeyResolver(pool, {
      listen: {
        connectionString: config.DATABASE_URL,
        onError: (err) => logger.warn({ err: err.message }, 'api_key_listener_lost'),
      },
    }),
    kafka,
    producer: createEventProducer({
      kafka,
      topic: topics.events,
      logger,
      publishTimeoutMs: config.PUBLISH_TIMEOUT_MS,
      // every event is validated once, in finalize.ts, before it gets here
      validate: false,
    }),
    pseudonymizer: createPseudonymizer(config.PSEUDONYM_SECRET),
    topics,
    credentials: createCredentialResolver(pool, parseCredentialsKey(config.CREDENTIALS_KEY), {
      ttlMs: config.CREDENTIALS_CACHE_MS,
    }),
    links: createLinkStore(pool),
    redis: redisOf(config, logger),
    keys: new RedisKeys(config.REDIS_PREFIX),
    now: () => new Date(),
  };
}

function redisOf(config: IngestConfig, logger: Logger): RedisClient | undefined {
  if (!config.REDIS_URL && (config.REDIS_CLUSTER_NODES ?? []).length === 0) return undefined;
  const redis = createRedisClient(config, { maxRetriesPerRequest: 1 });
  redis.on('error', (err) => logger.warn({ err: (err as Error).message }, 'redis_error'));
  return redis;
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
  await deps.apiKeys.close();
  await deps.pool.end();
  if (deps.redis) await deps.redis.quit().catch(() => deps.redis?.disconnect());
}
