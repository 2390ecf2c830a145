import { describe, expect, it } from 'vitest';
import type { CampaignState } from '@tally/counters';
import { emptyCounts, NO_UNINSTALLS } from '@tally/kpi';
import { kpiView } from './kpi-view.ts';

const state = (over: Partial<CampaignState>): CampaignState => ({
  campaignId: 'c',
  channel: 'sms',
  firstEventAt: '2026-01-01T00:00:00.000Z',
  counts: { ...emptyCounts(), sent: 10, delivered: 8, clicked: 2, clicks: 2 },
  lifetimeOpened: 0,
  stats: { surveys: 0, scoreSum: 0, engSum: 0, engN: 0, featureAdopters: 0, inAppOpeners: 0 },
  moneyUnits: {},
  responseTimes: {},
  ...over,
});
const now = new Date('2026-01-02T00:00:00Z');
const NO = 'SMS providers do not report opens';

describe('kpiView: what a campaign can report is decided over its lifetime', () => {
  it('an SMS campaign that never had an open: open rates not reported, in any window', () => {
    for (const window of ['all', '5m']) {
      const v = kpiView(state({}), window, now);
      expect([v.rates.openRate, v.rates.clickToOpenRate, v.rates.ctr]).toEqual([null, null, 0.25]);
      expect(v.notReported).toEqual({ openRate: NO, clickToOpenRate: NO, uninstallRate: NO_UNINSTALLS });
    }
  });

  it('an SMS campaign with opens (a provider reporting reads): a window without opens is a real 0 %', () => {
    const v = kpiView(state({ lifetimeOpened: 3 }), '5m', now);
    expect([v.rates.openRate, v.rates.clickToOpenRate]).toEqual([0, null]);
    expect(v.notReported).toEqual({ uninstallRate: NO_UNINSTALLS });
  });

  it('money: a currency with revenue and no cost is a key of all four maps', () => {
    const v = kpiView(state({ moneyUnits: { 'cost:USD': 500, 'revenue:EUR': 200_000 } }), 'all', now);
    expect(v.money).toEqual({
      cost: { EUR: 0, USD: 0.05 },
      revenue: { EUR: 20, USD: 0 },
      costPerConversion: { EUR: null, USD: null },
      roi: { EUR: null, USD: -1 },
    });
  });
});
