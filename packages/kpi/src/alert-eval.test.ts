import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES, type AlertRules } from './alert-rules.ts';
import { evaluateRule, type FiringMemory, type WindowCounts } from './alert-eval.ts';

const counts = (over: Partial<WindowCounts>): WindowCounts => ({
  sent: 0,
  delivered: 0,
  failed: 0,
  optOuts: 0,
  failedByErrorCode: {},
  ...over,
});
const now = new Date('2026-11-26T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);
const firing = (over: Partial<FiringMemory> = {}): FiringMemory => ({
  firedAt: ago(3600),
  lastNotifiedAt: ago(3600),
  clearSince: null,
  ...over,
});
const rules: AlertRules = DEFAULT_ALERT_RULES;
const optOut = (
  c: WindowCounts,
  over: Partial<AlertRules['optOutSpike']> = {},
  baseline: number | null = null,
) =>
  ({
    type: 'optOutSpike',
    rule: { ...rules.optOutSpike, ...over },
    counts: c,
    baselineOptOutRate: baseline,
  }) as const;

describe('optOutSpike with the default rule (2%, ≥200 delivered, ≥3 opt-outs)', () => {
  it.each([
    {
      name: '5% over 1,000 fires (lower bound 3.81%)',
      c: counts({ delivered: 1000, optOuts: 50 }),
      want: 'fire',
    },
    {
      name: '1% over 10,000 does not (lower bound 0.82%)',
      c: counts({ delivered: 10_000, optOuts: 100 }),
      want: 'none',
    },
    { name: '2 of 20 does not (too few delivered)', c: counts({ delivered: 20, optOuts: 2 }), want: 'none' },
    {
      name: '3% over 1,000 fires (lower bound 2.11%)',
      c: counts({ delivered: 1000, optOuts: 30 }),
      want: 'fire',
    },
    {
      name: '10% over 199 does not (under min delivered)',
      c: counts({ delivered: 199, optOuts: 20 }),
      want: 'none',
    },
    {
      name: '2 opt-outs of 200 does not (under min opt-outs)',
      c: counts({ delivered: 200, optOuts: 2 }),
      want: 'none',
    },
    {
      name: '2.5% over 1,000: rate above 2% but lower bound is not',
      c: counts({ delivered: 1000, optOuts: 25 }),
      want: 'none',
    },
    { name: 'nothing delivered does not', c: counts({}), want: 'none' },
  ])('$name', ({ c, want }) => {
    const d = evaluateRule({ ...optOut(c), previous: null, renotifyAfterSeconds: 14_400, now });
    expect(d.action).toBe(want);
  });

  it('reports the numbers that triggered it', () => {
    const d = evaluateRule({
      ...optOut(counts({ delivered: 1000, optOuts: 50 })),
      previous: null,
      renotifyAfterSeconds: 14_400,
      now,
    });
    expect(d.numbers).toMatchObject({
      delivered: 1000,
      optOuts: 50,
      rate: 0.05,
      threshold: 0.02,
      mode: 'absolute',
    });
    expect(d.numbers.wilsonLower).toBeCloseTo(0.0381302623113, 10);
  });
});

describe('optOutSpike modes', () => {
  const c = counts({ delivered: 1000, optOuts: 15 }); // 1.5%, lower bound ≈ 0.91%
  it.each([
    { name: 'absolute only: 1.5% stays quiet', over: {}, baseline: 0.002, want: 'none', mode: null },
    {
      name: 'baseline 0.2% × 3 = 0.6%: fires',
      over: { absolute: false, baseline: true },
      baseline: 0.002,
      want: 'fire',
      mode: 'baseline',
    },
    {
      name: 'both enabled: baseline fires',
      over: { baseline: true },
      baseline: 0.002,
      want: 'fire',
      mode: 'baseline',
    },
    {
      name: 'baseline 0.5% × 3 = 1.5%: quiet',
      over: { absolute: false, baseline: true },
      baseline: 0.005,
      want: 'none',
      mode: null,
    },
    {
      name: 'baseline unknown: quiet',
      over: { absolute: false, baseline: true },
      baseline: null,
      want: 'none',
      mode: null,
    },
    {
      name: 'baseline 0: ignored, quiet',
      over: { absolute: false, baseline: true },
      baseline: 0,
      want: 'none',
      mode: null,
    },
  ])('$name', ({ over, baseline, want, mode }) => {
    const d = evaluateRule({
      ...optOut(c, over, baseline),
      previous: null,
      renotifyAfterSeconds: 14_400,
      now,
    });
    expect(d.action).toBe(want);
    expect(d.numbers.mode).toBe(mode);
  });
});

describe('lifecycle of a firing alert', () => {
  const spike = counts({ delivered: 1000, optOuts: 50 });
  const calm = counts({ delivered: 1000, optOuts: 5 });
  const between = counts({ delivered: 1000, optOuts: 25 }); // rate 2.5% > 2%, lower bound < 2%
  it.each([
    {
      name: 'still breaching, notified 1 h ago: nothing',
      c: spike,
      prev: firing(),
      want: 'none',
      clearSince: null,
    },
    {
      name: 'still breaching, notified 4 h ago: renotify',
      c: spike,
      prev: firing({ lastNotifiedAt: ago(14_400) }),
      want: 'renotify',
      clearSince: null,
    },
    { name: 'first clear tick: remember when', c: calm, prev: firing(), want: 'none', clearSince: now },
    {
      name: 'clear for 9 min: not yet',
      c: calm,
      prev: firing({ clearSince: ago(540) }),
      want: 'none',
      clearSince: ago(540),
    },
    {
      name: 'clear for 10 min: resolve',
      c: calm,
      prev: firing({ clearSince: ago(600) }),
      want: 'resolve',
      clearSince: ago(600),
    },
    {
      name: 'breaching again: the clear mark is dropped',
      c: spike,
      prev: firing({ clearSince: ago(540) }),
      want: 'none',
      clearSince: null,
    },
    {
      name: 'rate above threshold but weak evidence: not clear, no resolve',
      c: between,
      prev: firing({ clearSince: ago(900) }),
      want: 'none',
      clearSince: null,
    },
    {
      name: 'traffic stopped (too few to say): counts as clear',
      c: counts({ delivered: 10, optOuts: 5 }),
      prev: firing({ clearSince: ago(600) }),
      want: 'resolve',
      clearSince: ago(600),
    },
  ])('$name', ({ c, prev, want, clearSince }) => {
    const d = evaluateRule({ ...optOut(c), previous: prev, renotifyAfterSeconds: 14_400, now });
    expect(d.action).toBe(want);
    expect(d.clearSince).toEqual(clearSince);
  });
});

describe('deliveryDrop (floor 90%, ≥200 sent)', () => {
  const rule = { ...rules.deliveryDrop, enabled: true };
  it.each([
    { name: '80% of 1,000 fires', c: counts({ sent: 1000, delivered: 800 }), want: 'fire' },
    { name: '95% of 1,000 does not', c: counts({ sent: 1000, delivered: 950 }), want: 'none' },
    { name: '50% of 100 does not (too few sent)', c: counts({ sent: 100, delivered: 50 }), want: 'none' },
    { name: 'exactly the floor does not', c: counts({ sent: 1000, delivered: 900 }), want: 'none' },
  ])('$name', ({ c, want }) => {
    const d = evaluateRule({
      type: 'deliveryDrop',
      rule,
      counts: c,
      baselineOptOutRate: null,
      previous: null,
      renotifyAfterSeconds: 14_400,
      now,
    });
    expect(d.action).toBe(want);
  });
});

describe('failureSpike (one code above 5% of sends, ≥200 sent)', () => {
  const rule = { ...rules.failureSpike, enabled: true };
  it.each([
    {
      name: '30007 at 8% fires',
      c: counts({ sent: 1000, failed: 90, failedByErrorCode: { '30007': 80, '30003': 10 } }),
      want: 'fire',
      code: '30007',
    },
    {
      name: 'many codes at 3% each does not',
      c: counts({ sent: 1000, failed: 90, failedByErrorCode: { a: 30, b: 30, c: 30 } }),
      want: 'none',
      code: 'a',
    },
    {
      name: 'too few sends does not',
      c: counts({ sent: 100, failed: 50, failedByErrorCode: { x: 50 } }),
      want: 'none',
      code: 'x',
    },
    { name: 'no failures does not', c: counts({ sent: 1000 }), want: 'none', code: null },
  ])('$name', ({ c, want, code }) => {
    const d = evaluateRule({
      type: 'failureSpike',
      rule,
      counts: c,
      baselineOptOutRate: null,
      previous: null,
      renotifyAfterSeconds: 14_400,
      now,
    });
    expect(d.action).toBe(want);
    expect(d.numbers.errorCode).toBe(code);
  });
});

describe('failureSpike and deliveryDrop narrowed to a class, carrier or country (issue 20)', () => {
  const S = '\u0000';
  // 1,000 sends on carrier 23410 with 130 carrier_filtered failures; 1,000 on 22801 with 20
  const c = counts({
    sent: 2000,
    delivered: 1850,
    failed: 150,
    failedByErrorCode: { '6': 130, '2': 20 },
    dimensions: {
      [`cr:23410${S}sent`]: 1000,
      [`cr:23410${S}delivered`]: 870,
      [`cr:23410${S}failed`]: 130,
      [`cr:22801${S}sent`]: 1000,
      [`cr:22801${S}delivered`]: 980,
      [`cr:22801${S}failed`]: 20,
      [`fc:carrier_filtered${S}failed`]: 130,
      [`fc:carrier_filtered${S}cr:23410`]: 130,
      [`fc:unreachable${S}failed`]: 20,
      [`fc:unreachable${S}cr:22801`]: 20,
      [`co:GB${S}sent`]: 2000,
    },
  });
  const spike = (filter: Record<string, string>, threshold = 0.1, minSent = 200) =>
    evaluateRule({
      type: 'failureSpike',
      rule: { ...rules.failureSpike, enabled: true, threshold, minSent, filter },
      counts: c,
      baselineOptOutRate: null,
      previous: null,
      renotifyAfterSeconds: 3600,
      now,
    });
  const drop = (filter: Record<string, string>, floor = 0.9) =>
    evaluateRule({
      type: 'deliveryDrop',
      rule: { ...rules.deliveryDrop, enabled: true, floor, filter },
      counts: c,
      baselineOptOutRate: null,
      previous: null,
      renotifyAfterSeconds: 3600,
      now,
    });

  it('carrier_filtered above 10 % of sends on one carrier fires there (lower bound 11.0 %), not elsewhere', () => {
    const on = spike({ failureClass: 'carrier_filtered', carrier: '23410' });
    expect(on.action).toBe('fire');
    expect(on.numbers).toMatchObject({ sent: 1000, failed: 130, share: 0.13, carrier: '23410' });
    expect(Number(on.numbers.wilsonLower)).toBeCloseTo(0.1103, 3);
    expect(spike({ failureClass: 'carrier_filtered', carrier: '22801' }).action).toBe('none');
    // across both carriers: 130 / 2000 = 6.5 %, under 10 %
    expect(spike({ failureClass: 'carrier_filtered' }).action).toBe('none');
  });

  it('decides on the Wilson bound: 11 % of 100 sends does not fire at 10 %', () => {
    const small = counts({
      dimensions: { [`cr:1${S}sent`]: 100, [`fc:other${S}cr:1`]: 11 },
    });
    const d = evaluateRule({
      type: 'failureSpike',
      rule: {
        ...rules.failureSpike,
        threshold: 0.1,
        minSent: 50,
        filter: { failureClass: 'other', carrier: '1' },
      },
      counts: small,
      baselineOptOutRate: null,
      previous: null,
      renotifyAfterSeconds: 3600,
      now,
    });
    expect(d.action).toBe('none');
    expect(d.clear).toBe(false); // 11 % is above the limit: a firing alert would stay firing
  });

  it('a delivery drop on one carrier: 87 % (upper bound 88.9 %) under a 90 % floor fires; 98 % does not', () => {
    expect(drop({ carrier: '23410' }).action).toBe('fire');
    expect(drop({ carrier: '22801' }).action).toBe('none');
    // a country with no receipts yet counts nothing delivered: 0 of 2000 fires
    expect(drop({ country: 'GB' }).action).toBe('fire');
  });
});
