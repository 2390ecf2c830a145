/**
 * Aggregator: loadConfig → createDeps → HTTP (health/metrics) → consumer. On SIGTERM: not ready,
 * close HTTP, stop the consumer (finish the batch, commit), last snapshot, quit Redis, end Postgres.
 */
import { loadConfig, redactConfig } from '@tally/config';
import { createShutdown, onProcessFaults, onSignals } from '@tally/http';
import { migrate } from '@tally/db';
import { createLogger } from '@tally/logging';
import { createAggregator } from './aggregator.ts';
import { buildApp } from './app.ts';
import { aggregatorConfigSchema } from './config.ts';
import { RetentionTooShortError } from './retention.ts';
import { closeDeps, createDeps } from './deps.ts';

const config = loadConfig(aggregatorConfigSchema, process.env);
const logger = createLogger({ service: 'aggregator', level: config.LOG_LEVEL });
const deps = createDeps(config, logger);
let fatal: (err: unknown) => void = () => undefined;
const aggregator = createAggregator(deps, { onFatal: (err) => fatal(err) });
let shuttingDown = false;
const app = await buildApp(deps, aggregator, { isShuttingDown: () => shuttingDown });

const stop = createShutdown(
  logger,
  [
    { name: 'not_ready', run: () => void (shuttingDown = true) },
    { name: 'close_http', run: () => app.close() },
    {
      name: 'stop_consumer_and_snapshot',
      run: () => aggregator.stop(),
      timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    },
    { name: 'close_deps', run: () => closeDeps(deps) },
  ],
  config.SHUTDOWN_TIMEOUT_MS,
);
onSignals(logger, stop);
fatal = onProcessFaults(logger, stop, config.SHUTDOWN_TIMEOUT_MS * 2);

// Migrations are applied at start, under an advisory lock, so any service can come up first.
await migrate(deps.pool);
await app.listen({ port: config.PORT, host: config.HOST });
logger.info({ config: redactConfig(config) }, 'aggregator_starting');
try {
  await aggregator.start();
} catch (err) {
  if (err instanceof RetentionTooShortError)
    logger.fatal({ reason: err.message }, 'events_retention_too_short');
  else logger.fatal({ err }, 'aggregator_start_failed');
  await stop('start_failed');
  process.exit(1);
}
