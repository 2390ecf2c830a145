/**
 * The cache keeps recipients whole (cache.ts): a load trusts a cached recipient to have an entry
 * for each of its messages, so forgetting records beyond the limit goes by clusters, and a message
 * that two recipients list stays while either may be cached.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@tally/events';
import type { PartitionKeys } from '../keys.ts';
import type { RedisClient } from '@tally/redis';
import { DEFAULT_TENANT_WINDOWS } from '../state/event.ts';
import { BatchRun } from './batch.ts';
import { PartitionCache } from './cache.ts';
import { fieldOf } from './codec.ts';

const T0 = Date.now() - 3_600_000;
const ctx = { now: T0, minuteTtlSeconds: 0, windows: () => DEFAULT_TENANT_WINDOWS };
const place = { partition: 0, messageHome: () => 0 };
/** Nothing is loaded here: the folds fill the cache. */
const cacheOf = (limit: number) =>
  new PartitionCache(undefined as unknown as RedisClient, {} as PartitionKeys, limit);

const sent = (messageId: string, recipientId: string, s = 0): CanonicalEvent => ({
  eventId: `${messageId}-${recipientId}-${s}`,
  tenantId: 't1',
  type: 'sent',
  occurredAt: new Date(T0 + s * 1000).toISOString(),
  channel: 'sms',
  messageId,
  recipientId,
  campaignId: 'c1',
});

function fold(cache: PartitionCache, events: CanonicalEvent[]): void {
  const run = new BatchRun(cache, ctx, place, 0);
  events.forEach((event, offset) => run.add({ offset, timestamp: T0, event }));
  run.finish();
}

/** Recipients cached now, each with the messages it lists that have no entry. */
function holes(cache: PartitionCache, recipients: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of recipients) {
    const rec = cache.recipient(fieldOf('t1', r));
    if (rec) out[r] = rec.messageIds.filter((id) => cache.message(fieldOf('t1', id)) === undefined);
  }
  return out;
}

describe('the cache forgets whole clusters', () => {
  it('forgets a recipient with its messages, never a message of a recipient it keeps', () => {
    const cache = cacheOf(4);
    fold(cache, [
      sent('a1', 'ra'),
      sent('a2', 'ra'),
      sent('a3', 'ra'),
      sent('b1', 'rb'),
      sent('b2', 'rb'),
      sent('c1', 'rc'),
    ]);
    expect(cache.size()).toBe(3 + 6);
    cache.trim();
    // six messages over a limit of four: the oldest message's cluster (ra, three messages) goes
    expect(holes(cache, ['ra', 'rb', 'rc'])).toEqual({ rb: [], rc: [] });
    expect(cache.message(fieldOf('t1', 'a1'))).toBeUndefined();
    expect(cache.size()).toBe(2 + 3);
  });

  it('keeps a message two recipients list when the cluster of one of them goes', () => {
    const cache = cacheOf(2);
    // m1 is recorded under r1 (its earliest event) and listed by r2 too (a later event names r2)
    fold(cache, [sent('m1', 'r1'), sent('m2', 'r1'), sent('m3', 'r2')]);
    fold(cache, [{ ...sent('m1', 'r2', 5), type: 'delivered' }]);
    expect(cache.recipient(fieldOf('t1', 'r2'))?.messageIds).toEqual(['m3', 'm1']);
    cache.trim();
    // three messages over two: the oldest, m1, is shared and stays; m2 takes r1's cluster with it
    expect(cache.recipient(fieldOf('t1', 'r1'))).toBeUndefined();
    expect(holes(cache, ['r1', 'r2'])).toEqual({ r2: [] });
    expect(cache.message(fieldOf('t1', 'm1'))).toBeDefined();
  });
});
