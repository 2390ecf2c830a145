export { buildApp } from './app.ts';
export { createDeps, closeDeps, connectKafka, type IngestDeps } from './deps.ts';
export { ingestConfigSchema, type IngestConfig } from './config.ts';
