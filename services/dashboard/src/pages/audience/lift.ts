/**
 * The lift of messaging on the Value page (issue 21): targeted recipients outside the global
 * control group against those in it — conversion rate, revenue per recipient, and the
 * incremental conversions and revenue with their always-valid intervals; and the send-time
 * comparison of the best hour with the usual one, in words.
 */
import type { Comparison, GlobalControl } from '../../api/experiment-types.ts';
import { h } from '../../ui/dom.ts';
import { fmtCount, fmtLevel, fmtMoney, fmtRate, raw } from '../../ui/format.ts';
import { sampleSpan, type Sample } from '../../ui/rate.ts';
import { verdictText } from '../campaign/experiment-text.ts';

function tile(testid: string, label: string, v: unknown, text: string | HTMLElement, sub = '') {
  return h(
    'div',
    { class: 'tile', 'data-testid': testid },
    h('span', { class: 'tile-label' }, label),
    h('span', { class: 'tile-value', 'data-value': raw(v) }, text),
    sub ? h('span', { class: 'tile-sub' }, sub) : null,
  );
}

/** A side's conversion rate divides its converting recipients by its recipients. */
const side = (s: GlobalControl['treated']): Sample => ({
  numerator: s.converting,
  denominator: s.recipients,
  of: 'recipients',
});

export function liftBlock(g: GlobalControl | null | undefined): HTMLElement {
  if (!g)
    return h(
      'p',
      { class: 'muted', 'data-testid': 'value-lift' },
      'No global control group: set a share (PUT /v1/experiment-settings) to measure what messaging adds over sending nothing.',
    );
  const pct = fmtLevel(g.level);
  const inc = g.incrementalConversions;
  return h(
    'div',
    { 'data-testid': 'value-lift' },
    h('h3', {}, `Lift against the global control group (${fmtRate(g.share, 0)} of recipients)`),
    h(
      'div',
      { class: 'tiles' },
      tile(
        'lift-treated',
        'Messaged: converting',
        g.treated.conversionRate,
        sampleSpan(g.treated.conversionRate, side(g.treated), { digits: 2 }),
        `${fmtCount(g.treated.recipients)} recipients`,
      ),
      tile(
        'lift-control',
        'Global control: converting',
        g.control.conversionRate,
        sampleSpan(g.control.conversionRate, side(g.control), { digits: 2 }),
        `${fmtCount(g.control.recipients)} recipients`,
      ),
      tile(
        'lift-conversions',
        'Incremental converters',
        inc ? [inc.lower, inc.estimate, inc.upper] : null,
        inc ? fmtCount(Math.round(inc.estimate)) : 'not yet',
        inc ? `${pct} interval ${fmtCount(Math.round(inc.lower))} to ${fmtCount(Math.round(inc.upper))}` : '',
      ),
      ...Object.entries(g.incrementalRevenue).map(([cur, iv]) =>
        tile(
          `lift-revenue-${cur}`,
          `Incremental revenue (${cur})`,
          [iv.lower, iv.estimate, iv.upper],
          fmtMoney(iv.estimate, cur),
          `${pct} interval ${fmtMoney(iv.lower, cur)} to ${fmtMoney(iv.upper, cur)}`,
        ),
      ),
    ),
    h(
      'ul',
      { class: 'verdicts' },
      g.comparisons.map((c) => h('li', { 'data-testid': 'lift-sentence' }, verdictText(c, g.level))),
    ),
  );
}

/** /v1/send-time's `comparison` (services/query-api send-time.route.ts). */
export interface SendHourComparison {
  campaignId: string | null;
  level: number;
  comparison: Comparison | null;
  reason: string | null;
}

/** The send-time comparison of the best hour with the usual (or a campaign's) one, in words. */
export function sendHourSentence(cmp: SendHourComparison | null | undefined, level: number): string {
  if (!cmp) return '';
  if (!cmp.comparison) return `Best hour against the usual one: ${cmp.reason ?? 'nothing to compare'}.`;
  return verdictText(cmp.comparison, level);
}
