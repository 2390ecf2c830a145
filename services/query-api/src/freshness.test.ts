import { describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import type { RedisClient } from '@tally/redis';
import { RedisKeys } from '@tally/counters';
import { createLogger } from '@tally/logging';
import { kafkaFreshness } from './freshness.ts';

/**
 * A fake topic: records per partition with their Kafka timestamps; the applied offsets as the
 * aggregator stores them (each partition's `next`).
 */
function fake(records: Record<number, number[]>, applied: Record<string, string>) {
  let calls = 0;
  const admin = {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    fetchTopicOffsets: () =>
      Promise.resolve(
        Object.entries(records).map(([p, ts]) => ({
          partition: Number(p),
          low: '0',
          high: String(ts.length),
        })),
      ),
    fetchTopicOffsetsByTimestamp: (_topic: string, t: number) => {
      calls += 1;
      return Promise.resolve(
        Object.entries(records).map(([p, ts]) => {
          const i = ts.findIndex((x) => x >= t);
          return { partition: Number(p), offset: String(i === -1 ? ts.length : i) };
        }),
      );
    },
  };
  const kafka = { admin: () => admin } as unknown as Kafka;
  // Each partition's meta holds its `next` (the applied offset); read in one pipeline.
  const redis = {
    pipeline() {
      const asked: string[] = [];
      const pipe = {
        hget(key: string) {
          const p = /\{t:(\d+)\}/.exec(key)?.[1] ?? '';
          asked.push(applied[`t:${p}`] ?? '');
          return pipe;
        },
        exec: () => Promise.resolve(asked.map((v) => [null, v === '' ? null : v])),
      };
      return pipe;
    },
  } as unknown as RedisClient;
  const f = kafkaFreshness({
    kafka,
    topic: 't',
    redis,
    keys: new RedisKeys('p'),
    logger: createLogger({ service: 'test', level: 'silent' }),
  });
  return { f, calls: () => calls };
}

const NOW = 1_800_000_000_000;

describe('kafkaFreshness', () => {
  it.each([
    {
      name: 'caught up on every partition',
      records: { 0: [NOW - 9000, NOW - 5000], 1: [NOW - 1000] },
      applied: { 't:0': '2', 't:1': '1' },
      want: { freshnessMs: 0, lagEvents: 0 },
    },
    {
      name: 'one record waiting since 4 s',
      records: { 0: [NOW - 9000, NOW - 4000], 1: [NOW - 1000] },
      applied: { 't:0': '1', 't:1': '1' },
      want: { lagEvents: 1, near: 4000 },
    },
    {
      name: 'the oldest waiting record across partitions decides',
      records: { 0: [NOW - 9000, NOW - 4000, NOW - 100], 1: [NOW - 60_000, NOW - 30_000] },
      applied: { 't:0': '1', 't:1': '1' },
      want: { lagEvents: 3, near: 30_000 },
    },
    {
      name: 'nothing applied yet: every record waits',
      records: { 0: [NOW - 120_000, NOW - 4000] },
      applied: {},
      want: { lagEvents: 2, near: 120_000 },
    },
  ])('$name', async ({ records, applied, want }) => {
    const { f } = fake(records as Record<number, number[]>, applied as Record<string, string>);
    const got = await f.source(NOW);
    expect(got.lagEvents).toBe(want.lagEvents);
    if (want.near === undefined) expect(got.freshnessMs).toBe(want.freshnessMs);
    else {
      expect(got.freshnessMs).toBeGreaterThanOrEqual(want.near);
      expect(got.freshnessMs).toBeLessThanOrEqual(want.near + 500);
    }
  });

  it('bisects in a bounded number of round trips and caches for a second', async () => {
    const { f, calls } = fake({ 0: [NOW - 4000] }, {});
    await f.source(NOW);
    expect(calls()).toBeLessThanOrEqual(22);
    const before = calls();
    await f.source(NOW + 500);
    expect(calls()).toBe(before);
  });

  it('shares one measurement between concurrent reads and renews it in the background', async () => {
    const { f, calls } = fake({ 0: [NOW - 4000] }, {});
    const first = await Promise.all([f.source(NOW), f.source(NOW), f.source(NOW)]);
    const one = calls();
    expect(new Set(first.map((x) => x.freshnessMs)).size).toBe(1);
    // 800 ms later the last measurement is still served at once, and a new one starts behind it
    expect(await f.source(NOW + 800)).toEqual(first[0]);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls()).toBe(2 * one);
    const renewed = await f.source(NOW + 900);
    expect(renewed.freshnessMs).toBeGreaterThanOrEqual(4800);
    expect(calls()).toBe(2 * one);
  });

  it('answers null, quickly, when Kafka does not answer — and does not ask again within a second', async () => {
    let asked = 0;
    const admin = {
      connect: () => {
        asked += 1;
        return new Promise<void>(() => undefined);
      },
      disconnect: () => Promise.resolve(),
    };
    const f = kafkaFreshness({
      kafka: { admin: () => admin } as unknown as Kafka,
      topic: 't',
      redis: { hgetall: () => Promise.resolve({}) } as unknown as RedisClient,
      keys: new RedisKeys('p'),
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    const started = Date.now();
    expect(await f.source(NOW)).toEqual({ freshnessMs: null, lagEvents: null });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await f.source(NOW + 10)).toEqual({ freshnessMs: null, lagEvents: null });
    expect(asked).toBe(1);
  });
});
