/**
 * A campaign beside the tenant's previous campaigns on its channel (by first event time): each
 * rate against their median/p25/p75 with delta and percentile rank, and the early-read curve —
 * the rates of the first 15 min, 1 h and 24 h after the first event, from the minute rollups.
 * A previous campaign counts at an early-read point only once that point has passed for it.
 */
import { listCampaigns, readCampaign, type CampaignState } from '@tally/counters';
import {
  benchmark,
  COUNT_NAMES,
  computeRates,
  emptyCounts,
  notReported,
  type Benchmark,
  type Counts,
  type Rates,
} from '@tally/kpi';
import type { QueryApiDeps } from './deps.ts';
import { whole } from './read-guard.ts';
import { readSeries } from './series.ts';

export const EARLY_READS = { '15m': 15, '1h': 60, '24h': 1440 } as const;
type EarlyRead = keyof typeof EARLY_READS;

function compare(value: Rates, previous: Rates[]): Record<keyof Rates, Benchmark> {
  const keys = Object.keys(value) as (keyof Rates)[];
  return Object.fromEntries(
    keys.map((k) => [
      k,
      benchmark(
        value[k],
        previous.map((p) => p[k]),
      ),
    ]),
  ) as Record<keyof Rates, Benchmark>;
}

/** Counts of the first 15 min / 1 h / 24 h of the campaign, and whether each has fully passed. */
async function earlyCounts(deps: QueryApiDeps, tenant: string, c: CampaignState, now: number) {
  const first = Math.floor(Date.parse(c.firstEventAt ?? new Date(now).toISOString()) / 60_000);
  const series = await readSeries(deps, {
    tenant,
    campaign: c.campaignId,
    metrics: COUNT_NAMES,
    fromMinute: first,
    toMinute: first + EARLY_READS['24h'] - 1,
    bucket: '1m',
    nowMs: now,
  });
  const out = {} as Record<EarlyRead, { counts: Counts; complete: boolean }>;
  for (const [name, minutes] of Object.entries(EARLY_READS) as [EarlyRead, number][]) {
    const counts = emptyCounts();
    for (const [m, row] of series ?? [])
      if (m < first + minutes) for (const n of COUNT_NAMES) counts[n] += row[n] ?? 0;
    out[name] = { counts, complete: (first + minutes) * 60_000 <= now };
  }
  return out;
}

export async function campaignBenchmark(
  deps: QueryApiDeps,
  tenant: string,
  campaignId: string,
  previousN: number,
  now: number,
) {
  const campaign = await whole(() => readCampaign(deps.redis, deps.keys, tenant, campaignId));
  if (!campaign) return undefined;
  const all = await whole(() => listCampaigns(deps.redis, deps.keys, tenant));
  const key = (c: CampaignState) => `${c.firstEventAt ?? ''}\u0000${c.campaignId}`;
  const previous = all
    .filter((c) => c.channel === campaign.channel && key(c) < key(campaign))
    .sort((a, b) => (key(a) < key(b) ? -1 : 1))
    .slice(-previousN);
  // what each campaign can report is decided over its lifetime, early reads included
  const reporting = (c: CampaignState) => ({ channel: c.channel, opened: c.counts.opened });
  const own = await earlyCounts(deps, tenant, campaign, now);
  const theirs = await Promise.all(previous.map((c) => earlyCounts(deps, tenant, c, now)));
  const earlyRead = (Object.keys(EARLY_READS) as EarlyRead[]).map((at) => {
    const counts = own[at].counts;
    const rates = computeRates(counts, reporting(campaign));
    const done = theirs.flatMap((t, i) => {
      const c = previous[i];
      return t[at].complete && c ? [computeRates(t[at].counts, reporting(c))] : [];
    });
    return {
      at,
      complete: own[at].complete,
      counts,
      rates,
      notReported: notReported(reporting(campaign)),
      benchmark: compare(rates, done),
    };
  });
  return {
    campaignId,
    channel: campaign.channel,
    previous: previous.map((c) => ({ campaignId: c.campaignId, firstEventAt: c.firstEventAt })),
    // previous campaigns are on the same channel: a rate it cannot report is nobody's benchmark
    notReported: notReported(reporting(campaign)),
    // the campaign's lifetime counts: each value's sample (numerator and denominator)
    counts: campaign.counts,
    kpis: compare(
      computeRates(campaign.counts, reporting(campaign)),
      previous.map((c) => computeRates(c.counts, reporting(c))),
    ),
    earlyRead,
    asOf: new Date(now).toISOString(),
  };
}
