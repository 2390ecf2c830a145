import { z } from 'zod';
import {
  checkHttpEnv,
  checkRedisEnv,
  envBoolean,
  httpEnv,
  kafkaEnv,
  logEnv,
  port,
  positiveInt,
  postgresEnv,
  redisEnv,
} from '@tally/config';
import { credentialsKeySchema } from '@tally/secrets';

/** Alert evaluation and notification delivery (SPEC §7). */
export const alertsEnv = {
  /** Run the evaluator and sender loops in this replica (routes are served either way). */
  ALERTS_ENABLED: envBoolean.default(true),
  /** How often the lease holder evaluates every rule. */
  ALERT_EVAL_INTERVAL_MS: positiveInt.default(1000),
  /**
   * The evaluator's leadership lease (alerts/leader.ts). A leader that stops renewing (dead or
   * stalled) is replaced within TTL + ALERT_LEADER_RENEW_MS: 2.5 s by default, which keeps the
   * detection latency (SPEC §7, 5 s) within bounds through a failover.
   */
  ALERT_LEADER_LEASE_TTL_MS: positiveInt.min(1000).max(60_000).default(2000),
  /** How often the leader renews its lease and standbys try to take an expired one (≤ TTL / 3). */
  ALERT_LEADER_RENEW_MS: positiveInt.min(50).default(500),
  /** How often the outbox is polled for due deliveries. */
  ALERT_SENDER_INTERVAL_MS: positiveInt.default(250),
  /** Per-delivery HTTP timeout. */
  ALERT_DELIVERY_TIMEOUT_MS: positiveInt.default(5000),
  /** Attempts before a delivery is marked failed (backoff doubles from the base to the max). */
  ALERT_DELIVERY_MAX_ATTEMPTS: positiveInt.default(12),
  ALERT_RETRY_BASE_MS: positiveInt.default(1000),
  ALERT_RETRY_MAX_MS: positiveInt.default(300_000),
  /**
   * A replica that cannot reach a channel for a local reason (alerts/failure.ts: DNS, connection
   * refused, the SSRF guard, …) gives the delivery back without spending an attempt and leaves
   * that channel to the other replicas for this long, doubling per refusal in a row up to the max.
   */
  ALERT_LOCAL_REFUSAL_BACKOFF_MS: positiveInt.default(1000),
  ALERT_LOCAL_REFUSAL_BACKOFF_MAX_MS: positiveInt.default(60_000),
  /** Local refusals of one delivery (all replicas) before they count as attempts too. */
  ALERT_DELIVERY_MAX_LOCAL_REFUSALS: z.coerce.number().int().min(0).default(100),
  /** Deliveries in flight at once per replica. */
  ALERT_SENDER_CONCURRENCY: positiveInt.default(16),
  /** Allow channel URLs on loopback/private/link-local addresses (tests, closed networks). */
  ALERTS_ALLOW_PRIVATE_URLS: envBoolean.default(false),
  /** 32 bytes, base64 or hex (the key ingest seals provider credentials with): seals channel URLs and secrets. */
  CREDENTIALS_KEY: credentialsKeySchema,
};

/** The read API (SPEC §6). */
export const apiEnv = {
  /** Concurrent GET /v1/alerts/stream per tenant and replica; beyond, 429 too_many_streams. */
  ALERT_STREAMS_PER_TENANT: positiveInt.max(10_000).default(10),
  /**
   * How long a known API key is kept in memory. A revocation is honoured at once (announced to
   * every replica); only while that announcement connection is down does a revoked key work up
   * to this long.
   */
  API_KEY_CACHE_MS: positiveInt.max(300_000).default(10_000),
  /**
   * How long an unknown key is remembered as unknown. A key added later is known at once
   * (addApiKey notifies every replica); only while that notification connection is down can a key
   * presented before it existed be refused this long after.
   */
  API_KEY_NEGATIVE_CACHE_MS: positiveInt.max(60_000).default(5000),
  /**
   * Heavy reads (audience, value, send-time, benchmark, time series from Postgres) per replica:
   * this many at once (their own Postgres pool holds 3 connections per read), this many more
   * waiting at most HEAVY_READ_WAIT_MS each; beyond, 503 `overloaded` with Retry-After.
   */
  HEAVY_READ_CONCURRENCY: positiveInt.max(64).default(4),
  /** Of those, what one tenant may hold at once (unset: half, at least 1); its queue is HEAVY_READ_QUEUE. */
  HEAVY_READ_TENANT_CONCURRENCY: positiveInt.max(64).optional(),
  HEAVY_READ_QUEUE: z.coerce.number().int().min(0).max(10_000).default(16),
  HEAVY_READ_WAIT_MS: positiveInt.max(30_000).default(2000),
  /** Postgres statement_timeout of heavy reads; a cancelled one is a 503 `overloaded`. */
  HEAVY_STATEMENT_TIMEOUT_MS: positiveInt.max(120_000).default(5000),
  /** Failed key lookups per client IP (IPv6: per /64) per minute; beyond, 429 with Retry-After. */
  AUTH_FAILURES_PER_MINUTE: positiveInt.max(100_000).default(30),
  /** Requests per tenant per wall-clock minute across all replicas (counted in Redis); then 429. */
  RATE_LIMIT_PER_MINUTE: positiveInt.default(6000),
  /**
   * How often a replica adds the requests it counted to the shared Redis counter and learns the
   * other replicas' (so the shared budget can be overshot by what they serve in this time).
   */
  RATE_LIMIT_SYNC_MS: positiveInt.max(5000).default(200),
  /**
   * How long a /kpis or /breakdown answer is reused after its Redis read began (its `asOf` and
   * `freshnessMs` are those of the read). Bounded well under SPEC's one second of freshness;
   * 0 = only identical reads in flight at the same time share one.
   */
  ANSWER_CACHE_MS: z.coerce.number().int().min(0).max(250).default(25),
  /**
   * Time series read minutes newer than this many minutes from Redis (live) and older ones from
   * the Postgres rollups. Must stay below the minute buckets' Redis TTL (25 h).
   */
  TIMESERIES_LIVE_MINUTES: positiveInt.max(1440).default(1440),
};

export const queryApiConfigSchema = z
  .object({
    ...logEnv,
    ...redisEnv,
    ...postgresEnv,
    ...httpEnv,
    /** The largest body of this API (alert rules, a channel, a silence) is a few KiB. */
    BODY_LIMIT_BYTES: httpEnv.BODY_LIMIT_BYTES.default(64 * 1024),
    ...alertsEnv,
    ...apiEnv,
    ...kafkaEnv,
    /** Only to measure freshness (Kafka high watermarks vs applied offsets); unset → freshness null. */
    KAFKA_BROKERS: kafkaEnv.KAFKA_BROKERS.optional(),
    PORT: port.default(3002),
  })
  .superRefine((c, ctx) => {
    checkHttpEnv(c, ctx);
    checkRedisEnv(c, ctx);
    // Renewed well within its TTL: two renewals in a row may fail before the lease is lost.
    if (c.ALERT_LEADER_RENEW_MS * 3 > c.ALERT_LEADER_LEASE_TTL_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['ALERT_LEADER_RENEW_MS'],
        message: `must be at most a third of ALERT_LEADER_LEASE_TTL_MS (${String(c.ALERT_LEADER_LEASE_TTL_MS)})`,
      });
    }
  });
export type QueryApiConfig = z.infer<typeof queryApiConfigSchema>;
