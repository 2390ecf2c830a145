/**
 * One campaign: headline tiles (rate and count), funnel, money per currency, two-way and app
 * figures, freshness — from /kpis for the chosen window and send filter, re-read when the figure
 * stream (live/figures.ts) says the campaign moved — then the time series, breakdowns and benchmark
 * sections, each re-read only while on screen, and then only after the campaign moved.
 */
import { WINDOWS } from '@tally/kpi';
import { ApiError } from '../api/client.ts';
import { CHANNEL_LABEL } from '../api/enums.ts';
import type { Breakdown, KpiAnswer } from '../api/types.ts';
import type { PageContext } from '../context.ts';
import { href, replaceQuery } from '../router.ts';
import { createChart } from '../ui/charts.ts';
import { field, h, patch, segmented, select } from '../ui/dom.ts';
import { fmtAgo, fmtFreshness, fmtTime, raw } from '../ui/format.ts';
import { errorState } from '../ui/states.ts';
import { benchmarkSection } from './campaign/benchmark.ts';
import { breakdownSection } from './campaign/breakdown.ts';
import { experimentSection } from './campaign/experiment.ts';
import { funnelOption, opensUnreported } from './campaign/funnel.ts';
import { seriesSection } from './campaign/series.ts';
import { headlineTiles, moneyTable, otherTiles } from './campaign/tiles.ts';

const WINDOW_LABEL: Record<string, string> = {
  all: 'All time',
  '5m': '5 min',
  '15m': '15 min',
  '1h': '1 hour',
  '24h': '24 hours',
};

export function campaignPage(root: HTMLElement, ctx: PageContext): void {
  const id = ctx.route.id ?? '';
  const q = ctx.route.query;
  const state = {
    window: q.get('window') ?? 'all',
    segment: q.get('segment') ?? '',
    variant: q.get('variant') ?? '',
  };
  const known = { segment: new Set<string>(), variant: new Set<string>() };
  let kpis: KpiAnswer | null = null;

  const meta = h('p', { class: 'muted', 'data-testid': 'campaign-meta' });
  const freshness = h('p', { class: 'freshness', 'data-testid': 'freshness', role: 'status' });
  const status = h('div', { 'data-testid': 'kpi-status' });
  const controls = h('div', { class: 'filters' });
  const tiles = h('div', { 'data-testid': 'tiles' });
  const money = h('div');
  const other = h('div', { 'data-testid': 'other-tiles' });
  const funnel = createChart('Funnel: sent, delivered, opened, clicked, converted', 'chart funnel');
  ctx.onLeave(() => funnel.dispose());
  const funnelNote = h('p', { class: 'muted small', 'data-testid': 'funnel-note' });

  const kpiParams = () => ({
    window: state.window,
    segment: state.segment || undefined,
    variant: state.variant || undefined,
  });
  // Re-read when the figure stream says the campaign moved (within about a second of it
  // counting); otherwise every 30 s, for rolling windows that move with the clock alone.
  const w = ctx.live.watch<KpiAnswer>({
    intervalMs: 30_000,
    load: (signal) =>
      ctx.api.get<KpiAnswer>(`/v1/campaigns/${encodeURIComponent(id)}/kpis`, kpiParams(), signal),
    onData: (k) => {
      kpis = k;
      patch(status);
      meta.textContent = `${k.channel ? (CHANNEL_LABEL[k.channel] ?? k.channel) : 'channel not known yet'} · first event ${fmtTime(k.firstEventAt)}${k.firstEventAt ? ` (${fmtAgo(k.firstEventAt, Date.now())})` : ''}`;
      freshness.textContent = `${fmtFreshness(k.freshnessMs, k.lagEvents)} · as of ${k.asOf.slice(11, 19)} UTC`;
      freshness.dataset.value = raw(k.freshnessMs);
      freshness.className = `freshness ${k.freshnessMs === null ? 'unknown' : k.freshnessMs > 2000 ? 'behind' : 'fresh'}`;
      patch(tiles, headlineTiles(k));
      patch(money, moneyTable(k));
      patch(other, otherTiles(k));
      funnel.set(funnelOption(k.counts));
      funnelNote.textContent = opensUnreported(k.counts)
        ? 'Opened is left out: this channel reports clicks but no opens.'
        : '';
    },
    onError: (err) => {
      patch(status, errorState(err));
      if (err instanceof ApiError && err.code === 'rebuilding')
        freshness.textContent = 'Rebuilding: figures return when the aggregator has replayed its state.';
    },
  });

  const sync = () => {
    replaceQuery({
      window: state.window === 'all' ? undefined : state.window,
      segment: state.segment || undefined,
      variant: state.variant || undefined,
    });
    drawControls();
    w.refresh();
  };
  const filterSelect = (dim: 'segment' | 'variant') =>
    select(
      { 'data-testid': `kpi-${dim}`, 'data-key': `kpi-${dim}` },
      [['', `All ${dim}s`], ...[...known[dim]].sort().map((v): [string, string] => [v, v])],
      state[dim],
      (v) => {
        state[dim] = v;
        sync();
      },
    );
  const drawControls = () =>
    patch(
      controls,
      h(
        'div',
        { class: 'field' },
        h('span', { class: 'field-label' }, 'Window'),
        segmented(
          'Window',
          WINDOWS.map((x): [string, string] => [x, WINDOW_LABEL[x] ?? x]),
          state.window,
          (v) => {
            state.window = v;
            sync();
          },
          'window',
        ),
      ),
      field('Segment', filterSelect('segment')),
      field('Variant', filterSelect('variant')),
    );
  const learn = (by: string, groups: { value: string }[]) => {
    if (by !== 'segment' && by !== 'variant') return;
    const before = known[by].size;
    for (const g of groups) known[by].add(g.value);
    if (known[by].size !== before) drawControls();
  };
  for (const by of ['segment', 'variant'] as const)
    ctx.api.get<Breakdown>(`/v1/campaigns/${encodeURIComponent(id)}/breakdown`, { by }).then(
      (b) => learn(by, b.groups),
      () => undefined,
    );
  drawControls();

  // The figure stream: the first figure is what /kpis just read; each later one is a change.
  let seen: string | null = null;
  ctx.onLeave(
    ctx.figures.follow([id], (f) => {
      const key = JSON.stringify([f.counts, f.money]);
      if (seen !== null && key !== seen) {
        w.refresh();
        ctx.live.nudge();
      }
      seen = key;
    }),
  );

  root.replaceChildren(
    h('p', {}, h('a', { href: href('campaigns') }, '← All campaigns')),
    h('h1', { tabindex: '-1', 'data-testid': 'campaign-title' }, id),
    meta,
    freshness,
    controls,
    status,
    h('section', { 'aria-label': 'Headline KPIs' }, tiles),
    h(
      'div',
      { class: 'two-col' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'funnel-title' },
        h('h2', { id: 'funnel-title' }, 'Funnel'),
        funnel.el,
        funnelNote,
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'money-title', 'data-testid': 'money' },
        h('h2', { id: 'money-title' }, 'Money per currency'),
        money,
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'other-title' },
      h('h2', { id: 'other-title' }, 'Two-way, push and in-app'),
      other,
    ),
    seriesSection(ctx, id, () => kpis?.firstEventAt ?? null),
    breakdownSection(ctx, id, learn),
    experimentSection(ctx, id),
    benchmarkSection(ctx, id),
  );
}
