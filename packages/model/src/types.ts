/**
 * Input and output of the reference model (see model.ts for what it computes and
 * docs/semantics.md for the contract). Everything here is plain data: the output is JSON-able,
 * every record's keys are sorted, and a map entry exists iff something contributed to it (so a
 * money key can hold 0 when a counted event carried an amount of 0; counts and stats always hold
 * every field).
 */
import type { CanonicalEvent, Channel, EventType } from '@tally/events';
import type { Counts } from '@tally/kpi';

/** A canonical event as it was accepted by ingest: `arrivalMs` is a(e), the Kafka record timestamp. */
export type ArrivedEvent = CanonicalEvent & { arrivalMs: number };

/** A tenant's windows (SPEC §4) and late-data horizon, in ms. */
export interface TenantWindows {
  replyMs: number;
  clickMs: number;
  deliveredMs: number;
  horizonMs: number;
  /**
   * The backfill window B (issue 22): an imported event (one with `importId`) is late only when it
   * arrived more than max(H, B) after it happened. Default 90 days.
   */
  backfillMs?: number;
}

const HOUR = 3_600_000;
export const DEFAULT_WINDOWS: TenantWindows = Object.freeze({
  replyMs: 72 * HOUR,
  clickMs: 5 * 24 * HOUR,
  deliveredMs: 24 * HOUR,
  horizonMs: 7 * 24 * HOUR,
});

/** The fixed WhatsApp engagement window of semantics §6 (not a tenant setting). */
export const ENGAGEMENT_WINDOW_MS = 24 * HOUR;

export interface ModelInput {
  /** Every copy that reached the topic, in the order the first copy of each id is to win. */
  events: readonly ArrivedEvent[];
  /** Per tenant; missing tenants and missing fields take DEFAULT_WINDOWS. */
  windows?: Readonly<Record<string, Partial<TenantWindows>>>;
  /** Stream time in epoch ms; defaults to the largest `arrivalMs` of the input. */
  now?: number;
}

/** Campaign figures without a minute: the rest of the `counts` hash. */
export interface CampaignStats {
  surveys: number;
  scoreSum: number;
  engSum: number;
  engN: number;
  featureAdopters: number;
  inAppOpeners: number;
}
export const STAT_NAMES = [
  'surveys',
  'scoreSum',
  'engSum',
  'engN',
  'featureAdopters',
  'inAppOpeners',
] as const;

/** The message statuses a send tuple / error code is broken down by (semantics §3). */
export const STATUS_NAMES = [
  'sent',
  'delivered',
  'failed',
  'opened',
  'clicked',
  'replied',
  'converted',
] as const;
export type StatusName = (typeof STATUS_NAMES)[number];

/** The per-event counts a send tuple is broken down by too (semantics §3): clicks of its messages. */
export const TUPLE_EVENT_NAMES = ['clicks', 'botClicks', 'clicksWithin10s'] as const;
export type TupleField = StatusName | (typeof TUPLE_EVENT_NAMES)[number];

/** field → n; fields are CountName, a timed StatName, or `cost:<CUR>` / `revenue:<CUR>` (units). */
export type FieldCounts = Record<string, number>;

export interface CampaignModel {
  counts: Counts;
  stats: CampaignStats;
  /** `cost:<CUR>` / `revenue:<CUR>` → integer ten-thousandths (toMoneyUnits). */
  money: Record<string, number>;
  /** String(bucketOf(ms)) → replied messages. */
  responseTimes: Record<string, number>;
  /** Earliest t among the events naming the campaign or counted to it. */
  firstEventAt: number;
  /** Channel of that earliest event. */
  channel: Channel;
  /**
   * String(epoch minute) → field → first occurrences (message counts, recipient sets), per-event
   * counts (clicks, conversions, surveys, scoreSum) and money units in that minute.
   * DECISION: engSum, engN and response times have no minute — semantics §6 gives them no time.
   */
  minutes: Record<string, FieldCounts>;
  /**
   * Send tuple (`channel\0segment\0variant\0sender\0country\0hour\0dow`) → status → messages,
   * and → clicks / botClicks / clicksWithin10s → click events of its messages.
   */
  tuples: Record<string, Partial<Record<TupleField, number>>>;
  /** String(minute) → send tuple → status or click figure → first occurrences (events) in that minute. */
  minuteTuples: Record<string, Record<string, Partial<Record<TupleField, number>>>>;
  /** Error code (`none` when the failed event has none) → failed messages. */
  errorCodes: Record<string, number>;
  /** String(minute) → error code → failed messages whose failedAt is in that minute. */
  minuteErrorCodes: Record<string, Record<string, number>>;
  /** Failure class of the earliest failure (`other` when it has none) → failed messages (issue 20). */
  failureClasses: Record<string, number>;
  /** Failure class → raw error code (of the same earliest failure) → failed messages. */
  failureClassCodes: Record<string, Record<string, number>>;
  /** Carrier (MCC-MNC of the earliest own event naming one) → status → messages. */
  carriers: Record<string, Record<string, number>>;
  /**
   * Experiment figures (semantics §4a), "<arm>\0<figure>" → n: arm `v:<variant>` / `u` (sent
   * messages without a send tuple) / `h` (held out); money in units, squares in units² (as a
   * number). Zeros are omitted.
   */
  experiment: Record<string, number>;
}

export interface SenderFields {
  sent: number;
  delivered: number;
  failed: number;
  optOuts: number;
}

export interface SenderModel {
  /** String(minute) → first occurrences in that minute (fields with 0 are omitted). */
  minutes: Record<string, Partial<SenderFields>>;
}

export type TypeCounts = Partial<Record<EventType, number>>;

export interface TenantModel {
  /** Campaign id → figures; the keys are the tenant's campaign list. */
  campaigns: Record<string, CampaignModel>;
  /** The same campaign ids ordered by firstEventAt, then id (the tenant's campaign list). */
  campaignList: string[];
  senders: Record<string, SenderModel>;
  pending: TypeCounts;
  unattributed: TypeCounts;
  late: TypeCounts;
}

export interface ModelOutput {
  tenants: Record<string, TenantModel>;
}
