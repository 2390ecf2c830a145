import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from './audience-period.ts';
import {
  ALL_SCOPE,
  AUDIENCE_FLAG,
  AUDIENCE_PERIODS,
  audienceDeltas,
  controlDeltas,
  controlMetricsOf,
  frequencyOf,
  MAX_TUPLE_REACHES,
  parseRollupKey,
  silentOf,
  tupleAt,
  valueDeltas,
  type AudienceFacts,
  type HistogramRow,
} from './audience-rollup.ts';

const D0 = 20_000; // a day number
const CH = ['sms', 'whatsapp'] as const;

const arbTime = fc.option(fc.integer({ min: (D0 - 120) * DAY_MS, max: (D0 + 5) * DAY_MS - 1 }), {
  nil: null,
});
const arbFacts: fc.Arbitrary<AudienceFacts> = fc
  .record({
    reaches: fc.record({
      sms: fc.dictionary(
        fc.integer({ min: D0 - 100, max: D0 + 3 }).map(String),
        fc.integer({ min: 1, max: 3 }),
        {
          maxKeys: 6,
        },
      ),
      whatsapp: fc.dictionary(
        fc.integer({ min: D0 - 100, max: D0 + 3 }).map(String),
        fc.integer({ min: 1, max: 2 }),
        {
          maxKeys: 3,
        },
      ),
    }),
    lastEngagedAt: arbTime,
    lastClickAt: arbTime,
    lastReplyAt: arbTime,
    subscribed: fc.boolean(),
    optedOutAt: arbTime,
    conversions: fc.record({ sms: fc.nat(3), whatsapp: fc.nat(2) }),
    revenue: fc.record({ sms: fc.record({ USD: fc.nat(1000) }), whatsapp: fc.record({ EUR: fc.nat(50) }) }),
  })
  .map((r) => ({
    ...r,
    optedOutAt: r.subscribed ? null : r.optedOutAt,
    reachedChannels: CH.filter((ch) => Object.keys(r.reaches[ch]).length > 0),
    allConversions: r.conversions.sms + r.conversions.whatsapp,
    allRevenue: { USD: r.revenue.sms.USD, EUR: r.revenue.whatsapp.EUR },
    holds: r.conversions.sms % 2,
  }));

/** The histogram of a rollup (key → delta) on `day`, for one period and scope. */
function histogram(
  deltas: Map<string, number>,
  period: number,
  scope: string,
  day: number,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of deltas) {
    const p = parseRollupKey(k);
    if (p.period !== period || p.scope !== scope || p.day > day) continue;
    const t = `${p.reaches}/${p.flags}`;
    out.set(t, (out.get(t) ?? 0) + v);
  }
  for (const [k, v] of out) if (v === 0) out.delete(k);
  return out;
}

/** The same histogram computed directly, recipient by recipient. */
function direct(people: AudienceFacts[], period: number, scope: string, day: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of people) {
    const t = tupleAt(f, period, scope, day);
    if (t) out.set(`${t.reaches}/${t.flags}`, (out.get(`${t.reaches}/${t.flags}`) ?? 0) + 1);
  }
  return out;
}

describe('audience rollups (timelines of tuples)', () => {
  it('the deltas on days ≤ t count each recipient once, with its tuple on day t, for every period and scope', () => {
    fc.assert(
      fc.property(
        fc.array(arbFacts, { maxLength: 6 }),
        fc.integer({ min: D0 - 110, max: D0 + 100 }),
        (people, day) => {
          const deltas = new Map<string, number>();
          for (const f of people) audienceDeltas(null, f, deltas);
          for (const period of AUDIENCE_PERIODS)
            for (const scope of [ALL_SCOPE, ...CH])
              expect(histogram(deltas, period, scope, day)).toEqual(direct(people, period, scope, day));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts a recipient with more messages than a tuple holds at the cap, in its own period and day', () => {
    const many: AudienceFacts = {
      reaches: { sms: { [D0]: 600_000, [D0 - 1]: 3 } },
      reachedChannels: ['sms'],
      lastEngagedAt: null,
      lastClickAt: null,
      lastReplyAt: null,
      subscribed: true,
      optedOutAt: null,
      conversions: {},
      revenue: {},
      allConversions: 0,
      allRevenue: {},
      holds: 0,
    };
    const deltas = audienceDeltas(null, many);
    for (const period of AUDIENCE_PERIODS) {
      expect(histogram(deltas, period, 'sms', D0)).toEqual(new Map([[`${MAX_TUPLE_REACHES}/1`, 1]]));
      expect(histogram(deltas, period, 'sms', D0 - 1)).toEqual(new Map([['3/1', 1]]));
    }
  });

  it('a change is the old timeline out and the new one in: any order of changes ends at the same rollup', () => {
    fc.assert(
      fc.property(arbFacts, arbFacts, arbFacts, (a, b, c) => {
        const path = audienceDeltas(null, a);
        audienceDeltas(a, b, path);
        audienceDeltas(b, c, path);
        expect(path).toEqual(audienceDeltas(null, c));
        const v = valueDeltas(null, a);
        valueDeltas(a, c, v);
        expect(v).toEqual(valueDeltas(null, c));
        expect(audienceDeltas(c, c).size).toBe(0);
        const scopes = [ALL_SCOPE, ...CH];
        const k = controlDeltas(null, a, 123_456_789, scopes);
        controlDeltas(a, c, 123_456_789, scopes, k);
        expect(k).toEqual(controlDeltas(null, c, 123_456_789, scopes));
        // bucket 123456789 >> 22 = 29; every targeted scope counts the recipient once
        for (const scope of scopes)
          expect(k.get(`${scope}\t29\trecipients`)).toBe(controlMetricsOf(c, scope) ? 1n : undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('tuples: reaches in the period, flags by the period’s first instant', () => {
    const f: AudienceFacts = {
      reaches: { sms: { [D0 - 10]: 2, [D0]: 1 }, push: { [D0 - 3]: 1 } },
      reachedChannels: ['sms', 'push'],
      lastEngagedAt: (D0 - 6) * DAY_MS + 5,
      lastClickAt: null,
      lastReplyAt: (D0 - 6) * DAY_MS + 5,
      subscribed: true,
      optedOutAt: null,
      conversions: {},
      revenue: {},
      allConversions: 0,
      allRevenue: {},
      holds: 0,
    };
    const S = AUDIENCE_FLAG.subscribed;
    const E = AUDIENCE_FLAG.engaged | AUDIENCE_FLAG.replied;
    expect(tupleAt(f, 7, 'sms', D0)).toEqual({ reaches: 1, flags: S | E });
    expect(tupleAt(f, 7, 'sms', D0 + 1)).toEqual({ reaches: 1, flags: S }); // engagement left on D0 − 6 + 7
    expect(tupleAt(f, 14, ALL_SCOPE, D0)).toEqual({ reaches: 4, flags: S | E });
    expect(tupleAt(f, 7, 'push', D0 + 4)).toBeNull(); // D0 − 3 left the period
    expect(tupleAt(f, 7, 'whatsapp', D0)).toBeNull();
  });

  it('silent, week and frequency figures of a histogram', () => {
    const S = AUDIENCE_FLAG.subscribed;
    const rows: HistogramRow[] = [
      { reaches: 1, flags: S, n: 5 },
      { reaches: 3, flags: S, n: 2 },
      { reaches: 3, flags: S | AUDIENCE_FLAG.engaged | AUDIENCE_FLAG.clicked, n: 4 },
      { reaches: 2, flags: AUDIENCE_FLAG.optedOut, n: 1 },
    ];
    expect(silentOf(rows, 1)).toEqual({ silent: 7, audience: 11 });
    expect(silentOf(rows, 3)).toEqual({ silent: 2, audience: 11 });
    expect(frequencyOf(rows)).toEqual([
      { messages: 1, recipients: 5, optOuts: 0, clickers: 0, repliers: 0, engaged: 0 },
      { messages: 2, recipients: 1, optOuts: 1, clickers: 0, repliers: 0, engaged: 0 },
      { messages: 3, recipients: 6, optOuts: 0, clickers: 4, repliers: 0, engaged: 4 },
    ]);
  });

  it('value: reached, converting, repeat and revenue per scope', () => {
    const f: AudienceFacts = {
      reaches: { sms: { [D0]: 1 } },
      reachedChannels: ['sms', 'whatsapp'],
      lastEngagedAt: null,
      lastClickAt: null,
      lastReplyAt: null,
      subscribed: true,
      optedOutAt: null,
      conversions: { sms: 1, whatsapp: 1 },
      revenue: { sms: { USD: 100 }, whatsapp: { USD: 20, EUR: 3 } },
      allConversions: 2,
      allRevenue: { USD: 120, EUR: 3 },
      holds: 0,
    };
    expect(Object.fromEntries(valueDeltas(null, f))).toEqual({
      'all\treached': 1,
      'all\tconverting': 1,
      'all\trepeat': 1,
      'all\trevenue:USD': 120,
      'all\trevenue:EUR': 3,
      'sms\treached': 1,
      'sms\tconverting': 1,
      'sms\trevenue:USD': 100,
      'whatsapp\treached': 1,
      'whatsapp\tconverting': 1,
      'whatsapp\trevenue:USD': 20,
      'whatsapp\trevenue:EUR': 3,
    });
  });
});
