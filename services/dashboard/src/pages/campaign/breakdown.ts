/**
 * Breakdowns by segment, variant, sender, country, hour, day, failure class (the raw error codes
 * under each) and carrier: sortable, with bars.
 */
import { BREAKDOWN_DIMENSIONS, DIMENSION_LABEL, type Dimension } from '../../api/enums.ts';
import type { Breakdown, Counts, NotReported, RateName, Rates } from '../../api/types.ts';
import type { PageContext } from '../../context.ts';
import { h, patch, segmented } from '../../ui/dom.ts';
import { DAY_NAMES, fmtCount } from '../../ui/format.ts';
import { rateSampleText, rateSpan } from '../../ui/rate.ts';
import { empty, errorState } from '../../ui/states.ts';
import { createTable, type Column } from '../../ui/table.ts';
import { CLASS_LABEL } from '../deliverability.ts';

type Group = {
  value: string;
  counts: Counts;
  rates: Rates;
  notReported: NotReported;
  /** by=failure_class: the raw provider codes under the class (issue 20). */
  codes?: { code: string; failed: number }[] | undefined;
};

/** A failure class in words, with its raw provider codes under it. */
function classCell(g: Group): HTMLElement {
  return h(
    'div',
    {},
    h('div', {}, CLASS_LABEL[g.value] ?? g.value),
    h(
      'div',
      { class: 'muted', 'data-testid': 'class-codes' },
      (g.codes ?? []).map((c) => `${c.code} (${fmtCount(c.failed)})`).join(', '),
    ),
  );
}

export function groupLabel(by: string, value: string): string {
  if (by === 'day_of_week') return DAY_NAMES[Number(value)] ?? value;
  if (by === 'hour_of_day') return `${value.padStart(2, '0')}:00`;
  return value;
}

const count = (k: keyof Counts, label: string): Column<Group> => ({
  key: k,
  label,
  numeric: true,
  bar: true,
  value: (g) => g.counts[k],
  render: (g) => fmtCount(g.counts[k]),
});
const rate = (k: RateName, label: string): Column<Group> => ({
  key: k,
  label,
  numeric: true,
  bar: true,
  value: (g) => g.rates[k],
  // the rate's sample on hover and in the cell's name, small samples marked (ui/rate.ts)
  render: (g) => rateSpan(k, g.rates[k], g.counts, g.notReported[k]),
  cellLabel: (g) => `${label} ${rateSampleText(k, g.rates[k], g.counts, g.notReported[k])}`,
});

export function breakdownSection(
  ctx: PageContext,
  id: string,
  onGroups: (by: Dimension, groups: Group[]) => void,
): HTMLElement {
  let by: Dimension = 'segment';
  const status = h('div');
  const switcher = h('div');
  const columns: Column<Group>[] = [
    {
      key: 'value',
      label: 'Value',
      value: (g) => g.value,
      render: (g) => (by === 'failure_class' ? classCell(g) : groupLabel(by, g.value)),
    },
    count('sent', 'Sent'),
    rate('deliveryRate', 'Delivery'),
    count('failed', 'Failed'),
    rate('openRate', 'Open'),
    rate('ctr', 'CTR'),
    count('botClicks', 'Bot fetches'),
    rate('conversionRate', 'Conversion'),
    rate('optOutRate', 'Opt-out'),
    rate('replyRate', 'Reply'),
  ];
  const table = createTable<Group>({
    columns,
    rowKey: (g) => g.value,
    sort: { key: 'sent', desc: true },
    testid: 'breakdown-table',
    empty: empty(
      'No values for this dimension yet',
      'Send events carry segment, variant, sender and country; failures carry an error code.',
    ),
  });
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'breakdown-title', 'data-testid': 'breakdown' },
    h('h2', { id: 'breakdown-title' }, 'Breakdown'),
    switcher,
    status,
    table.el,
  );
  const w = ctx.live.watch<Breakdown>({
    element: section,
    intervalMs: 60_000,
    nudgeMs: 5000,
    load: (signal) =>
      ctx.api.get<Breakdown>(`/v1/campaigns/${encodeURIComponent(id)}/breakdown`, { by }, signal),
    onData: (b) => {
      patch(status);
      if (b.by !== by) return;
      table.update(b.groups);
      onGroups(by, b.groups);
    },
    onError: (err) => patch(status, errorState(err)),
  });
  const draw = () =>
    patch(
      switcher,
      segmented(
        'Breakdown dimension',
        // error codes are shown under their failure class (issue 20), not as a dimension of their own
        BREAKDOWN_DIMENSIONS.filter((d) => d !== 'error_code').map((d): [string, string] => [
          d,
          DIMENSION_LABEL[d],
        ]),
        by,
        (v) => {
          by = v as Dimension;
          draw();
          table.update([]);
          w.refresh();
        },
        'breakdown-by',
      ),
    );
  draw();
  return section;
}
