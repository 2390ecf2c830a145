/**
 * Per-tuple minute buckets (`wt:<minute>`): minute by minute they hold the same message
 * first-occurrences as the campaign's own buckets, also when receipts, clicks and replies arrive
 * before the send that gives the tuple, and when a delivery takes a failure back.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { CanonicalEvent } from '@tally/events';
import type { Counts } from '@tally/kpi';
import { testServices } from '@tally/testing';
import { readCampaignWindow, readFilteredWindow, readMinuteBuckets, STATUS_BITS } from '../src/index.ts';
import { useApplyHarness, type Ev } from './apply-harness.ts';

const STATUSES = Object.keys(STATUS_BITS) as (keyof typeof STATUS_BITS)[];

const redis = new Redis(testServices().redisUrl);
afterAll(() => redis.disconnect());

const NOW = Date.now();
const MIN = Math.floor(NOW / 60_000);
const at = (minutesAgo: number) => new Date((MIN - minutesAgo) * 60_000 + 5_000).toISOString();

describe('per-tuple minute buckets', () => {
  const { keys: k, apply: applyAt } = useApplyHarness(redis, 'wt');
  const apply = (events: Ev[]) => applyAt(events, { now: NOW });
  const send = (m: string, minutesAgo: number, segment: string): Ev => ({
    eventId: `${m}-s`,
    type: 'sent',
    occurredAt: at(minutesAgo),
    campaignId: 'c',
    messageId: m,
    segment,
  });
  const receipt = (
    m: string,
    type: CanonicalEvent['type'],
    minutesAgo: number,
    extra: Partial<CanonicalEvent> = {},
  ): Ev => ({
    eventId: `${m}-${type}-${minutesAgo}`,
    type,
    occurredAt: at(minutesAgo),
    messageId: m,
    ...extra,
  });

  it('agree with the campaign’s minute buckets, in order or not', async () => {
    const keys = k();
    await apply([
      send('m1', 50, 'vip'),
      receipt('m1', 'delivered', 49),
      receipt('m1', 'clicked', 30, { url: 'https://x.example/' }),
      // m2: failure, click and reply before its send is seen; a later delivery takes the failure back
      receipt('m2', 'failed', 40, { errorCode: '30003' }),
      receipt('m2', 'replied', 20),
      receipt('m2', 'clicked', 10, { url: 'https://x.example/' }),
    ]);
    // m4's receipts name the campaign, so the campaign counts them before its send gives the tuple
    await apply([
      receipt('m4', 'replied', 8, { campaignId: 'c' }),
      receipt('m4', 'clicked', 6, { campaignId: 'c', url: 'https://x.example/' }),
    ]);
    await apply([send('m2', 45, 'regular'), receipt('m3', 'delivered', 3), send('m4', 9, 'regular')]);
    await apply([receipt('m2', 'delivered', 2), send('m3', 4, 'vip')]);

    const campaign = await readMinuteBuckets(redis, keys, 't', 'c', MIN - 60, MIN);
    expect(campaign).toBeDefined();
    for (let m = MIN - 60; m <= MIN; m += 1) {
      const want = Object.fromEntries(STATUSES.map((n) => [n, campaign?.get(m)?.[n] ?? 0]));
      const raw = await redis.hgetall(keys.minuteTuples('t', 'c', m));
      const got: Record<string, number> = Object.fromEntries(STATUSES.map((n) => [n, 0]));
      for (const [f, v] of Object.entries(raw)) {
        const status = f.split('\0')[1] ?? '';
        got[status] = (got[status] ?? 0) + Number(v);
      }
      expect(got, `minute −${MIN - m}`).toEqual(want);
    }

    const total = (c: Counts | undefined) => STATUSES.map((n) => c?.[n] ?? 0);
    const hour = await readCampaignWindow(redis, keys, 't', 'c', '1h', NOW);
    const vip = await readFilteredWindow(redis, keys, 't', 'c', { segment: 'vip' }, '1h', NOW);
    const regular = await readFilteredWindow(redis, keys, 't', 'c', { segment: 'regular' }, '1h', NOW);
    expect(total(vip).map((v, i) => v + (total(regular)[i] ?? 0))).toEqual(total(hour?.counts));
    expect(regular).toMatchObject({ sent: 2, delivered: 2, failed: 0, clicked: 2, replied: 2 });
    expect(await redis.hget(keys.message('t', 'm4'), 'pw')).toBeNull();
    expect(vip).toMatchObject({ sent: 2, delivered: 2, clicked: 1 });
    const last5 = await readFilteredWindow(redis, keys, 't', 'c', { segment: 'vip' }, '5m', NOW);
    expect(last5).toMatchObject({ sent: 1, delivered: 1, clicked: 0 });
  });
});
