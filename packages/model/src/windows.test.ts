/**
 * The minutes are the lifetime figures spread over time: summed over every minute they give the
 * lifetime counts, timed stats and money, and the tuples and error codes likewise — for every
 * sample event set. And a rolling window sums exactly the minutes it covers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbEventSet } from './arbitraries.ts';
import { eventBuilder, HOUR, MINUTE } from './builders.ts';
import { computeModel } from './model.ts';
import { bump, child } from './records.ts';
import { lifetimeFields, windowFields } from './windows.ts';
import type { CampaignModel, FieldCounts } from './types.ts';

function sumMinutes(c: CampaignModel): FieldCounts {
  const out: FieldCounts = {};
  for (const k of Object.keys(lifetimeFields(c))) out[k] = 0;
  for (const fields of Object.values(c.minutes)) for (const [k, v] of Object.entries(fields)) bump(out, k, v);
  return out;
}

function sumNested(minutes: Record<string, Record<string, Record<string, number>>>) {
  const out: Record<string, Record<string, number>> = {};
  for (const byKey of Object.values(minutes)) {
    for (const [key, fields] of Object.entries(byKey)) {
      for (const [f, v] of Object.entries(fields))
        bump(
          child(out, key, () => ({})),
          f,
          v,
        );
    }
  }
  return out;
}

describe('minutes add up to the lifetime figures', () => {
  it('for every campaign of every sample', () => {
    fc.assert(
      fc.property(arbEventSet(), (set) => {
        for (const t of Object.values(computeModel(set).tenants)) {
          for (const c of Object.values(t.campaigns)) {
            expect(sumMinutes(c)).toEqual(lifetimeFields(c));
            expect(sumNested(c.minuteTuples)).toEqual(c.tuples);
            const codes: Record<string, number> = {};
            for (const m of Object.values(c.minuteErrorCodes))
              for (const [k, v] of Object.entries(m)) bump(codes, k, v);
            expect(codes).toEqual(c.errorCodes);
          }
        }
      }),
      { seed: 11, numRuns: 150 },
    );
  });
});

describe('windowFields', () => {
  it('a rolling window holds the first occurrences of its minutes only', () => {
    const T = Date.parse('2025-03-03T10:00:00.000Z');
    const b = eventBuilder();
    const c = computeModel({
      events: [
        b.ev('sent', T, { messageId: 'm1', campaignId: 'c1', recipientId: 'r1' }),
        b.ev('delivered', T + 50 * MINUTE, { messageId: 'm1', cost: { amount: 0.01, currency: 'USD' } }),
        b.ev('sent', T + 58 * MINUTE, { messageId: 'm2', campaignId: 'c1', recipientId: 'r2' }),
      ],
    }).tenants.t1?.campaigns.c1;
    if (c === undefined) throw new Error('no c1');
    const now = T + HOUR - 1; // the last minute of the hour
    expect(windowFields(c, '5m', now)).toMatchObject({ sent: 1, delivered: 0 });
    expect(windowFields(c, '15m', now)).toMatchObject({ sent: 1, delivered: 1, 'cost:USD': 100 });
    expect(windowFields(c, '1h', now)).toMatchObject({ sent: 2, delivered: 1 });
    expect(windowFields(c, 'all', now)).toMatchObject({ sent: 2, delivered: 1, 'cost:USD': 100, optOuts: 0 });
  });
});
