export { buildApp } from './app.ts';
export { createDeps, closeDeps, type QueryApiDeps, type DepsOptions } from './deps.ts';
export { queryApiConfigSchema, type QueryApiConfig } from './config.ts';
export type { AlertCountsSource, AlertScope, ActiveScope } from './alerts/source.ts';
export { verifySignature, SIGNATURE_HEADER } from './alerts/signature.ts';
export { frequency, silentDisengagement } from './audience-answers.ts';
export { recipientValue } from './audience-store.ts';
export { globalControlFromRollups, globalControlSides } from './global-control-store.ts';
