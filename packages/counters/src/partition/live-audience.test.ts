/**
 * The live summary a batch keeps in each recipient record (RecipientRec.live, batch.ts keepLive)
 * is what folding every message of the recipient gives (audience.ts liveAudience), after every
 * batch, whatever the order of the events and however they are cut into batches; a recipient that
 * lists a message recorded under another, and that other, keep none (null). So the row written
 * from the record alone (audienceRowFromLive) is the row folded from every message.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@tally/events';
import type { PartitionKeys } from '../keys.ts';
import type { RedisClient } from '@tally/redis';
import { audienceRow, audienceRowFromLive, liveAudience } from '../state/audience.ts';
import { DEFAULT_TENANT_WINDOWS } from '../state/event.ts';
import { viewOf } from '../state/message.ts';
import { BatchRun } from './batch.ts';
import { PartitionCache } from './cache.ts';
import { fieldOf } from './codec.ts';

const T0 = Date.UTC(2026, 0, 10, 12);
const MIN = 60_000;
const ctx = { now: T0 + 4 * 86_400_000, minuteTtlSeconds: 0, windows: () => DEFAULT_TENANT_WINDOWS };
const place = { partition: 0, messageHome: () => 0 };
const RECIPIENTS = ['r1', 'r2', 'r3'];
const OWNER: Record<string, string> = { m1: 'r1', m2: 'r1', m3: 'r2', m4: 'r2', m5: 'r3' };

/** One event of a message (or of a recipient, without one), as ingest publishes it. */
const eventArb = fc.record({
  type: fc.constantFrom('sent', 'delivered', 'read', 'opened', 'clicked', 'replied', 'converted', 'failed'),
  message: fc.option(fc.constantFrom('m1', 'm2', 'm3', 'm4', 'm5'), { nil: undefined, freq: 8 }),
  // the message's own recipient mostly, none (a receipt), rarely another (events that disagree)
  recipient: fc.constantFrom('own', 'own', 'own', 'own', 'own', 'none', 'none', 'other'),
  at: fc.integer({ min: 0, max: 3 * 24 * 60 }),
  campaign: fc.constantFrom<string | undefined>('A', 'B', undefined),
  channel: fc.constantFrom('sms', 'sms', 'sms', 'whatsapp'),
  amount: fc.constantFrom(0, 1.5, 20),
});
type Gen = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function canonical(g: Gen, i: number): CanonicalEvent {
  const e: CanonicalEvent = {
    eventId: `e${i}`,
    tenantId: 't',
    type: g.type as CanonicalEvent['type'],
    occurredAt: new Date(T0 + g.at * MIN).toISOString(),
    channel: g.channel,
  };
  if (g.message !== undefined) e.messageId = g.message;
  // an event with neither a message nor a recipient is nobody's: give it a recipient
  const own = OWNER[g.message ?? ''] ?? 'r1';
  if (g.recipient === 'own' || g.message === undefined) e.recipientId = own;
  if (g.recipient === 'other') e.recipientId = own === 'r1' ? 'r2' : 'r1';
  if (g.campaign !== undefined) e.campaignId = g.campaign;
  if (g.type === 'converted') e.value = { amount: g.amount, currency: 'EUR' };
  return e;
}

describe('the live summary in the recipient record', () => {
  it('equals the fold over every message after each batch, and gives the same row', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 20 }),
        (gens, cuts) => {
          const cache = new PartitionCache(undefined as unknown as RedisClient, {} as PartitionKeys, 10_000);
          const events = gens.map(canonical);
          let offset = 0;
          let cut = 0;
          while (offset < events.length) {
            const size = cuts[cut++ % cuts.length] ?? 1;
            const run = new BatchRun(cache, ctx, place, 0);
            for (const event of events.slice(offset, offset + size))
              run.add({ offset, timestamp: T0 + 4 * 86_400_000, event });
            offset += size;
            const res = run.finish();
            // what the applier does after the fold (applier.ts unshareLive)
            for (const f of res.sharedOwners) {
              const rec = cache.recipient(f);
              if (rec) rec.live = null;
            }
            check(cache);
          }
        },
      ),
      { numRuns: 2000 },
    );
    expect(stats.live).toBeGreaterThan(5000);
  });
});

/** How often the check found a summary to compare (so the test cannot pass by finding none). */
const stats = { live: 0 };

function check(cache: PartitionCache): void {
  const listers = new Map<string, Set<string>>();
  for (const r of RECIPIENTS) {
    const c = cache.cluster(fieldOf('t', r));
    for (const id of c?.rec.messageIds ?? []) {
      const set = listers.get(id) ?? new Set();
      set.add(r);
      listers.set(id, set);
    }
  }
  for (const r of RECIPIENTS) {
    const c = cache.cluster(fieldOf('t', r));
    if (!c) continue;
    const { rec } = c;
    const views = [...c.messages.values()].map(viewOf);
    expect(c.messages.size, 'every listed message is in the cluster').toBe(rec.messageIds.length);
    const shared = rec.messageIds.some((id) => (listers.get(id)?.size ?? 0) > 1);
    if (shared) expect(rec.live, `${r} lists a message another lists too`).toBeNull();
    if (!rec.live) continue;
    stats.live += 1;
    expect(rec.live).toEqual(liveAudience(rec, views));
    if (rec.events.length === 0)
      expect(audienceRowFromLive(rec, rec.live, 93)).toEqual(audienceRow(rec, views, new Map(), 93));
  }
}
