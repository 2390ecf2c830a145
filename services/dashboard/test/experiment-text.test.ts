import { describe, expect, it } from 'vitest';
import type { Comparison } from '../src/api/experiment-types.ts';
import { barGeometry, barScale, fmtDiff, verdictText } from '../src/pages/campaign/experiment-text.ts';

/** Intl separates a currency code from its amount by a no-break space. */
const plain = (s: string) => s.replace(/\u00a0/g, ' ');

const cmp = (over: Partial<Comparison>): Comparison => ({
  metric: 'ctr',
  currency: null,
  arm: 'B',
  against: 'A',
  control: { n: 900, value: 0.041 },
  treatment: { n: 870, value: 0.049 },
  difference: { estimate: 0.008, lower: -0.012, upper: 0.028 },
  relative: null,
  pValue: 0.6,
  verdict: 'not yet',
  lowerIsBetter: false,
  sampleNeeded: { effect: 0.0041, total: 21_000, more: 19_230 },
  ...over,
});

describe('the experiment in words', () => {
  it('not yet, with the sample still needed', () => {
    expect(verdictText(cmp({}), 0.95)).toBe(
      'Not yet: B against A on click-through rate is +0.8 pt (95% interval -1.2 pt to +2.8 pt); about 19,230 more deliveries would tell a change of 0.4 pt.',
    );
  });

  it('better and worse; fewer opt-outs are better', () => {
    expect(
      verdictText(cmp({ verdict: 'better', difference: { estimate: 0.03, lower: 0.01, upper: 0.05 } }), 0.99),
    ).toBe('B is better than A on click-through rate: +3.0 pt (99% interval +1.0 pt to +5.0 pt).');
    expect(
      verdictText(
        cmp({
          metric: 'optOutRate',
          verdict: 'worse',
          lowerIsBetter: true,
          difference: { estimate: 0.01, lower: 0.002, upper: 0.018 },
        }),
        0.95,
      ),
    ).toBe('B is worse than A on opt-out rate, more: +1.0 pt (95% interval +0.2 pt to +1.8 pt).');
  });

  it('money differences carry their currency', () => {
    expect(plain(fmtDiff({ currency: 'EUR' }, -1.5))).toBe('−EUR 1.50');
    expect(
      plain(
        verdictText(
          cmp({
            metric: 'revenuePerRecipient',
            currency: 'EUR',
            arm: 'messaged',
            against: 'holdout',
            verdict: 'better',
            difference: { estimate: 2, lower: 0.5, upper: 3.5 },
          }),
          0.95,
        ),
      ),
    ).toBe(
      'messaged is better than holdout on revenue per recipient (EUR): +EUR 2.00 (95% interval +EUR 0.50 to +EUR 3.50).',
    );
  });

  it('bars: a shared scale centred on zero; an interval that excludes zero stays on one side', () => {
    const cs = [cmp({}), cmp({ difference: { estimate: 0.03, lower: 0.01, upper: 0.05 } })];
    expect(barScale(cs)).toBe(0.05);
    const g = barGeometry({ estimate: 0.03, lower: 0.01, upper: 0.05 }, 0.05);
    expect(g.lo).toBeGreaterThan(g.zero);
    expect(g.hi).toBe(98);
    const open = barGeometry({ estimate: 0.008, lower: -0.012, upper: 0.028 }, 0.05);
    expect(open.lo).toBeLessThan(open.zero);
    expect(open.hi).toBeGreaterThan(open.zero);
    expect(barScale([])).toBe(1);
  });
});
