/**
 * The experiment in words (pure, issue 21): each comparison's verdict as a sentence a growth
 * analyst would write, and the scale of the interval bars. No DOM here, so it is unit-tested.
 */
import type { Comparison, Interval } from '../../api/experiment-types.ts';
import { fmtCount, fmtLevel, fmtMoney, fmtPoints } from '../../ui/format.ts';

export const METRIC_LABEL: Record<string, string> = {
  deliveryRate: 'delivery rate',
  ctr: 'click-through rate',
  conversionRate: 'conversion rate',
  optOutRate: 'opt-out rate',
  replyRate: 'reply rate',
  revenuePerDelivered: 'revenue per delivered message',
  revenuePerRecipient: 'revenue per recipient',
  rate: 'rate',
};

/** A difference in the metric's unit: rate points, or money. */
export function fmtDiff(c: Pick<Comparison, 'currency'>, v: number): string {
  if (c.currency === null) return fmtPoints(v);
  const s = fmtMoney(Math.abs(v), c.currency);
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${s}`;
}

export function fmtInterval(c: Pick<Comparison, 'currency'>, iv: Interval): string {
  return `${fmtDiff(c, iv.lower)} to ${fmtDiff(c, iv.upper)}`;
}

const pct = (level: number) => fmtLevel(level);

/** What the observations counted are, for "about N more …". */
function unitOf(c: Comparison): string {
  if (c.metric === 'deliveryRate') return 'sends';
  if (c.against === 'holdout' || c.against === 'global control') return 'recipients';
  return 'deliveries';
}

export function verdictText(c: Comparison, level: number): string {
  const what = METRIC_LABEL[c.metric] ?? c.metric;
  const money = c.currency ? ` (${c.currency})` : '';
  const diff = `${fmtDiff(c, c.difference.estimate)} (${pct(level)} interval ${fmtInterval(c, c.difference)})`;
  if (c.verdict !== 'not yet') {
    const word = c.verdict === 'better' ? 'better' : 'worse';
    const note = c.lowerIsBetter ? (c.verdict === 'better' ? ', fewer' : ', more') : '';
    return `${c.arm} is ${word} than ${c.against} on ${what}${money}${note}: ${diff}.`;
  }
  const need = c.sampleNeeded;
  const more =
    need === null
      ? 'too few observations to say how many more it needs.'
      : need.more === 0
        ? `the interval is already narrow enough to tell a change of ${fmtDiff(c, need.effect).replace('+', '')}.`
        : `about ${fmtCount(need.more)} more ${unitOf(c)} would tell a change of ${fmtDiff(c, need.effect).replace('+', '')}.`;
  return `Not yet: ${c.arm} against ${c.against} on ${what}${money} is ${diff}; ${more}`;
}

/** The largest |bound| of the comparisons (the bars' half-scale), never 0. */
export function barScale(cs: readonly Comparison[]): number {
  let m = 0;
  for (const c of cs) m = Math.max(m, Math.abs(c.difference.lower), Math.abs(c.difference.upper));
  return m > 0 ? m : 1;
}

/** x positions (0–100) of an interval on a scale centred on zero. */
export function barGeometry(
  iv: Interval,
  scale: number,
): { lo: number; hi: number; at: number; zero: number } {
  const x = (v: number) => Math.max(0, Math.min(100, 50 + (v / scale) * 48));
  return { lo: x(iv.lower), hi: x(iv.upper), at: x(iv.estimate), zero: 50 };
}
