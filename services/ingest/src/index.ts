export { buildApp } from './app.ts';
export { createDeps, closeDeps, connectKafka, type IngestDeps } from './deps.ts';
export { ingestConfigSchema, type IngestConfig } from './config.ts';
export { parseCredentialsKey } from '@tally/secrets';
export { setCredentials, loadCredentials } from './credentials/store.ts';
export { credentialSchemas, isProviderName, PROVIDER_NAMES, type ProviderName } from './credentials/types.ts';
export { parseDuration } from './credentials/rotation.ts';
// Signing helpers (the same functions verification uses), for tests and the benchmark.
export { twilioSignature } from './providers/twilio/signature.ts';
export { whatsappSignature } from './providers/whatsapp/signature.ts';
export { vonageSignature, signHs256Jwt } from './providers/vonage/signature.ts';
// The verifiers the webhook routes use, for clients that sign (the demo generator's tests).
export { verifyTwilio } from './providers/twilio/signature.ts';
export { verifyWhatsapp, verifyHandshake } from './providers/whatsapp/signature.ts';
export { verifyVonageSig, verifyVonageJwt } from './providers/vonage/signature.ts';
export { verifyInfobip } from './providers/infobip/auth.ts';
export { normalizeAddress } from './address.ts';
