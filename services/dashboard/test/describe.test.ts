import { describe, expect, it } from 'vitest';
import { clearingText, describeAlert, sentence } from '../src/pages/alerts/describe.ts';

describe('alerts in words', () => {
  const spike = {
    delivered: 200,
    optOuts: 14,
    rate: 0.07,
    wilsonLower: 0.042,
    threshold: 0.02,
    baselineRate: null,
    baselineLimit: null,
    mode: 'absolute',
    windowMinutes: 15,
  };
  it('an opt-out spike as it fired, and as it stands now', () => {
    expect(sentence(describeAlert('optOutSpike', spike))).toBe(
      '14 opt-outs of 200 delivered (7.0%, lower bound 4.2%) over 15 min, above 2.0%',
    );
    expect(sentence(describeAlert('optOutSpike', { ...spike, optOuts: 3, rate: 0.015 }, true))).toBe(
      '3 opt-outs of 200 delivered (1.5%, lower bound 4.2%) over 15 min, now under 2.0%',
    );
    const parts = describeAlert('optOutSpike', spike);
    expect(parts.filter((p) => p.role).map((p) => [p.role, p.text])).toEqual([
      ['rate', '7.0%'],
      ['threshold', '2.0%'],
    ]);
  });
  it('a baseline spike names its multiple of the 7-day rate', () => {
    const b = { ...spike, threshold: null, baselineRate: 0.005, baselineLimit: 0.015, mode: 'baseline' };
    expect(sentence(describeAlert('optOutSpike', b))).toBe(
      '14 opt-outs of 200 delivered (7.0%, lower bound 4.2%) over 15 min, above 1.5% (3.0× the 7-day rate 0.5%)',
    );
  });
  it('delivery drops and failure spikes', () => {
    expect(
      sentence(
        describeAlert('deliveryDrop', {
          sent: 1000,
          delivered: 800,
          rate: 0.8,
          floor: 0.9,
          windowMinutes: 15,
        }),
      ),
    ).toBe('800 delivered of 1,000 sent (80.0%) over 15 min, below the floor 90.0%');
    expect(
      sentence(
        describeAlert('failureSpike', {
          sent: 500,
          errorCode: '30003',
          failedWithCode: 40,
          share: 0.08,
          threshold: 0.05,
          windowMinutes: 15,
        }),
      ),
    ).toBe('40 of 500 sent failed with error 30003 (8.0%) over 15 min, above 5.0%');
  });
  it('clearing: resolves in about N min if it stays under', () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    expect(clearingText({ state: 'firing', clearSince: '2026-01-01T00:06:30Z' }, 600, now)).toBe(
      'clearing — resolves in about 7 min if it stays under',
    );
    expect(clearingText({ state: 'firing', clearSince: null }, 600, now)).toBeNull();
    expect(clearingText({ state: 'resolved', clearSince: '2026-01-01T00:06:30Z' }, 600, now)).toBeNull();
  });
});
