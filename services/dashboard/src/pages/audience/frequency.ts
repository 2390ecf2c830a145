/** Frequency versus opt-out and engagement: recipients by messages received, with sample sizes. */
import { AUDIENCE_PERIOD_DAYS } from '../../api/enums.ts';
import type { FrequencyAnswer } from '../../api/types.ts';
import type { PageContext } from '../../context.ts';
import { percentAxisLabel, percentValue } from '../../ui/chart-format.ts';
import { createChart } from '../../ui/charts.ts';
import { h, patch, segmented } from '../../ui/dom.ts';
import { fmtCount } from '../../ui/format.ts';
import { sampleCell } from '../../ui/rate.ts';
import { errorState } from '../../ui/states.ts';
import { createTable, type Column } from '../../ui/table.ts';

type Bucket = FrequencyAnswer['buckets'][number];
const RATES = [
  ['optOutRate', 'optOuts', 'Opt-out'],
  ['clickRate', 'clickers', 'Click'],
  ['replyRate', 'repliers', 'Reply'],
  ['engagementRate', 'engaged', 'Engaged'],
] as const;

export function frequencySection(ctx: PageContext): HTMLElement {
  let days = '30';
  const status = h('div');
  const switcher = h('div');
  const chart = createChart('Rates by messages received');
  ctx.onLeave(() => chart.dispose());
  const columns: Column<Bucket>[] = [
    { key: 'bucket', label: 'Messages received', value: (b) => b.bucket, sortable: false },
    {
      key: 'recipients',
      label: 'Recipients (sample)',
      numeric: true,
      bar: true,
      value: (b) => b.recipients,
      render: (b) => fmtCount(b.recipients),
    },
    ...RATES.map(([rate, count, label]): Column<Bucket> => ({
      key: rate,
      label,
      numeric: true,
      value: (b) => b[rate],
      ...sampleCell<Bucket>(
        label,
        (b) => b[rate],
        (b) => ({ numerator: b[count], denominator: b.recipients, of: 'recipients' }),
      ),
    })),
  ];
  const table = createTable<Bucket>({
    columns,
    rowKey: (b) => b.bucket,
    testid: 'frequency-table',
    empty: h('p', {}, 'No recipient was reached in the period.'),
  });
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'freq-title', 'data-testid': 'frequency' },
    h('h2', { id: 'freq-title' }, 'Frequency vs opt-out and engagement'),
    switcher,
    status,
    chart.el,
    table.el,
  );
  const w = ctx.live.watch<FrequencyAnswer>({
    element: section,
    intervalMs: 60_000, // the Postgres snapshot behind it moves slowly
    load: (signal) => ctx.api.get('/v1/audience/frequency', { days }, signal),
    onData: (f) => {
      patch(status);
      table.update(f.buckets);
      chart.set({
        grid: { left: 48, right: 16, top: 32, bottom: 40 },
        legend: { top: 0 },
        tooltip: { trigger: 'axis', valueFormatter: percentValue },
        xAxis: {
          type: 'category',
          data: f.buckets.map((b) => `${b.bucket} (n=${fmtCount(b.recipients)})`),
          name: 'messages received (sample size)',
          nameLocation: 'middle',
          nameGap: 28,
        },
        yAxis: { type: 'value', axisLabel: percentAxisLabel },
        series: RATES.map(([rate, , label]) => ({
          name: label,
          type: 'bar',
          data: f.buckets.map((b) => (b[rate] === null ? null : (b[rate] ?? 0) * 100)),
        })),
      });
    },
    onError: (err) => patch(status, errorState(err)),
  });
  const draw = () =>
    patch(
      switcher,
      segmented(
        'Period',
        AUDIENCE_PERIOD_DAYS.map((d): [string, string] => [String(d), `${d} days`]),
        days,
        (v) => {
          days = v;
          draw();
          w.refresh();
        },
        'frequency-days',
      ),
    );
  draw();
  return section;
}
