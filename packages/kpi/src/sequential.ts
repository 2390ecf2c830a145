/**
 * Always-valid ("anytime") inference for A/B comparisons: confidence intervals that stay valid
 * however often, and whenever, someone looks — which a live dashboard invites by design. A
 * fixed-horizon z-test looked at every day is not a 95 % test any more (the simulation test in
 * sequential.simulation.test.ts shows it); these are.
 *
 * The method: the two-sided normal-mixture confidence sequence of
 *   S. R. Howard, A. Ramdas, J. McAuliffe, J. Sekhon, "Time-uniform, nonparametric, nonasymptotic
 *   confidence sequences", Annals of Statistics 49(2), 2021 — eq. (14) and §3.5 (choosing ρ),
 * applied to a difference of means through the asymptotic confidence sequences of
 *   I. Waudby-Smith, D. Arbour, R. Sinha, E. H. Kennedy, A. Ramdas, "Time-uniform central limit
 *   theory and asymptotic confidence sequences", Annals of Statistics 52(6), 2024 (arXiv
 *   2103.06476) — the form GrowthBook's and Eppo's sequential tests use.
 *
 * For N observations with per-observation variance σ² of the estimator's influence function, the
 * interval is  Δ̂ ± σ/N · u(N),  u(v) = √((v + ρ) · ln((v + ρ) / (ρ α²)))  (Robbins' normal mixture),
 * with ρ fixed in advance so the boundary is tightest at N = `tuneAt` (ρ must not depend on the
 * data, or validity is lost). Pure: numbers in, numbers out.
 */

/** ρ that makes the two-sided boundary tightest at intrinsic time vOpt (Howard et al. §3.5). */
export function mixtureRho(vOpt: number, alpha: number): number {
  const l = 2 * Math.log(1 / alpha);
  return vOpt / (l + Math.log(1 + l));
}

/**
 * The two-sided normal-mixture boundary u(v) on |S_v| (a sum of v standardised increments), with
 * ρ tuned for `vOpt` at `alphaOpt`. Equals confseq's
 * `normal_mixture_bound(v, alpha, v_opt, alpha_opt, is_one_sided=False)`.
 */
export function normalMixtureBound(v: number, alpha: number, vOpt: number, alphaOpt = alpha): number {
  const rho = mixtureRho(vOpt, alphaOpt);
  return Math.sqrt((v + rho) * Math.log((v + rho) / (rho * alpha * alpha)));
}

/**
 * ln of the mixture martingale at sum s and intrinsic time v (confseq's `normal_log_mixture`,
 * two-sided): the evidence against "no difference". Its reciprocal, capped at 1, is an
 * always-valid p-value.
 */
export function normalLogMixture(s: number, v: number, vOpt: number, alphaOpt: number): number {
  const rho = mixtureRho(vOpt, alphaOpt);
  return 0.5 * Math.log(rho / (v + rho)) + (s * s) / (2 * (v + rho));
}

/** One arm's sufficient statistics: n observations, their sum and sum of squares. */
export interface ArmSample {
  n: number;
  sum: number;
  sumSq: number;
}

/** A proportion: x successes out of n (sum = sumSq = x). */
export function proportionSample(successes: number, trials: number): ArmSample {
  return { n: trials, sum: successes, sumSq: successes };
}

export interface SequentialOptions {
  /** Confidence level in (0, 1), e.g. 0.95. */
  level: number;
  /** Total observations (both arms) at which the boundary is tightest. */
  tuneAt: number;
}

export const DEFAULT_TUNE_AT = 10_000;

export interface SequentialInterval {
  estimate: number;
  lower: number;
  upper: number;
}

export interface DifferenceCs {
  /** Treatment mean − control mean. */
  difference: SequentialInterval;
  /** (treatment − control) / control (delta method); null when the control mean is 0. */
  relative: SequentialInterval | null;
  /** Always-valid p-value for "no difference" (1 / mixture martingale, capped at 1). */
  pValue: number;
  controlMean: number;
  treatmentMean: number;
  /** Per-observation variance of the difference's estimator (σ² above) and N. */
  sigma2: number;
  total: number;
}

function meanVar(a: ArmSample): { mean: number; variance: number } {
  const mean = a.sum / a.n;
  // Unbiased sample variance; a single observation (or none spread) has variance 0.
  const ss = Math.max(0, a.sumSq - a.sum * mean);
  return { mean, variance: a.n > 1 ? ss / (a.n - 1) : 0 };
}

/** Half-width σ/N · u(N) of the interval after N observations. */
export function halfWidth(sigma2: number, total: number, o: SequentialOptions): number {
  const alpha = 1 - o.level;
  return (Math.sqrt(sigma2) / total) * normalMixtureBound(total, alpha, o.tuneAt, alpha);
}

/**
 * The always-valid interval for treatment − control after N = n_c + n_t observations, or null
 * while either arm is empty. σ² = N · (s_c²/n_c + s_t²/n_t): the variance of Δ̂ scaled to one
 * observation, so that the boundary runs in the intrinsic time N.
 */
export function differenceCs(
  control: ArmSample,
  treatment: ArmSample,
  o: SequentialOptions,
): DifferenceCs | null {
  if (control.n <= 0 || treatment.n <= 0) return null;
  const c = meanVar(control);
  const t = meanVar(treatment);
  const total = control.n + treatment.n;
  const varDiff = c.variance / control.n + t.variance / treatment.n;
  const sigma2 = total * varDiff;
  const estimate = t.mean - c.mean;
  const h = halfWidth(sigma2, total, o);
  const alpha = 1 - o.level;
  let pValue = 1;
  if (sigma2 > 0) {
    // The standardised sum S_N = N·Δ̂/σ at intrinsic time N.
    const s = (total * estimate) / Math.sqrt(sigma2);
    pValue = Math.min(1, Math.exp(-normalLogMixture(s, total, o.tuneAt, alpha)));
  } else if (estimate !== 0) pValue = 0;
  let relative: SequentialInterval | null = null;
  if (c.mean !== 0) {
    // Delta method for t/c − 1: Var ≈ s_t²/(n_t c²) + t² s_c²/(n_c c⁴).
    const varRel =
      t.variance / (treatment.n * c.mean ** 2) + (t.mean ** 2 * c.variance) / (control.n * c.mean ** 4);
    const r = t.mean / c.mean - 1;
    const hr = halfWidth(total * varRel, total, o);
    relative = { estimate: r, lower: r - hr, upper: r + hr };
  }
  return {
    difference: { estimate, lower: estimate - h, upper: estimate + h },
    relative,
    pValue,
    controlMean: c.mean,
    treatmentMean: t.mean,
    sigma2,
    total,
  };
}

/**
 * The smallest total N at which the interval is at most ±effect wide, keeping today's
 * per-observation variance and allocation: from then on an effect of that size is told apart from
 * none (the interval excludes 0, or excludes the effect). Null when it cannot be said (no
 * variance yet, no effect); `total` itself when the interval is that narrow already.
 */
export function sampleToResolve(
  sigma2: number,
  total: number,
  effect: number,
  o: SequentialOptions,
  cap = 1e12,
): number | null {
  const delta = Math.abs(effect);
  if (!(sigma2 > 0) || !(delta > 0) || !Number.isFinite(delta)) return null;
  const fits = (n: number) => halfWidth(sigma2, n, o) <= delta;
  if (fits(total)) return total;
  let lo = Math.max(1, total);
  let hi = lo * 2;
  while (!fits(hi)) {
    lo = hi;
    hi *= 2;
    if (hi > cap) return null;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The fixed-horizon two-sided z-test's interval (Wald), for contrast only: not valid under peeking. */
export function fixedHorizonDifference(
  control: ArmSample,
  treatment: ArmSample,
  z: number,
): SequentialInterval | null {
  if (control.n <= 0 || treatment.n <= 0) return null;
  const c = meanVar(control);
  const t = meanVar(treatment);
  const se = Math.sqrt(c.variance / control.n + t.variance / treatment.n);
  const estimate = t.mean - c.mean;
  return { estimate, lower: estimate - z * se, upper: estimate + z * se };
}
