/**
 * Values the API accepts, copied from their owners because those modules also pull zod or ioredis
 * into a browser bundle: CHANNELS (@tally/events), BREAKDOWN_DIMENSIONS (@tally/counters),
 * test/pure.test.ts checks each copy against its owner.
 */
import type { AudiencePeriodDays, RateName } from '@tally/kpi';

export const CHANNELS = ['sms', 'whatsapp', 'push', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];

export const BREAKDOWN_DIMENSIONS = [
  'channel',
  'segment',
  'variant',
  'sender',
  'country',
  'hour_of_day',
  'day_of_week',
  'error_code',
  'failure_class',
  'carrier',
] as const;
export type Dimension = (typeof BREAKDOWN_DIMENSIONS)[number];

export const SEND_TIME_METRICS = ['ctr', 'conversionRate', 'replyRate', 'openRate'] as const;

export const CHANNEL_LABEL: Record<string, string> = {
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  push: 'Push',
  in_app: 'In-app',
};

export const DIMENSION_LABEL: Record<Dimension, string> = {
  channel: 'Channel',
  segment: 'Segment',
  variant: 'Variant',
  sender: 'Sender',
  country: 'Country',
  hour_of_day: 'Hour (UTC)',
  day_of_week: 'Day (UTC)',
  error_code: 'Error code',
  failure_class: 'Failure class',
  carrier: 'Carrier (MCC-MNC)',
};

/** A label for every rate (@tally/kpi RATE_NAMES): a new rate without one does not compile. */
export const RATE_LABEL: Record<string, string> = {
  deliveryRate: 'Delivery rate',
  openRate: 'Open rate',
  ctr: 'Click-through rate',
  clickToOpenRate: 'Click-to-open rate',
  conversionRate: 'Conversion rate',
  optOutRate: 'Opt-out rate',
  replyRate: 'Reply rate',
  uninstallRate: 'Uninstall rate',
} satisfies Record<RateName, string>;

export const COUNT_LABEL: Record<string, string> = {
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Failed',
  opened: 'Opened',
  clicked: 'Clicked',
  clicks: 'Clicks',
  botClicks: 'Preview/scanner fetches',
  clicksWithin10s: 'Clicks within 10 s of delivery',
  replied: 'Replied',
  converted: 'Converted',
  conversions: 'Conversions',
  optOuts: 'Opt-outs',
  uninstalls: 'Uninstalls',
};

/** The periods the audience routes answer (@tally/kpi AUDIENCE_PERIODS; a value outside it does not compile). */
export const AUDIENCE_PERIOD_DAYS: readonly AudiencePeriodDays[] = [7, 14, 30, 60, 90];
