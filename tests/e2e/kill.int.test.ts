/**
 * Issue 11's end-to-end proof: signed webhooks of all four providers, sends, push and in-app
 * events and conversions on /v1/events, tracked links minted and followed — the demo generator's
 * traffic, provider retries included — sent through ingest in a shuffled order, with the
 * aggregator process killed with SIGKILL mid-stream and restarted. Once it has caught up, every
 * figure it serves equals the reference model computed from the events ingest published (read
 * back from the topic).
 */
import type { RedisClient } from '@tally/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolation, redisOfEnv } from '@tally/testing';
import { spawnAggregator, type AggregatorProcess } from './aggregator-process.ts';
import {
  demoTraffic,
  differences,
  servedAndModel,
  waitAllApplied,
  type DemoTraffic,
} from './demo-traffic.ts';

describe('the aggregator killed mid-stream (issue 11)', () => {
  let iso: Isolation;
  let redis: RedisClient;
  let aggregator: AggregatorProcess | undefined;
  let traffic: DemoTraffic;

  beforeAll(async () => {
    iso = await isolate('kill');
    redis = redisOfEnv(iso.env);
    traffic = await demoTraffic(iso, 'kill', { seed: 'kill', shuffleSeed: 11 });
    const { requests } = traffic;
    aggregator = spawnAggregator(iso);
    const killAt = Math.floor(requests.length * 0.45);
    for (let i = 0; i < requests.length; i += 8) {
      await Promise.all(requests.slice(i, i + 8).map((r) => traffic.send(r)));
      if (i <= killAt && killAt < i + 8) {
        // Let it apply some of what came, then kill it without warning and start another.
        await new Promise((r) => setTimeout(r, 1500));
        await aggregator.kill9();
        aggregator = spawnAggregator(iso);
      }
    }
    expect(traffic.sent()).toBeGreaterThan(500);
  }, 240_000);

  afterAll(async () => {
    await aggregator?.stop();
    await traffic?.close();
    await redis?.quit();
    await iso?.cleanup();
  });

  it('serves every figure the model computes from what ingest published', async () => {
    // Caught up: every partition applied up to its end (forwarded records included).
    await waitAllApplied(iso, redis, traffic.topic);
    const { events, want, got } = await servedAndModel(iso, redis, traffic.tenant, traffic.topic);
    expect(events.length).toBeGreaterThan(1000);
    expect(want).toBeDefined();
    expect(Object.keys(want?.campaigns ?? {}).length).toBeGreaterThan(5);
    expect(differences(got, want), 'served ≠ model').toEqual([]);
    expect(got).toEqual(want);
  }, 120_000);
});
