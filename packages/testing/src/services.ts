/**
 * Where the real services are. Tests use the ones named by KAFKA_BROKERS / REDIS_URL /
 * DATABASE_URL (native, started by infra/native/stack.sh); when none is set and a Docker engine is
 * reachable, global-setup.ts starts them with testcontainers. Both paths hand the same shape to tests.
 */
export interface TestServices {
  kafkaBrokers: string[];
  redisUrl: string;
  /**
   * Seed nodes of a Redis Cluster (REDIS_CLUSTER_NODES): when set, tests and the services under
   * test use the cluster, and `redisUrl` only for what it adds (credentials). Empty = standalone.
   */
  redisClusterNodes: string[];
  /** A superuser URL for the admin database; tests create databases of their own from it. */
  databaseUrl: string;
  /** Migrated database that per-test databases are cloned from. */
  templateDatabase: string;
}

export function servicesFromEnv(env: NodeJS.ProcessEnv): Omit<TestServices, 'templateDatabase'> | undefined {
  const { KAFKA_BROKERS, REDIS_URL, DATABASE_URL } = env;
  if (!KAFKA_BROKERS && !REDIS_URL && !DATABASE_URL) return undefined;
  const missing = Object.entries({ KAFKA_BROKERS, REDIS_URL, DATABASE_URL })
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length > 0)
    throw new Error(`set all of KAFKA_BROKERS, REDIS_URL, DATABASE_URL (missing: ${missing.join(', ')})`);
  return {
    kafkaBrokers: (KAFKA_BROKERS as string).split(',').map((s) => s.trim()),
    redisUrl: REDIS_URL as string,
    redisClusterNodes: (env.REDIS_CLUSTER_NODES ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    databaseUrl: DATABASE_URL as string,
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: TestServices;
  }
}
