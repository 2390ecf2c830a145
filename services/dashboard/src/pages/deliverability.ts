/**
 * Why delivery is low (issue 20): the tenant's delivery across campaigns — failures by class,
 * carrier, country and provider, the daily trend of each class, the permanent share, the worst
 * carriers and countries with their sample — and the list-hygiene feed with its CSV.
 */
import { withParams } from '../api/client.ts';
import type { Answer } from '../api/types.ts';
import type { PageContext } from '../context.ts';
import { countAxisLabel, countValue } from '../ui/chart-format.ts';
import { createChart } from '../ui/charts.ts';
import { download } from '../ui/csv.ts';
import { h, patch, segmented, type Child } from '../ui/dom.ts';
import { fmtCount, fmtDay, fmtLevel, fmtRate, fmtTime, raw } from '../ui/format.ts';
import { isSmallSample, sampleCell, sampleSpan } from '../ui/rate.ts';
import { errorState } from '../ui/states.ts';
import { createTable, type Column } from '../ui/table.ts';

type Report = Answer<'/v1/deliverability'>;
type Hygiene = Answer<'/v1/hygiene'>;
type Group = Report['byCarrier'][number];
type ClassRow = Report['byClass'][number];
type Worst = Report['worst']['carriers'][number];
type HygieneRow = Hygiene['rows'][number];

/** What a campaign manager reads for each failure class (docs/providers.md Failure taxonomy). */
export const CLASS_LABEL: Record<string, string> = {
  invalid_number: 'Invalid number',
  not_capable: 'Cannot take the channel',
  unreachable: 'Unreachable',
  carrier_filtered: 'Filtered by the carrier',
  blocked_or_opted_out: 'Blocked or opted out',
  registration: 'Sender not registered',
  rate_limited: 'Rate limited',
  policy: 'Policy (window, template)',
  expired: 'Expired',
  other: 'Other',
  opted_out: 'Opted out',
};
const label = (c: string) => CLASS_LABEL[c] ?? c;

function groupTable(
  title: string,
  testid: string,
  what: string,
): { el: HTMLElement; update(g: Group[]): void } {
  const columns: Column<Group>[] = [
    {
      key: 'value',
      label: what,
      value: (g) => g.value,
      render: (g) => (g.name ? `${g.value} · ${g.name}` : g.value),
    },
    { key: 'sent', label: 'Sent', numeric: true, value: (g) => g.sent, render: (g) => fmtCount(g.sent) },
    {
      key: 'failed',
      label: 'Failed',
      numeric: true,
      bar: true,
      value: (g) => g.failed,
      render: (g) => fmtCount(g.failed),
    },
    {
      key: 'deliveryRate',
      label: 'Delivery rate',
      numeric: true,
      value: (g) => g.deliveryRate,
      ...sampleCell<Group>(
        'Delivery rate',
        (g) => g.deliveryRate,
        (g) => ({ numerator: g.delivered, denominator: g.sent, of: 'sent' }),
      ),
    },
    {
      key: 'classes',
      label: 'Failures by class',
      sortable: false,
      value: () => null,
      render: (g) =>
        Object.entries(g.byClass)
          .sort((a, b) => b[1] - a[1])
          .map(([c, n]) => `${label(c)} ${fmtCount(n)}`)
          .join(' · '),
    },
  ];
  const table = createTable<Group>({
    columns,
    rowKey: (g) => g.value,
    testid,
    empty: h('p', {}, 'Nothing sent in the period.'),
  });
  return { el: h('div', {}, h('h3', {}, title), table.el), update: (g) => table.update(g) };
}

/** "12.0% failed (12 of 100 sent; 95% interval from 7.0%), mostly Unreachable" */
export function worstText(w: Worst): string {
  const who = w.name ? `${w.value} (${w.name})` : w.value;
  const from = w.interval ? `; ${fmtLevel(0.95)} interval from ${fmtRate(w.interval.lower)}` : '';
  const mostly = w.topClass ? `, mostly ${label(w.topClass)}` : '';
  return `${who}: ${fmtRate(w.failureRate)} failed (${fmtCount(w.failed)} of ${fmtCount(w.sent)} sent${from})${mostly}`;
}

function worstList(title: string, testid: string, rows: Worst[], minSent: number): HTMLElement {
  return h(
    'div',
    { 'data-testid': testid },
    h('h3', {}, title),
    rows.length === 0
      ? h('p', { class: 'muted' }, `None with at least ${fmtCount(minSent)} sends.`)
      : h(
          'ol',
          {},
          rows.map((w) =>
            h(
              'li',
              {
                'data-value': raw(w.failureRate),
                class: isSmallSample(w.failureRate, { numerator: w.failed, denominator: w.sent, of: 'sent' })
                  ? 'small-sample'
                  : undefined,
              },
              worstText(w),
            ),
          ),
        ),
  );
}

function tile(id: string, name: string, exact: number | null, value: Child): HTMLElement {
  return h(
    'div',
    { class: 'tile', 'data-testid': `tile-${id}` },
    h('div', { class: 'tile-label' }, name),
    h('div', { class: 'tile-value', 'data-value': raw(exact) }, value),
  );
}

function reportSection(ctx: PageContext): HTMLElement {
  let days = '7';
  const switcher = h('div');
  const status = h('div');
  const tiles = h('div', { class: 'tiles', 'data-testid': 'deliverability-totals' });
  const worst = h('div', { class: 'grid-2' });
  const chart = createChart('Failures by class, per day');
  ctx.onLeave(() => chart.dispose());
  let failedTotal = 0; // the share's denominator: every failure of the period
  const classColumns: Column<ClassRow>[] = [
    {
      key: 'failureClass',
      label: 'Class',
      value: (c) => c.failureClass,
      render: (c) => label(c.failureClass),
    },
    {
      key: 'failed',
      label: 'Failed',
      numeric: true,
      bar: true,
      value: (c) => c.failed,
      render: (c) => fmtCount(c.failed),
    },
    {
      key: 'share',
      label: 'Share of failures',
      numeric: true,
      value: (c) => c.share,
      ...sampleCell<ClassRow>(
        'Share of failures',
        (c) => c.share,
        (c) => ({ numerator: c.failed, denominator: failedTotal, of: 'failures' }),
      ),
    },
    {
      key: 'permanent',
      label: 'Permanent',
      numeric: true,
      value: (c) => c.permanent,
      render: (c) => fmtCount(c.permanent),
    },
  ];
  const classes = createTable<ClassRow>({
    columns: classColumns,
    rowKey: (c) => c.failureClass,
    testid: 'deliverability-classes',
    empty: h('p', {}, 'No failure in the period.'),
  });
  const carriers = groupTable('By carrier (MCC-MNC)', 'deliverability-carriers', 'Carrier');
  const countries = groupTable('By country', 'deliverability-countries', 'Country');
  const providers = groupTable('By provider', 'deliverability-providers', 'Provider');
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'dlv-title', 'data-testid': 'deliverability' },
    h('h2', { id: 'dlv-title' }, 'Why delivery is low'),
    switcher,
    status,
    tiles,
    h('h3', {}, 'Failures by class'),
    classes.el,
    chart.el,
    worst,
    carriers.el,
    countries.el,
    providers.el,
  );
  const w = ctx.live.watch<Report>({
    element: section,
    intervalMs: 10_000,
    load: (signal) => ctx.api.get('/v1/deliverability', { days }, signal),
    onData: (r) => {
      patch(status);
      const t = r.totals;
      failedTotal = t.failed;
      patch(
        tiles,
        tile('sent', 'Sent', t.sent, fmtCount(t.sent)),
        tile(
          'delivery-rate',
          'Delivery rate',
          t.deliveryRate,
          sampleSpan(t.deliveryRate, { numerator: t.delivered, denominator: t.sent, of: 'sent' }),
        ),
        tile('failed', 'Failed', t.failed, fmtCount(t.failed)),
        tile(
          'permanent-share',
          'Permanent share of failures (list quality)',
          t.permanentShare,
          sampleSpan(t.permanentShare, {
            numerator: t.permanentFailures,
            denominator: t.failed,
            of: 'failures',
          }),
        ),
      );
      classes.update(r.byClass);
      carriers.update(r.byCarrier);
      countries.update(r.byCountry);
      providers.update(r.byProvider);
      patch(
        worst,
        worstList('Worst carriers', 'worst-carriers', r.worst.carriers, r.worst.minSent),
        worstList('Worst countries', 'worst-countries', r.worst.countries, r.worst.minSent),
      );
      const seen = r.byClass.map((c) => c.failureClass);
      chart.set({
        grid: { left: 48, right: 16, top: 32, bottom: 32 },
        legend: { top: 0 },
        tooltip: { trigger: 'axis', valueFormatter: countValue },
        xAxis: { type: 'category', data: r.trend.map((d) => fmtDay(d.date)) },
        yAxis: { type: 'value', name: 'failed messages', minInterval: 1, axisLabel: countAxisLabel },
        series: seen.map((c) => ({
          name: label(c),
          type: 'bar',
          stack: 'failures',
          data: r.trend.map((d) => d.byClass[c] ?? 0),
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
        [
          ['1', 'Today'],
          ['7', 'Last 7 days'],
          ['30', 'Last 30 days'],
        ],
        days,
        (v) => {
          days = v;
          draw();
          w.refresh();
        },
        'deliverability-days',
      ),
    );
  draw();
  return section;
}

function hygieneSection(ctx: PageContext): HTMLElement {
  const status = h('div');
  const total = h('p', { class: 'muted', 'data-testid': 'hygiene-total' });
  const columns: Column<HygieneRow>[] = [
    { key: 'recipientId', label: 'Recipient (pseudonym)', value: (r) => r.recipientId },
    {
      key: 'failureClass',
      label: 'Reason',
      value: (r) => r.failureClass,
      render: (r) => label(r.failureClass),
    },
    { key: 'messageId', label: 'Last message id', value: (r) => r.messageId },
    { key: 'provider', label: 'Provider', value: (r) => r.provider },
    { key: 'at', label: 'When', value: (r) => r.at, render: (r) => fmtTime(r.at) },
  ];
  const table = createTable<HygieneRow>({
    columns,
    rowKey: (r) => r.recipientId,
    testid: 'hygiene-table',
    empty: h('p', {}, 'No recipient to remove: no invalid number, block, opt-out or repeated unreachable.'),
  });
  const csv = h(
    'button',
    {
      type: 'button',
      'data-testid': 'hygiene-csv',
      onclick: () => {
        // the whole list, as query-api writes it (RFC 4180)
        void ctx.api
          .stream(withParams('/v1/hygiene.csv', { days: 30 }), new AbortController().signal)
          .then((res) => res.text())
          .then((text) => download('tally-hygiene.csv', text))
          .catch((err: unknown) => patch(status, errorState(err)));
      },
    },
    'Download CSV',
  );
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'hyg-title', 'data-testid': 'hygiene' },
    h('h2', { id: 'hyg-title' }, 'List hygiene'),
    h(
      'p',
      { class: 'muted' },
      'Recipients to stop sending to (last 30 days): an invalid number, a block or opt-out, a channel they cannot take, or 3 unreachable failures. Remove them by the provider’s message id.',
    ),
    csv,
    status,
    total,
    table.el,
  );
  ctx.live.watch<Hygiene>({
    element: section,
    intervalMs: 15_000,
    load: (signal) => ctx.api.get('/v1/hygiene', { days: 30, limit: 100 }, signal),
    onData: (r) => {
      patch(status);
      patch(
        total,
        `${fmtCount(r.total)} recipients${r.total > r.rows.length ? ` (the newest ${r.rows.length} shown)` : ''}`,
      );
      table.update(r.rows);
    },
    onError: (err) => patch(status, errorState(err)),
  });
  return section;
}

export function deliverabilityPage(root: HTMLElement, ctx: PageContext): void {
  root.replaceChildren(
    h('h1', { tabindex: '-1' }, 'Deliverability'),
    h(
      'p',
      { class: 'muted' },
      'One vocabulary across Twilio, WhatsApp, Vonage and Infobip: each failure’s class, with its raw code kept. Carriers as MCC-MNC, where the provider reports one.',
    ),
    reportSection(ctx),
    hygieneSection(ctx),
  );
}
