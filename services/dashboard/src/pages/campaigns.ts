/**
 * Campaigns: the tenant's campaigns with headline KPIs from /v1/campaigns — filter by channel and
 * first-event date, sort on the server by any column, keyset paging, a firing-alert badge and a
 * sparkline of sends per row. The rows' figures follow the figure stream (live/figures.ts: one
 * stream per tab, pushed within about a second of counting); the list itself is re-read every 60 s
 * (new campaigns, the server's order); a row's sparkline is re-read only when its sent count
 * changed, at most every 30 s, one at a time — an idle tab sends a few requests a minute.
 */
import type { CampaignKpis, CampaignList, RateName, Timeseries } from '../api/types.ts';
import { CHANNEL_LABEL, CHANNELS } from '../api/enums.ts';
import type { PageContext } from '../context.ts';
import { href, replaceQuery } from '../router.ts';
import { field, h, lines, patch, select } from '../ui/dom.ts';
import {
  fmtBotClicks,
  fmtCount,
  fmtLevel,
  fmtPerCurrency,
  fmtRoi,
  fmtDate,
  fmtTime,
  NOT_REPORTED,
} from '../ui/format.ts';
import { isSmallRate, RATE_SAMPLE, rateSampleText, rateSpan } from '../ui/rate.ts';
import { sparkline, sparkRange } from '../ui/sparkline.ts';
import { empty, errorState } from '../ui/states.ts';
import { createTable, type Column, type Sort } from '../ui/table.ts';

const DAY = 86_400_000;
const SPARK_EVERY_MS = 30_000;

interface State {
  channel: string;
  from: string;
  until: string;
  sort: Sort;
  limit: number;
  cursors: (string | null)[];
}

function readState(q: URLSearchParams): State {
  const sortParam = q.get('sort') ?? '-firstEventAt';
  return {
    channel: q.get('channel') ?? '',
    from: q.get('from') ?? '',
    until: q.get('until') ?? '',
    sort: { key: sortParam.replace(/^-/, ''), desc: sortParam.startsWith('-') },
    limit: Number(q.get('limit') ?? 25) || 25,
    cursors: [null],
  };
}

/** The denominator of each rate in the list, and what it counts. */
/** The CTR with the preview/scanner fetches it leaves out, as a muted second line. */
function ctrCell(c: CampaignKpis) {
  const bots = c.counts.botClicks;
  const ctr = rateSpan('ctr', c.rates.ctr, c.counts);
  if (bots === 0) return ctr;
  return h(
    'span',
    {},
    ctr,
    h(
      'span',
      {
        class: 'muted cell-sub',
        'data-testid': 'bot-clicks',
        'data-value': String(bots),
        title: fmtBotClicks(bots),
      },
      `+${fmtCount(bots)} bot`,
    ),
  );
}

export function campaignsPage(root: HTMLElement, ctx: PageContext): void {
  const s = readState(ctx.route.query);
  const sparks = new Map<string, { sent: number; values: number[] | null; at: number }>();
  const status = h('div', { 'aria-live': 'polite' });
  const pageLabel = h('span', { 'data-testid': 'page-number' });
  let rows: CampaignKpis[] = [];
  const smallLast = h('input', {
    type: 'checkbox',
    'data-testid': 'small-last',
    checked: ctx.route.query.get('smallLast') === '1',
  });
  let nextCursor: string | null = null;

  const alertBadge = (c: CampaignKpis) => {
    const firing = ctx.alerts
      .firing()
      .filter((a) => a.scope.kind === 'campaign' && a.scope.id === c.campaignId);
    if (firing.length === 0) return h('span', { class: 'muted' }, '—');
    return h(
      'a',
      {
        class: 'badge alert',
        href: '#/alerts',
        'data-testid': 'alert-badge',
        title: firing.map((a) => a.ruleType).join(', '),
      },
      `${firing.length} firing`,
    );
  };
  // a rate with its sample on hover and in the cell's name, small samples marked (ui/rate.ts)
  const rate = (key: RateName, label: string): Column<CampaignKpis> => ({
    key,
    label,
    numeric: true,
    value: (c) => c.rates[key],
    render: (c) => rateSpan(key, c.rates[key], c.counts, c.notReported[key]),
    cellLabel: (c) => `${label} ${rateSampleText(key, c.rates[key], c.counts, c.notReported[key])}`,
  });
  const columns: Column<CampaignKpis>[] = [
    {
      key: 'campaignId',
      label: 'Campaign',
      value: (c) => c.campaignId,
      render: (c) => h('a', { href: href('campaigns', c.campaignId) }, c.campaignId),
    },
    {
      key: 'channel',
      label: 'Channel',
      sortable: false,
      value: (c) => c.channel,
      render: (c) => (c.channel ? (CHANNEL_LABEL[c.channel] ?? c.channel) : NOT_REPORTED),
    },
    {
      key: 'firstEventAt',
      label: 'First event (UTC)',
      value: (c) => c.firstEventAt,
      render: (c) =>
        c.firstEventAt
          ? h('span', { title: fmtTime(c.firstEventAt) }, fmtDate(c.firstEventAt))
          : NOT_REPORTED,
    },
    {
      key: 'sent',
      label: 'Sent',
      numeric: true,
      value: (c) => c.counts.sent,
      render: (c) => fmtCount(c.counts.sent),
    },
    rate('deliveryRate', 'Delivery'),
    rate('openRate', 'Open'),
    { ...rate('ctr', 'CTR'), render: ctrCell },
    rate('conversionRate', 'Conversion'),
    rate('optOutRate', 'Opt-out'),
    {
      key: 'revenue',
      label: 'Revenue',
      numeric: true,
      sortable: false,
      value: (c) => JSON.stringify(c.money.revenue),
      render: (c) => lines(fmtPerCurrency(c.money.revenue, '—')),
    },
    {
      key: 'roi',
      label: 'ROI',
      numeric: true,
      sortable: false,
      value: (c) => JSON.stringify(c.money.roi),
      render: (c) => lines(fmtRoi(c.money.roi)),
    },
    {
      key: 'alerts',
      label: 'Alerts',
      sortable: false,
      value: (c) => ctx.alerts.firing().filter((a) => a.scope.id === c.campaignId).length,
      render: alertBadge,
    },
    {
      key: 'spark',
      label: 'Sends',
      sortable: false,
      value: () => null,
      render: (c) => {
        const v = sparks.get(c.campaignId)?.values;
        return v ? sparkline(v, `sends of ${c.campaignId} over time`) : h('span', { class: 'muted' }, '…');
      },
    },
  ];

  const table = createTable<CampaignKpis>({
    columns,
    rowKey: (c) => c.campaignId,
    sort: s.sort,
    onSort: (sort) => {
      s.sort = sort;
      s.cursors = [null];
      sync();
    },
    testid: 'campaigns-table',
    cards: true,
    empty: empty(
      'No campaigns match',
      'Campaigns appear as soon as their first event is posted to ingest. Widen the filters, or start demo traffic with ./tally up.',
    ),
  });

  const query = () => {
    const page = s.cursors[s.cursors.length - 1] ?? undefined;
    return {
      channel: s.channel || undefined,
      from: s.from ? new Date(`${s.from}T00:00:00Z`).toISOString() : undefined,
      to: s.until ? new Date(Date.parse(`${s.until}T00:00:00Z`) + DAY).toISOString() : undefined,
      sort: `${s.sort.desc ? '-' : ''}${s.sort.key}`,
      limit: s.limit,
      cursor: page,
    };
  };

  const prev = h(
    'button',
    {
      type: 'button',
      'data-testid': 'prev-page',
      onclick: () => {
        s.cursors.pop();
        sync();
      },
    },
    '← Previous',
  );
  const next = h(
    'button',
    {
      type: 'button',
      'data-testid': 'next-page',
      onclick: () => {
        if (nextCursor) s.cursors.push(nextCursor);
        sync();
      },
    },
    'Next →',
  );
  // Small samples last (a choice, kept in the URL): within the page the server sorted, rows whose
  // sorted rate is a small sample (format.ts smallSample) move after the others, in their order.
  const ordered = () => {
    const key = s.sort.key as RateName;
    if (!smallLast.checked || !(key in RATE_SAMPLE)) return rows;
    const isSmall = (c: CampaignKpis) => isSmallRate(key, c.rates[key], c.counts);
    return [...rows.filter((c) => !isSmall(c)), ...rows.filter(isSmall)];
  };
  const renderRows = () => {
    table.update(ordered());
    prev.disabled = s.cursors.length <= 1;
    next.disabled = !nextCursor;
    pageLabel.textContent = `Page ${s.cursors.length}`;
  };

  let inSpark = false;
  const pumpSparks = () => {
    if (inSpark) return;
    const now = Date.now();
    const due = rows.find((c) => {
      const sp = sparks.get(c.campaignId);
      return !sp || (sp.sent !== c.counts.sent && now - sp.at >= SPARK_EVERY_MS);
    });
    if (!due) return;
    inSpark = true;
    const range = sparkRange(due.firstEventAt, now);
    ctx.api
      .get<Timeseries>(`/v1/campaigns/${encodeURIComponent(due.campaignId)}/timeseries`, {
        metric: 'sent',
        ...range,
      })
      .then(
        (t) =>
          sparks.set(due.campaignId, {
            sent: due.counts.sent,
            values: t.points.map((p) => p.value),
            at: Date.now(),
          }),
        () => sparks.set(due.campaignId, { sent: due.counts.sent, values: null, at: Date.now() }),
      )
      .finally(() => {
        inSpark = false;
        renderRows();
        pumpSparks();
      });
  };

  const sparkTimer = setInterval(pumpSparks, SPARK_EVERY_MS);
  ctx.onLeave(() => clearInterval(sparkTimer));

  // The rows on screen follow the figure stream; a pushed figure replaces its row in place.
  let followed = '';
  let unfollow: () => void = () => undefined;
  ctx.onLeave(() => unfollow());
  const follow = () => {
    const ids = rows.map((c) => c.campaignId);
    if (ids.join(',') === followed) return;
    followed = ids.join(',');
    unfollow();
    unfollow = ctx.figures.follow(ids, (f) => {
      const i = rows.findIndex((c) => c.campaignId === f.campaignId);
      if (
        i === -1 ||
        JSON.stringify(rows[i]?.counts) + JSON.stringify(rows[i]?.money) ===
          JSON.stringify(f.counts) + JSON.stringify(f.money)
      )
        return;
      rows = rows.map((c, j) => (j === i ? f : c));
      renderRows();
    });
  };

  const watcher = ctx.live.watch<CampaignList>({
    intervalMs: 60_000,
    load: (signal) => ctx.api.get<CampaignList>('/v1/campaigns', query(), signal),
    onData: (d) => {
      rows = d.campaigns;
      nextCursor = d.nextCursor;
      patch(status);
      renderRows();
      pumpSparks();
      follow();
    },
    onError: (err) => patch(status, errorState(err)),
  });

  function currentQuery() {
    return {
      channel: s.channel || undefined,
      from: s.from || undefined,
      until: s.until || undefined,
      sort: `${s.sort.desc ? '-' : ''}${s.sort.key}`,
      limit: String(s.limit),
      smallLast: smallLast.checked ? '1' : undefined,
    };
  }
  function sync() {
    replaceQuery(currentQuery());
    watcher.refresh();
  }
  ctx.onLeave(ctx.alerts.subscribe(() => renderRows()));

  const reset = () => {
    s.cursors = [null];
    sync();
  };
  const dateInput = (name: 'from' | 'until') => {
    const el = h('input', { type: 'date', value: s[name], 'data-testid': `filter-${name}` });
    el.addEventListener('change', () => {
      s[name] = el.value;
      reset();
    });
    return el;
  };
  smallLast.addEventListener('change', () => {
    replaceQuery({ ...currentQuery(), smallLast: smallLast.checked ? '1' : undefined });
    renderRows();
  });
  const filters = h(
    'div',
    { class: 'filters', role: 'search', 'aria-label': 'Filter campaigns' },
    h('label', { class: 'check' }, smallLast, ' Small samples last'),
    field(
      'Channel',
      select(
        { 'data-testid': 'filter-channel' },
        [['', 'All channels'], ...CHANNELS.map((c): [string, string] => [c, CHANNEL_LABEL[c] ?? c])],
        s.channel,
        (v) => {
          s.channel = v;
          reset();
        },
      ),
    ),
    field('First event from (UTC)', dateInput('from')),
    field('until (UTC, inclusive)', dateInput('until')),
    field(
      'Rows per page',
      select({ 'data-testid': 'page-size' }, ['10', '25', '50', '100'], String(s.limit), (v) => {
        s.limit = Number(v);
        reset();
      }),
    ),
  );
  root.replaceChildren(
    h('h1', { tabindex: '-1' }, 'Campaigns'),
    h(
      'p',
      { class: 'muted' },
      `Headline KPIs of every campaign, lifetime, live. Rates with nothing to divide by read “not reported”. Hover a rate (or read its cell) for its sample; * marks a small sample: its ${fmtLevel(0.95)} Wilson interval is wider than 10 points.`,
    ),
    filters,
    status,
    table.el,
    h('div', { class: 'pager' }, prev, pageLabel, next),
  );
}
