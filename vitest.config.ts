import { defineConfig } from 'vitest/config';

// Two kinds of tests (STYLE.md §12): *.test.ts are pure unit tests; *.int.test.ts talk to real
// Kafka, Redis and Postgres, found through KAFKA_BROKERS / REDIS_URL / DATABASE_URL or started
// with testcontainers by the global setup when none is set and a Docker engine is reachable.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'services/*/src/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'services/*/test/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'packages/*/test/**/*.int.test.ts',
            'services/*/test/**/*.int.test.ts',
            'tests/**/*.int.test.ts',
          ],
          globalSetup: ['packages/testing/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
    ],
  },
});
