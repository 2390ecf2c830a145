/**
 * The rates of SPEC §5: pure arithmetic over counts. A rate whose denominator is 0 is `null`,
 * never 0 and never NaN.
 */
import type { Counts, MoneyByCurrency } from './counts.ts';

export function ratio(numerator: number, denominator: number): number | null {
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator === 0) return null;
  return numerator / denominator;
}

export interface Rates {
  deliveryRate: number | null;
  openRate: number | null;
  ctr: number | null;
  clickToOpenRate: number | null;
  conversionRate: number | null;
  optOutRate: number | null;
  replyRate: number | null;
  uninstallRate: number | null;
}

export function computeRates(c: Counts): Rates {
  return {
    deliveryRate: ratio(c.delivered, c.sent),
    openRate: ratio(c.opened, c.delivered),
    ctr: ratio(c.clicked, c.delivered),
    clickToOpenRate: ratio(c.clicked, c.opened),
    conversionRate: ratio(c.converted, c.delivered),
    optOutRate: ratio(c.optOuts, c.delivered),
    replyRate: ratio(c.replied, c.delivered),
    uninstallRate: ratio(c.uninstalls, c.delivered),
  };
}

export interface MoneyKpis {
  cost: MoneyByCurrency;
  revenue: MoneyByCurrency;
  /** Per currency in which there was cost: cost / conversions (null without conversions). */
  costPerConversion: Record<string, number | null>;
  /** Per currency present in cost: (revenue − cost) / cost (null when cost is 0). */
  roi: Record<string, number | null>;
}

export function computeMoney(
  cost: MoneyByCurrency,
  revenue: MoneyByCurrency,
  conversions: number,
): MoneyKpis {
  const costPerConversion: Record<string, number | null> = {};
  const roi: Record<string, number | null> = {};
  for (const [currency, spent] of Object.entries(cost)) {
    costPerConversion[currency] = ratio(spent, conversions);
    roi[currency] = ratio((revenue[currency] ?? 0) - spent, spent);
  }
  return { cost, revenue, costPerConversion, roi };
}
