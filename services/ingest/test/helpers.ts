/**
 * Shared by the ingest integration tests: an ingest app on the test's own topics and database,
 * provider credentials for a tenant, a reader of what reached the Kafka topic, and the provider
 * fixtures (test/fixtures: wire samples with their expected events, see its README).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { loadConfig } from '@tally/config';
import { createTenant } from '@tally/db';
import type { CanonicalEvent } from '@tally/events';
import { createLogger, type CreateLoggerOptions } from '@tally/logging';
import { guardEventTimes, isolate, type EventTimeRules, type Isolation } from '@tally/testing';
import {
  buildApp,
  closeDeps,
  connectKafka,
  createDeps,
  ingestConfigSchema,
  parseCredentialsKey,
  setCredentials,
  type IngestDeps,
} from '../src/index.ts';

type DestinationStream = NonNullable<CreateLoggerOptions['destination']>;

/** Provider requests as they arrive on the wire, kept in the repository (the tests need nothing outside it). */
export const FIXTURES_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface Fixture {
  name: string;
  provider: string;
  method: 'GET' | 'POST';
  url: string;
  contentType?: string;
  headers?: Record<string, string>;
  body?: string;
  expectStatus?: number;
  expectBody?: string;
  expect: Record<string, unknown>[];
}

export function loadFixtures(): Fixture[] {
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      name: f,
      ...(JSON.parse(readFileSync(`${FIXTURES_DIR}${f}`, 'utf8')) as Omit<Fixture, 'name'>),
    }));
}

/** The secrets the fixtures were signed with (fixtures/*.json `secret`). */
export const FIXTURE_CREDENTIALS = {
  twilio: { authToken: 'test_twilio_auth_token_0123456789' },
  whatsapp: { appSecret: 'test_meta_app_secret', verifyToken: 'test_verify_token' },
  vonage: {
    signatureSecret: 'test_vonage_signature_secret',
    signatureMethod: 'sha256',
    accountCurrency: 'GBP',
  },
  infobip: { secret: 'test_infobip_secret', authMode: 'bearer' },
} as const;

export async function startIngest(
  iso: Isolation,
  env: Record<string, string> = {},
  opts: EventTimeRules & { logTo?: DestinationStream } = {},
) {
  const config = loadConfig(ingestConfigSchema, { ...iso.env, ...env });
  const logger = opts.logTo
    ? createLogger({ service: 'test', level: 'debug', destination: opts.logTo })
    : createLogger({ service: 'test', level: 'silent' });
  const deps = createDeps(config, logger);
  deps.publisher = guardEventTimes(deps.publisher, opts);
  await connectKafka(deps);
  const app = await buildApp(deps);
  return { deps, app };
}

export interface IngestHarness {
  iso: Isolation;
  deps: IngestDeps;
  app: Awaited<ReturnType<typeof startIngest>>['app'];
  reader: Awaited<ReturnType<typeof topicReader>>;
}

/** An ingest on isolated resources named after `label`, with a reader of its events topic. */
export async function startIngestHarness(
  label: string,
  env: Record<string, string> = {},
  opts: EventTimeRules & { logTo?: DestinationStream } = {},
): Promise<IngestHarness> {
  const iso = await isolate(label);
  const { deps, app } = await startIngest(iso, env, opts);
  const reader = await topicReader(iso.env.KAFKA_BROKERS, deps.topics.events, iso.id);
  return { iso, deps, app, reader };
}

/** Stops whatever of a harness was started (an afterAll after a failed beforeAll included). */
export async function stopIngestHarness(h: Partial<IngestHarness>): Promise<void> {
  await h.reader?.stop();
  await h.app?.close();
  if (h.deps) await closeDeps(h.deps);
  await h.iso?.cleanup();
}

export async function addTenantWithCredentials(
  deps: IngestDeps,
  tenant: string,
  creds: Partial<Record<keyof typeof FIXTURE_CREDENTIALS, Record<string, unknown>>> = FIXTURE_CREDENTIALS,
  graceMs = 0,
): Promise<void> {
  await createTenant(deps.pool, tenant);
  const key = parseCredentialsKey(deps.config.CREDENTIALS_KEY);
  for (const [provider, fields] of Object.entries(creds)) {
    await setCredentials(
      deps.pool,
      key,
      tenant,
      provider as keyof typeof FIXTURE_CREDENTIALS,
      fields,
      graceMs,
    );
  }
}

/** Collects every event published to the topic from its beginning, and its record key. */
export async function topicReader(brokers: string, topic: string, id: string) {
  const kafka = new Kafka({
    clientId: 'test-reader',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer: Consumer = kafka.consumer({ groupId: `reader-${id}`, maxWaitTimeInMs: 100 });
  const seen: CanonicalEvent[] = [];
  /** Each record's Kafka key, by the eventId of its event. */
  const keys = new Map<string, string>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      const event = JSON.parse(String(message.value)) as CanonicalEvent;
      seen.push(event);
      keys.set(event.eventId, String(message.key));
      return Promise.resolve();
    },
  });
  return { seen, keys, stop: () => consumer.disconnect() };
}

/** The request of a fixture as inject() options: path + query of its URL, its headers, its exact body. */
export function fixtureRequest(f: Fixture) {
  const u = new URL(f.url);
  return {
    method: f.method,
    url: u.pathname + u.search,
    headers: { ...(f.contentType ? { 'content-type': f.contentType } : {}), ...(f.headers ?? {}) },
    ...(f.body === undefined ? {} : { payload: f.body }),
  };
}
