import { defineConfig } from 'vitest/config';

// Three kinds of tests (STYLE.md §12): *.test.ts are pure unit tests; *.int.test.ts talk to real
// Kafka, Redis and Postgres, found through KAFKA_BROKERS / REDIS_URL / DATABASE_URL or started
// with testcontainers by the global setup when none is set and a Docker engine is reachable.
//
// Which code they run: unit and integration tests import the workspace packages' TypeScript
// sources (the `@tally/source` export condition, as `tsx` does in development); the end-to-end
// suites (tests/e2e, project `e2e`) import and spawn the compiled `dist/` that ships — without
// that condition every `@tally/*` import resolves to `dist/index.js`, which Node itself loads
// (externalized, not transformed by Vite), and a dist built from other sources than the checkout's
// fails the run before any test (tests/e2e/global-setup.ts, scripts/build-stamp.ts).
const SOURCE_CONDITIONS = ['@tally/source', 'module', 'node', 'development|production'];
const fromSource = {
  resolve: { conditions: SOURCE_CONDITIONS },
  ssr: { resolve: { conditions: SOURCE_CONDITIONS, externalConditions: ['@tally/source'] } },
};
const integration = {
  globalSetup: ['packages/testing/src/global-setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    projects: [
      {
        ...fromSource,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'services/*/src/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'services/*/test/**/*.test.ts',
            'scripts/**/*.test.ts',
            'infra/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        ...fromSource,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.int.test.ts', 'services/*/test/**/*.int.test.ts'],
          ...integration,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/**/*.int.test.ts'],
          ...integration,
          globalSetup: [...integration.globalSetup, 'tests/e2e/global-setup.ts'],
          server: { deps: { external: [/\/(packages|services)\/[^/]+\/dist\//] } },
        },
      },
    ],
  },
});
