export { buildApp } from './app.ts';
export { createAggregator, type Aggregator } from './aggregator.ts';
export { createDeps, closeDeps, type AggregatorDeps } from './deps.ts';
export { aggregatorConfigSchema, type AggregatorConfig } from './config.ts';
export { decodeMessage, decodeWithZod, type Decoded } from './decode.ts';
