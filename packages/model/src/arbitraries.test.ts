/**
 * The arbitraries produce what the property tests need: valid canonical events, inside the 20 h
 * span unless deliberately late, covering every type, channel, provider shape and figure — and
 * the model is a function of the set (order and duplicates do not matter).
 */
import fc from 'fast-check';
import { CHANNELS, EVENT_TYPES, PROVIDERS, canonicalEventSchema } from '@tally/events';
import { COUNT_NAMES } from '@tally/kpi';
import { describe, expect, it } from 'vitest';
import { SPAN_MS, arbEventSet, shuffle, stripArrival, withDuplicates } from './arbitraries.ts';
import type { EventSet } from './arbitraries.ts';
import { computeModel, explainModel } from './model.ts';
import { DEFAULT_WINDOWS, STAT_NAMES } from './types.ts';

const SEED = 20_250_301;
const samples: EventSet[] = fc.sample(arbEventSet(), { seed: SEED, numRuns: 300 });

describe('arbEventSet', () => {
  it('every event passes canonicalEventSchema unchanged', () => {
    for (const set of samples) {
      for (const e of set.events) {
        const event = stripArrival(e);
        expect(canonicalEventSchema.parse(event)).toEqual(event);
      }
    }
  });

  it('every event occurs within 20 h before now, or the model counts it late', () => {
    let outside = 0;
    for (const set of samples) {
      const fates = explainModel(set);
      for (const e of set.events) {
        const t = Date.parse(e.occurredAt);
        if (t >= set.now - SPAN_MS && t <= set.now) continue;
        outside += 1;
        expect(fates[e.tenantId]?.[e.eventId]).toBe('late');
      }
      expect(Math.max(...set.events.map((e) => e.arrivalMs))).toBeLessThanOrEqual(set.now);
    }
    expect(outside).toBeGreaterThan(0);
  });

  it('covers every type, channel and provider, and the shapes the brief lists', () => {
    const all = samples.flatMap((s) => s.events);
    const has = (p: (e: (typeof all)[number]) => boolean) => all.some(p);
    expect(new Set(all.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
    expect(new Set(all.map((e) => e.channel))).toEqual(new Set(CHANNELS));
    expect(new Set(all.flatMap((e) => (e.provider ? [e.provider] : [])))).toEqual(new Set(PROVIDERS));
    expect(has((e) => e.type === 'delivered' && e.recipientId === undefined)).toBe(true);
    expect(has((e) => e.type === 'delivered' && e.campaignId !== undefined)).toBe(true);
    expect(has((e) => e.type === 'failed' && e.cost !== undefined)).toBe(true);
    for (const withSender of [true, false]) {
      for (const withMessage of [true, false]) {
        for (const type of ['replied', 'opted_out'] as const) {
          expect(
            has(
              (e) =>
                e.type === type &&
                (e.sender !== undefined) === withSender &&
                (e.messageId !== undefined) === withMessage,
            ),
          ).toBe(true);
        }
      }
    }
    expect(has((e) => e.type === 'clicked' && e.messageId !== undefined)).toBe(true);
    expect(
      has((e) => e.type === 'converted' && e.campaignId === undefined && e.messageId === undefined),
    ).toBe(true);
    expect(new Set(all.flatMap((e) => (e.value ? [e.value.currency] : [])))).toEqual(new Set(['USD', 'EUR']));
    expect(samples.some((s) => new Set(s.events.map((e) => e.tenantId)).size === 2)).toBe(true);
  });

  it('places replies exactly on the reply window edge and 1 ms past it', () => {
    const offsets = new Set<number>();
    for (const set of samples) {
      for (const e of set.events) {
        if (e.messageId !== undefined || e.type !== 'replied' || e.recipientId === undefined) continue;
        const w = set.windows[e.tenantId]?.replyMs ?? 0;
        for (const s of set.events) {
          if (s.type !== 'sent' || s.tenantId !== e.tenantId || s.recipientId !== e.recipientId) continue;
          offsets.add(Date.parse(e.occurredAt) - Date.parse(s.occurredAt) - w);
        }
      }
    }
    expect([0, 1, -60_000].filter((d) => !offsets.has(d))).toEqual([]);
  });

  it('every figure is non-zero in some sample: counts, stats, money, pending, unattributed, late', () => {
    const seen = new Set<string>();
    for (const set of samples) {
      for (const t of Object.values(computeModel(set).tenants)) {
        for (const c of Object.values(t.campaigns)) {
          for (const n of COUNT_NAMES) if (c.counts[n] > 0) seen.add(n);
          for (const n of STAT_NAMES) if (c.stats[n] > 0) seen.add(n);
          for (const k of Object.keys(c.money)) seen.add(k);
          if (Object.keys(c.responseTimes).length > 0) seen.add('responseTimes');
          if (Object.keys(c.errorCodes).length > 0) seen.add('errorCodes');
          // issue 20: several failure classes (not only the `other` of an unclassified failure), carriers
          if (Object.keys(c.failureClasses).some((k) => k !== 'other')) seen.add('failureClasses');
          for (const f of Object.values(c.carriers)) for (const k of Object.keys(f)) seen.add(`carrier.${k}`);
          for (const f of Object.values(c.tuples)) for (const k of Object.keys(f)) seen.add(`tuple.${k}`);
          for (const k of Object.keys(c.experiment))
            seen.add(`x.${k.replace(/^v:[^\0]*/, 'v').replace('\0', '.')}`);
        }
        for (const k of ['pending', 'unattributed', 'late'] as const)
          if (Object.keys(t[k]).length > 0) seen.add(k);
        for (const s of Object.values(t.senders)) {
          for (const m of Object.values(s.minutes)) for (const k of Object.keys(m)) seen.add(`sender.${k}`);
        }
      }
    }
    const want = [
      ...COUNT_NAMES,
      ...STAT_NAMES,
      ...['cost:USD', 'cost:EUR', 'revenue:USD', 'revenue:EUR', 'responseTimes', 'errorCodes'],
      ...['failureClasses', 'carrier.sent', 'carrier.delivered', 'carrier.failed'],
      ...['tuple.clicks', 'tuple.botClicks', 'tuple.clicksWithin10s'],
      ...[
        'pending',
        'unattributed',
        'late',
        'sender.sent',
        'sender.delivered',
        'sender.failed',
        'sender.optOuts',
      ],
      ...['x.v.optedOut', 'x.v.revenue:USD', 'x.v.revenueSq:EUR', 'x.u.revenue:EUR', 'x.u.optedOut'],
      ...[
        'x.h.heldOut',
        'x.h.conflicts',
        'x.h.converted',
        'x.h.conversions',
        'x.h.revenue:USD',
        'x.h.revenueSq:EUR',
      ],
    ];
    expect(want.filter((w) => !seen.has(w))).toEqual([]);
  });

  it('attributes some events, leaves some pending, and moves across window edges', () => {
    const fates = samples.flatMap((s) => Object.values(explainModel(s)).flatMap((f) => Object.values(f)));
    const kinds = new Set(fates.map((f) => f.split(' ')[0]));
    expect(kinds).toEqual(
      new Set(['own', 'attached', 'campaign', 'control', 'pending', 'unattributed', 'none', 'late']),
    );
  });
});

describe('the model is a function of the set', () => {
  it('order does not matter', () => {
    fc.assert(
      fc.property(arbEventSet(), fc.integer(), (set, seed) => {
        expect(computeModel({ ...set, events: shuffle(set.events, seed) })).toEqual(computeModel(set));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('duplicates do not matter, and the output is plain JSON', () => {
    fc.assert(
      fc.property(arbEventSet(), fc.array(fc.nat(), { maxLength: 10 }), (set, picks) => {
        const want = computeModel(set);
        expect(computeModel({ ...set, events: withDuplicates(set.events, picks) })).toEqual(want);
        expect(JSON.parse(JSON.stringify(want))).toEqual(want);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});

describe('arbEventSet options', () => {
  it('windows: default keeps every tenant on the defaults; shortHorizon draws short horizons', () => {
    for (const set of fc.sample(arbEventSet({ windows: 'default' }), { seed: SEED, numRuns: 50 })) {
      for (const w of Object.values(set.windows)) expect(w).toEqual(DEFAULT_WINDOWS);
    }
    const short = fc.sample(arbEventSet({ shortHorizon: true, tenants: 2 }), { seed: SEED, numRuns: 100 });
    const horizons = new Set(short.flatMap((s) => Object.values(s.windows).map((w) => w.horizonMs)));
    expect(horizons).toEqual(new Set([DEFAULT_WINDOWS.horizonMs, 12 * 3_600_000, 6 * 3_600_000]));
    for (const set of short) {
      expect(Object.keys(set.windows)).toEqual(['t1', 't2']);
      for (const e of set.events) expect(canonicalEventSchema.safeParse(stripArrival(e)).success).toBe(true);
    }
  });

  it('late: false and duplicates: false leave neither late events nor repeated ids', () => {
    for (const set of fc.sample(arbEventSet({ late: false, duplicates: false }), {
      seed: SEED,
      numRuns: 50,
    })) {
      const ids = set.events.map((e) => `${e.tenantId}/${e.eventId}`);
      expect(new Set(ids).size).toBe(ids.length);
      for (const t of Object.values(computeModel(set).tenants)) expect(t.late).toEqual({});
    }
  });
});
