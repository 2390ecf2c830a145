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

/**
 * Standalone Redis (REDIS_URL) or Redis Cluster (REDIS_CLUSTER_NODES, seed nodes "host:port,…"; a
 * REDIS_URL beside them gives every node its credentials and TLS). Cross-field rule:
 * `checkRedisEnv` (one of the two must be set).
 */
export const redisEnv = {
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_CLUSTER_NODES: envList
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d{1,5}$/, 'each node must be host:port')))
    .optional(),
  /** Prefix of every Redis key; integration tests use one each. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/)
    .default('tally'),
};

export const postgresEnv = {
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  PG_POOL_MAX: positiveInt.max(1000).default(10),
  /** How long a query waits for a free pool connection; then it fails (503 on the HTTP services). */
  PG_CONNECT_TIMEOUT_MS: positiveInt.max(60_000).default(2000),
};

/**
 * The HTTP server's limits (packages/http createBaseApp → Node's http.Server), so a slow or
 * stalled client cannot hold a connection: headers must arrive within HTTP_HEADERS_TIMEOUT_MS and
 * the whole request (headers and body) within HTTP_REQUEST_TIMEOUT_MS of its first byte, else 408
 * and the connection is closed; a socket with no traffic either way for
 * HTTP_CONNECTION_TIMEOUT_MS is closed (an SSE stream sends a keepalive well within it); an idle
 * keep-alive connection is closed after HTTP_KEEP_ALIVE_TIMEOUT_MS (above the 60 s idle timeout
 * of the usual load balancers, so they never reuse a connection the server is closing).
 * Cross-field rules: `checkHttpEnv`.
 */
export const httpEnv = {
  HOST: z.string().default('0.0.0.0'),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  HTTP_HEADERS_TIMEOUT_MS: positiveInt.min(100).max(120_000).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: positiveInt.min(100).max(600_000).default(30_000),
  HTTP_CONNECTION_TIMEOUT_MS: positiveInt.min(1000).max(3_600_000).default(60_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt.min(100).max(600_000).default(72_000),
  /**
   * Proxies in front of the service whose X-Forwarded-For to trust for the client address (what
   * failed authentications are counted against); 0 = the socket's peer is the client.
   */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Largest request body; larger is 413 (a service may lower the default for its own routes). */
  BODY_LIMIT_BYTES: positiveInt.max(64 * 1024 * 1024).default(1024 * 1024),
};

/** The cross-field rules of httpEnv, for the service schema's `superRefine`. */
export function checkHttpEnv(
  c: { HTTP_HEADERS_TIMEOUT_MS: number; HTTP_REQUEST_TIMEOUT_MS: number },
  ctx: z.RefinementCtx,
): void {
  if (c.HTTP_HEADERS_TIMEOUT_MS > c.HTTP_REQUEST_TIMEOUT_MS)
    ctx.addIssue({
      code: 'custom',
      path: ['HTTP_HEADERS_TIMEOUT_MS'],
      message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)',
    });
}

/** The cross-field rule of redisEnv, for the service schema's `superRefine`. */
export function checkRedisEnv(
  c: { REDIS_URL?: string | undefined; REDIS_CLUSTER_NODES?: string[] | undefined },
  ctx: z.RefinementCtx,
): void {
  if (!c.REDIS_URL && (c.REDIS_CLUSTER_NODES ?? []).length === 0)
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_URL'],
      message:
        'set REDIS_URL (standalone Redis) or REDIS_CLUSTER_NODES (Redis Cluster seed nodes, host:port,…)',
    });
}

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
