/**
 * Query API: loadConfig → createDeps → listen. On SIGTERM: not ready, close HTTP, quit Redis, end
 * Postgres.
 */
import { loadConfig, redactConfig } from '@tally/config';
import { createShutdown, onSignals } from '@tally/http';
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

const stop = createShutdown(logger, [
  { name: 'not_ready', run: () => void (shuttingDown = true) },
  { name: 'close_http', run: () => app.close() },
  { name: 'close_deps', run: () => closeDeps(deps) },
]);
onSignals(logger, stop);

// Migrations are applied at start, under an advisory lock, so any service can come up first.
await migrate(deps.pool);
await app.listen({ port: config.PORT, host: config.HOST });
logger.info({ config: redactConfig(config) }, 'query_api_started');
