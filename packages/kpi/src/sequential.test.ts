import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/confseq-normal-mixture.json' with { type: 'json' };
import {
  differenceCs,
  halfWidth,
  mixtureRho,
  normalLogMixture,
  normalMixtureBound,
  proportionSample,
  sampleToResolve,
} from './sequential.ts';

// The fixture was computed once by Howard et al.'s own library, confseq 0.0.11
// (boundaries.normal_mixture_bound / normal_log_mixture, two-sided), with the call in
// packages/kpi/fixtures/confseq-normal-mixture.py; this code shares nothing with it.
describe('normal-mixture boundary against confseq 0.0.11 (Howard et al.)', () => {
  it('names its source', () => {
    expect(fixture.source).toMatch(/^confseq 0\.0\.11/);
    expect(fixture.bounds.length).toBeGreaterThan(150);
  });

  it.each(fixture.bounds)('u(v=$v, α=$alpha, v_opt=$vOpt, α_opt=$alphaOpt) = $bound', (row) => {
    const got = normalMixtureBound(row.v, row.alpha, row.vOpt, row.alphaOpt);
    expect(Math.abs(got - row.bound) / row.bound).toBeLessThan(1e-12);
  });

  it.each(fixture.logMixtures)('ln M(s=$s, v=$v, v_opt=$vOpt) = $logMixture', (row) => {
    const got = normalLogMixture(row.s, row.v, row.vOpt, row.alphaOpt);
    expect(Math.abs(got - row.logMixture)).toBeLessThan(1e-12 * Math.max(1, Math.abs(row.logMixture)));
  });

  it('crosses ln(1/α) exactly at the boundary (the interval and the p-value agree)', () => {
    const alpha = 0.05;
    const u = normalMixtureBound(2500, alpha, 10_000);
    expect(normalLogMixture(u, 2500, 10_000, alpha)).toBeCloseTo(Math.log(1 / alpha), 10);
  });

  it('tunes ρ as in §3.5: v_opt over 2 ln(1/α) + ln(1 + 2 ln(1/α))', () => {
    const l = 2 * Math.log(20);
    expect(mixtureRho(100, 0.05)).toBeCloseTo(100 / (l + Math.log(1 + l)), 12);
  });
});

describe('differenceCs', () => {
  const o = { level: 0.95, tuneAt: 10_000 };

  it('A: 4.1 % CTR on 900 delivered, B: 4.9 % on 870 (the issue): not yet, and says how far', () => {
    const cs = differenceCs(proportionSample(37, 900), proportionSample(43, 870), o);
    expect(cs).not.toBeNull();
    if (!cs) return;
    expect(cs.difference.estimate).toBeCloseTo(43 / 870 - 37 / 900, 12);
    expect(cs.difference.lower).toBeLessThan(0);
    expect(cs.difference.upper).toBeGreaterThan(0);
    // Hand-computed: σ² = N (s_A²/n_A + s_B²/n_B) with unbiased variances; u(N) from the formula.
    const vA = (37 - (37 * 37) / 900) / 899;
    const vB = (43 - (43 * 43) / 870) / 869;
    const N = 1770;
    const sigma2 = N * (vA / 900 + vB / 870);
    const l = 2 * Math.log(20);
    const rho = 10_000 / (l + Math.log(1 + l));
    const u = Math.sqrt((N + rho) * Math.log((N + rho) / (rho * 0.05 * 0.05)));
    expect(cs.sigma2).toBeCloseTo(sigma2, 12);
    expect(cs.difference.upper - cs.difference.estimate).toBeCloseTo((Math.sqrt(sigma2) / N) * u, 12);
    expect(cs.pValue).toBeGreaterThan(0.05);
    const need = sampleToResolve(cs.sigma2, cs.total, 0.008, o);
    expect(need).not.toBeNull();
    expect(halfWidth(cs.sigma2, need ?? 0, o)).toBeLessThanOrEqual(0.008);
    expect(halfWidth(cs.sigma2, (need ?? 0) - 1, o)).toBeGreaterThan(0.008);
  });

  it('a clear win is better at every level up to 99.9 %', () => {
    const cs = differenceCs(proportionSample(200, 10_000), proportionSample(400, 10_000), {
      level: 0.999,
      tuneAt: 10_000,
    });
    expect(cs?.difference.lower).toBeGreaterThan(0);
    expect(cs?.relative?.estimate).toBeCloseTo(1, 12);
    expect(cs?.pValue).toBeLessThan(0.001);
  });

  it('is wider than the fixed-horizon interval, and wider at a higher level', () => {
    const a = proportionSample(300, 5000);
    const b = proportionSample(330, 5000);
    const w95 = differenceCs(a, b, o);
    const w99 = differenceCs(a, b, { level: 0.99, tuneAt: 10_000 });
    const fixed = 1.959964 * Math.sqrt((w95?.sigma2 ?? 0) / 10_000);
    expect((w95?.difference.upper ?? 0) - (w95?.difference.estimate ?? 0)).toBeGreaterThan(fixed);
    expect(w99?.difference.upper ?? 0).toBeGreaterThan(w95?.difference.upper ?? 0);
  });

  it('means: revenue per delivered message from n, Σy, Σy²', () => {
    // control: 4 messages 0, 0, 10, 30; treatment: 3 messages 0, 20, 40
    const cs = differenceCs({ n: 4, sum: 40, sumSq: 1000 }, { n: 3, sum: 60, sumSq: 2000 }, o);
    expect(cs?.controlMean).toBe(10);
    expect(cs?.treatmentMean).toBe(20);
    // s_c² = (1000 − 400)/3 = 200, s_t² = (2000 − 1200)/2 = 400
    expect(cs?.sigma2).toBeCloseTo(7 * (200 / 4 + 400 / 3), 10);
  });

  it('an empty arm gives no interval; no spread gives no sample estimate', () => {
    expect(differenceCs(proportionSample(0, 0), proportionSample(3, 10), o)).toBeNull();
    const flat = differenceCs(proportionSample(0, 50), proportionSample(0, 50), o);
    expect(flat?.difference).toEqual({ estimate: 0, lower: 0, upper: 0 });
    expect(flat?.relative).toBeNull();
    expect(flat?.pValue).toBe(1);
    expect(sampleToResolve(0, 100, 0.01, o)).toBeNull();
    expect(sampleToResolve(0.1, 100, 0, o)).toBeNull();
  });
});
