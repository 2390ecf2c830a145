/** The campaign's headline tiles, money per currency and the two-way / app figures (from /kpis). */
import { countNotReported } from '@tally/kpi';
import type { KpiAnswer, RateName, CountName } from '../../api/types.ts';
import { h, type Child } from '../../ui/dom.ts';
import { isSmallRate, rateSampleText, rateSpan, sampleSpan } from '../../ui/rate.ts';
import { afterFirst, staticTable } from '../../ui/table.ts';
import {
  fmtBotClicks,
  fmtCount,
  fmtMean,
  fmtMoney,
  fmtMs,
  fmtRate,
  fmtRoiValue,
  NOT_REPORTED,
  raw,
} from '../../ui/format.ts';

interface TileSpec {
  id: string;
  label: string;
  count: CountName;
  rate?: RateName;
  extra?: CountName;
  hint?: string;
}

export const TILES: TileSpec[] = [
  { id: 'sent', label: 'Sent', count: 'sent' },
  { id: 'delivered', label: 'Delivered', count: 'delivered', rate: 'deliveryRate', hint: 'of sent' },
  { id: 'failed', label: 'Failed', count: 'failed' },
  { id: 'opened', label: 'Opened', count: 'opened', rate: 'openRate', hint: 'of delivered' },
  {
    id: 'clicked',
    label: 'Clicked',
    count: 'clicked',
    rate: 'ctr',
    extra: 'clicks',
    hint: 'of delivered (CTR)',
  },
  { id: 'clickToOpen', label: 'Click-to-open', count: 'clicked', rate: 'clickToOpenRate', hint: 'of opened' },
  { id: 'replied', label: 'Replied', count: 'replied', rate: 'replyRate', hint: 'of delivered' },
  {
    id: 'converted',
    label: 'Converted',
    count: 'converted',
    rate: 'conversionRate',
    extra: 'conversions',
    hint: 'of delivered',
  },
  { id: 'optOuts', label: 'Opt-outs', count: 'optOuts', rate: 'optOutRate', hint: 'of delivered' },
  { id: 'uninstalls', label: 'Uninstalls', count: 'uninstalls', rate: 'uninstallRate', hint: 'of delivered' },
];

function tile(
  testid: string,
  label: string,
  main: Child,
  mainRaw: unknown,
  sub: Child,
  note?: HTMLElement | string | null,
) {
  return h(
    'div',
    { class: 'tile', 'data-testid': `tile-${testid}` },
    h('span', { class: 'tile-label' }, label),
    h('span', { class: `tile-value ${mainRaw === null ? 'muted' : ''}`, 'data-value': raw(mainRaw) }, main),
    h('span', { class: 'tile-sub' }, sub),
    note ? h('span', { class: 'tile-note' }, note) : null,
  );
}

/** Why a rate is not reported (the API says), or what a CTR leaves out: bot fetches, fast clicks. */
function tileNote(k: KpiAnswer, spec: TileSpec): HTMLElement | string | null {
  const why = spec.rate ? k.notReported[spec.rate] : undefined;
  if (why) return why;
  if (spec.id !== 'clicked') return null;
  const bots = k.counts.botClicks;
  const fast = k.counts.clicksWithin10s;
  if (bots === 0 && fast === 0) return null;
  return h(
    'span',
    {},
    h('span', { 'data-testid': 'bot-clicks', 'data-value': raw(bots) }, fmtBotClicks(bots)),
    bots > 0 && fast > 0 ? ' · ' : '',
    fast > 0
      ? h(
          'span',
          {
            'data-testid': 'clicks-within-10s',
            'data-value': raw(fast),
            title: 'counted as people’s clicks; many of them may mean an unknown link scanner',
          },
          `${fmtCount(fast)} within 10 s of delivery`,
        )
      : '',
  );
}

export function headlineTiles(k: KpiAnswer): HTMLElement {
  return h(
    'div',
    { class: 'tiles' },
    TILES.map((t) => {
      const count = k.counts[t.count];
      // a count the channel cannot report (@tally/kpi applicability) reads "not reported", never 0
      const countWhy = countNotReported(t.count, k.notReported);
      const countEl = h(
        'span',
        { 'data-testid': 'count', 'data-value': raw(count), class: countWhy ? 'muted' : '' },
        countWhy ? NOT_REPORTED : fmtCount(count),
      );
      const extra = t.extra
        ? h(
            'span',
            { 'data-testid': 'extra', 'data-value': raw(k.counts[t.extra]) },
            ` · ${fmtCount(k.counts[t.extra])} ${t.extra}`,
          )
        : null;
      if (!t.rate) return tile(t.id, t.label, fmtCount(count), count, h('span', {}, 'messages'), null);
      const r = k.rates[t.rate];
      const el = tile(
        t.id,
        t.label,
        fmtRate(r),
        r,
        countWhy ? [countEl] : [countEl, ` ${t.hint ?? ''}`, extra],
        tileNote(k, t) ?? (r === null ? 'nothing to divide by yet' : null),
      );
      // the rate's sample on hover and in the tile's name; a small sample marked like the list's
      const sample = rateSampleText(t.rate, r, k.counts, k.notReported[t.rate]);
      const value = el.querySelector('.tile-value');
      value?.setAttribute('title', sample);
      if (isSmallRate(t.rate, r, k.counts)) value?.classList.add('small-sample');
      el.setAttribute('role', 'group');
      el.setAttribute('aria-label', `${t.label}: ${sample}`);
      return el;
    }),
  );
}

export function moneyTable(k: KpiAnswer): HTMLElement {
  if (!k.money)
    return h(
      'p',
      { class: 'muted', 'data-testid': 'money-filtered' },
      'Money is not kept per segment or variant: clear the send filter to see cost, revenue and ROI.',
    );
  const m = k.money;
  const currencies = [...new Set([...Object.keys(m.cost), ...Object.keys(m.revenue)])].sort();
  if (currencies.length === 0)
    return h(
      'p',
      { class: 'muted', 'data-testid': 'money-empty' },
      'No cost or revenue reported yet. Costs come from provider receipts or the send event’s cost; revenue from conversions with a value.',
    );
  const cell = (v: number | null | undefined, cur: string, testid: string) =>
    h('td', { class: 'num', 'data-testid': testid, 'data-value': raw(v ?? null) }, fmtMoney(v ?? null, cur));
  // Only the parts that exist: a currency's cost is a key because it had revenue (SPEC §5: a
  // missing side counts 0) — shown as "no cost reported", not "EUR 0.00"; likewise revenue.
  const part = (v: number | undefined, cur: string, testid: string, none: string, absent: boolean) =>
    absent
      ? h('td', { class: 'num muted', 'data-testid': testid, 'data-value': raw(v ?? 0) }, none)
      : cell(v, cur, testid);
  return staticTable({
    label: 'Money per currency',
    testid: 'money-table',
    head: ['Currency', 'Cost', 'Revenue', 'Cost per conversion', 'ROI'],
    numeric: afterFirst,
    body: currencies.map((cur) =>
      h(
        'tr',
        { 'data-row': cur },
        h('th', { scope: 'row' }, cur),
        part(m.cost[cur], cur, 'cost', 'no cost reported', !m.cost[cur]),
        part(m.revenue[cur], cur, 'revenue', 'no revenue', !m.revenue[cur] && !!m.cost[cur]),
        part(m.costPerConversion[cur] ?? undefined, cur, 'cpc', '—', !m.cost[cur]),
        h(
          'td',
          {
            class: `num ${m.roi[cur] === null ? 'muted' : ''}`,
            'data-testid': 'roi',
            'data-value': raw(m.roi[cur] ?? null),
          },
          // every currency is a key of all four maps; ROI is null only where the cost was 0
          m.roi[cur] === null || m.roi[cur] === undefined ? '—' : fmtRoiValue(m.roi[cur]),
        ),
      ),
    ),
  });
}

export function otherTiles(k: KpiAnswer): HTMLElement {
  const notKept = k.filter
    ? 'not kept per send filter'
    : k.window !== 'all'
      ? 'lifetime only: switch the window to “all”'
      : NOT_REPORTED;
  const rt = k.responseTime;
  const eng = k.engagementDuration;
  const sat = k.satisfaction;
  const fa = k.featureAdoption;
  return h(
    'div',
    { class: 'tiles' },
    tile(
      'responseMedian',
      'Response time, median',
      rt ? fmtMs(rt.medianMs) : notKept,
      rt?.medianMs ?? null,
      rt ? `${fmtCount(rt.count)} replies` : '',
    ),
    tile(
      'responseP90',
      'Response time, p90',
      rt ? fmtMs(rt.p90Ms) : notKept,
      rt?.p90Ms ?? null,
      rt ? `${fmtCount(rt.count)} replies` : '',
    ),
    tile(
      'engagement',
      'WhatsApp engagement, mean',
      eng ? fmtMs(eng.meanMs) : notKept,
      eng?.meanMs ?? null,
      eng ? `${fmtCount(eng.count)} conversations` : '',
    ),
    tile(
      'satisfaction',
      'Satisfaction, mean of 1–5',
      sat ? fmtMean(sat.mean) : notKept,
      sat?.mean ?? null,
      sat ? `${fmtCount(sat.count)} answers` : '',
    ),
    tile(
      'adoption',
      'In-app feature adoption',
      fa ? sampleSpan(fa.rate, { numerator: fa.adopters, denominator: fa.openers, of: 'openers' }) : notKept,
      fa?.rate ?? null,
      fa ? `${fmtCount(fa.adopters)} of ${fmtCount(fa.openers)} openers` : '',
    ),
    // push only: another channel has no uninstalls to report (@tally/kpi applicability)
    k.notReported.uninstallRate
      ? null
      : tile(
          'pushUninstalls',
          'Push uninstalls',
          fmtCount(k.counts.uninstalls),
          k.counts.uninstalls,
          h('span', {}, rateSpan('uninstallRate', k.rates.uninstallRate, k.counts), ' of delivered'),
        ),
  );
}
