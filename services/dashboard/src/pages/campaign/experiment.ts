/**
 * The Experiment panel (issue 21): the campaign's arms, each metric's difference against the
 * control with its always-valid interval drawn as a bar that crosses zero or not, the verdict in
 * words with the sample still needed, opt-out guardrails, and the holdout's lift. From
 * /v1/campaigns/:id/experiment, re-read every 5 s while on screen.
 */
import type { Comparison, ExperimentAnswer, Holdout, VariantArm } from '../../api/experiment-types.ts';
import { EXPERIMENT_METRICS } from '../../api/experiment-types.ts';
import type { PageContext } from '../../context.ts';
import { field, h, patch, select, svg, type Child } from '../../ui/dom.ts';
import { fmtCount, fmtLevel, fmtMoney, fmtPerCurrency, fmtRate, raw } from '../../ui/format.ts';
import { sampleSpan } from '../../ui/rate.ts';
import { afterFirst, staticTable } from '../../ui/table.ts';
import { errorState } from '../../ui/states.ts';
import { barGeometry, barScale, fmtDiff, fmtInterval, METRIC_LABEL, verdictText } from './experiment-text.ts';

const LEVELS = (): [string, string][] => [
  ['', 'Tenant default'],
  ...['0.9', '0.95', '0.99'].map((l): [string, string] => [l, fmtLevel(Number(l))]),
];

function bar(c: Comparison, scale: number): SVGElement {
  const g = barGeometry(c.difference, scale);
  const cls = c.verdict === 'better' ? 'iv-better' : c.verdict === 'worse' ? 'iv-worse' : 'iv-open';
  return svg(
    'svg',
    {
      viewBox: '0 0 100 12',
      class: `iv ${cls}`,
      role: 'img',
      'aria-label': `interval ${fmtInterval(c, c.difference)}`,
    },
    svg('line', { x1: g.zero, x2: g.zero, y1: 0, y2: 12, class: 'iv-zero' }),
    svg('rect', { x: g.lo, y: 4, width: Math.max(0.5, g.hi - g.lo), height: 4, class: 'iv-bar' }),
    svg('circle', { cx: g.at, cy: 6, r: 2, class: 'iv-dot' }),
  );
}

function value(c: Comparison, v: number): string {
  return c.currency === null ? fmtRate(v, 2) : fmtMoney(v, c.currency);
}

function comparisonRow(c: Comparison, scale: number): HTMLElement {
  const name = `${c.metric}${c.currency ? `:${c.currency}` : ''}:${c.arm}`;
  return h(
    'tr',
    { 'data-row': name, 'data-verdict': c.verdict },
    h('th', { scope: 'row' }, `${METRIC_LABEL[c.metric] ?? c.metric}${c.currency ? ` (${c.currency})` : ''}`),
    h('td', {}, `${c.arm} vs ${c.against}`),
    h(
      'td',
      { class: 'num', 'data-testid': 'control-value', 'data-value': raw(c.control.value) },
      value(c, c.control.value),
    ),
    h(
      'td',
      { class: 'num', 'data-testid': 'arm-value', 'data-value': raw(c.treatment.value) },
      value(c, c.treatment.value),
    ),
    h(
      'td',
      {
        class: 'num',
        'data-testid': 'difference',
        'data-value': raw([c.difference.lower, c.difference.estimate, c.difference.upper]),
      },
      `${fmtDiff(c, c.difference.estimate)} (${fmtInterval(c, c.difference)})`,
    ),
    h('td', { class: 'iv-cell' }, bar(c, scale)),
    h('td', { 'data-testid': 'verdict', class: `verdict verdict-${c.verdict.replace(' ', '-')}` }, c.verdict),
  );
}

function comparisonTable(cs: Comparison[], testid: string): HTMLElement {
  // Rates share one scale, each currency its own: a bar's length compares within its unit.
  const scales = new Map<string | null, number>();
  for (const unit of new Set(cs.map((c) => c.currency)))
    scales.set(unit, barScale(cs.filter((c) => c.currency === unit)));
  return staticTable({
    label: 'Experiment differences',
    testid,
    head: ['Metric', 'Arm', 'Control', 'Arm value', 'Difference (interval)', 'Interval against 0', 'Verdict'],
    numeric: (i) => i >= 2 && i <= 4,
    body: cs.map((c) => comparisonRow(c, scales.get(c.currency) ?? 1)),
  });
}

function armsTable(arms: VariantArm[]): HTMLElement {
  const cell = (testid: string, v: number | null, text: Child) =>
    h('td', { class: 'num', 'data-testid': testid, 'data-value': raw(v) }, text);
  // each arm's rates divide by its delivered messages
  const rate = (testid: string, v: number | null, numerator: number, a: VariantArm) =>
    cell(testid, v, sampleSpan(v, { numerator, denominator: a.counts.delivered, of: 'delivered' }));
  return staticTable({
    label: 'Experiment arms',
    testid: 'experiment-arms',
    head: ['Variant', 'Sent', 'Delivered', 'CTR', 'Conversion', 'Opt-out', 'Revenue / delivered'],
    numeric: afterFirst,
    body: arms.map((a) =>
      h(
        'tr',
        { 'data-row': a.variant },
        h('th', { scope: 'row' }, a.control ? `${a.variant} (control)` : a.variant),
        cell('sent', a.counts.sent, fmtCount(a.counts.sent)),
        cell('delivered', a.counts.delivered, fmtCount(a.counts.delivered)),
        rate('ctr', a.rates.ctr, a.counts.clicked, a),
        rate('conversionRate', a.rates.conversionRate, a.counts.converted, a),
        rate('optOutRate', a.rates.optOutRate, a.counts.optedOut, a),
        h(
          'td',
          { class: 'num', 'data-testid': 'revenuePerDelivered' },
          fmtPerCurrency(
            Object.fromEntries(Object.entries(a.revenue).map(([cur, r]) => [cur, r.perDelivered])),
          ),
        ),
      ),
    ),
  });
}

function holdoutBlock(hd: Holdout, level: number): HTMLElement {
  const tile = (testid: string, label: string, v: unknown, text: Child, sub = '') =>
    h(
      'div',
      { class: 'tile', 'data-testid': testid },
      h('span', { class: 'tile-label' }, label),
      h('span', { class: 'tile-value', 'data-value': raw(v) }, text),
      sub ? h('span', { class: 'tile-sub' }, sub) : null,
    );
  const inc = hd.incremental.conversions;
  return h(
    'div',
    { 'data-testid': 'experiment-holdout' },
    h('h3', {}, 'Holdout: what the campaign added'),
    h(
      'div',
      { class: 'tiles' },
      tile(
        'holdout-held',
        'Held out',
        hd.heldOut,
        fmtCount(hd.heldOut),
        `${fmtCount(hd.conflicts)} also messaged (counted as messaged)`,
      ),
      tile(
        'holdout-rate',
        'Held-out conversion',
        hd.conversionRate,
        sampleSpan(
          hd.conversionRate,
          { numerator: hd.converted, denominator: hd.heldOut, of: 'held out' },
          { digits: 2 },
        ),
        `${fmtCount(hd.converted)} converted anyway`,
      ),
      tile(
        'messaged-rate',
        'Messaged conversion',
        hd.messaged.conversionRate,
        sampleSpan(
          hd.messaged.conversionRate,
          { numerator: hd.messaged.converted, denominator: hd.messaged.sent, of: 'sent' },
          { digits: 2 },
        ),
        `${fmtCount(hd.messaged.sent)} sent`,
      ),
      tile(
        'incremental-conversions',
        'Incremental conversions',
        inc ? [inc.lower, inc.estimate, inc.upper] : null,
        inc ? fmtCount(Math.round(inc.estimate)) : 'not yet',
        inc
          ? `${fmtLevel(level)} interval ${fmtCount(Math.round(inc.lower))} to ${fmtCount(Math.round(inc.upper))}`
          : '',
      ),
      ...Object.entries(hd.incremental.revenue).map(([cur, iv]) =>
        tile(
          `incremental-revenue-${cur}`,
          `Incremental revenue (${cur})`,
          [iv.lower, iv.estimate, iv.upper],
          fmtMoney(iv.estimate, cur),
          `interval ${fmtMoney(iv.lower, cur)} to ${fmtMoney(iv.upper, cur)}`,
        ),
      ),
    ),
    hd.comparisons.length ? comparisonTable(hd.comparisons, 'holdout-comparisons') : null,
    h(
      'ul',
      { class: 'verdicts' },
      hd.comparisons.map((c) => h('li', { 'data-testid': 'holdout-sentence' }, verdictText(c, level))),
    ),
  );
}

export function experimentSection(ctx: PageContext, id: string): HTMLElement {
  const state = { metric: '', level: '', control: '' };
  const status = h('div');
  const body = h('div');
  const controls = h('div', { class: 'filters' });
  let variants: string[] = [];
  const drawControls = () =>
    patch(
      controls,
      field(
        'Metric',
        select(
          { 'data-testid': 'experiment-metric', 'data-key': 'experiment-metric' },
          [
            ['', 'All metrics'],
            ...EXPERIMENT_METRICS.map((m): [string, string] => [m, METRIC_LABEL[m] ?? m]),
          ],
          state.metric,
          (v) => {
            state.metric = v;
            w.refresh();
          },
        ),
      ),
      field(
        'Confidence',
        select(
          { 'data-testid': 'experiment-level', 'data-key': 'experiment-level' },
          LEVELS(),
          state.level,
          (v) => {
            state.level = v;
            w.refresh();
          },
        ),
      ),
      field(
        'Control variant',
        select(
          { 'data-testid': 'experiment-control', 'data-key': 'experiment-control' },
          [['', 'First by name'], ...variants.map((v): [string, string] => [v, v])],
          state.control,
          (v) => {
            state.control = v;
            w.refresh();
          },
        ),
      ),
    );
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'experiment-title', 'data-testid': 'experiment' },
    h('h2', { id: 'experiment-title' }, 'Experiment'),
    controls,
    status,
    body,
  );
  const w = ctx.live.watch<ExperimentAnswer>({
    element: section,
    intervalMs: 60_000,
    nudgeMs: 10_000,
    load: (signal) =>
      ctx.api.get<ExperimentAnswer>(
        `/v1/campaigns/${encodeURIComponent(id)}/experiment`,
        {
          metric: state.metric || undefined,
          level: state.level || undefined,
          control: state.control || undefined,
        },
        signal,
      ),
    onData: (x) => {
      patch(status);
      const names = x.variants.map((v) => v.variant);
      if (names.join('\0') !== variants.join('\0')) {
        variants = names;
        drawControls();
      }
      patch(
        body,
        h(
          'p',
          { class: 'muted small', 'data-testid': 'experiment-method' },
          `Always-valid ${fmtLevel(x.level)} intervals: they stay right however often you look. ${x.method}.`,
        ),
        x.reason ? h('p', { 'data-testid': 'experiment-reason' }, x.reason) : null,
        x.variants.length ? armsTable(x.variants) : null,
        x.unassigned
          ? h(
              'p',
              { class: 'muted small' },
              `${fmtCount(x.unassigned)} messages were sent without a variant.`,
            )
          : null,
        x.guardrails.length
          ? h(
              'div',
              { class: 'guardrail', role: 'note', 'data-testid': 'experiment-guardrails' },
              h('strong', {}, 'Guardrail: '),
              x.guardrails.map(
                (g) =>
                  `${g.arm} has more opt-outs than ${g.against} (${fmtDiff(g, g.difference.estimate)}, ${g.verdict === 'worse' ? 'proven' : 'not yet proven'}). `,
              ),
            )
          : null,
        x.comparisons.length ? comparisonTable(x.comparisons, 'experiment-comparisons') : null,
        h(
          'ul',
          { class: 'verdicts' },
          x.comparisons.map((c) =>
            h('li', { 'data-testid': 'experiment-sentence' }, verdictText(c, x.level)),
          ),
        ),
        x.holdout ? holdoutBlock(x.holdout, x.level) : null,
      );
    },
    onError: (err) => patch(status, errorState(err)),
  });
  drawControls();
  return section;
}
