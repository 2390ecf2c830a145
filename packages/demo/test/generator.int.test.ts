/**
 * The generator against a real ingest (started in-process, listening on a real port, with real
 * Postgres and Kafka): the first 45 s of the demo scenario are replayed in a burst, then a few
 * seconds more in real time. Every request — each provider's signed webhooks, /v1/events, link
 * mints and follows, the WhatsApp handshake — is accepted, and exactly the events the generator
 * expected reach the topic, type by type.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { loadConfig } from '@tally/config';
import { addApiKey, createTenant } from '@tally/db';
import type { CanonicalEvent } from '@tally/events';
import {
  buildApp,
  closeDeps,
  connectKafka,
  createDeps,
  ingestConfigSchema,
  parseCredentialsKey,
  setCredentials,
  type IngestDeps,
} from '@tally/ingest';
import { createLogger } from '@tally/logging';
import { eventually, guardEventTimes, isolate, type Isolation } from '@tally/testing';
import { Runner, SCENARIOS, Timeline, type DemoCredentials, type RunStats } from '../src/index.ts';

const CREDENTIALS: DemoCredentials = {
  twilio: { authToken: 'int-twilio-auth-token' },
  whatsapp: { appSecret: 'int-meta-app-secret', verifyToken: 'int-verify-token' },
  vonage: { signatureSecret: 'int-vonage-signature-secret', signatureMethod: 'sha512' },
  infobip: { secret: 'int-infobip-secret', authMode: 'basic' },
};

async function topicReader(brokers: string, topic: string, id: string) {
  const kafka = new Kafka({
    clientId: 'demo-test-reader',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer: Consumer = kafka.consumer({ groupId: `reader-${id}`, maxWaitTimeInMs: 100 });
  const seen: CanonicalEvent[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      seen.push(JSON.parse(String(message.value)) as CanonicalEvent);
      return Promise.resolve();
    },
  });
  return { seen, kafka, stop: () => consumer.disconnect() };
}

describe('the demo generator against ingest', () => {
  let iso: Isolation | undefined;
  let deps: IngestDeps | undefined;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let reader: Awaited<ReturnType<typeof topicReader>> | undefined;
  let stats: RunStats;

  beforeAll(async () => {
    iso = await isolate('demo');
    const config = loadConfig(ingestConfigSchema, { ...iso.env, CREDENTIALS_CACHE_MS: '60000' });
    deps = createDeps(config, createLogger({ service: 'test', level: 'silent' }));
    deps.publisher = guardEventTimes(deps.publisher);
    await connectKafka(deps);
    app = await buildApp(deps);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    await createTenant(deps.pool, 'demo');
    const apiKey = await addApiKey(deps.pool, 'demo');
    const key = parseCredentialsKey(config.CREDENTIALS_KEY);
    for (const [provider, fields] of Object.entries(CREDENTIALS)) {
      await setCredentials(deps.pool, key, 'demo', provider as keyof DemoCredentials, fields, 0);
    }
    reader = await topicReader(iso.env.KAFKA_BROKERS, deps.topics.events, iso.id);
    const scenario = SCENARIOS.demo;
    if (!scenario) throw new Error('no demo scenario');
    const now = Date.now();
    // Started 45 s ago: the runner catches up in a burst, then plays 4 s in real time.
    const timeline = new Timeline(scenario, { seed: 'int', startMs: now - 45_000, sendsPerSecond: 8 });
    const problems: string[] = [];
    const runner = new Runner(timeline, {
      ingestUrl: `http://127.0.0.1:${port}`,
      target: { tenant: 'demo', apiKey, publicBaseUrl: config.PUBLIC_BASE_URL, credentials: CREDENTIALS },
      stopAt: now + 4000,
      concurrency: 16,
      onProblem: (m) => problems.push(m),
    });
    stats = await runner.run();
    expect(problems).toEqual([]);
  }, 120_000);

  afterAll(async () => {
    await reader?.stop();
    await app?.close();
    if (deps) {
      const admin = reader?.kafka.admin();
      await admin?.connect();
      await admin
        ?.deleteTopics({ topics: [deps.topics.events, deps.topics.eventsDeadLetter] })
        .catch(() => undefined);
      await admin?.disconnect();
      await closeDeps(deps);
    }
    await iso?.cleanup();
  });

  it('had every request accepted, of every kind', () => {
    expect(stats.refused).toBe(0);
    expect(stats.errors).toBe(0);
    expect(stats.skippedFollows).toBe(0);
    expect(Object.keys(stats.byKind).sort()).toEqual([
      'events',
      'follow',
      'handshake',
      'infobip',
      'mint',
      'twilio',
      'vonage',
      'whatsapp',
    ]);
    for (const k of Object.values(stats.byKind)) expect(k.accepted).toBe(k.requests);
    expect(stats.accepted).toBeGreaterThan(1000);
    expect(stats.retries).toBeGreaterThan(0);
  });

  it('got exactly the expected events onto the topic, type by type', async () => {
    const r = reader;
    if (!r) throw new Error('no reader');
    await eventually(
      () => Promise.resolve(r.seen.length),
      (n) => n >= stats.eventsTotal,
      { timeoutMs: 30_000 },
    );
    await new Promise((res) => setTimeout(res, 500));
    const byType: Record<string, number> = {};
    for (const e of r.seen) byType[e.type] = (byType[e.type] ?? 0) + 1;
    expect(r.seen.length).toBe(stats.eventsTotal);
    expect(byType).toEqual(stats.events);
    expect(new Set(r.seen.map((e) => e.tenantId))).toEqual(new Set(['demo']));
    // Tracked-link clicks name no provider.
    expect(new Set(r.seen.map((e) => e.provider ?? e.type))).toEqual(
      new Set(['api', 'twilio', 'whatsapp', 'vonage', 'infobip', 'clicked']),
    );
    // Raw numbers never reach the topic: every recipient is a pseudonym.
    expect(r.seen.filter((e) => e.recipientId !== undefined && !e.recipientId.startsWith('r_'))).toEqual([]);
  });
});
