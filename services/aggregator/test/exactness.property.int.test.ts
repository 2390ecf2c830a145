/**
 * Issue 11's proof: for random event sets covering every type, channel and provider shape, in a
 * random order, split over random partitions (keyed by recipient) and batch sizes, with provider
 * retries, owners that crash and replay, and Redis losing its data after a snapshot, every figure
 * Tally serves equals the independent reference model (@tally/model) exactly.
 * PROPERTY_RUNS (default 200) sets the number of cases; a failure prints the seed and the path
 * (fast-check) to replay it with PROPERTY_SEED / PROPERTY_PATH.
 */
import fc from 'fast-check';
import type { RedisClient } from '@tally/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@tally/logging';
import {
  arbEventSet,
  computeAudience,
  computeModel,
  explainModel,
  shuffle,
  withDuplicates,
  type ArrivedEvent,
} from '@tally/model';
import { isolate, testRedis, type Isolation } from '@tally/testing';
import { deletePrefix, runPlan, type RunPlan } from './exactness-harness.ts';
import { scanKeys, servedTenant } from './served.ts';
import { expectAudience } from './served-audience.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const WEEK = 7 * 86_400_000;

/** Moves a generated set by whole weeks so its `now` is ahead of the wall clock (hours and days of week stay). */
function shifted(events: ArrivedEvent[], now: number): { events: ArrivedEvent[]; now: number } {
  const weeks = Math.ceil((Date.now() - now) / WEEK) + 1;
  const d = weeks * WEEK;
  return {
    now: now + d,
    events: events.map((e) => ({
      ...e,
      occurredAt: new Date(Date.parse(e.occurredAt) + d).toISOString(),
      arrivalMs: e.arrivalMs + d,
    })),
  };
}

const planArb: fc.Arbitrary<RunPlan> = fc.record({
  partitions: fc.integer({ min: 1, max: 4 }),
  salt: fc.integer({ min: 0, max: 1_000_000 }),
  seed: fc.integer(),
  crashes: fc.integer({ min: 0, max: 3 }),
  restore: fc.boolean(),
  maxBatch: fc.integer({ min: 1, max: 12 }),
  cacheLimit: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
  commitRecords: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
});

describe('every KPI is a function of the set of accepted events (issue 11)', () => {
  let iso: Isolation;
  let redis: RedisClient;
  const logger = createLogger({ service: 'test-exactness', level: 'silent' });
  beforeAll(async () => {
    iso = await isolate('exact');
    redis = testRedis();
  });
  afterAll(async () => {
    await redis.quit();
    await iso.cleanup();
  });

  it(
    `matches the reference model on ${RUNS} random cases`,
    async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          arbEventSet(),
          planArb,
          fc.integer(),
          fc.array(fc.nat(), { maxLength: 6 }),
          async (set, plan, order, dups) => {
            const { events, now } = shifted(set.events, set.now);
            const copies = shuffle(withDuplicates(events, dups), order);
            const model = computeModel({ events: copies, windows: set.windows, now });
            const prefix = `${iso.redisPrefix}c${(n += 1)}`;
            const windows = (t: string) =>
              set.windows[t] ?? { replyMs: 0, clickMs: 0, deliveredMs: 0, horizonMs: 0 };
            await iso.db.pool.query('TRUNCATE recipient_state, audience_rollup, value_rollup');
            try {
              const run = await runPlan(
                { redis, pool: iso.db.pool, logger },
                copies,
                windows,
                now,
                plan,
                prefix,
              );
              const all = await scanKeys(redis, run.keys);
              for (const [tenant, want] of Object.entries(model.tenants)) {
                const got = await servedTenant(
                  redis,
                  run.keys,
                  tenant,
                  Object.keys(want.senders),
                  { horizonMs: windows(tenant).horizonMs, now },
                  all,
                );
                const context = {
                  plan,
                  steps: run.steps.join('; '),
                  fates: explainModel({ events: copies, windows: set.windows, now }),
                };
                expect({ tenant, ...got }, JSON.stringify(context).slice(0, 20_000)).toEqual({
                  tenant,
                  ...want,
                });
              }
              const audience = computeAudience({ events: copies, windows: set.windows, now });
              for (const [tenant, people] of audience)
                await expectAudience(iso.db.pool, tenant, people, now, run.steps.join('; ').slice(0, 5000));
            } finally {
              await deletePrefix(redis, prefix);
            }
          },
        ),
        {
          numRuns: RUNS,
          ...(process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {}),
          ...(process.env.PROPERTY_PATH ? { path: process.env.PROPERTY_PATH } : {}),
          endOnFailure: true,
        },
      );
    },
    30 * 60_000,
  );
});
