/**
 * Turns a campaign's stored state into the KPI answer of SPEC §6 (pure).
 */
import { moneyByKind, type CampaignState } from '@tally/counters';
import { computeMoney, computeRates } from '@tally/kpi';

export function kpiView(state: CampaignState, window: string, now: Date) {
  const cost = moneyByKind(state.moneyUnits, 'cost');
  const revenue = moneyByKind(state.moneyUnits, 'revenue');
  return {
    campaignId: state.campaignId,
    channel: state.channel,
    window,
    counts: state.counts,
    rates: computeRates(state.counts),
    money: computeMoney(cost, revenue, state.counts.conversions),
    firstEventAt: state.firstEventAt,
    asOf: now.toISOString(),
  };
}
