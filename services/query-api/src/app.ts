import { pingPostgres } from '@tally/db';
import { createBaseApp } from '@tally/http';
import type { QueryApiDeps } from './deps.ts';
import { campaignsRoutes } from './routes/campaigns.route.ts';

/** The query API. Never listens: main.ts (or a test) does. */
export async function buildApp(deps: QueryApiDeps, opts: { isShuttingDown?: () => boolean } = {}) {
  const app = await createBaseApp({
    logger: deps.logger,
    registry: deps.registry,
    title: 'Tally query API',
    checks: {
      redis: async () => (await deps.redis.ping()) === 'PONG',
      postgres: () => pingPostgres(deps.pool),
    },
    ...(opts.isShuttingDown ? { isShuttingDown: opts.isShuttingDown } : {}),
  });
  campaignsRoutes(app, deps);
  return app;
}
