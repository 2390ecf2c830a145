import { createBaseApp } from '@tally/http';
import type { IngestDeps } from './deps.ts';
import { eventsRoute } from './routes/events.route.ts';
import { importsRoute } from './routes/imports.route.ts';
import { globalControlRoute } from './routes/global-control.route.ts';
import { suppressionRoute } from './routes/suppression.route.ts';
import { linksRoute } from './routes/links.route.ts';
import { registerWebhooks } from './webhooks/plugin.ts';

export interface BuildAppOptions {
  isShuttingDown?: () => boolean;
}

/** The ingest HTTP app. Never listens: main.ts (or a test) does. */
export async function buildApp(deps: IngestDeps, opts: BuildAppOptions = {}) {
  const app = await createBaseApp({
    logger: deps.logger,
    registry: deps.registry,
    title: 'Tally ingest',
    bodyLimit: deps.config.BODY_LIMIT_BYTES,
    checks: { kafka: () => deps.producer.isConnected() },
    ...(opts.isShuttingDown ? { isShuttingDown: opts.isShuttingDown } : {}),
  });
  eventsRoute(app, deps);
  globalControlRoute(app, deps);
  suppressionRoute(app, deps);
  linksRoute(app, deps);
  await importsRoute(app, deps);
  await registerWebhooks(app, deps);
  return app;
}
