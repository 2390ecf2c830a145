import { describe, expect, it } from 'vitest';
import {
  compareHoldout,
  compareVariants,
  controlVariant,
  optOutGuardrails,
  verdictOf,
  type VariantArm,
} from './experiment.ts';
import { differenceCs, proportionSample } from './sequential.ts';

const arm = (variant: string, o: Partial<VariantArm>): VariantArm => ({
  variant,
  sent: 0,
  delivered: 0,
  clicked: 0,
  converted: 0,
  replied: 0,
  optedOut: 0,
  revenue: {},
  ...o,
});

const o = { level: 0.95, effect: 0.1 };

describe('compareVariants', () => {
  it('every metric of B against A, each with its verdict', () => {
    const a = arm('A', {
      sent: 10_000,
      delivered: 9_500,
      clicked: 190,
      converted: 40,
      replied: 10,
      optedOut: 20,
      revenue: { USD: { sum: 2000, sumSq: 200_000 } },
    });
    const b = arm('B', {
      sent: 10_000,
      delivered: 9_520,
      clicked: 400,
      converted: 45,
      replied: 12,
      optedOut: 70,
      revenue: { USD: { sum: 2100, sumSq: 210_000 }, EUR: { sum: 10, sumSq: 100 } },
    });
    const got = compareVariants(a, b, o);
    const by = Object.fromEntries(got.map((c) => [`${c.metric}${c.currency ? `:${c.currency}` : ''}`, c]));
    expect(Object.keys(by).sort()).toEqual([
      'conversionRate',
      'ctr',
      'deliveryRate',
      'optOutRate',
      'replyRate',
      'revenuePerDelivered:EUR',
      'revenuePerDelivered:USD',
    ]);
    expect(by.ctr?.verdict).toBe('better');
    expect(by.ctr?.sampleNeeded).toBeNull();
    expect(by.optOutRate?.verdict).toBe('worse');
    expect(by.optOutRate?.lowerIsBetter).toBe(true);
    expect(by.conversionRate?.verdict).toBe('not yet');
    expect(by.conversionRate?.sampleNeeded?.more).toBeGreaterThan(0);
    expect(by.conversionRate?.sampleNeeded?.effect).toBeCloseTo(0.1 * (40 / 9500), 12);
    // exactly the interval of sequential.ts over the same counts
    const cs = differenceCs(proportionSample(190, 9500), proportionSample(400, 9520), {
      level: 0.95,
      tuneAt: 10_000,
    });
    expect(by.ctr?.difference).toEqual(cs?.difference);
    // a currency only one arm has: the other arm is 0 per delivered message
    expect(by['revenuePerDelivered:EUR']?.control.value).toBe(0);
    expect(optOutGuardrails(got).map((c) => c.arm)).toEqual(['B']);
  });

  it('only the metric asked for; nothing for an arm without deliveries', () => {
    const a = arm('A', { sent: 100, delivered: 90, clicked: 3 });
    const b = arm('B', { sent: 100, delivered: 95, clicked: 5 });
    expect(compareVariants(a, b, o, 'ctr').map((c) => c.metric)).toEqual(['ctr']);
    expect(compareVariants(a, arm('C', { sent: 10 }), o, 'ctr')).toEqual([]);
  });
});

describe('compareHoldout', () => {
  it('messaged against held out, with the incremental conversions and revenue', () => {
    const got = compareHoldout(
      {
        messaged: { sent: 9000, converted: 450, revenue: { USD: { sum: 45_000, sumSq: 4_500_000 } } },
        heldOut: {
          recipients: 1000,
          converted: 20,
          conversions: 21,
          revenue: { USD: { sum: 2000, sumSq: 200_000 } },
        },
        conflicts: 3,
      },
      o,
    );
    const conv = got.comparisons.find((c) => c.metric === 'conversionRate');
    expect(conv?.arm).toBe('messaged');
    expect(conv?.against).toBe('holdout');
    expect(conv?.difference.estimate).toBeCloseTo(0.05 - 0.02, 12);
    expect(conv?.verdict).toBe('better');
    expect(got.incremental.conversions?.estimate).toBeCloseTo(9000 * 0.03, 9);
    expect(got.incremental.revenue.USD?.estimate).toBeCloseTo(9000 * (5 - 2), 9);
    expect(got.incremental.revenue.USD?.lower).toBeLessThan(got.incremental.revenue.USD?.estimate ?? 0);
  });

  it('no held-out recipients: nothing to compare', () => {
    const got = compareHoldout(
      {
        messaged: { sent: 10, converted: 1, revenue: {} },
        heldOut: { recipients: 0, converted: 0, conversions: 0, revenue: {} },
        conflicts: 0,
      },
      o,
    );
    expect(got).toEqual({ comparisons: [], incremental: { conversions: null, revenue: {} } });
  });
});

describe('controlVariant and verdictOf', () => {
  it('the named variant when the campaign has it, else the first by name', () => {
    expect(controlVariant(['B', 'A', 'C'])).toBe('A');
    expect(controlVariant(['B', 'A'], 'B')).toBe('B');
    expect(controlVariant(['B', 'A'], 'Z')).toBe('A');
    expect(controlVariant([])).toBeUndefined();
  });

  it('reads the interval by the metric’s direction', () => {
    expect(verdictOf({ estimate: 1, lower: 0.1, upper: 2 }, false)).toBe('better');
    expect(verdictOf({ estimate: 1, lower: 0.1, upper: 2 }, true)).toBe('worse');
    expect(verdictOf({ estimate: -1, lower: -2, upper: -0.1 }, true)).toBe('better');
    expect(verdictOf({ estimate: 0, lower: -1, upper: 1 }, false)).toBe('not yet');
  });
});
