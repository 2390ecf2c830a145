/**
 * Turns a campaign's stored state into the KPI answer of SPEC §6 (pure).
 */
import { moneyByKind, type CampaignState } from '@tally/counters';
import {
  computeMoney,
  computeRates,
  engagementDurationKpi,
  featureAdoptionKpi,
  mean,
  notReported,
  parseHistogram,
  responseTimeKpi,
} from '@tally/kpi';

export function kpiView(state: CampaignState, window: string, now: Date) {
  const cost = moneyByKind(state.moneyUnits, 'cost');
  const revenue = moneyByKind(state.moneyUnits, 'revenue');
  const lifetime = window === 'all';
  // what the campaign can report is decided over its lifetime, whatever the window
  const reporting = { channel: state.channel, opened: state.lifetimeOpened };
  const s = state.stats;
  return {
    campaignId: state.campaignId,
    channel: state.channel,
    window,
    counts: state.counts,
    rates: computeRates(state.counts, reporting),
    notReported: notReported(reporting),
    money: computeMoney(cost, revenue, state.counts.conversions),
    /** Lifetime only: a rolling window answers null. */
    responseTime: lifetime ? responseTimeKpi(parseHistogram(state.responseTimes)) : null,
    engagementDuration: lifetime ? engagementDurationKpi(s.engSum, s.engN) : null,
    satisfaction: mean(s.scoreSum, s.surveys),
    featureAdoption: featureAdoptionKpi(s.featureAdopters, s.inAppOpeners),
    firstEventAt: state.firstEventAt,
    asOf: now.toISOString(),
  };
}
