/**
 * The campaign against the tenant's previous N campaigns on its channel: each rate beside the
 * median and p25–p75 band with delta and percentile rank; and the early-read curve (+15 min, +1 h,
 * +24 h) of one rate against the same band. Re-read every 60 s, or 30 s after the campaign's figures move.
 */
import { RATE_LABEL } from '../../api/enums.ts';
import {
  RATE_NAMES,
  type BenchmarkAnswer,
  type BenchmarkFigure,
  type Counts,
  type RateName,
} from '../../api/types.ts';
import type { PageContext } from '../../context.ts';
import { percentAxisLabel, percentValue } from '../../ui/chart-format.ts';
import { createChart } from '../../ui/charts.ts';
import { field, h, patch, select, type Child } from '../../ui/dom.ts';
import { rateSampleText, rateSpan } from '../../ui/rate.ts';
import { fmtCount, fmtNumber, fmtPoints, fmtRate, NOT_REPORTED, raw } from '../../ui/format.ts';
import { OKABE_ITO } from '../../ui/palette.ts';
import { errorState } from '../../ui/states.ts';
import { afterFirst, staticTable } from '../../ui/table.ts';

function figureRow(name: RateName, counts: Counts, f: BenchmarkFigure): HTMLElement {
  const td = (testid: string, v: number | null, text: Child) =>
    h('td', { class: `num ${v === null ? 'muted' : ''}`, 'data-testid': testid, 'data-value': raw(v) }, text);
  const sample = rateSampleText(name, f.value, counts);
  const value = td('value', f.value, rateSpan(name, f.value, counts));
  value.setAttribute('aria-label', `This campaign ${sample}`);
  const band = f.p25 === null || f.p75 === null ? NOT_REPORTED : `${fmtRate(f.p25)} – ${fmtRate(f.p75)}`;
  return h(
    'tr',
    { 'data-row': name },
    h('th', { scope: 'row' }, RATE_LABEL[name] ?? name),
    value,
    td('median', f.median, fmtRate(f.median)),
    h('td', { class: 'num', 'data-testid': 'band', 'data-value': raw([f.p25, f.p75]) }, band),
    td('delta', f.delta, fmtPoints(f.delta)),
    td(
      'rank',
      f.percentileRank,
      f.percentileRank === null ? NOT_REPORTED : `${fmtNumber(f.percentileRank, 0)}th`,
    ),
    td('sample', f.sampleSize, fmtCount(f.sampleSize)),
  );
}

function earlyOption(b: BenchmarkAnswer, rate: string) {
  const pts = b.earlyRead;
  // Today's value is drawn once, at the first point not yet reached; later points stay empty
  // (repeating it at +1 h and +24 h read as if those were measured).
  const firstOpen = pts.findIndex((p) => !p.complete);
  const reached = (i: number) => firstOpen === -1 || i <= firstOpen;
  const x = pts.map((p, i) => `+${p.at}${p.complete ? '' : i === firstOpen ? ' (so far)' : ' (not yet)'}`);
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? null : v * 100);
  const lower = pts.map((p) => pct(p.benchmark[rate]?.p25));
  const width = pts.map((p) => {
    const f = p.benchmark[rate];
    return f && f.p25 !== null && f.p75 !== null ? (f.p75 - f.p25) * 100 : null;
  });
  return {
    // the legend scrolls on one line above the plot rather than wrapping over itself
    grid: { left: 48, right: 16, top: 44, bottom: 32 },
    legend: {
      top: 0,
      left: 0,
      type: 'scroll',
      itemGap: 16,
      data: ['p25–p75 of previous', 'median of previous', 'this campaign'],
    },
    tooltip: { trigger: 'axis', valueFormatter: percentValue },
    xAxis: { type: 'category', data: x },
    yAxis: { type: 'value', axisLabel: percentAxisLabel },
    series: [
      {
        name: 'p25',
        type: 'line',
        stack: 'band',
        data: lower,
        lineStyle: { opacity: 0 },
        symbol: 'none',
        tooltip: { show: false },
      },
      {
        name: 'p25–p75 of previous',
        type: 'line',
        stack: 'band',
        data: width,
        lineStyle: { opacity: 0 },
        symbol: 'none',
        areaStyle: { color: OKABE_ITO.sky, opacity: 0.35 },
      },
      {
        name: 'median of previous',
        type: 'line',
        data: pts.map((p) => pct(p.benchmark[rate]?.median)),
        lineStyle: { type: 'dashed', color: OKABE_ITO.black },
        itemStyle: { color: OKABE_ITO.black },
      },
      {
        name: 'this campaign',
        type: 'line',
        data: pts.map((p, i) => (reached(i) ? pct(p.rates[rate as keyof typeof p.rates]) : null)),
        lineStyle: { width: 3, color: OKABE_ITO.vermillion },
        itemStyle: { color: OKABE_ITO.vermillion },
        symbolSize: 8,
      },
    ],
  };
}

export function benchmarkSection(ctx: PageContext, id: string): HTMLElement {
  let previous = 10;
  let rate = 'ctr';
  let last: BenchmarkAnswer | null = null;
  const status = h('div');
  const summary = h('p', { class: 'muted', 'data-testid': 'benchmark-summary' });
  const tbody = h('tbody');
  const chart = createChart('Early-read curve');
  ctx.onLeave(() => chart.dispose());
  const prevInput = h('input', {
    type: 'number',
    min: '1',
    max: '50',
    value: String(previous),
    'data-testid': 'benchmark-previous',
  });
  const rateSelect = select(
    { 'data-testid': 'early-rate' },
    RATE_NAMES.map((r): [string, string] => [r, RATE_LABEL[r] ?? r]),
    rate,
    (v) => {
      rate = v;
      if (last) chart.set(earlyOption(last, rate));
    },
  );
  const notReportedNote = h('p', { class: 'muted', 'data-testid': 'benchmark-not-reported' });
  const controls = h(
    'div',
    { class: 'filters' },
    field('Previous campaigns', prevInput),
    field('Early-read rate', rateSelect),
  );
  const table = staticTable({
    label: 'Against previous campaigns',
    testid: 'benchmark-table',
    head: ['KPI', 'This campaign', 'Median', 'p25 – p75', 'Δ vs median', 'Percentile rank', 'Sample'],
    numeric: afterFirst,
    body: tbody,
  });
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'bench-title', 'data-testid': 'benchmark' },
    h('h2', { id: 'bench-title' }, 'Against previous campaigns'),
    controls,
    status,
    summary,
    table,
    notReportedNote,
    h('h3', {}, 'Early read'),
    chart.el,
  );
  const w = ctx.live.watch<BenchmarkAnswer>({
    element: section,
    intervalMs: 60_000,
    nudgeMs: 30_000,
    load: (signal) =>
      ctx.api.get<BenchmarkAnswer>(`/v1/campaigns/${encodeURIComponent(id)}/benchmark`, { previous }, signal),
    onData: (b) => {
      last = b;
      patch(status);
      summary.textContent =
        b.previous.length === 0
          ? 'No earlier campaign on this channel yet: the comparison fills in once there is one.'
          : `Compared with the ${b.previous.length} previous ${b.channel ?? ''} campaigns: ${b.previous.map((p) => p.campaignId).join(', ')}.`;
      patch(
        tbody,
        // a rate the channel cannot report has no row (@tally/kpi applicability): said below
        RATE_NAMES.filter((r) => !b.notReported[r]).map((r) =>
          figureRow(
            r,
            b.counts,
            b.kpis[r] ?? {
              value: null,
              median: null,
              p25: null,
              p75: null,
              delta: null,
              percentileRank: null,
              sampleSize: 0,
            },
          ),
        ),
      );
      const missing = Object.entries(b.notReported);
      notReportedNote.textContent = missing.length
        ? `Not reported on this channel: ${missing.map(([r, why]) => `${RATE_LABEL[r] ?? r} (${why})`).join('; ')}.`
        : '';
      if (b.notReported[rate as keyof typeof b.notReported]) {
        rate = 'ctr';
        rateSelect.value = rate;
      }
      chart.set(earlyOption(b, rate));
    },
    onError: (err) => patch(status, errorState(err)),
  });
  prevInput.addEventListener('change', () => {
    const n = Math.round(Number(prevInput.value));
    if (n >= 1 && n <= 50) {
      previous = n;
      w.refresh();
    }
  });
  return section;
}
