/**
 * The KPIs that are means or shares rather than counts (SPEC §5), from the sums the aggregator
 * keeps: engagement duration (WhatsApp), satisfaction, feature adoption.
 */
import { ratio } from './rates.ts';

export interface MeanKpi {
  count: number;
  mean: number | null;
}

/** Mean of `count` values summing to `sum`; null without values. */
export function mean(sum: number, count: number): MeanKpi {
  return { count, mean: ratio(sum, count) };
}

export interface EngagementDurationKpi {
  count: number;
  meanMs: number | null;
}

export function engagementDurationKpi(sumMs: number, conversations: number): EngagementDurationKpi {
  const m = ratio(sumMs, conversations);
  return { count: conversations, meanMs: m === null ? null : Math.round(m) };
}

export interface FeatureAdoptionKpi {
  adopters: number;
  openers: number;
  rate: number | null;
}

export function featureAdoptionKpi(adopters: number, openers: number): FeatureAdoptionKpi {
  return { adopters, openers, rate: ratio(adopters, openers) };
}
