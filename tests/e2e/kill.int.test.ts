/**
 * Issue 11's end-to-end proof: signed webhooks of all four providers, sends, push and in-app
 * events and conversions on /v1/events, tracked links minted and followed — the demo generator's
 * traffic, provider retries included — sent through ingest in a shuffled order, with the
 * aggregator process killed with SIGKILL mid-stream and restarted. Once it has caught up, every
 * figure it serves equals the reference model computed from the events ingest published (read
 * back from the topic).
 */
import type { AddressInfo } from 'node:net';
import type { RedisClient } from '@tally/redis';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@tally/config';
import { readAppliedOffsets, RedisKeys } from '@tally/counters';
import { addApiKey, createTenant } from '@tally/db';
import {
  createHttpClient,
  eventsRequest,
  followRequest,
  mergeInfobip,
  mintRequest,
  SCENARIOS,
  Timeline,
  webhookRequest,
  type Action,
  type DemoCredentials,
  type HttpRequest,
  type Target,
  type WebhookAction,
} from '@tally/demo';
import { canonicalEventSchema, FORWARDED_HEADER, TOPICS } from '@tally/events';
import {
  buildApp,
  closeDeps,
  connectKafka,
  createDeps,
  ingestConfigSchema,
  parseCredentialsKey,
  setCredentials,
} from '@tally/ingest';
import { createLogger } from '@tally/logging';
import { computeModel, shuffle, type ArrivedEvent } from '@tally/model';
import { eventually, isolate, type Isolation, redisOfEnv } from '@tally/testing';
import { scanKeys, servedTenant } from '../../services/aggregator/test/served.ts';
import { spawnAggregator, type AggregatorProcess } from './aggregator-process.ts';

const CREDENTIALS: DemoCredentials = {
  twilio: { authToken: 'kill-twilio-auth-token' },
  whatsapp: { appSecret: 'kill-meta-app-secret', verifyToken: 'kill-verify-token' },
  vonage: { signatureSecret: 'kill-vonage-signature-secret', signatureMethod: 'sha256' },
  infobip: { secret: 'kill-infobip-secret', authMode: 'basic' },
};

/** Every record of the topic: what ingest published (forwarded copies left out), with arrival times. */
async function published(brokers: string, topic: string, id: string): Promise<ArrivedEvent[]> {
  const kafka = new Kafka({
    clientId: 'kill-reader',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const total = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `kill-reader-${id}`, maxWaitTimeInMs: 100 });
  const out: ArrivedEvent[] = [];
  let seen = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      seen += 1;
      if (message.headers?.[FORWARDED_HEADER]) return Promise.resolve();
      const e = canonicalEventSchema.parse(JSON.parse(String(message.value)));
      out.push({ ...e, arrivalMs: Number(message.timestamp) });
      return Promise.resolve();
    },
  });
  await eventually(
    () => Promise.resolve(seen),
    (n) => n >= total,
    { timeoutMs: 30_000 },
  );
  await consumer.disconnect();
  return out;
}

describe('the aggregator killed mid-stream (issue 11)', () => {
  let iso: Isolation;
  let redis: RedisClient;
  let aggregator: AggregatorProcess | undefined;
  let ingest: Awaited<ReturnType<typeof buildApp>>;
  let ingestDeps: ReturnType<typeof createDeps>;
  let tenant: string;
  let sent = 0;

  beforeAll(async () => {
    iso = await isolate('kill');
    redis = redisOfEnv(iso.env);
    const config = loadConfig(ingestConfigSchema, { ...iso.env, CREDENTIALS_CACHE_MS: '60000' });
    ingestDeps = createDeps(config, createLogger({ service: 'test-kill', level: 'silent' }));
    await connectKafka(ingestDeps);
    ingest = await buildApp(ingestDeps);
    await ingest.listen({ port: 0, host: '127.0.0.1' });
    const { port } = ingest.server.address() as AddressInfo;
    tenant = `kill${iso.id}`;
    await createTenant(ingestDeps.pool, tenant);
    const apiKey = await addApiKey(ingestDeps.pool, tenant);
    const key = parseCredentialsKey(config.CREDENTIALS_KEY);
    for (const [provider, fields] of Object.entries(CREDENTIALS))
      await setCredentials(
        ingestDeps.pool,
        key,
        tenant,
        provider as 'twilio' | 'whatsapp' | 'vonage' | 'infobip',
        fields,
        0,
      );
    const target: Target = {
      tenant,
      apiKey,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      credentials: CREDENTIALS,
    };

    const scenario = SCENARIOS.demo;
    if (!scenario) throw new Error('no demo scenario');
    const now = Date.now();
    const timeline = new Timeline(scenario, { seed: 'kill', startMs: now - 90_000, sendsPerSecond: 5 });
    const actions: Action[] = timeline.take(now);
    const http = createHttpClient(`http://127.0.0.1:${port}`, { maxSockets: 8, timeoutMs: 15_000 });
    const send = async (req: HttpRequest) => {
      const res = await http.send(req);
      expect(res.status, `${req.method} ${req.path}: ${res.body}`).toBeLessThan(400);
      sent += 1;
      return res;
    };
    // Links are minted first (a follow needs its code); everything else goes in a shuffled order.
    const codes = new Map<string, string>();
    for (const a of actions)
      if (a.kind === 'mint') {
        const res = await send(mintRequest(a.link, target));
        codes.set(a.ref, (JSON.parse(res.body) as { code: string }).code);
      }
    const infobip = mergeInfobip(
      actions.filter((a): a is WebhookAction => a.kind === 'webhook' && a.provider === 'infobip'),
    );
    const rest = [
      ...actions.filter((a) => a.kind !== 'mint' && !(a.kind === 'webhook' && a.provider === 'infobip')),
      ...infobip,
    ];
    const requests = shuffle(rest, 11).flatMap((a): HttpRequest[] => {
      if (a.kind === 'events') return [eventsRequest(a.events, target)];
      if (a.kind === 'webhook') return [webhookRequest(a, target)];
      if (a.kind === 'follow') {
        const code = codes.get(a.ref);
        return code ? [followRequest(code)] : [];
      }
      return [];
    });
    aggregator = spawnAggregator(iso);
    const killAt = Math.floor(requests.length * 0.45);
    for (let i = 0; i < requests.length; i += 8) {
      await Promise.all(requests.slice(i, i + 8).map(send));
      if (i <= killAt && killAt < i + 8) {
        // Let it apply some of what came, then kill it without warning and start another.
        await new Promise((r) => setTimeout(r, 1500));
        await aggregator.kill9();
        aggregator = spawnAggregator(iso);
      }
    }
    http.close();
    expect(sent).toBeGreaterThan(500);
  }, 240_000);

  afterAll(async () => {
    await aggregator?.stop();
    await ingest?.close();
    await closeDeps(ingestDeps);
    await redis.quit();
    await iso.cleanup();
  });

  it('serves every figure the model computes from what ingest published', async () => {
    const keys = new RedisKeys(iso.redisPrefix);
    const topic = ingestDeps.topics.events;
    const kafka = new Kafka({
      clientId: 'kill-admin',
      brokers: iso.env.KAFKA_BROKERS.split(','),
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    const partitions = Array.from({ length: TOPICS.events.partitions }, (_, i) => i);
    // Caught up: every partition applied up to its end (forwarded records included, so settle twice).
    for (let round = 0; round < 2; round++)
      await eventually(
        async () => {
          const ends = await admin.fetchTopicOffsets(topic);
          const applied = await readAppliedOffsets(redis, keys, topic, partitions);
          return ends.every((e) => (applied[`${topic}:${e.partition}`] ?? 0) >= Number(e.high));
        },
        (done) => done,
        { timeoutMs: 60_000, intervalMs: 250 },
      );
    await admin.disconnect();
    const events = await published(iso.env.KAFKA_BROKERS, topic, iso.id);
    expect(events.length).toBeGreaterThan(1000);
    const now = Math.max(...events.map((e) => e.arrivalMs));
    const model = computeModel({ events, now });
    const want = model.tenants[tenant];
    expect(want).toBeDefined();
    expect(Object.keys(want?.campaigns ?? {}).length).toBeGreaterThan(5);
    const got = await servedTenant(
      redis,
      keys,
      tenant,
      Object.keys(want?.senders ?? {}),
      { horizonMs: 7 * 86_400_000, now },
      await scanKeys(redis, keys),
    );
    expect(got).toEqual(want);
  }, 120_000);
});
