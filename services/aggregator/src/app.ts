import { pingPostgres } from '@tally/db';
import { createBaseApp } from '@tally/http';
import type { Aggregator } from './aggregator.ts';
import type { AggregatorDeps } from './deps.ts';

/** The aggregator's HTTP face: /healthz, /readyz, /metrics. Never listens by itself. */
export async function buildApp(
  deps: AggregatorDeps,
  aggregator: Aggregator,
  opts: { isShuttingDown?: () => boolean } = {},
) {
  return createBaseApp({
    logger: deps.logger,
    registry: deps.registry,
    title: 'Tally aggregator',
    checks: {
      consumer: () => aggregator.isReady(),
      redis: async () => (await deps.redis.ping()) === 'PONG',
      postgres: () => pingPostgres(deps.pool),
    },
    ...(opts.isShuttingDown ? { isShuttingDown: opts.isShuttingDown } : {}),
  });
}
