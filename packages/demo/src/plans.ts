/**
 * Campaign plans: who a campaign reaches, through which provider, how its audience behaves. Pure
 * data; `lifecycle/` turns one send of a plan into its actions.
 */
import type { Channel, Money } from '@tally/events';
import type { Country } from './people.ts';

/** How a campaign's messages travel: a provider's webhooks, or the sender's own API (push, in-app). */
export type Route = 'twilio' | 'whatsapp' | 'vonage' | 'infobip' | 'push' | 'in_app';

export const ROUTE_CHANNEL: Record<Route, Channel> = {
  twilio: 'sms',
  whatsapp: 'whatsapp',
  vonage: 'sms',
  infobip: 'sms',
  push: 'push',
  in_app: 'in_app',
};

/** Probabilities, per delivered message unless said otherwise. */
export interface Behaviour {
  /** Per send. */
  delivery: number;
  /** WhatsApp read, push open, in-app impression. */
  open: number;
  click: number;
  /** Per click. */
  convert: number;
  reply: number;
  optOut: number;
  /** Push: the app is uninstalled after the message. */
  uninstall: number;
  /** In-app: the feature shown is adopted (per impression). */
  adopt: number;
  /** WhatsApp: a satisfaction answer after a conversation (per conversation). */
  survey: number;
}

export interface Segment {
  name: string;
  share: number;
  /** Multiplies open, click, reply and conversion. */
  engagement: number;
}

export interface Variant {
  name: string;
  /** Multiplies click and conversion. */
  lift: number;
}

/** An opt-out spike by construction: every `every`-th delivered message opts out until `untilMs`. */
export interface Spike {
  every: number;
  untilMs: number;
}

export interface CampaignPlan {
  id: string;
  route: Route;
  /** Sending numbers or ids; the sender rule of SPEC §4 attributes replies by them. */
  senders: string[];
  startMs: number;
  endMs: number;
  /** Share of the scenario's send rate while active, unless `sendsPerSecond` fixes its own. */
  weight: number;
  sendsPerSecond?: number;
  countries: Country[];
  segments: Segment[];
  variants: Variant[];
  behaviour: Behaviour;
  /** What the sender reports as the price of a send (Twilio), or a provider puts on its receipts. */
  price?: Money;
  /** Target of the tracked link in the message (none: no link). */
  linkUrl?: string;
  spike?: Spike;
  /** Recipients from a fresh list starting at this block (flash campaigns), not the shared pool. */
  listBlock?: number;
  /**
   * A holdout (issue 21): this share of the audience — a stable set, by a hash of campaign and
   * address — is never messaged by the campaign; the sender posts a `held_out` for each the first
   * time the campaign would have reached them, and `organicConvert` of them buy anyway.
   */
  holdout?: { share: number; organicConvert: number };
}

export const SEGMENTS: Segment[] = [
  { name: 'new', share: 0.35, engagement: 1 },
  { name: 'loyal', share: 0.4, engagement: 1.6 },
  { name: 'lapsed', share: 0.25, engagement: 0.45 },
];

export const AB: Variant[] = [
  { name: 'A', lift: 1 },
  { name: 'B', lift: 1.35 },
];

/** Variants that truly differ (issue 21): B clicks and converts 80 % more, so a verdict comes in minutes. */
export const STRONG_AB: Variant[] = [
  { name: 'A', lift: 1 },
  { name: 'B', lift: 1.8 },
];

export const QUIET: Behaviour = {
  delivery: 0.96,
  open: 0,
  click: 0,
  convert: 0,
  reply: 0,
  optOut: 0,
  uninstall: 0,
  adopt: 0,
  survey: 0,
};

export function behaviour(b: Partial<Behaviour>): Behaviour {
  return { ...QUIET, ...b };
}

/** The plan's behaviour scaled by `f` (history campaigns that did better or worse). */
export function scaled(b: Behaviour, f: number): Behaviour {
  const c = (x: number) => Math.min(1, x * f);
  return { ...b, open: c(b.open), click: c(b.click), convert: c(b.convert), reply: c(b.reply) };
}
