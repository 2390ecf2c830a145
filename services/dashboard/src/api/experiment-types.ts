/**
 * The experiment answers the dashboard reads (issue 21): mirrors of the zod schemas in
 * services/query-api/src/experiment-schemas.ts (their owner) and global-control-answer.ts.
 */
export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
}

export interface Comparison {
  metric: string;
  currency: string | null;
  arm: string;
  against: string;
  control: { n: number; value: number };
  treatment: { n: number; value: number };
  difference: Interval;
  relative: Interval | null;
  pValue: number;
  verdict: 'better' | 'worse' | 'not yet';
  lowerIsBetter: boolean;
  sampleNeeded: { effect: number; total: number; more: number } | null;
}

export interface VariantArm {
  variant: string;
  control: boolean;
  counts: {
    sent: number;
    delivered: number;
    clicked: number;
    converted: number;
    replied: number;
    optedOut: number;
  };
  rates: Record<'deliveryRate' | 'ctr' | 'conversionRate' | 'optOutRate' | 'replyRate', number | null>;
  revenue: Record<string, { total: number; perDelivered: number | null }>;
}

export interface HoldoutCounts {
  heldOut: number;
  conflicts: number;
  converted: number;
  conversions: number;
  conversionRate: number | null;
  revenue: Record<string, number>;
}

export interface Holdout extends HoldoutCounts {
  messaged: {
    sent: number;
    converted: number;
    conversionRate: number | null;
    revenue: Record<string, { total: number; perRecipient: number | null }>;
  };
  revenuePerRecipient: Record<string, number | null>;
  comparisons: Comparison[];
  incremental: { conversions: Interval | null; revenue: Record<string, Interval> };
}

export interface ExperimentAnswer {
  campaignId: string;
  level: number;
  metric: string | null;
  effect: number;
  method: string;
  tuneAt: number;
  control: string | null;
  variants: VariantArm[];
  unassigned: number;
  comparisons: Comparison[];
  guardrails: Comparison[];
  holdout: Holdout | null;
  reason: string | null;
  asOf: string;
}

interface ControlSide {
  recipients: number;
  converting: number;
  conversions: number;
  conversionRate: number | null;
  revenuePerRecipient: Record<string, number | null>;
}

export interface GlobalControl {
  share: number;
  level: number;
  control: ControlSide;
  treated: ControlSide;
  comparisons: Comparison[];
  incrementalConversions: Interval | null;
  incrementalRevenue: Record<string, Interval>;
}

export const EXPERIMENT_METRICS = [
  'deliveryRate',
  'ctr',
  'conversionRate',
  'optOutRate',
  'replyRate',
  'revenuePerDelivered',
  'revenuePerRecipient',
] as const;
