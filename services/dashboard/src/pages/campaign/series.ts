/** A time series of any count per minute or hour of event time (/timeseries), on a time axis. */
import { COUNT_NAMES } from '@tally/kpi';
import { COUNT_LABEL } from '../../api/enums.ts';
import type { Timeseries } from '../../api/types.ts';
import type { PageContext } from '../../context.ts';
import { countAxisLabel, timeAxisLabel, timeTooltip } from '../../ui/chart-format.ts';
import { createChart } from '../../ui/charts.ts';
import { field, h, patch, segmented, select } from '../../ui/dom.ts';
import { fmtCount } from '../../ui/format.ts';
import { errorState } from '../../ui/states.ts';

const SIX_HOURS = 6 * 3_600_000;

export function seriesSection(ctx: PageContext, id: string, firstEventAt: () => string | null): HTMLElement {
  let metric = 'sent';
  let bucket: '1m' | '1h' = '1m';
  const chart = createChart('Time series');
  ctx.onLeave(() => chart.dispose());
  const status = h('div');
  const total = h('span', { 'data-testid': 'series-total' });
  const controls = h('div', { class: 'filters' });
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'series-title', 'data-testid': 'series' },
    h('h2', { id: 'series-title' }, 'Over time'),
    controls,
    status,
    chart.el,
    h('p', { class: 'muted' }, 'Total in range: ', total),
  );
  const params = () => {
    const first = firstEventAt();
    const now = Date.now();
    const from = bucket === '1m' ? Math.max(first ? Date.parse(first) : 0, now - SIX_HOURS) : undefined;
    return { metric, bucket, from: from === undefined ? undefined : new Date(from).toISOString() };
  };
  const w = ctx.live.watch<Timeseries>({
    element: section,
    intervalMs: 60_000,
    nudgeMs: 5000,
    load: (signal) =>
      ctx.api.get<Timeseries>(`/v1/campaigns/${encodeURIComponent(id)}/timeseries`, params(), signal),
    onData: (t) => {
      patch(status);
      total.textContent = fmtCount(t.total);
      total.dataset.value = String(t.total);
      chart.el.setAttribute(
        'aria-label',
        `${COUNT_LABEL[t.metric] ?? t.metric} per ${t.bucket === '1m' ? 'minute' : 'hour'}, total ${fmtCount(t.total)}`,
      );
      chart.set({
        grid: { left: 48, right: 16, top: 16, bottom: 32 },
        tooltip: { trigger: 'axis', formatter: timeTooltip },
        xAxis: { type: 'time', axisLabel: timeAxisLabel(t.bucket !== '1m') },
        yAxis: { type: 'value', minInterval: 1, axisLabel: countAxisLabel },
        series: [
          {
            type: bucket === '1m' ? 'line' : 'bar',
            name: COUNT_LABEL[metric] ?? metric,
            step: bucket === '1m' ? 'end' : undefined,
            showSymbol: false,
            areaStyle: { opacity: 0.15 },
            data: t.points.map((p) => [p.t, p.value]),
          },
        ],
      });
    },
    onError: (err) => patch(status, errorState(err)),
  });
  const draw = () =>
    patch(
      controls,
      field(
        'Metric',
        select(
          { 'data-testid': 'series-metric', 'data-key': 'series-metric' },
          COUNT_NAMES.map((n): [string, string] => [n, COUNT_LABEL[n] ?? n]),
          metric,
          (v) => {
            metric = v;
            w.refresh();
          },
        ),
      ),
      h(
        'div',
        { class: 'field' },
        h('span', { class: 'field-label' }, 'Bucket'),
        segmented(
          'Bucket',
          [
            ['1m', 'per minute (last 6 h)'],
            ['1h', 'per hour'],
          ],
          bucket,
          (v) => {
            bucket = v === '1h' ? '1h' : '1m';
            draw();
            w.refresh();
          },
          'series-bucket',
        ),
      ),
    );
  draw();
  return section;
}
