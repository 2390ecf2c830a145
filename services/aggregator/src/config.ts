import { z } from 'zod';
import {
  checkRedisEnv,
  httpEnv,
  kafkaEnv,
  logEnv,
  port,
  positiveInt,
  postgresEnv,
  redisEnv,
} from '@tally/config';

export const aggregatorConfigSchema = z
  .object({
    ...logEnv,
    ...kafkaEnv,
    ...redisEnv,
    ...postgresEnv,
    ...httpEnv,
    /** Port of the health/metrics endpoints. */
    PORT: port.default(3003),
    AGGREGATOR_GROUP_ID: z.string().min(1).default('tally-aggregator'),
    SNAPSHOT_INTERVAL_MS: positiveInt.default(5000),
    /**
     * The events topic must keep records at least SNAPSHOT_INTERVAL_MS + this long, or the
     * aggregator refuses to start (retention.ts): the margin covers snapshots that fail or lag
     * (Postgres down, a slow aggregator) and the time to notice and act.
     */
    RETENTION_MARGIN_MS: positiveInt.default(3_600_000),
    /**
     * How long per-recipient state (reaches, messages per day, clicks, replies, conversions,
     * subscription) is kept after its last write: ≥ the longest audience period (90 days) + 2.
     */
    RECIPIENT_TTL_SECONDS: positiveInt.default(92 * 24 * 3600),
    /** How long minute buckets live after their minute; ≥ 25 h keeps every 24h window whole. */
    MINUTE_BUCKET_TTL_SECONDS: positiveInt.min(25 * 3600).default(26 * 3600),
    /** Decoded records an owner keeps in memory per partition (beyond it, the oldest are re-read). */
    CACHE_RECORDS_PER_PARTITION: positiveInt.default(200_000),
    /**
     * Records folded into one commit script at most (and recipient_state rows written by one): a
     * larger batch commits in several steps, so no script holds Redis long (README, limits).
     */
    COMMIT_MAX_RECORDS: positiveInt.max(100_000).default(1000),
    /** How often due recipient_state rows (audience routes) are computed; snapshots copy them. */
    AUDIENCE_FLUSH_MS: positiveInt.min(100).max(60_000).default(2000),
    /**
     * Messages a timed flush reads from Redis at most per partition to compute due rows that must
     * fold all of their recipient's messages (a record without its live summary: README); the
     * rest stay due for the next flush. A row written from the record alone reads none.
     */
    AUDIENCE_READS_PER_FLUSH: positiveInt.default(10_000),
    /** How often retirement sweeps run (each walks SWEEP_PAGES pages of 500 records per partition). */
    SWEEP_INTERVAL_MS: positiveInt.default(60_000),
    SWEEP_PAGES: positiveInt.max(1000).default(4),
    /** How often the watchdog checks that Redis still holds the state. */
    WATCHDOG_INTERVAL_MS: positiveInt.default(1000),
    TENANT_SETTINGS_TTL_MS: positiveInt.default(30_000),
    /** Consumer-group session timeout: how soon a dead instance's partitions move to the others. */
    SESSION_TIMEOUT_MS: positiveInt.min(6000).default(10_000),
    /** Longest a graceful stop may take (finish the batch, commit, last snapshot) before exiting anyway. */
    SHUTDOWN_TIMEOUT_MS: positiveInt.default(30_000),
    /** Partitions applied at once: their batches are independent (one writer per partition), so I/O overlaps. */
    PARTITIONS_CONSUMED_CONCURRENTLY: positiveInt.max(64).default(6),
    /** Retries of a failing batch before the consumer gives up and the process exits non-zero. */
    CONSUMER_RETRIES: positiveInt.max(100).default(10),
  })
  .superRefine(checkRedisEnv);
export type AggregatorConfig = z.infer<typeof aggregatorConfigSchema>;
