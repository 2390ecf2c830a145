/**
 * The end-to-end tests' traffic and their final check, shared by kill.int.test.ts and
 * rebalance.int.test.ts: an ingest on a real port with the four providers' credentials, the demo
 * generator's requests (links minted first, the rest shuffled), the events ingest published read
 * back from the topic, and the served figures compared with the reference model.
 */
import type { AddressInfo } from 'node:net';
import type { RedisClient } from '@tally/redis';
import { Kafka, logLevel } from 'kafkajs';
import { expect } from 'vitest';
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
import { eventually, guardEventTimes, type Isolation } from '@tally/testing';
import { scanKeys, servedTenant } from '../../services/aggregator/test/served.ts';

function credentials(label: string): DemoCredentials {
  return {
    twilio: { authToken: `${label}-twilio-auth-token` },
    whatsapp: { appSecret: `${label}-meta-app-secret`, verifyToken: `${label}-verify-token` },
    vonage: { signatureSecret: `${label}-vonage-signature-secret`, signatureMethod: 'sha256' },
    infobip: { secret: `${label}-infobip-secret`, authMode: 'basic' },
  };
}

export interface DemoTraffic {
  tenant: string;
  /** The events topic ingest writes to. */
  topic: string;
  /** The demo's requests in the order they are to be sent (mints already sent). */
  requests: HttpRequest[];
  /** Sends one request; fails the test on a status ≥ 400. */
  send(req: HttpRequest): Promise<void>;
  sent(): number;
  close(): Promise<void>;
}

/**
 * Starts an ingest on the test's resources with a tenant of its own and the four providers'
 * credentials, mints the timeline's links, and returns the rest of its requests shuffled by
 * `shuffleSeed`. The timeline (`seed`) covers the 90 s before now at 5 sends a second.
 */
export async function demoTraffic(
  iso: Isolation,
  label: string,
  { seed, shuffleSeed }: { seed: string; shuffleSeed: number },
): Promise<DemoTraffic> {
  const config = loadConfig(ingestConfigSchema, { ...iso.env, CREDENTIALS_CACHE_MS: '60000' });
  const deps = createDeps(config, createLogger({ service: `test-${label}`, level: 'silent' }));
  deps.publisher = guardEventTimes(deps.publisher);
  await connectKafka(deps);
  const ingest = await buildApp(deps);
  await ingest.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ingest.server.address() as AddressInfo;
  const tenant = `${label}${iso.id}`;
  await createTenant(deps.pool, tenant);
  const apiKey = await addApiKey(deps.pool, tenant);
  const key = parseCredentialsKey(config.CREDENTIALS_KEY);
  const creds = credentials(label);
  for (const [provider, fields] of Object.entries(creds))
    await setCredentials(
      deps.pool,
      key,
      tenant,
      provider as 'twilio' | 'whatsapp' | 'vonage' | 'infobip',
      fields,
      0,
    );
  const target: Target = { tenant, apiKey, publicBaseUrl: config.PUBLIC_BASE_URL, credentials: creds };
  const scenario = SCENARIOS.demo;
  if (!scenario) throw new Error('no demo scenario');
  const now = Date.now();
  const timeline = new Timeline(scenario, { seed, startMs: now - 90_000, sendsPerSecond: 5 });
  const actions: Action[] = timeline.take(now);
  const http = createHttpClient(`http://127.0.0.1:${port}`, { maxSockets: 8, timeoutMs: 15_000 });
  let sent = 0;
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
  const requests = shuffle(rest, shuffleSeed).flatMap((a): HttpRequest[] => {
    if (a.kind === 'events') return [eventsRequest(a.events, target)];
    if (a.kind === 'webhook') return [webhookRequest(a, target)];
    if (a.kind === 'follow') {
      const code = codes.get(a.ref);
      return code ? [followRequest(code, a.agent)] : [];
    }
    return [];
  });
  return {
    tenant,
    topic: deps.topics.events,
    requests,
    send: async (req) => void (await send(req)),
    sent: () => sent,
    async close() {
      http.close();
      await ingest.close();
      await closeDeps(deps);
    },
  };
}

/** Every record of the topic: what ingest published (forwarded copies left out), with arrival times. */
export async function published(brokers: string, topic: string, id: string): Promise<ArrivedEvent[]> {
  const kafka = new Kafka({
    clientId: 'e2e-reader',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const total = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `e2e-reader-${id}`, maxWaitTimeInMs: 100 });
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

/**
 * Waits until every partition of the topic is applied up to its end — twice, since applying can
 * forward records (whose own application then moves the end).
 */
export async function waitAllApplied(iso: Isolation, redis: RedisClient, topic: string, timeoutMs = 60_000) {
  const keys = new RedisKeys(iso.redisPrefix);
  const kafka = new Kafka({
    clientId: 'e2e-admin',
    brokers: iso.env.KAFKA_BROKERS.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const partitions = Array.from({ length: TOPICS.events.partitions }, (_, i) => i);
  try {
    for (let round = 0; round < 2; round++)
      await eventually(
        async () => {
          const ends = await admin.fetchTopicOffsets(topic);
          const applied = await readAppliedOffsets(redis, keys, topic, partitions);
          return ends.map((e) => ({
            partition: e.partition,
            end: Number(e.high),
            applied: applied[`${topic}:${e.partition}`] ?? 0,
          }));
        },
        (rows) => rows.every((r) => r.applied >= r.end),
        { timeoutMs, intervalMs: 250 },
      );
  } finally {
    await admin.disconnect();
  }
}

/** The model of what ingest published, and what the aggregator serves, for one tenant. */
export async function servedAndModel(iso: Isolation, redis: RedisClient, tenant: string, topic: string) {
  const events = await published(iso.env.KAFKA_BROKERS, topic, iso.id);
  const now = Math.max(...events.map((e) => e.arrivalMs));
  const want = computeModel({ events, now }).tenants[tenant];
  const keys = new RedisKeys(iso.redisPrefix);
  const got = await servedTenant(
    redis,
    keys,
    tenant,
    Object.keys(want?.senders ?? {}),
    { horizonMs: 7 * 86_400_000, now },
    await scanKeys(redis, keys),
  );
  return { events, want, got };
}

/** Every path where two JSON-like values differ, as "path: got … want …" lines (at most `limit`). */
export function differences(got: unknown, want: unknown, limit = 40): string[] {
  const out: string[] = [];
  const walk = (g: unknown, w: unknown, path: string) => {
    if (out.length >= limit) return;
    const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
    if (obj(g) && obj(w) && Array.isArray(g) === Array.isArray(w)) {
      for (const k of new Set([...Object.keys(g), ...Object.keys(w)])) walk(g[k], w[k], `${path}.${k}`);
      return;
    }
    if (JSON.stringify(g) !== JSON.stringify(w))
      out.push(`${path}: served ${JSON.stringify(g)}, model ${JSON.stringify(w)}`);
  };
  walk(got, want, '');
  return out;
}
