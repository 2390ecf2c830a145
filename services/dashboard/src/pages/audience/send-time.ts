/**
 * The send-time sweet spot: a metric by hour of week of the send (UTC) across campaigns, as a heat
 * map (viridis; empty hours left blank, never 0), its best cells with their Wilson intervals, and
 * the same grid as a table for keyboards and screen readers.
 */
import { CHANNEL_LABEL, CHANNELS, RATE_LABEL, SEND_TIME_METRICS } from '../../api/enums.ts';
import type { SendTimeAnswer, SendTimeCell } from '../../api/types.ts';
import type { PageContext } from '../../context.ts';
import { createChart } from '../../ui/charts.ts';
import { field, h, patch, select } from '../../ui/dom.ts';
import { DAY_NAMES, fmtCount, fmtLevel, fmtPercentValue, fmtRate, raw } from '../../ui/format.ts';
import { VIRIDIS } from '../../ui/palette.ts';
import { sampleSpan, sampleText, type Sample } from '../../ui/rate.ts';
import { afterFirst, staticTable } from '../../ui/table.ts';
import { errorState } from '../../ui/states.ts';
import { sendHourSentence, type SendHourComparison } from './lift.ts';

const HOURS = Array.from({ length: 24 }, (_, i) => String(i).padStart(2, '0'));

export function cellLabel(c: SendTimeCell): string {
  return `${DAY_NAMES[c.dayOfWeek] ?? c.dayOfWeek} ${String(c.hour).padStart(2, '0')}:00 UTC`;
}

/** A cell's rate divides its successes by its delivered messages (send-time.route.ts). */
const sampleOf = (c: SendTimeCell): Sample => ({
  numerator: c.successes,
  denominator: c.trials,
  of: 'delivered',
});

function interval(c: SendTimeCell): string {
  return c.interval ? `${fmtRate(c.interval.lower)} – ${fmtRate(c.interval.upper)}` : 'not reported';
}

function heatOption(a: SendTimeAnswer) {
  const max = Math.max(0.0001, ...a.cells.map((c) => c.rate ?? 0)) * 100;
  const byIndex = new Map(a.cells.map((c) => [`${c.hour}-${c.dayOfWeek}`, c]));
  return {
    grid: { left: 48, right: 72, top: 8, bottom: 40 },
    tooltip: {
      formatter: (p: { data: [number, number, number | null] }) => {
        const c = byIndex.get(`${p.data[0]}-${p.data[1]}`);
        if (!c) return '';
        return `${cellLabel(c)}<br>${sampleText(c.rate, sampleOf(c))}<br>${fmtLevel(0.95)} interval ${interval(c)}`;
      },
    },
    xAxis: {
      type: 'category',
      data: HOURS,
      name: 'hour (UTC)',
      nameLocation: 'middle',
      nameGap: 24,
      splitArea: { show: true },
    },
    yAxis: { type: 'category', data: [...DAY_NAMES], inverse: true, splitArea: { show: true } },
    visualMap: {
      min: 0,
      max,
      calculable: true,
      orient: 'vertical',
      right: 0,
      top: 'middle',
      itemHeight: 160,
      inRange: { color: VIRIDIS },
      formatter: (v: number) => fmtPercentValue(v),
    },
    series: [
      {
        type: 'heatmap',
        data: a.cells.filter((c) => c.rate !== null).map((c) => [c.hour, c.dayOfWeek, (c.rate ?? 0) * 100]),
        emphasis: { itemStyle: { borderColor: '#000', borderWidth: 2 } },
      },
    ],
  };
}

function gridTable(a: SendTimeAnswer): HTMLElement {
  return staticTable({
    label: 'Send-time table',
    testid: 'send-time-table',
    className: 'compact',
    head: ['Day', ...HOURS],
    numeric: afterFirst,
    body: DAY_NAMES.map((d, day) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, d),
        a.cells
          .filter((c) => c.dayOfWeek === day)
          .map((c) =>
            h(
              'td',
              { class: 'num', 'data-value': raw(c.rate) },
              c.rate === null ? '·' : sampleSpan(c.rate, sampleOf(c), { digits: 0 }),
            ),
          ),
      ),
    ),
  });
}

export function sendTimeSection(ctx: PageContext): HTMLElement {
  const s = { metric: 'ctr', channel: '' };
  const status = h('div');
  const best = h('ol', { class: 'best', 'data-testid': 'send-time-best' });
  const sweetSpot = h('p', { 'data-testid': 'send-time-comparison' });
  const chart = createChart('Send-time heat map by hour of week', 'chart heat');
  ctx.onLeave(() => chart.dispose());
  const table = h('div');
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'st-title', 'data-testid': 'send-time' },
    h('h2', { id: 'st-title' }, 'Send time'),
    h(
      'div',
      { class: 'filters' },
      field(
        'Metric',
        select(
          { 'data-testid': 'send-time-metric' },
          SEND_TIME_METRICS.map((m): [string, string] => [m, RATE_LABEL[m] ?? m]),
          s.metric,
          (v) => {
            s.metric = v;
            w.refresh();
          },
        ),
      ),
      field(
        'Channel',
        select(
          { 'data-testid': 'send-time-channel' },
          [['', 'All channels'], ...CHANNELS.map((c): [string, string] => [c, CHANNEL_LABEL[c] ?? c])],
          '',
          (v) => {
            s.channel = v;
            w.refresh();
          },
        ),
      ),
    ),
    status,
    chart.el,
    h('h3', {}, `Best hours (highest lower bound of the ${fmtLevel(0.95)} interval)`),
    best,
    sweetSpot,
    h('details', {}, h('summary', {}, 'The grid as a table'), table),
  );
  const w = ctx.live.watch<SendTimeAnswer>({
    element: section,
    intervalMs: 60_000, // the Postgres snapshot behind it moves slowly
    load: (signal) =>
      ctx.api.get('/v1/send-time', { metric: s.metric, channel: s.channel || undefined }, signal),
    onData: (a) => {
      const why = a.notReported[a.metric as keyof typeof a.notReported];
      patch(
        status,
        why
          ? h(
              'p',
              { class: 'muted', 'data-testid': 'send-time-not-reported' },
              `Left out: campaigns that cannot report this rate (${why}).`,
            )
          : null,
      );
      chart.set(heatOption(a));
      patch(
        best,
        a.best.length === 0
          ? h(
              'li',
              { class: 'muted' },
              'No delivered messages yet: the best hours appear once sends are delivered.',
            )
          : a.best.map((c) =>
              h(
                'li',
                { 'data-value': raw(c.rate) },
                h('strong', {}, cellLabel(c)),
                ' — ',
                sampleSpan(c.rate, sampleOf(c)),
                ` (${fmtLevel(0.95)} interval ${interval(c)}), ${fmtCount(c.successes)} of ${fmtCount(c.trials)} delivered`,
              ),
            ),
      );
      patch(table, gridTable(a));
      const { comparison } = a as SendTimeAnswer & { comparison?: SendHourComparison | null };
      sweetSpot.textContent = sendHourSentence(comparison, comparison?.level ?? 0.95);
    },
    onError: (err) => patch(status, errorState(err)),
  });
  return section;
}
