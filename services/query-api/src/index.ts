export { buildApp } from './app.ts';
export { createDeps, closeDeps, type QueryApiDeps } from './deps.ts';
export { queryApiConfigSchema, type QueryApiConfig } from './config.ts';
