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
  RuleFilter,
  RuleType,
} from './alert-rules.ts';
import { ratio } from './rates.ts';
import { wilsonInterval, wilsonLower } from './wilson.ts';

/** Counts of one scope (campaign or sender) over a rolling window. */
export interface WindowCounts {
  sent: number;
  delivered: number;
  failed: number;
  optOuts: number;
  failedByErrorCode: Record<string, number>;
  /**
   * First occurrences by dimension (issue 20): `cr:<carrier>\0<status>` and `co:<country>\0<status>`
   * for sent / delivered / failed, `fc:<class>\0failed`, and `fc:<class>\0cr:<carrier>` /
   * `fc:<class>\0co:<country>` (failed). Absent where the source keeps none.
   */
  dimensions?: Record<string, number> | undefined;
}

const D = '\u0000';

/** The part of the window a filter selects: its sends, deliveries and (matching) failures. */
export function filteredCounts(
  c: WindowCounts,
  f: RuleFilter,
): { sent: number; delivered: number; failed: number } {
  const d = c.dimensions ?? {};
  const n = (k: string) => d[k] ?? 0;
  const part =
    f.carrier !== undefined ? `cr:${f.carrier}` : f.country !== undefined ? `co:${f.country}` : undefined;
  const sent = part === undefined ? c.sent : n(`${part}${D}sent`);
  const delivered = part === undefined ? c.delivered : n(`${part}${D}delivered`);
  let failed = part === undefined ? c.failed : n(`${part}${D}failed`);
  if (f.failureClass !== undefined) failed = n(`fc:${f.failureClass}${D}${part ?? 'failed'}`);
  return { sent, delivered, failed };
}

const hasFilter = (f: RuleFilter | undefined): f is RuleFilter =>
  f !== undefined && (f.failureClass !== undefined || f.carrier !== undefined || f.country !== undefined);

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
  if (hasFilter(rule.filter)) {
    const p = filteredCounts(c, { carrier: rule.filter.carrier, country: rule.filter.country });
    const rate = ratio(p.delivered, p.sent);
    const upper = wilsonInterval(p.delivered, p.sent)?.upper ?? null;
    const enough = p.sent >= rule.minSent && rate !== null;
    return {
      breaching: enough && upper !== null && upper < rule.floor,
      clear: !enough || (rate !== null && rate >= rule.floor),
      numbers: {
        sent: p.sent,
        delivered: p.delivered,
        rate,
        wilsonUpper: upper,
        floor: rule.floor,
        carrier: rule.filter.carrier ?? null,
        country: rule.filter.country ?? null,
        windowMinutes: rule.windowMinutes,
        receiptGraceMinutes: rule.receiptGraceMinutes,
      },
    };
  }
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
  if (hasFilter(rule.filter)) {
    const p = filteredCounts(c, rule.filter);
    const share = ratio(p.failed, p.sent);
    const lower = wilsonLower(p.failed, p.sent);
    const enough = p.sent >= rule.minSent && share !== null;
    return {
      breaching: enough && lower !== null && lower > rule.threshold,
      clear: !enough || (share !== null && share <= rule.threshold),
      numbers: {
        sent: p.sent,
        failed: p.failed,
        share,
        wilsonLower: lower,
        threshold: rule.threshold,
        failureClass: rule.filter.failureClass ?? null,
        carrier: rule.filter.carrier ?? null,
        country: rule.filter.country ?? null,
        windowMinutes: rule.windowMinutes,
      },
    };
  }
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
