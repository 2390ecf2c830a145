/**
 * Ingest: loadConfig → createDeps → listen → connect Kafka (in the background, so /readyz can say
 * "not yet" instead of the process dying) → on SIGTERM: not ready, close HTTP (in-flight requests
 * finish), flush and disconnect the producer, end the Postgres pool.
 */
import { loadConfig, redactConfig } from '@tally/config';
import { createShutdown, onProcessFaults, onSignals } from '@tally/http';
import { migrate } from '@tally/db';
import { createLogger } from '@tally/logging';
import { buildApp } from './app.ts';
import { ingestConfigSchema } from './config.ts';
import { closeDeps, connectKafka, createDeps } from './deps.ts';

const config = loadConfig(ingestConfigSchema, process.env);
const logger = createLogger({ service: 'ingest', level: config.LOG_LEVEL });
const deps = createDeps(config, logger);
let shuttingDown = false;
const app = await buildApp(deps, { isShuttingDown: () => shuttingDown });
const abort = new AbortController();

const stop = createShutdown(
  logger,
  [
    { name: 'not_ready', run: () => void (shuttingDown = true) },
    { name: 'close_http', run: () => app.close() },
    { name: 'stop_kafka_connect', run: () => abort.abort() },
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
logger.info({ config: redactConfig(config) }, 'ingest_started');
void connectKafka(deps, abort.signal);
