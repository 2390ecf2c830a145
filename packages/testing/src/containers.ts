/**
 * The Docker path: real Kafka, Redis and Postgres in containers, when no service URLs are set.
 */
import type { TestServices } from './services.ts';

export async function dockerAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

export async function startContainers(): Promise<{
  services: Omit<TestServices, 'templateDatabase'>;
  stop: () => Promise<void>;
}> {
  if (!(await dockerAvailable())) {
    throw new Error(
      'no services configured: set KAFKA_BROKERS, REDIS_URL and DATABASE_URL (infra/native/stack.sh up prints them), ' +
        'or run with a reachable Docker engine so testcontainers can start them. `./tally test` does this for you.',
    );
  }
  const { GenericContainer, Wait } = await import('testcontainers');
  const [redis, postgres, kafka] = await Promise.all([
    new GenericContainer('redis:7')
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
      .start(),
    new GenericContainer('postgres:16')
      .withEnvironment({ POSTGRES_PASSWORD: 'postgres', POSTGRES_DB: 'tally' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start(),
    new GenericContainer('apache/kafka:4.1.1')
      .withExposedPorts({ container: 9092, host: 39092 })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093',
        KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://localhost:39092',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start(),
  ]);
  return {
    services: {
      kafkaBrokers: [`${kafka.getHost()}:39092`],
      redisUrl: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
      redisClusterNodes: [],
      databaseUrl: `postgres://postgres:postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/tally`,
    },
    async stop() {
      await Promise.all([redis.stop(), postgres.stop(), kafka.stop()]);
    },
  };
}
