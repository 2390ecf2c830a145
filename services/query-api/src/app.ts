import { pingPostgres } from '@tally/db';
import { createBaseApp, serverLimitsOf } from '@tally/http';
import { dashboardStatic } from './dashboard-static.ts';
import type { QueryApiDeps } from './deps.ts';
import { alertRulesRoutes } from './routes/alert-rules.route.ts';
import { alertsRoutes } from './routes/alerts.route.ts';
import { attributionRoutes } from './routes/attribution.route.ts';
import { audienceRoutes } from './routes/audience.route.ts';
import { benchmarkRoutes } from './routes/benchmark.route.ts';
import { campaignStreamRoutes } from './routes/campaign-stream.route.ts';
import { campaignsRoutes } from './routes/campaigns.route.ts';
import { experimentRoutes } from './routes/experiment.route.ts';
import { notificationChannelsRoutes } from './routes/notification-channels.route.ts';
import { sendTimeRoutes } from './routes/send-time.route.ts';
import { deliverabilityRoutes } from './routes/deliverability.route.ts';
import { silencesRoutes } from './routes/silences.route.ts';
import { valueRoutes } from './routes/value.route.ts';
import { timeseriesRoutes } from './routes/timeseries.route.ts';

/** The query API. Never listens: main.ts (or a test) does. */
export async function buildApp(deps: QueryApiDeps, opts: { isShuttingDown?: () => boolean } = {}) {
  const app = await createBaseApp({
    logger: deps.logger,
    registry: deps.registry,
    title: 'Tally query API',
    bodyLimit: deps.config.BODY_LIMIT_BYTES,
    server: serverLimitsOf(deps.config),
    trustProxyHops: deps.config.TRUST_PROXY_HOPS,
    checks: {
      redis: async () => (await deps.redis.ping()) === 'PONG',
      postgres: () => pingPostgres(deps.pool),
    },
    ...(opts.isShuttingDown ? { isShuttingDown: opts.isShuttingDown } : {}),
  });
  // streams end before the server closes, so clients reconnect elsewhere at once
  app.addHook('preClose', (done) => {
    deps.streams.closeAll();
    deps.figureStreams.closeAll();
    done();
  });
  campaignStreamRoutes(app, deps);
  campaignsRoutes(app, deps);
  experimentRoutes(app, deps);
  timeseriesRoutes(app, deps);
  benchmarkRoutes(app, deps);
  sendTimeRoutes(app, deps);
  deliverabilityRoutes(app, deps);
  audienceRoutes(app, deps);
  valueRoutes(app, deps);
  attributionRoutes(app, deps);
  alertsRoutes(app, deps);
  alertRulesRoutes(app, deps);
  notificationChannelsRoutes(app, deps);
  silencesRoutes(app, deps);
  await dashboardStatic(app);
  return app;
}
