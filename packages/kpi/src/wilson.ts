/**
 * Wilson score interval for a binomial proportion (Wilson 1927): the set of p for which the score
 * test (x − n·p)² ≤ z²·n·p·(1 − p) does not reject. Unlike the normal ("Wald") interval it behaves
 * at small samples and near 0 and 1, which is why alert rules compare its lower bound, not the raw
 * rate, with a threshold: 2 opt-outs out of 20 is 10% but says little.
 */

/** Two-sided 95%: the 0.975 quantile of the standard normal. */
export const Z_95 = 1.959964;

export interface Interval {
  lower: number;
  upper: number;
}

/** The interval for `successes` out of `trials`; null when there are no trials (no information). */
export function wilsonInterval(successes: number, trials: number, z = Z_95): Interval | null {
  if (!Number.isFinite(successes) || !Number.isFinite(trials) || trials <= 0) return null;
  const x = Math.min(Math.max(successes, 0), trials);
  const n = trials;
  const p = x / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    // At x = 0 and x = n the bounds are exactly 0 and 1; the formula only gets there up to rounding.
    lower: x === 0 ? 0 : Math.max(0, (centre - margin) / denominator),
    upper: x === n ? 1 : Math.min(1, (centre + margin) / denominator),
  };
}

export function wilsonLower(successes: number, trials: number, z = Z_95): number | null {
  return wilsonInterval(successes, trials, z)?.lower ?? null;
}
