/**
 * The answers of query-api the dashboard reads (docs/api.md; the zod schemas in
 * services/query-api/src are the owners — the browser tests compare what is shown with these
 * answers, so a drift shows up there). Rates are null when their denominator is empty, or when
 * the channel cannot report them (then `notReported` names them with the reason).
 */
import type { COUNT_NAMES, FREQUENCY_BUCKETS, RULE_TYPES, SCOPE_KINDS, WINDOWS } from '@tally/kpi';

export type CountName = (typeof COUNT_NAMES)[number];
export type Counts = Record<CountName, number>;
export type Window = (typeof WINDOWS)[number];
export type RuleType = (typeof RULE_TYPES)[number];
export type ScopeKind = (typeof SCOPE_KINDS)[number];
export type FrequencyBucket = (typeof FREQUENCY_BUCKETS)[number];

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
export type Rates = Record<RateName, number | null>;
/** Rate → why the channel cannot report it (@tally/kpi applicability.ts). */
export type NotReported = Partial<Record<RateName, string>>;
export type PerCurrency = Record<string, number>;
export type PerCurrencyNullable = Record<string, number | null>;

export interface Money {
  cost: PerCurrency;
  revenue: PerCurrency;
  costPerConversion: PerCurrencyNullable;
  roi: PerCurrencyNullable;
}

export interface CampaignKpis {
  campaignId: string;
  channel: string | null;
  window: string;
  counts: Counts;
  rates: Rates;
  notReported: NotReported;
  money: Money;
  responseTime: { count: number; medianMs: number | null; p90Ms: number | null } | null;
  engagementDuration: { count: number; meanMs: number | null } | null;
  satisfaction: { count: number; mean: number | null };
  featureAdoption: { adopters: number; openers: number; rate: number | null };
  firstEventAt: string | null;
  asOf: string;
}

export interface CampaignList {
  campaigns: CampaignKpis[];
  nextCursor: string | null;
}

export interface KpiAnswer extends Omit<CampaignKpis, 'money' | 'satisfaction' | 'featureAdoption'> {
  money: Money | null;
  satisfaction: { count: number; mean: number | null } | null;
  featureAdoption: { adopters: number; openers: number; rate: number | null } | null;
  filter: { channel?: string; segment?: string; variant?: string; scope: 'lifetime' | 'window' } | null;
  freshnessMs: number | null;
  lagEvents: number | null;
}

export interface Breakdown {
  campaignId: string;
  by: string;
  groups: { value: string; counts: Counts; rates: Rates; notReported: NotReported }[];
  asOf: string;
}

export interface Timeseries {
  campaignId: string;
  metric: string;
  bucket: string;
  from: string;
  to: string;
  points: { t: string; value: number }[];
  total: number;
  asOf: string;
}

export interface BenchmarkFigure {
  value: number | null;
  median: number | null;
  p25: number | null;
  p75: number | null;
  delta: number | null;
  percentileRank: number | null;
  sampleSize: number;
}

export interface BenchmarkAnswer {
  campaignId: string;
  channel: string | null;
  previous: { campaignId: string; firstEventAt: string | null }[];
  notReported: NotReported;
  kpis: Record<string, BenchmarkFigure>;
  earlyRead: {
    at: '15m' | '1h' | '24h';
    complete: boolean;
    counts: Counts;
    rates: Rates;
    notReported: NotReported;
    benchmark: Record<string, BenchmarkFigure>;
  }[];
  asOf: string;
}

export interface SilentDisengagement {
  days: number;
  minMessages: number;
  channel: string | null;
  from: string;
  count: number;
  audience: number;
  share: number | null;
  trend: { weekStart: string; reached: number; silentSince: number }[];
  recipients: {
    recipientId: string;
    reachesInPeriod: number;
    lastReachAt: string | null;
    lastEngagedAt: string | null;
  }[];
  nextCursor: string | null;
  asOf: string;
}

export interface FrequencyAnswer {
  days: number;
  from: string;
  buckets: {
    bucket: FrequencyBucket;
    recipients: number;
    optOuts: number;
    optOutRate: number | null;
    clickers: number;
    clickRate: number | null;
    repliers: number;
    replyRate: number | null;
    engaged: number;
    engagementRate: number | null;
  }[];
  asOf: string;
}

export interface SendTimeCell {
  dayOfWeek: number;
  hour: number;
  successes: number;
  trials: number;
  rate: number | null;
  interval: { lower: number; upper: number } | null;
}

export interface SendTimeAnswer {
  metric: string;
  channel: string | null;
  cells: SendTimeCell[];
  best: SendTimeCell[];
  /** The metric, when some campaigns' sends could not report it (left out of the cells). */
  notReported: NotReported;
  asOf: string;
}

export interface ValueAnswer {
  channel: string | null;
  campaigns: number;
  revenue: PerCurrency;
  reachedRecipients: number;
  conversions: number;
  convertedMessages: number;
  revenuePerReachedRecipient: PerCurrencyNullable;
  revenuePerConversion: PerCurrencyNullable;
  convertingRecipients: number;
  repeatConverters: number;
  convertingRecipientRevenue: PerCurrency;
  revenuePerConvertingRecipient: PerCurrencyNullable;
  repeatConversionRate: number | null;
  asOf: string;
}

export type AlertNumbers = Record<string, number | string | boolean | null>;

export interface Alert {
  id: string;
  ruleType: RuleType;
  scope: { kind: ScopeKind; id: string };
  state: 'firing' | 'resolved';
  firedAt: string;
  resolvedAt: string | null;
  lastNotifiedAt: string;
  numbers: AlertNumbers;
  lastNumbers: AlertNumbers;
  dedupKey: string;
}

export interface Transition {
  transitionId: string;
  kind: 'fire' | 'resolve' | 'renotify';
  at: string;
  silenceId: string | null;
  alert: Alert;
}

interface RuleCommon {
  enabled: boolean;
  scopes: ScopeKind[];
  windowMinutes: number;
  resolveAfterSeconds: number;
  autoPause: boolean;
}

export interface AlertRules {
  optOutSpike: RuleCommon & {
    minDelivered: number;
    minOptOuts: number;
    absolute: boolean;
    threshold: number;
    baseline: boolean;
    baselineMultiplier: number;
  };
  deliveryDrop: RuleCommon & { minSent: number; floor: number; receiptGraceMinutes: number };
  failureSpike: RuleCommon & { minSent: number; threshold: number };
  renotifyAfterSeconds: number;
}

export interface RulesAnswer {
  rules: AlertRules;
  isDefault: boolean;
  updatedAt: string | null;
}

export interface NotificationChannel {
  id: string;
  kind: 'webhook' | 'slack' | 'pagerduty' | 'pause_webhook';
  name: string;
  url: string;
  hasSecret: boolean;
  createdAt: string;
}

export interface Silence {
  id: string;
  scope: { kind: ScopeKind; id: string };
  startsAt: string;
  endsAt: string;
  reason: string | null;
  createdAt: string;
}
