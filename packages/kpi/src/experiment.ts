/**
 * A campaign's experiment, read as a growth analyst would (issue 21): each variant against the
 * control variant, and the messaged recipients against the held-out ones, metric by metric — the
 * difference, its always-valid interval (sequential.ts), a verdict and, while there is none, the
 * sample the interval still needs. Pure: the arms' counts in, the comparison out.
 */
import {
  DEFAULT_TUNE_AT,
  differenceCs,
  proportionSample,
  sampleToResolve,
  type ArmSample,
  type SequentialInterval,
  type SequentialOptions,
} from './sequential.ts';

/** Money per currency: the sum over units (messages or recipients) and the sum of squares. */
export type MoneyMoments = Record<string, { sum: number; sumSq: number }>;

/** One variant of a campaign: message counts (per delivered message, like every rate of SPEC §5). */
export interface VariantArm {
  variant: string;
  sent: number;
  delivered: number;
  clicked: number;
  converted: number;
  replied: number;
  /** Messages with an attributed opt-out. */
  optedOut: number;
  revenue: MoneyMoments;
}

/** The two sides of a holdout: units are messages sent (messaged) and recipients (held out). */
export interface HoldoutArms {
  messaged: { sent: number; converted: number; revenue: MoneyMoments };
  heldOut: { recipients: number; converted: number; conversions: number; revenue: MoneyMoments };
  conflicts: number;
}

export const VARIANT_METRICS = [
  'deliveryRate',
  'ctr',
  'conversionRate',
  'optOutRate',
  'replyRate',
  'revenuePerDelivered',
] as const;
export type VariantMetric = (typeof VARIANT_METRICS)[number];
export const HOLDOUT_METRICS = ['conversionRate', 'revenuePerRecipient'] as const;
export type HoldoutMetric = (typeof HOLDOUT_METRICS)[number];
export const EXPERIMENT_METRICS = [...new Set([...VARIANT_METRICS, ...HOLDOUT_METRICS])] as (
  VariantMetric | HoldoutMetric
)[];
export type ExperimentMetric = VariantMetric | HoldoutMetric;

export type Verdict = 'better' | 'worse' | 'not yet';

export interface SampleNeeded {
  /** The effect (absolute, in the metric's unit) the interval must be able to tell from none. */
  effect: number;
  /** Total observations (both arms) at which the interval is at most ±effect wide. */
  total: number;
  /** Observations still to come (0 once there). */
  more: number;
}

export interface Comparison {
  /** An ExperimentMetric, or another rate compared the same way (the send-time hours). */
  metric: string;
  /** `revenue…` metrics: the currency; else null. */
  currency: string | null;
  arm: string;
  against: string;
  control: { n: number; value: number };
  treatment: { n: number; value: number };
  difference: SequentialInterval;
  relative: SequentialInterval | null;
  pValue: number;
  verdict: Verdict;
  /** True when lower is better (opt-outs): `better` then means fewer. */
  lowerIsBetter: boolean;
  sampleNeeded: SampleNeeded | null;
}

export interface ExperimentOptions {
  /** Confidence level, in (0.5, 0.999). */
  level: number;
  /** Relative effect the sample estimate is for (0.1: a 10 % change of the control's value). */
  effect: number;
  tuneAt?: number;
}

export function verdictOf(iv: SequentialInterval, lowerIsBetter: boolean): Verdict {
  if (iv.lower > 0) return lowerIsBetter ? 'worse' : 'better';
  if (iv.upper < 0) return lowerIsBetter ? 'better' : 'worse';
  return 'not yet';
}

export interface Side {
  arm: string;
  sample: ArmSample;
}

/** One metric of two arms, with the verdict and the sample still needed; null while an arm is empty. */
export function compareSamples(
  metric: string,
  currency: string | null,
  control: Side,
  treatment: Side,
  o: ExperimentOptions,
  lowerIsBetter = false,
): Comparison | null {
  const so: SequentialOptions = { level: o.level, tuneAt: o.tuneAt ?? DEFAULT_TUNE_AT };
  const cs = differenceCs(control.sample, treatment.sample, so);
  if (!cs) return null;
  const verdict = verdictOf(cs.difference, lowerIsBetter);
  const effect = Math.abs(o.effect * cs.controlMean);
  const total = verdict === 'not yet' ? sampleToResolve(cs.sigma2, cs.total, effect, so) : null;
  return {
    metric,
    currency,
    arm: treatment.arm,
    against: control.arm,
    control: { n: control.sample.n, value: cs.controlMean },
    treatment: { n: treatment.sample.n, value: cs.treatmentMean },
    difference: cs.difference,
    relative: cs.relative,
    pValue: cs.pValue,
    verdict,
    lowerIsBetter,
    sampleNeeded: total === null ? null : { effect, total, more: Math.max(0, total - cs.total) },
  };
}

function moneySample(n: number, m: { sum: number; sumSq: number } | undefined): ArmSample {
  return { n, sum: m?.sum ?? 0, sumSq: m?.sumSq ?? 0 };
}

function currencies(...ms: MoneyMoments[]): string[] {
  return [...new Set(ms.flatMap((m) => Object.keys(m)))].sort();
}

/** Every metric (or the one asked for) of `treatment` against `control`. */
export function compareVariants(
  control: VariantArm,
  treatment: VariantArm,
  o: ExperimentOptions,
  only?: ExperimentMetric,
): Comparison[] {
  const c = (arm: VariantArm, x: number, n: number): Side => ({
    arm: arm.variant,
    sample: proportionSample(x, n),
  });
  const out: (Comparison | null)[] = [];
  const want = (m: ExperimentMetric) => only === undefined || only === m;
  if (want('deliveryRate'))
    out.push(
      compareSamples(
        'deliveryRate',
        null,
        c(control, control.delivered, control.sent),
        c(treatment, treatment.delivered, treatment.sent),
        o,
      ),
    );
  const perDelivered: [VariantMetric, keyof VariantArm, boolean][] = [
    ['ctr', 'clicked', false],
    ['conversionRate', 'converted', false],
    ['optOutRate', 'optedOut', true],
    ['replyRate', 'replied', false],
  ];
  for (const [metric, field, lower] of perDelivered) {
    if (!want(metric)) continue;
    out.push(
      compareSamples(
        metric,
        null,
        c(control, control[field] as number, control.delivered),
        c(treatment, treatment[field] as number, treatment.delivered),
        o,
        lower,
      ),
    );
  }
  if (want('revenuePerDelivered'))
    for (const cur of currencies(control.revenue, treatment.revenue))
      out.push(
        compareSamples(
          'revenuePerDelivered',
          cur,
          { arm: control.variant, sample: moneySample(control.delivered, control.revenue[cur]) },
          { arm: treatment.variant, sample: moneySample(treatment.delivered, treatment.revenue[cur]) },
          o,
        ),
      );
  return out.filter((x): x is Comparison => x !== null);
}

export interface HoldoutComparison {
  comparisons: Comparison[];
  /** What the campaign added: (messaged − held-out rate) × messages sent, with its interval. */
  incremental: {
    conversions: SequentialInterval | null;
    revenue: Record<string, SequentialInterval>;
  };
}

function scaled(iv: SequentialInterval, k: number): SequentialInterval {
  return { estimate: iv.estimate * k, lower: iv.lower * k, upper: iv.upper * k };
}

/** Messaged against held out: conversion rate and revenue per unit, and the increments. */
export function compareHoldout(
  h: HoldoutArms,
  o: ExperimentOptions,
  only?: ExperimentMetric,
): HoldoutComparison {
  const comparisons: Comparison[] = [];
  const incremental: HoldoutComparison['incremental'] = { conversions: null, revenue: {} };
  const n = h.messaged.sent;
  if (only === undefined || only === 'conversionRate') {
    const cmp = compareSamples(
      'conversionRate',
      null,
      { arm: 'holdout', sample: proportionSample(h.heldOut.converted, h.heldOut.recipients) },
      { arm: 'messaged', sample: proportionSample(h.messaged.converted, n) },
      o,
    );
    if (cmp) {
      comparisons.push(cmp);
      incremental.conversions = scaled(cmp.difference, n);
    }
  }
  if (only === undefined || only === 'revenuePerRecipient' || only === 'revenuePerDelivered') {
    for (const cur of currencies(h.messaged.revenue, h.heldOut.revenue)) {
      const cmp = compareSamples(
        'revenuePerRecipient',
        cur,
        { arm: 'holdout', sample: moneySample(h.heldOut.recipients, h.heldOut.revenue[cur]) },
        { arm: 'messaged', sample: moneySample(n, h.messaged.revenue[cur]) },
        o,
      );
      if (!cmp) continue;
      comparisons.push(cmp);
      incremental.revenue[cur] = scaled(cmp.difference, n);
    }
  }
  return { comparisons, incremental };
}

/**
 * The control variant: the one named, when the campaign has it, else the first by name.
 * Undefined without variants.
 */
export function controlVariant(variants: readonly string[], named?: string): string | undefined {
  if (named !== undefined && variants.includes(named)) return named;
  return [...variants].sort()[0];
}

/**
 * Guardrails: every variant whose opt-out rate is above the control's (a point estimate; the
 * comparison's verdict says whether it is proven), shown whatever the primary metric says.
 */
export function optOutGuardrails(comparisons: readonly Comparison[]): Comparison[] {
  return comparisons.filter((c) => c.metric === 'optOutRate' && c.difference.estimate > 0);
}
