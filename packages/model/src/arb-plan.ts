/**
 * The plan an event set is built from (arb-build.ts): small integers and choices that fast-check
 * can shrink, indexing into per-tenant pools of campaigns, recipients and senders, so that plans
 * collide — several campaigns to the same few recipients, replies with several candidates.
 */
import fc from 'fast-check';
import { FAILURE_CLASSES, type Channel } from '@tally/events';
import { DEFAULT_WINDOWS } from './types.ts';
import type { TenantWindows } from './types.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Every occurredAt lies in [now − SPAN_MS, now], except deliberately late events. */
export const SPAN_MS = 20 * HOUR;

export type Provider = 'twilio' | 'whatsapp' | 'vonage' | 'infobip' | 'api';
export type Outcome = 'none' | 'delivered' | 'failed' | 'failedThenDelivered' | 'read' | 'deliveredRead';
export type OwnExtra =
  'opted_out' | 'uninstalled' | 'feature_adopted' | 'survey_answered' | 'converted' | 'opted_in';
export type RecipientType =
  | 'replied'
  | 'opted_out'
  | 'opted_in'
  | 'uninstalled'
  | 'feature_adopted'
  | 'survey_answered'
  | 'clicked'
  | 'converted';
export type Edge = 'inside' | 'justIn' | 'atEdge' | 'justOut' | 'beforeReach' | 'free';
export type LateKind = 'old' | 'oldEdgeOk' | 'future' | 'futureEdgeOk';

export interface MoneyPlan {
  amount: number;
  currency: 'USD' | 'EUR';
}

/** A tracked-link request of a message: a person's or a bot's, at a time or near the delivery. */
export interface ClickPlan {
  /** After the send. */
  afterMs: number;
  bot: boolean;
  /** Set: instead at the first receipt's time + nearMs (within or just beyond 10 s of it). */
  nearMs: number | null;
}

export interface MessagePlan {
  campaign: number;
  recipient: number;
  channel: Channel;
  provider: Provider;
  /** Send time = now − SPAN_MS + offsetMs. */
  offsetMs: number;
  hasSend: boolean;
  segment: string | null;
  variant: string | null;
  sender: number | null;
  /** Which events name the sender: the send, the receipts (as providers' do), or both. */
  senderOn: 'send' | 'receipts' | 'both';
  country: string | null;
  sendCost: MoneyPlan | null;
  outcome: Outcome;
  /** First receipt after the send (negative: the provider's clock is behind), then the second. */
  gapsMs: [number, number];
  echo: boolean;
  receiptRecipient: boolean;
  /** Vonage/Infobip style: the price on every final status. */
  price: MoneyPlan | null;
  errorCode: number | null;
  failureClass: number | null;
  carrier: number | null;
  clicks: ClickPlan[];
  contextRepliesMs: number[];
  extra: { type: OwnExtra; afterMs: number; value: MoneyPlan | null; score: number } | null;
}

export interface RecipientEventPlan {
  type: RecipientType;
  /** null: the event names no recipient (a fraction). */
  recipient: number | null;
  anchor: number;
  edge: Edge;
  freeOffsetMs: number;
  insideMs: number;
  channelFromAnchor: boolean;
  channel: Channel;
  senderMode: 'none' | 'anchor' | 'other';
  campaign: number | null;
  value: MoneyPlan | null;
  score: number;
  /** On a click: a bot's (preview, scanner). */
  bot: boolean;
}

/**
 * A `held_out` (issue 21): free, or anchored to a message — of the same campaign (a conflict when
 * within max(Wr, Wc, Wd) of its send: `near` inside, `edge` exactly on it, `beyond` 1 ms past it)
 * or of another campaign around its delivery (so conversions have a hold and a delivery to choose).
 */
export interface HoldPlan {
  mode: 'free' | 'sameCampaign' | 'otherCampaign';
  anchor: number;
  campaign: number;
  recipient: number;
  edge: 'near' | 'edge' | 'beyond';
  before: boolean;
  offsetMs: number;
  freeOffsetMs: number;
  channel: Channel;
}

export interface LatePlan {
  kind: LateKind;
  base: number;
  byMs: number;
}

export interface TenantPlan {
  windows: TenantWindows;
  campaigns: number;
  recipients: number;
  messages: MessagePlan[];
  recipientEvents: RecipientEventPlan[];
  holds: HoldPlan[];
  late: LatePlan[];
  duplicates: number[];
}

export interface PlanOptions {
  maxMessages: number;
  maxRecipientEvents: number;
  maxHolds: number;
  maxRecipients: number;
  windows: 'default' | 'mixed';
  shortHorizon: boolean;
  late: boolean;
  duplicates: boolean;
}

export const CHANNEL_PROVIDERS: Readonly<Record<Channel, readonly Provider[]>> = {
  sms: ['twilio', 'vonage', 'infobip', 'api'],
  whatsapp: ['whatsapp', 'vonage', 'infobip'],
  push: ['api'],
  in_app: ['api'],
};

/** True with probability n/10. */
const chance = (n: number) => fc.integer({ min: 0, max: 9 }).map((x) => x < n);
const orNull = <T>(arb: fc.Arbitrary<T>, n = 5) =>
  fc.tuple(chance(n), arb).map(([keep, v]) => (keep ? v : null));
const channelArb = fc.constantFrom<Channel>('sms', 'whatsapp', 'push', 'in_app');
const moneyArb: fc.Arbitrary<MoneyPlan> = fc.record({
  amount: fc.constantFrom(0.0075, 0.01, 0.05, 0.0512, 1, 12.5, 99.99),
  currency: fc.constantFrom<'USD' | 'EUR'>('USD', 'EUR'),
});

function windowsArb(o: PlanOptions): fc.Arbitrary<TenantWindows> {
  const d = DEFAULT_WINDOWS;
  const pick = (values: number[]) =>
    o.windows === 'default' ? fc.constant(values[0] ?? 0) : fc.constantFrom(...values);
  return fc.record({
    replyMs: pick([d.replyMs, 6 * HOUR, 2 * HOUR]),
    clickMs: pick([d.clickMs, 8 * HOUR, 3 * HOUR]),
    deliveredMs: pick([d.deliveredMs, 4 * HOUR, HOUR]),
    horizonMs: o.shortHorizon ? fc.constantFrom(d.horizonMs, 12 * HOUR, 6 * HOUR) : fc.constant(d.horizonMs),
  });
}

const messageArb: fc.Arbitrary<MessagePlan> = channelArb.chain((channel) =>
  fc.record({
    campaign: fc.nat(5),
    recipient: fc.nat(9),
    channel: fc.constant(channel),
    provider: fc.constantFrom(...CHANNEL_PROVIDERS[channel]),
    offsetMs: fc.integer({ min: 0, max: SPAN_MS - 10 * MIN }),
    hasSend: chance(8),
    segment: orNull(fc.constantFrom('vip', 'new', 'lapsed')),
    variant: orNull(fc.constantFrom('A', 'B')),
    sender: orNull(fc.nat(2), 7),
    senderOn: fc.constantFrom<MessagePlan['senderOn']>('send', 'send', 'receipts', 'both'),
    country: orNull(fc.constantFrom('GB', 'US', 'DE')),
    sendCost: orNull(moneyArb, 3),
    outcome: fc.constantFrom<Outcome>(
      'none',
      'delivered',
      'failed',
      'failedThenDelivered',
      'read',
      'deliveredRead',
    ),
    gapsMs: fc.tuple(fc.integer({ min: -3000, max: 10 * MIN }), fc.integer({ min: 1000, max: 2 * HOUR })),
    echo: chance(5),
    receiptRecipient: chance(8),
    price: orNull(moneyArb),
    errorCode: orNull(fc.nat(2), 7),
    failureClass: orNull(fc.nat(FAILURE_CLASSES.length - 1), 4),
    carrier: orNull(fc.nat(2), 3),
    clicks: fc.array(
      fc.record({
        afterMs: fc.integer({ min: MIN, max: 6 * HOUR }),
        bot: chance(3),
        nearMs: orNull(fc.integer({ min: -12_000, max: 12_000 }), 3),
      }),
      { maxLength: 2 },
    ),
    contextRepliesMs: fc.array(fc.integer({ min: 0, max: 8 * HOUR }), { maxLength: 2 }),
    extra: orNull(
      fc.record({
        type: fc.constantFrom<OwnExtra>(
          'opted_out',
          'uninstalled',
          'feature_adopted',
          'survey_answered',
          'converted',
          'opted_in',
        ),
        afterMs: fc.integer({ min: 0, max: 8 * HOUR }),
        value: orNull(moneyArb, 7),
        score: fc.integer({ min: 1, max: 5 }),
      }),
      4,
    ),
  }),
);

const recipientEventArb: fc.Arbitrary<RecipientEventPlan> = fc.record({
  type: fc.constantFrom<RecipientType>(
    'replied',
    'opted_out',
    'opted_in',
    'uninstalled',
    'feature_adopted',
    'survey_answered',
    'clicked',
    'converted',
  ),
  recipient: orNull(fc.nat(9), 9),
  anchor: fc.nat(50),
  edge: fc.constantFrom<Edge>(
    'inside',
    'inside',
    'inside',
    'justIn',
    'atEdge',
    'justOut',
    'beforeReach',
    'free',
  ),
  freeOffsetMs: fc.integer({ min: 0, max: SPAN_MS }),
  insideMs: fc.integer({ min: 0, max: 3 * HOUR }),
  channelFromAnchor: chance(8),
  channel: channelArb,
  senderMode: fc.constantFrom<'none' | 'anchor' | 'other'>('none', 'none', 'anchor', 'anchor', 'other'),
  campaign: orNull(fc.nat(5), 2),
  value: orNull(moneyArb, 7),
  score: fc.integer({ min: 1, max: 5 }),
  bot: chance(3),
});

const holdArb: fc.Arbitrary<HoldPlan> = fc.record({
  mode: fc.constantFrom<HoldPlan['mode']>(
    'free',
    'sameCampaign',
    'sameCampaign',
    'otherCampaign',
    'otherCampaign',
  ),
  anchor: fc.nat(50),
  campaign: fc.nat(5),
  recipient: fc.nat(9),
  edge: fc.constantFrom<HoldPlan['edge']>('near', 'near', 'edge', 'beyond'),
  before: fc.boolean(),
  offsetMs: fc.integer({ min: -30 * MIN, max: 2 * HOUR }),
  freeOffsetMs: fc.integer({ min: 0, max: SPAN_MS }),
  channel: channelArb,
});

const lateArb: fc.Arbitrary<LatePlan> = fc.record({
  kind: fc.constantFrom<LateKind>('old', 'oldEdgeOk', 'future', 'futureEdgeOk'),
  base: fc.nat(200),
  byMs: fc.integer({ min: 1, max: 3 * HOUR }),
});

export function tenantPlanArb(o: PlanOptions): fc.Arbitrary<TenantPlan> {
  return fc.record({
    windows: windowsArb(o),
    campaigns: fc.integer({ min: 1, max: 3 }),
    recipients: fc.integer({ min: 1, max: o.maxRecipients }),
    messages: fc.array(messageArb, { minLength: 1, maxLength: o.maxMessages }),
    recipientEvents: fc.array(recipientEventArb, { maxLength: o.maxRecipientEvents }),
    holds: fc.array(holdArb, { maxLength: o.maxHolds }),
    late: o.late ? fc.array(lateArb, { maxLength: 2 }) : fc.constant([]),
    duplicates: o.duplicates ? fc.array(fc.nat(200), { maxLength: 4 }) : fc.constant([]),
  });
}
