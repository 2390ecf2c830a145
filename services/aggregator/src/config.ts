import { z } from 'zod';
import { httpEnv, kafkaEnv, logEnv, port, positiveInt, postgresEnv, redisEnv } from '@tally/config';

export const aggregatorConfigSchema = z.object({
  ...logEnv,
  ...kafkaEnv,
  ...redisEnv,
  ...postgresEnv,
  ...httpEnv,
  /** Port of the health/metrics endpoints. */
  PORT: port.default(3003),
  AGGREGATOR_GROUP_ID: z.string().min(1).default('tally-aggregator'),
  SNAPSHOT_INTERVAL_MS: positiveInt.default(5000),
  /** How long per-message state is kept after its last event (late receipts within it still dedupe). */
  MESSAGE_TTL_SECONDS: positiveInt.default(7 * 24 * 3600),
  /** How long event-id markers of per-event effects without a message are kept. */
  DEDUPE_TTL_SECONDS: positiveInt.default(7 * 24 * 3600),
  /**
   * How long per-recipient state (reaches, messages per day, clicks, replies, conversions,
   * subscription) is kept after its last write: ≥ the longest audience period (90 days) + 2.
   */
  RECIPIENT_TTL_SECONDS: positiveInt.default(92 * 24 * 3600),
  /** How long minute buckets live after their minute; ≥ 25 h keeps every 24h window whole. */
  MINUTE_BUCKET_TTL_SECONDS: positiveInt.min(25 * 3600).default(26 * 3600),
  /** Receipts whose send has not arrived after this long are counted as unattributed. */
  PARK_TIMEOUT_SECONDS: positiveInt.default(3600),
  /** How often the watchdog checks that Redis still holds the state, and sweeps parked receipts. */
  WATCHDOG_INTERVAL_MS: positiveInt.default(1000),
  TENANT_SETTINGS_TTL_MS: positiveInt.default(30_000),
  /** Consumer-group session timeout: how soon a dead instance's partitions move to the others. */
  SESSION_TIMEOUT_MS: positiveInt.min(6000).default(30_000),
  PARTITIONS_CONSUMED_CONCURRENTLY: positiveInt.max(64).default(1),
});
export type AggregatorConfig = z.infer<typeof aggregatorConfigSchema>;
