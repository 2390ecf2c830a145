/**
 * The rates of SPEC §5: pure arithmetic over counts. A rate whose denominator is 0 is `null`,
 * never 0 and never NaN; so is a rate the channel cannot report (applicability.ts).
 */
import { notReported, type Reporting } from './applicability.ts';
import type { RateName } from './rate-names.ts';
import type { Counts, MoneyByCurrency } from './counts.ts';

export function ratio(numerator: number, denominator: number): number | null {
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator === 0) return null;
  return numerator / denominator;
}

export type Rates = Record<RateName, number | null>;

/** The rates of the counts `c` of some sends; what they cannot report (`reporting`) is null. */
export function computeRates(c: Counts, reporting: Reporting): Rates {
  const rates: Rates = {
    deliveryRate: ratio(c.delivered, c.sent),
    openRate: ratio(c.opened, c.delivered),
    ctr: ratio(c.clicked, c.delivered),
    clickToOpenRate: ratio(c.clicked, c.opened),
    conversionRate: ratio(c.converted, c.delivered),
    optOutRate: ratio(c.optOuts, c.delivered),
    replyRate: ratio(c.replied, c.delivered),
    uninstallRate: ratio(c.uninstalls, c.delivered),
  };
  for (const name of Object.keys(notReported(reporting)) as RateName[]) rates[name] = null;
  return rates;
}

/**
 * Money per currency (SPEC §5): every currency with a cost or a revenue is a key of all four maps,
 * a missing side counting as 0.
 */
export interface MoneyKpis {
  cost: MoneyByCurrency;
  revenue: MoneyByCurrency;
  /** cost / conversions (null without conversions). */
  costPerConversion: Record<string, number | null>;
  /** (revenue − cost) / cost (null when cost is 0). */
  roi: Record<string, number | null>;
}

/** The currencies of a money answer: those with a cost or a revenue, in code order. */
export function moneyCurrencies(...maps: MoneyByCurrency[]): string[] {
  return [...new Set(maps.flatMap((m) => Object.keys(m)))].sort();
}

export function computeMoney(
  cost: MoneyByCurrency,
  revenue: MoneyByCurrency,
  conversions: number,
): MoneyKpis {
  const out: MoneyKpis = { cost: {}, revenue: {}, costPerConversion: {}, roi: {} };
  for (const currency of moneyCurrencies(cost, revenue)) {
    const spent = cost[currency] ?? 0;
    const earned = revenue[currency] ?? 0;
    out.cost[currency] = spent;
    out.revenue[currency] = earned;
    out.costPerConversion[currency] = ratio(spent, conversions);
    out.roi[currency] = ratio(earned - spent, spent);
  }
  return out;
}
