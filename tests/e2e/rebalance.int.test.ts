/**
 * Issue 14's rebalance proof: the demo generator's traffic (signed webhooks of all four providers,
 * /v1/events, tracked links, provider retries) goes through ingest in a shuffled order while
 * aggregator processes join and leave the consumer group: A alone; B joins (the partitions split);
 * A is killed with SIGKILL (B inherits A's partitions once A's session times out); C joins (they
 * split again); B stops gracefully with SIGTERM (C takes everything); C finishes. Traffic keeps
 * flowing through every handover. At the end every partition is applied to its end, nothing was
 * dead-lettered, and every figure served equals the reference model computed from the events
 * ingest published — so no count was lost or doubled on any move.
 */
import type { RedisClient } from '@tally/redis';
import { AssignerProtocol, Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAppliedOffsets, RedisKeys } from '@tally/counters';
import { TOPICS, topicNames } from '@tally/events';
import { eventually, isolate, type Isolation, redisOfEnv } from '@tally/testing';
import { spawnAggregator, type AggregatorProcess } from './aggregator-process.ts';
import {
  demoTraffic,
  differences,
  servedAndModel,
  waitAllApplied,
  type DemoTraffic,
} from './demo-traffic.ts';

/** The demo timeline's seed (REBALANCE_SEED replays another; every failure message names it). */
const SEED = process.env.REBALANCE_SEED ?? 'rebalance';
const PARTITIONS = TOPICS.events.partitions;

/** Who holds which partitions: process name (its KAFKA_CLIENT_ID) → partitions. */
type Assignment = Record<string, number[]>;

async function assignment(admin: Admin, groupId: string, topic: string) {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  const out: Assignment = {};
  for (const m of group?.members ?? []) {
    const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
    out[m.clientId.replace(/-aggregator$/, '')] = [...(decoded?.assignment[topic] ?? [])].sort(
      (x, y) => x - y,
    );
  }
  return { state: group?.state ?? 'Dead', members: out };
}

describe('aggregators joining and leaving mid-stream (issue 14)', () => {
  let iso: Isolation;
  let redis: RedisClient;
  let admin: Admin;
  let traffic: DemoTraffic;
  const procs: Record<string, AggregatorProcess> = {};
  /** Each stable assignment the group reached, in order (printed with any failure). */
  const history: Assignment[] = [];
  const context = () => `seed ${SEED}; assignments ${JSON.stringify(history)}`;

  const start = (name: string) => {
    procs[name] = spawnAggregator(iso, { KAFKA_CLIENT_ID: name });
    return procs[name];
  };

  /** Waits until exactly `names` are in the group, stable, each holding a share, all partitions held. */
  async function settled(names: string[]): Promise<Assignment> {
    const { members } = await eventually(
      () => assignment(admin, iso.groupId, traffic.topic),
      ({ state, members }) => {
        const held = Object.values(members).flat();
        return (
          state === 'Stable' &&
          Object.keys(members).sort().join() === [...names].sort().join() &&
          Object.values(members).every((ps) => ps.length > 0) &&
          held.length === PARTITIONS &&
          new Set(held).size === PARTITIONS
        );
      },
      { timeoutMs: 45_000, intervalMs: 200 },
    );
    history.push(members);
    return members;
  }

  /** Each partition's applied offset (its stored next offset). */
  async function applied(): Promise<number[]> {
    const ps = Array.from({ length: PARTITIONS }, (_, i) => i);
    const got = await readAppliedOffsets(redis, new RedisKeys(iso.redisPrefix), traffic.topic, ps);
    return ps.map((p) => got[`${traffic.topic}:${p}`] ?? 0);
  }

  beforeAll(async () => {
    iso = await isolate('rebal');
    redis = redisOfEnv(iso.env);
    admin = new Kafka({
      clientId: 'rebalance-admin',
      brokers: iso.env.KAFKA_BROKERS.split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    traffic = await demoTraffic(iso, 'rebal', { seed: SEED, shuffleSeed: 14 });
    const { requests } = traffic;
    let next = 0;
    /** Sends the requests up to `fraction` of all, eight at a time. */
    const sendUpTo = async (fraction: number) => {
      const end = Math.floor(requests.length * fraction);
      for (; next < end; next += Math.min(8, end - next))
        await Promise.all(requests.slice(next, Math.min(next + 8, end)).map((r) => traffic.send(r)));
    };

    /**
     * Sends up to `fraction` while waiting until each named process has applied records on the
     * partitions it now holds: every owner did work before the next one comes or goes.
     */
    const whileSending = async (fraction: number, names: string[]) => {
      const owners = history[history.length - 1] ?? {};
      const before = await applied();
      const progressed = async () => {
        const now = await applied();
        return names.map((n) => (owners[n] ?? []).some((p) => (now[p] ?? 0) > (before[p] ?? 0)));
      };
      await Promise.all([
        sendUpTo(fraction),
        eventually(progressed, (done) => done.every(Boolean), { timeoutMs: 45_000, intervalMs: 200 }),
      ]);
    };

    start('A');
    await Promise.all([sendUpTo(1 / 3), settled(['A'])]);
    start('B'); // joins: the six partitions split between A and B
    await Promise.all([sendUpTo(0.42), settled(['A', 'B'])]);
    await whileSending(1 / 2, ['A', 'B']);
    await procs.A?.kill9(); // no goodbye: B inherits A's partitions when A's session times out
    await Promise.all([sendUpTo(2 / 3), settled(['B'])]);
    start('C'); // joins: partitions split between B and C
    await Promise.all([sendUpTo(0.75), settled(['B', 'C'])]);
    await whileSending(5 / 6, ['B', 'C']);
    await procs.B?.stop(); // graceful: finishes its batches, commits, leaves; C takes everything
    expect(procs.B?.child.exitCode, `B's exit code after SIGTERM (${context()})`).toBe(0);
    await Promise.all([sendUpTo(1), settled(['C'])]);
    console.info(`rebalance: ${traffic.sent()} requests, ${context()}`);
    expect(traffic.sent()).toBeGreaterThan(500);
  }, 240_000);

  afterAll(async () => {
    for (const p of Object.values(procs)) if (p.child.exitCode === null) await p.stop();
    await traffic?.close();
    await admin?.disconnect();
    await redis?.quit();
    await iso?.cleanup();
  });

  it('moved every partition from A to B to C', () => {
    expect(
      history.map((h) => Object.keys(h).sort().join('+')),
      context(),
    ).toEqual(['A', 'A+B', 'B', 'B+C', 'C']);
    // Each join split the partitions, the crash and the stop handed the leaver's to the survivor,
    // so whichever way they split, every partition was held by A, then B, then C.
    const owners = Array.from({ length: PARTITIONS }, (_, p) =>
      history
        .map((h) => Object.keys(h).find((name) => h[name]?.includes(p)))
        .filter((name, i, all) => name !== all[i - 1]),
    );
    expect(owners, context()).toEqual(owners.map(() => ['A', 'B', 'C']));
  });

  it('serves every figure the model computes from what ingest published, once each', async () => {
    await waitAllApplied(iso, redis, traffic.topic);
    const dlq = await admin.fetchTopicOffsets(topicNames(iso.topicSuffix).eventsDeadLetter);
    expect(
      dlq.reduce((n, p) => n + Number(p.high), 0),
      `dead letters (${context()})`,
    ).toBe(0);
    const { events, want, got } = await servedAndModel(iso, redis, traffic.tenant, traffic.topic);
    expect(events.length).toBeGreaterThan(1000);
    expect(want, context()).toBeDefined();
    expect(Object.keys(want?.campaigns ?? {}).length).toBeGreaterThan(5);
    expect(differences(got, want), `served ≠ model (${context()})`).toEqual([]);
    expect(got).toEqual(want);
    expect(procs.C?.child.exitCode, 'C still running').toBeNull();
  }, 120_000);
});
