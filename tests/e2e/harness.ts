/**
 * Runs the three services in-process against the real Kafka, Redis and Postgres, on resources of
 * the test's own (topics, consumer group, Redis prefix, database). Ingest and query-api are
 * exercised through `inject`, the aggregator through its real consumer group.
 */
import { loadConfig } from '@tally/config';
import { addApiKey, createTenant } from '@tally/db';
import { createLogger } from '@tally/logging';
import * as aggregatorSvc from '@tally/aggregator';
import * as ingestSvc from '@tally/ingest';
import * as querySvc from '@tally/query-api';
import {
  createLogTail,
  guardEventTimes,
  isolate,
  waitForConsumerCaughtUp,
  type EventTimeRules,
  type Isolation,
} from '@tally/testing';

export interface Pipeline {
  iso: Isolation;
  ingest: Awaited<ReturnType<typeof ingestSvc.buildApp>>;
  query: Awaited<ReturnType<typeof querySvc.buildApp>>;
  /** Ingest's deps: its pseudonymizer gives the ids a test's raw recipients get. */
  ingestDeps: ingestSvc.IngestDeps;
  aggregator: aggregatorSvc.Aggregator;
  aggregatorDeps: aggregatorSvc.AggregatorDeps;
  queryDeps: querySvc.QueryApiDeps;
  addTenant(id: string): Promise<string>;
  postEvents(key: string, events: unknown[]): Promise<{ status: number; body: unknown }>;
  getJson(key: string, url: string): Promise<{ status: number; body: any }>;
  /** Until the aggregator's group has committed every offset (timeoutMs: 90 s by default). */
  settle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startPipeline(
  label = 'e2e',
  envOverrides: Record<string, string> = {},
  eventTimes: EventTimeRules = {},
): Promise<Pipeline> {
  const iso = await isolate(label);
  const env = { ...iso.env, ...envOverrides };
  // Silent tests keep their warnings in memory: settle prints them when it times out.
  const tail = env.LOG_LEVEL === 'silent' ? createLogTail() : undefined;
  const logger = createLogger({
    service: `test-${label}`,
    level: tail ? 'warn' : env.LOG_LEVEL,
    destination: tail?.destination,
  });

  const ingestDeps = ingestSvc.createDeps(loadConfig(ingestSvc.ingestConfigSchema, env), logger);
  ingestDeps.publisher = guardEventTimes(ingestDeps.publisher, eventTimes);
  await ingestSvc.connectKafka(ingestDeps);
  const ingest = await ingestSvc.buildApp(ingestDeps);

  const aggregatorDeps = aggregatorSvc.createDeps(
    loadConfig(aggregatorSvc.aggregatorConfigSchema, env),
    logger,
  );
  // main.ts exits on this; in-process, settle reports it.
  let fatal: unknown;
  const aggregator = aggregatorSvc.createAggregator(aggregatorDeps, {
    onFatal: (err) => {
      fatal = err;
    },
  });
  await aggregator.start();

  const queryDeps = querySvc.createDeps(loadConfig(querySvc.queryApiConfigSchema, env), logger);
  const query = await querySvc.buildApp(queryDeps);

  return {
    iso,
    ingest,
    query,
    ingestDeps,
    aggregator,
    aggregatorDeps,
    queryDeps,
    async addTenant(id) {
      await createTenant(iso.db.pool, id);
      return addApiKey(iso.db.pool, id);
    },
    async postEvents(key, events) {
      const res = await ingest.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: `Bearer ${key}` },
        payload: { events },
      });
      return { status: res.statusCode, body: res.json() };
    },
    async getJson(key, url) {
      const res = await query.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
      return { status: res.statusCode, body: res.json() };
    },
    async settle(timeoutMs) {
      try {
        await waitForConsumerCaughtUp(
          env.KAFKA_BROKERS?.split(',') ?? [],
          iso.groupId,
          aggregatorDeps.topics.events,
          // A loaded CI machine has been seen to take over 30 s for the group's first commit.
          timeoutMs ?? 90_000,
        );
      } catch (err) {
        const state = `aggregator running=${aggregator.isRunning()} ready=${aggregator.isReady()}`;
        const crash =
          fatal === undefined
            ? ''
            : `; crashed: ${fatal instanceof Error ? fatal.message : JSON.stringify(fatal)}`;
        const logs = tail ? `\nits last warnings:\n${tail.lines().join('\n') || '(none)'}` : '';
        throw new Error(`${(err as Error).message}\n${state}${crash}${logs}`, { cause: err });
      }
    },
    async stop() {
      await ingest.close();
      await ingestSvc.closeDeps(ingestDeps);
      await aggregator.stop();
      await aggregatorSvc.closeDeps(aggregatorDeps);
      await query.close();
      await querySvc.closeDeps(queryDeps);
      await iso.cleanup();
    },
  };
}
