/**
 * The names of the rates of SPEC §5, in the order they are shown: the one place they are spelled.
 * query-api's answer schemas, its sort keys and the dashboard take them from here.
 */
import type { Rates } from './rates.ts';

export const RATE_NAMES = [
  'deliveryRate',
  'openRate',
  'ctr',
  'clickToOpenRate',
  'conversionRate',
  'optOutRate',
  'replyRate',
  'uninstallRate',
] as const;
export type RateName = (typeof RATE_NAMES)[number];

/** Compiles only while RATE_NAMES are exactly the keys of `Rates` (computeRates' answer). */
export const RATE_NAMES_ARE_THE_RATES: [RateName] extends [keyof Rates]
  ? [keyof Rates] extends [RateName]
    ? true
    : never
  : never = true;
