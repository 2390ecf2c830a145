/**
 * Config fragments shared by the services. Spread them into a service's env schema:
 * `z.object({ ...kafkaEnv, ...redisEnv, PORT: port.default(3001) })`.
 */
import { z } from 'zod';
import { envList, positiveInt } from './load-config.ts';

export const logEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export const kafkaEnv = {
  KAFKA_BROKERS: envList.pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port')).min(1)),
  KAFKA_CLIENT_ID: z.string().min(1).default('tally'),
  /** Suffix appended to every topic name; integration tests use it to get topics of their own. */
  KAFKA_TOPIC_SUFFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]*$/)
    .default(''),
};

export const redisEnv = {
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  /** Prefix of every Redis key; integration tests use one each. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/)
    .default('tally'),
};

export const postgresEnv = {
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  PG_POOL_MAX: positiveInt.default(10),
};

export const httpEnv = {
  HOST: z.string().default('0.0.0.0'),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
};

/** Names of variables that hold secrets: never logged, even when config is dumped at start. */
export const SECRET_ENV_NAMES = [
  'DATABASE_URL',
  'REDIS_URL',
  'PSEUDONYM_SECRET',
  'ADMIN_TOKEN',
  'CREDENTIALS_KEY',
] as const;

/** The config with secrets replaced, for a start-up log line. */
export function redactConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    out[k] = (SECRET_ENV_NAMES as readonly string[]).includes(k) ? '[redacted]' : v;
  }
  return out;
}
