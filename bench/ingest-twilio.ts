/**
 * Benchmark (not a test): Twilio status callbacks per second through the real ingest service —
 * listening on a port, tenant credentials from Postgres, signature verification, normalization,
 * pseudonymization, one Kafka produce acknowledged by all in-sync replicas per request — against a
 * bare Fastify route that only parses the same form body, measured in the same run with the same
 * load: autocannon in a separate process, fixed connections, fixed duration.
 *
 *   eval "$(bash infra/native/stack.sh env)"; pnpm bench:ingest
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=20 (defaults)
 *
 * Prints one JSON line: { ingest: {rps, p50, p99, non2xx}, bare: {...}, ratio } (ratio = ingest
 * rps / bare rps). It uses a database and topics of its own and removes them at the end.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Result } from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { loadConfig } from '@tally/config';
import { createTenant, migrate } from '@tally/db';
import { createLogger } from '@tally/logging';
import {
  buildApp,
  closeDeps,
  connectKafka,
  createDeps,
  ingestConfigSchema,
  parseCredentialsKey,
  setCredentials,
} from '@tally/ingest';

interface Stats {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const TOKEN = 'bench-twilio-auth-token';
const PUBLIC_BASE_URL = 'https://tally.example.com';
const PATH = '/webhooks/twilio/bench?campaign=bench';

function load(port: number, duration: number): Promise<Stats> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./load-worker.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'] });
    child.once('message', (m: { ok: boolean; error?: string; result?: Result }) => {
      if (!m.ok || !m.result) return reject(new Error(m.error ?? 'load worker failed'));
      const r = m.result;
      resolve({
        rps: Math.round(r.requests.total / r.duration),
        p50: r.latency.p50,
        p99: r.latency.p99,
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts,
        total: r.requests.total,
      });
    });
    child.once('error', reject);
    child.send({
      url: `http://127.0.0.1:${port}`,
      path: PATH,
      connections: CONNECTIONS,
      duration,
      token: TOKEN,
      publicBaseUrl: PUBLIC_BASE_URL,
    });
  });
}

async function bareServer() {
  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.post('/webhooks/twilio/:tenant', (request, reply) => {
    const body = request.body as Record<string, string>;
    return reply.status(200).send(body.MessageSid ? '' : 'no sid');
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}

async function adminQuery(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function main() {
  const { DATABASE_URL, KAFKA_BROKERS } = process.env;
  if (!DATABASE_URL || !KAFKA_BROKERS) {
    throw new Error('set DATABASE_URL and KAFKA_BROKERS: eval "$(bash infra/native/stack.sh env)"');
  }
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  const id = randomBytes(4).toString('hex');
  const dbName = `tally_bench_${id}`;
  await adminQuery(DATABASE_URL, `CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(DATABASE_URL);
  dbUrl.pathname = `/${dbName}`;
  const credentialsKey = randomBytes(32).toString('hex');
  const config = loadConfig(ingestConfigSchema, {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    KAFKA_TOPIC_SUFFIX: `bench${id}`,
    PSEUDONYM_SECRET: randomBytes(24).toString('hex'),
    CREDENTIALS_KEY: credentialsKey,
    PUBLIC_BASE_URL,
    LOG_LEVEL: 'warn',
  });
  const deps = createDeps(config, createLogger({ service: 'bench-ingest', level: 'warn' }));
  const bare = await bareServer();
  let ingest: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    await migrate(deps.pool);
    await createTenant(deps.pool, 'bench');
    await setCredentials(
      deps.pool,
      parseCredentialsKey(credentialsKey),
      'bench',
      'twilio',
      { authToken: TOKEN },
      0,
    );
    await connectKafka(deps, AbortSignal.timeout(30_000));
    ingest = await buildApp(deps);
    await ingest.listen({ port: 0, host: '127.0.0.1' });
    const ingestPort = (ingest.server.address() as AddressInfo).port;
    const barePort = (bare.server.address() as AddressInfo).port;

    // Warm up both (JIT, connections, Kafka metadata), then measure each with the same load.
    await load(barePort, 2);
    await load(ingestPort, 2);
    const bareStats = await load(barePort, SECONDS);
    const ingestStats = await load(ingestPort, SECONDS);
    const ratio = Math.round((ingestStats.rps / bareStats.rps) * 1000) / 1000;
    console.log(
      JSON.stringify({
        bench: 'ingest-twilio',
        connections: CONNECTIONS,
        seconds: SECONDS,
        ingest: ingestStats,
        bare: bareStats,
        ratio,
      }),
    );
  } finally {
    await ingest?.close();
    await bare.close();
    const admin = deps.kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteTopics({ topics: [deps.topics.events, deps.topics.eventsDeadLetter] }))
      .catch(() => undefined)
      .finally(() => admin.disconnect());
    await closeDeps(deps);
    await adminQuery(DATABASE_URL, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

await main();
