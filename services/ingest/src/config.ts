import { z } from 'zod';
import { credentialsKeySchema } from '@tally/secrets';
import { httpEnv, kafkaEnv, logEnv, port, positiveInt, postgresEnv, redisEnv } from '@tally/config';

export const ingestConfigSchema = z.object({
  ...logEnv,
  ...kafkaEnv,
  ...postgresEnv,
  ...httpEnv,
  /**
   * Optional (issue 20): where the aggregator keeps its figures, read by POST /v1/suppression/check
   * (only ingest can pseudonymize an address); without it that route answers 503.
   */
  ...redisEnv,
  PORT: port.default(3001),
  /** Master secret the per-tenant pseudonymization keys are derived from. Never logged. */
  PSEUDONYM_SECRET: z.string().min(16, 'must be at least 16 characters'),
  /** Longest a request waits for Kafka's acknowledgement before answering 503. */
  PUBLISH_TIMEOUT_MS: positiveInt.default(5000),
  MAX_BATCH_EVENTS: positiveInt.max(10_000).default(1000),
  BODY_LIMIT_BYTES: positiveInt.default(1024 * 1024),
  /** One part of an import (PUT /v1/imports/:id/parts/:n): NDJSON lines and bytes at most. */
  IMPORT_PART_MAX_EVENTS: positiveInt.max(50_000).default(10_000),
  IMPORT_BODY_LIMIT_BYTES: positiveInt.default(16 * 1024 * 1024),
  /** Largest provider webhook body (a WhatsApp POST may carry 1000 updates). */
  WEBHOOK_BODY_LIMIT_BYTES: positiveInt.default(2 * 1024 * 1024),
  /**
   * The URL providers call, as they see it (scheme, host, optional port, no trailing slash): Twilio
   * signs it, so it is rebuilt from here — never from the Host header, which a proxy rewrites.
   */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).transform((s) => s.replace(/\/+$/, '')),
  /** 32 bytes, base64 or hex: seals provider credentials at rest (AES-256-GCM). Never logged. */
  CREDENTIALS_KEY: credentialsKeySchema,
  /** How long decrypted provider credentials are cached in-process. */
  CREDENTIALS_CACHE_MS: positiveInt.default(10_000),
});
export type IngestConfig = z.infer<typeof ingestConfigSchema>;
