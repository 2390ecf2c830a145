/**
 * Tables with sortable headers (buttons with aria-sort, so they work from the keyboard) and
 * optional in-cell bars. Sorting is client-side unless `onSort` is given (the campaign list sorts
 * on the server). Nulls sort last in either direction, like the API.
 */
import { h, patch, type Child } from './dom.ts';
import { raw } from './format.ts';

export interface Column<R> {
  key: string;
  label: string;
  /** The sort value, also written to the cell's data-value. */
  value(row: R): number | string | null;
  render?(row: R): Child;
  numeric?: boolean;
  /** Draw a bar of value / max(value) behind the figure. */
  bar?: boolean;
  sortable?: boolean;
  title?: string;
  /** The cell's accessible name, when its text alone says too little (a rate's sample). */
  cellLabel?(row: R): string | undefined;
}

export interface Sort {
  key: string;
  desc: boolean;
}

export interface TableOptions<R> {
  columns: Column<R>[];
  rowKey: (row: R) => string;
  sort?: Sort;
  onSort?(sort: Sort): void;
  caption?: string;
  empty: Child;
  testid?: string;
  /**
   * Below ~600 px each row becomes a card (styles.css `table.cards`): every cell on its own line
   * under its column's label, nothing off screen. For the on-call path (alerts, campaigns).
   */
  cards?: boolean;
}

export function compareValues(a: number | string | null, b: number | string | null, desc: boolean): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
  return desc ? -c : c;
}

export function sortRows<R>(
  rows: R[],
  columns: Column<R>[],
  sort: Sort | undefined,
  rowKey: (r: R) => string,
): R[] {
  const col = sort ? columns.find((c) => c.key === sort.key) : undefined;
  if (!col || !sort) return rows;
  return [...rows].sort(
    (a, b) => compareValues(col.value(a), col.value(b), sort.desc) || rowKey(a).localeCompare(rowKey(b)),
  );
}

/**
 * A table's scrolling box: when its table is wider than the box it says so — a visible hint and
 * the region's accessible name — and can be scrolled from the keyboard (tabindex).
 */
export function tableWrap(table: HTMLElement, label: string): HTMLElement {
  const hint = h(
    'p',
    { class: 'scroll-hint', 'aria-hidden': 'true', hidden: true },
    'Scroll sideways for more columns →',
  );
  const box = h('div', { class: 'table-wrap' }, table);
  const wrap = h('div', { class: 'table-scroll' }, hint, box);
  const check = () => {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    hint.hidden = !scrolls;
    if (scrolls) {
      box.setAttribute('tabindex', '0');
      box.setAttribute('role', 'region');
      box.setAttribute('aria-label', `${label} (scrolls sideways)`);
    } else {
      box.removeAttribute('tabindex');
      box.removeAttribute('role');
      box.removeAttribute('aria-label');
    }
  };
  if (typeof ResizeObserver !== 'undefined') {
    const ro = new ResizeObserver(check);
    ro.observe(box);
    ro.observe(table);
  }
  return wrap;
}

/**
 * A table whose rows the page writes itself (no sorting: benchmark, money, experiment, send-time
 * grid, channels, silences): the header row of column headers (`numeric` ones right-aligned) and
 * the body, in the same scrolling box as every other table (tableWrap).
 */
export function staticTable(opts: {
  label: string;
  head: string[];
  numeric?: (index: number) => boolean;
  /** The rows, or a tbody the page keeps and refills. */
  body: HTMLElement[] | HTMLElement;
  testid?: string;
  className?: string;
}): HTMLElement {
  const num = opts.numeric ?? (() => false);
  const tbody = Array.isArray(opts.body) ? h('tbody', {}, opts.body) : opts.body;
  const table = h(
    'table',
    { 'data-testid': opts.testid, class: opts.className },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        opts.head.map((label, i) => h('th', { scope: 'col', class: num(i) ? 'num' : undefined }, label)),
      ),
    ),
    tbody,
  );
  return tableWrap(table, opts.label);
}

/** For staticTable's `numeric`: every column after the first (a row header, then figures). */
export const afterFirst = (i: number): boolean => i > 0;

export function createTable<R>(opts: TableOptions<R>): {
  el: HTMLElement;
  update(rows: R[]): void;
  setColumns(columns: Column<R>[]): void;
} {
  let sort = opts.sort;
  let rows: R[] = [];
  const thead = h('thead');
  const tbody = h('tbody');
  const table = h(
    'table',
    { 'data-testid': opts.testid, class: opts.cards ? 'cards' : undefined },
    opts.caption ? h('caption', {}, opts.caption) : null,
    thead,
    tbody,
  );
  const wrap = tableWrap(table, opts.caption ?? opts.testid?.replace(/-/g, ' ') ?? 'table');
  const emptyEl = h('div', { class: 'empty', hidden: true }, opts.empty);
  const el = h('div', {}, wrap, emptyEl);

  const renderHead = () => {
    patch(
      thead,
      h(
        'tr',
        {},
        opts.columns.map((c) => {
          const sorted = sort?.key === c.key;
          const ariaSort = sorted
            ? sort?.desc
              ? 'descending'
              : 'ascending'
            : c.sortable === false
              ? undefined
              : 'none';
          const label =
            c.sortable === false
              ? c.label
              : h(
                  'button',
                  {
                    type: 'button',
                    class: 'sort',
                    'data-key': `sort-${c.key}`,
                    'data-sort': c.key,
                    title: c.title ?? `Sort by ${c.label}`,
                    onclick: () => toggle(c.key),
                  },
                  c.label,
                  h(
                    'span',
                    { class: 'sort-mark', 'aria-hidden': 'true' },
                    sorted ? (sort?.desc ? ' ▼' : ' ▲') : '',
                  ),
                );
          return h('th', { scope: 'col', class: c.numeric ? 'num' : '', 'aria-sort': ariaSort }, label);
        }),
      ),
    );
  };

  const renderBody = () => {
    const shown = opts.onSort ? rows : sortRows(rows, opts.columns, sort, opts.rowKey);
    const max = new Map<string, number>();
    for (const c of opts.columns)
      if (c.bar) max.set(c.key, Math.max(0, ...shown.map((r) => Number(c.value(r) ?? 0))));
    patch(
      tbody,
      shown.map((r) =>
        h(
          'tr',
          { 'data-row': opts.rowKey(r) },
          opts.columns.map((c) => {
            const v = c.value(r);
            const content = c.render ? c.render(r) : v === null ? '—' : String(v);
            const m = max.get(c.key);
            const bar =
              c.bar && m && typeof v === 'number'
                ? h('span', {
                    class: 'bar',
                    style: `width:${((v / m) * 100).toFixed(1)}%`,
                    'aria-hidden': 'true',
                  })
                : null;
            return h(
              'td',
              {
                class: c.numeric ? 'num' : '',
                'data-col': c.key,
                'data-value': raw(v),
                'data-label': opts.cards && c.label ? c.label : undefined,
                'aria-label': c.cellLabel?.(r),
              },
              bar,
              h('span', { class: 'cell' }, content),
            );
          }),
        ),
      ),
    );
    wrap.hidden = rows.length === 0;
    emptyEl.hidden = rows.length !== 0;
  };

  const toggle = (key: string) => {
    sort = sort?.key === key ? { key, desc: !sort.desc } : { key, desc: true };
    renderHead();
    if (opts.onSort) opts.onSort(sort);
    else renderBody();
  };

  renderHead();
  return {
    el,
    update(next) {
      rows = next;
      renderBody();
    },
    setColumns(columns) {
      opts.columns = columns;
      renderHead();
      renderBody();
    },
  };
}
