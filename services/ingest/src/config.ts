import { z } from 'zod';
import { httpEnv, kafkaEnv, logEnv, port, positiveInt, postgresEnv } from '@tally/config';

export const ingestConfigSchema = z.object({
  ...logEnv,
  ...kafkaEnv,
  ...postgresEnv,
  ...httpEnv,
  PORT: port.default(3001),
  /** Master secret the per-tenant pseudonymization keys are derived from. Never logged. */
  PSEUDONYM_SECRET: z.string().min(16, 'must be at least 16 characters'),
  /** Longest a request waits for Kafka's acknowledgement before answering 503. */
  PUBLISH_TIMEOUT_MS: positiveInt.default(5000),
  MAX_BATCH_EVENTS: positiveInt.max(10_000).default(1000),
  BODY_LIMIT_BYTES: positiveInt.default(1024 * 1024),
});
export type IngestConfig = z.infer<typeof ingestConfigSchema>;
