import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson.ts';

/*
 * Reference values were computed independently of the closed form in wilson.ts: by solving the
 * score-test equation (x − n·p)² = z²·n·p·(1 − p) for p on each side of x/n with a bracketed
 * root finder (mpmath 1.3.0 `findroot(..., solver='illinois')`, 30 significant digits,
 * z = 1.959964). 0/10 → [0, 0.2775] and 10/10 → [0.7225, 1] also match the Wilson column of
 * Newcombe (1998), "Two-sided confidence intervals for the single proportion", Stat. Med. 17, table II.
 */
describe('wilsonInterval (95%)', () => {
  it.each([
    { x: 5, n: 1000, lower: 0.00213753551379, upper: 0.0116509554464 },
    { x: 50, n: 1000, lower: 0.0381302623113, upper: 0.0653138203798 },
    { x: 30, n: 1000, lower: 0.0210937387706, upper: 0.0425034142623 },
    { x: 100, n: 10_000, lower: 0.00822933613553, upper: 0.0121469822737 },
    { x: 2, n: 20, lower: 0.0278664809617, upper: 0.301033647186 },
    { x: 3, n: 200, lower: 0.0051142377535, upper: 0.0431657291154 },
    { x: 20, n: 200, lower: 0.0656704484512, upper: 0.149405812884 },
    { x: 0, n: 10, lower: 0, upper: 0.277532803026 },
    { x: 10, n: 10, lower: 0.722467196974, upper: 1 },
    { x: 1, n: 1, lower: 0.206549311792, upper: 1 },
  ])('$x / $n → [$lower, $upper]', ({ x, n, lower, upper }) => {
    const got = wilsonInterval(x, n);
    expect(got).not.toBeNull();
    expect(got?.lower).toBeCloseTo(lower, 10);
    expect(got?.upper).toBeCloseTo(upper, 10);
  });

  it.each([
    [0, 0],
    [3, -1],
    [Number.NaN, 10],
  ])('%s / %s has no interval', (x, n) => {
    expect(wilsonInterval(x, n)).toBeNull();
  });

  it('narrows as the sample grows at the same rate', () => {
    const small = wilsonInterval(5, 100);
    const big = wilsonInterval(500, 10_000);
    expect((big?.upper ?? 1) - (big?.lower ?? 0)).toBeLessThan((small?.upper ?? 0) - (small?.lower ?? 1));
  });
});
