/**
 * Rule evaluation as a pure function: (rule, window counts, previous alert state, now) → what to
 * do, with the numbers behind it. The caller (the evaluator) records the decision in Postgres.
 *
 * Hysteresis: a rule *breaches* on strong evidence (optOutSpike: the Wilson lower bound above the
 * limit) and is *clear* only on the point estimate being back under it (or the sample being too
 * small to say anything). Between the two the alert keeps its state. A firing alert resolves once
 * it has been clear for `resolveAfterSeconds` without a break.
 */
import type {
  AnyRule,
  DeliveryDropRule,
  FailureSpikeRule,
  OptOutSpikeRule,
  RuleType,
} from './alert-rules.ts';
import { ratio } from './rates.ts';
import { wilsonLower } from './wilson.ts';

/** Counts of one scope (campaign or sender) over a rolling window. */
export interface WindowCounts {
  sent: number;
  delivered: number;
  failed: number;
  optOuts: number;
  failedByErrorCode: Record<string, number>;
}

export type AlertNumbers = Record<string, number | string | boolean | null>;

/** A firing alert as the evaluator remembers it; null when none is firing for the scope. */
export interface FiringMemory {
  firedAt: Date;
  lastNotifiedAt: Date;
  /** When the condition last became clear (null while it breaches). */
  clearSince: Date | null;
}

export type AlertAction = 'fire' | 'resolve' | 'renotify' | 'none';

export interface Decision {
  action: AlertAction;
  breaching: boolean;
  clear: boolean;
  /** The clear-since mark to remember while the alert stays firing. */
  clearSince: Date | null;
  numbers: AlertNumbers;
}

export interface Measurement {
  breaching: boolean;
  clear: boolean;
  numbers: AlertNumbers;
}

export function measureOptOutSpike(
  rule: OptOutSpikeRule,
  c: WindowCounts,
  baselineRate: number | null,
): Measurement {
  const rate = ratio(c.optOuts, c.delivered);
  const lower = wilsonLower(c.optOuts, c.delivered);
  const baselineLimit =
    rule.baseline && baselineRate !== null && baselineRate > 0
      ? rule.baselineMultiplier * baselineRate
      : null;
  const limits = [rule.absolute ? rule.threshold : null, baselineLimit].filter(
    (l): l is number => l !== null,
  );
  const enough = c.delivered >= rule.minDelivered && c.optOuts >= rule.minOptOuts;
  const over = (l: number) => lower !== null && lower > l;
  const breaching = enough && limits.some(over);
  const clear = !enough || rate === null || limits.every((l) => rate < l);
  return {
    breaching,
    clear,
    numbers: {
      delivered: c.delivered,
      optOuts: c.optOuts,
      rate,
      wilsonLower: lower,
      threshold: rule.absolute ? rule.threshold : null,
      baselineRate,
      baselineLimit,
      mode: breaching ? (rule.absolute && over(rule.threshold) ? 'absolute' : 'baseline') : null,
      windowMinutes: rule.windowMinutes,
    },
  };
}

export function measureDeliveryDrop(rule: DeliveryDropRule, c: WindowCounts): Measurement {
  const rate = ratio(c.delivered, c.sent);
  const enough = c.sent >= rule.minSent && rate !== null;
  const breaching = enough && rate < rule.floor;
  return {
    breaching,
    clear: !breaching,
    numbers: {
      sent: c.sent,
      delivered: c.delivered,
      rate,
      floor: rule.floor,
      windowMinutes: rule.windowMinutes,
      receiptGraceMinutes: rule.receiptGraceMinutes,
    },
  };
}

export function measureFailureSpike(rule: FailureSpikeRule, c: WindowCounts): Measurement {
  let worst: [string, number] | null = null;
  for (const [code, n] of Object.entries(c.failedByErrorCode)) {
    if (worst === null || n > worst[1] || (n === worst[1] && code < worst[0])) worst = [code, n];
  }
  const share = worst ? ratio(worst[1], c.sent) : null;
  const breaching = c.sent >= rule.minSent && share !== null && share > rule.threshold;
  return {
    breaching,
    clear: !breaching,
    numbers: {
      sent: c.sent,
      errorCode: worst?.[0] ?? null,
      failedWithCode: worst?.[1] ?? 0,
      share,
      threshold: rule.threshold,
      windowMinutes: rule.windowMinutes,
    },
  };
}

export interface EvaluateInput {
  type: RuleType;
  rule: AnyRule;
  counts: WindowCounts;
  /** The tenant's trailing 7-day opt-out rate (optOutSpike baseline mode); null when unknown. */
  baselineOptOutRate: number | null;
  previous: FiringMemory | null;
  renotifyAfterSeconds: number;
  now: Date;
}

export function measure(input: Pick<EvaluateInput, 'type' | 'rule' | 'counts' | 'baselineOptOutRate'>) {
  switch (input.type) {
    case 'optOutSpike':
      return measureOptOutSpike(input.rule as OptOutSpikeRule, input.counts, input.baselineOptOutRate);
    case 'deliveryDrop':
      return measureDeliveryDrop(input.rule as DeliveryDropRule, input.counts);
    case 'failureSpike':
      return measureFailureSpike(input.rule as FailureSpikeRule, input.counts);
  }
}

export function evaluateRule(input: EvaluateInput): Decision {
  const m = measure(input);
  const { previous, now } = input;
  const at = (action: AlertAction, clearSince: Date | null): Decision => ({ action, ...m, clearSince });
  if (previous === null) return at(m.breaching ? 'fire' : 'none', null);
  if (m.clear) {
    const clearSince = previous.clearSince ?? now;
    const clearMs = now.getTime() - clearSince.getTime();
    return at(clearMs >= input.rule.resolveAfterSeconds * 1000 ? 'resolve' : 'none', clearSince);
  }
  const sinceNotified = now.getTime() - previous.lastNotifiedAt.getTime();
  return at(sinceNotified >= input.renotifyAfterSeconds * 1000 ? 'renotify' : 'none', null);
}
