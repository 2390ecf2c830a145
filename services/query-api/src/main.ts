/**
 * Query API: loadConfig → createDeps → listen → start alerting. On SIGTERM: not ready, stop the
 * alert evaluator (releasing its lock so a standby replica takes over), close HTTP, drain the
 * notification sender, quit Redis, end Postgres.
 */
import { loadConfig, redactConfig } from '@tally/config';
import { createShutdown, onProcessFaults, onSignals } from '@tally/http';
import { migrate } from '@tally/db';
import { createLogger } from '@tally/logging';
import { buildApp } from './app.ts';
import { queryApiConfigSchema } from './config.ts';
import { closeDeps, createDeps } from './deps.ts';

const config = loadConfig(queryApiConfigSchema, process.env);
const logger = createLogger({ service: 'query-api', level: config.LOG_LEVEL });
const deps = createDeps(config, logger);
let shuttingDown = false;
const app = await buildApp(deps, { isShuttingDown: () => shuttingDown });

const stop = createShutdown(
  logger,
  [
    { name: 'not_ready', run: () => void (shuttingDown = true) },
    { name: 'stop_alert_evaluator', run: () => deps.alerting.stopEvaluator() },
    { name: 'close_http', run: () => app.close() },
    { name: 'drain_alert_sender', run: () => deps.alerting.drainSender() },
    { name: 'close_deps', run: () => closeDeps(deps) },
  ],
  config.SHUTDOWN_TIMEOUT_MS,
);
onSignals(logger, stop);
// A process that cannot do its job exits non-zero so its supervisor restarts it.
onProcessFaults(logger, stop, config.SHUTDOWN_TIMEOUT_MS * 2);

// Migrations are applied at start, under an advisory lock, so any service can come up first.
await migrate(deps.pool);
await app.listen({ port: config.PORT, host: config.HOST });
if (config.ALERTS_ENABLED) deps.alerting.start();
logger.info({ config: redactConfig(config) }, 'query_api_started');
