/**
 * Silent disengagement: subscribed recipients reached ≥ minMessages times in the period with no
 * open, click or reply — count, share, weekly trend, the pseudonymous list (paged) and its CSV.
 */
import { AUDIENCE_PERIOD_DAYS, CHANNEL_LABEL, CHANNELS } from '../../api/enums.ts';
import type { SilentDisengagement } from '../../api/types.ts';
import type { PageContext } from '../../context.ts';
import { countAxisLabel, countValue, percentAxisLabel, percentValue } from '../../ui/chart-format.ts';
import { createChart } from '../../ui/charts.ts';
import { download, toCsv } from '../../ui/csv.ts';
import { field, h, patch, select, type Child } from '../../ui/dom.ts';
import { fmtCount, fmtDay, fmtTime, raw } from '../../ui/format.ts';
import { sampleSpan } from '../../ui/rate.ts';
import { OKABE_ITO } from '../../ui/palette.ts';
import { empty, errorState } from '../../ui/states.ts';
import { createTable } from '../../ui/table.ts';

type Row = SilentDisengagement['recipients'][number];

function figure(testid: string, label: string, v: number | null, text: Child) {
  return h(
    'div',
    { class: 'tile', 'data-testid': testid },
    h('span', { class: 'tile-label' }, label),
    h('span', { class: 'tile-value', 'data-value': raw(v) }, text),
  );
}

export function silentSection(ctx: PageContext): HTMLElement {
  const s = { days: 30, minMessages: 3, channel: '', cursors: [null] as (string | null)[] };
  let nextCursor: string | null = null;
  const status = h('div');
  const figures = h('div', { class: 'tiles' });
  const note = h('p', { class: 'muted' });
  const trend = createChart('Weekly trend of silent recipients');
  // The headline and the trend count different things: said on screen, not left to guess.
  const trendNote = h(
    'p',
    { class: 'muted small', 'data-testid': 'silent-trend-note' },
    'The figures above count recipients reached at least the minimum number of times in the period with no engagement since; the trend below counts, of everyone reached in a week, those with no open, click or reply since that week began — any number of messages, so its share runs higher.',
  );
  ctx.onLeave(() => trend.dispose());
  const table = createTable<Row>({
    columns: [
      {
        key: 'recipientId',
        label: 'Recipient (pseudonym)',
        value: (r) => r.recipientId,
        render: (r) => h('code', {}, r.recipientId),
      },
      { key: 'reachesInPeriod', label: 'Reached', numeric: true, bar: true, value: (r) => r.reachesInPeriod },
      {
        key: 'lastReachAt',
        label: 'Last reached',
        value: (r) => r.lastReachAt,
        render: (r) => fmtTime(r.lastReachAt),
      },
      {
        key: 'lastEngagedAt',
        label: 'Last engaged',
        value: (r) => r.lastEngagedAt,
        render: (r) => (r.lastEngagedAt ? fmtTime(r.lastEngagedAt) : 'never'),
      },
    ],
    rowKey: (r) => r.recipientId,
    testid: 'silent-table',
    empty: empty(
      'Nobody is silently disengaged',
      'No subscribed recipient was reached that often without an open, click or reply. Lower “at least … messages” to look wider.',
    ),
  });
  const params = (cursor?: string | null, limit = 20) => ({
    days: s.days,
    minMessages: s.minMessages,
    channel: s.channel || undefined,
    limit,
    cursor: cursor ?? undefined,
  });
  const prev = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        s.cursors.pop();
        w.refresh();
      },
    },
    '← Previous',
  );
  const next = h(
    'button',
    {
      type: 'button',
      'data-testid': 'silent-next',
      onclick: () => {
        if (nextCursor) s.cursors.push(nextCursor);
        w.refresh();
      },
    },
    'Next →',
  );
  const exportBtn = h(
    'button',
    { type: 'button', 'data-testid': 'silent-csv', onclick: () => void exportCsv() },
    'Export CSV (all pages)',
  );
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'silent-title', 'data-testid': 'silent' },
    h('h2', { id: 'silent-title' }, 'Silent disengagement'),
    h('div', { class: 'filters' }),
    status,
    figures,
    note,
    trendNote,
    trend.el,
    table.el,
    h('div', { class: 'pager' }, prev, next, exportBtn),
  );
  const w = ctx.live.watch<SilentDisengagement>({
    element: section,
    intervalMs: 60_000, // the Postgres snapshot behind it moves slowly
    load: (signal) =>
      ctx.api.get('/v1/audience/silent-disengagement', params(s.cursors[s.cursors.length - 1]), signal),
    onData: (d) => {
      patch(status);
      nextCursor = d.nextCursor;
      prev.disabled = s.cursors.length <= 1;
      next.disabled = !d.nextCursor;
      patch(
        figures,
        figure('silent-count', 'Silently disengaged', d.count, fmtCount(d.count)),
        figure(
          'silent-share',
          'Share of the reached audience',
          d.share,
          sampleSpan(d.share, {
            numerator: d.count,
            denominator: d.audience,
            of: 'subscribed recipients reached',
          }),
        ),
        figure('silent-audience', 'Subscribed recipients reached', d.audience, fmtCount(d.audience)),
      );
      note.textContent = `Reached at least ${d.minMessages} times since ${fmtTime(d.from)} (${d.days} days, today included) and no open, click or reply since.`;
      trend.set({
        grid: { left: 48, right: 48, top: 32, bottom: 32 },
        legend: { top: 0 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: d.trend.map((t) => `week of ${fmtDay(t.weekStart)}`) },
        yAxis: [
          { type: 'value', minInterval: 1, axisLabel: countAxisLabel },
          { type: 'value', axisLabel: percentAxisLabel },
        ],
        series: [
          {
            name: 'reached that week',
            type: 'bar',
            data: d.trend.map((t) => t.reached),
            tooltip: { valueFormatter: countValue },
            itemStyle: { color: OKABE_ITO.sky },
          },
          {
            name: 'of those, silent since',
            type: 'bar',
            data: d.trend.map((t) => t.silentSince),
            tooltip: { valueFormatter: countValue },
            itemStyle: { color: OKABE_ITO.vermillion },
          },
          {
            name: 'silent share',
            type: 'line',
            yAxisIndex: 1,
            data: d.trend.map((t) => (t.reached ? (100 * t.silentSince) / t.reached : null)),
            tooltip: { valueFormatter: percentValue },
            itemStyle: { color: OKABE_ITO.black },
          },
        ],
      });
      table.update(d.recipients);
    },
    onError: (err) => patch(status, errorState(err)),
  });
  const exportCsv = async () => {
    exportBtn.disabled = true;
    try {
      const rows: Row[] = [];
      let cursor: string | null = null;
      do {
        const page: SilentDisengagement = await ctx.api.get(
          '/v1/audience/silent-disengagement',
          params(cursor, 100),
        );
        rows.push(...page.recipients);
        cursor = page.nextCursor;
      } while (cursor);
      const csv = toCsv(
        ['recipientId', 'reachesInPeriod', 'lastReachAt', 'lastEngagedAt'],
        rows.map((r) => [r.recipientId, r.reachesInPeriod, r.lastReachAt, r.lastEngagedAt]),
      );
      download(
        `silent-disengagement-${s.days}d-min${s.minMessages}${s.channel ? `-${s.channel}` : ''}.csv`,
        csv,
      );
    } catch (err) {
      patch(status, errorState(err));
    } finally {
      exportBtn.disabled = false;
    }
  };
  const numberInput = (key: 'minMessages', min: number, max: number) => {
    const el = h('input', {
      type: 'number',
      min: String(min),
      max: String(max),
      value: String(s[key]),
      'data-testid': `silent-${key}`,
    });
    el.addEventListener('change', () => {
      const v = Math.round(Number(el.value));
      if (v >= min && v <= max) {
        s[key] = v;
        s.cursors = [null];
        w.refresh();
      }
    });
    return el;
  };
  section.querySelector('.filters')?.append(
    field(
      'Period',
      select(
        { 'data-testid': 'silent-days' },
        AUDIENCE_PERIOD_DAYS.map((d): [string, string] => [String(d), `Last ${d} days`]),
        String(s.days),
        (v) => {
          s.days = Number(v);
          s.cursors = [null];
          w.refresh();
        },
      ),
    ),
    field('At least … messages', numberInput('minMessages', 1, 10_000)),
    field(
      'Channel',
      select(
        { 'data-testid': 'silent-channel' },
        [['', 'All channels'], ...CHANNELS.map((c): [string, string] => [c, CHANNEL_LABEL[c] ?? c])],
        '',
        (v) => {
          s.channel = v;
          s.cursors = [null];
          w.refresh();
        },
      ),
    ),
  );
  return section;
}
