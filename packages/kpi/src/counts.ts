/**
 * The per-campaign counts the aggregator keeps (SPEC §5). `clicked`/`clicks` count people's
 * clicks only; `botClicks` the tracked-link requests of previews, scanners, `HEAD` and prefetches;
 * `clicksWithin10s` the people's clicks that came within 10 s of their message's delivery
 * (docs/semantics.md §3). Money is kept per currency in integer
 * ten-thousandths of a unit (`MONEY_SCALE`) so sums are exact; it is turned back into decimals only
 * when reported.
 */
export const COUNT_NAMES = [
  'sent',
  'delivered',
  'failed',
  'opened',
  'clicked',
  'clicks',
  'botClicks',
  'clicksWithin10s',
  'replied',
  'converted',
  'conversions',
  'optOuts',
  'uninstalls',
] as const;
export type CountName = (typeof COUNT_NAMES)[number];
export type Counts = Record<CountName, number>;

export const MONEY_SCALE = 10_000;

/** Amounts per ISO currency, as decimals. */
export type MoneyByCurrency = Record<string, number>;

export function emptyCounts(): Counts {
  return Object.fromEntries(COUNT_NAMES.map((n) => [n, 0])) as Counts;
}

/** Decimal amount to exact scaled integer units, and back. */
export function toMoneyUnits(amount: number): number {
  return Math.round(amount * MONEY_SCALE);
}
export function fromMoneyUnits(units: number): number {
  return units / MONEY_SCALE;
}
