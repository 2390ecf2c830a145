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
  PARTITIONS_CONSUMED_CONCURRENTLY: positiveInt.max(64).default(1),
});
export type AggregatorConfig = z.infer<typeof aggregatorConfigSchema>;
