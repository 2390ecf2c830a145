/**
 * What a message's lifecycle needs from the timeline: its random stream, the audience, the
 * scenario's realism knobs, and a way to schedule actions. A lifecycle is pure given these.
 */
import type { Channel, InboundEvent, Money } from '@tally/events';
import type { Action, Expected } from '../actions.ts';
import type { Audience, Person } from '../people.ts';
import type { CampaignPlan, Segment, Variant } from '../plans.ts';
import { ROUTE_CHANNEL } from '../plans.ts';
import { hash32, type Rng } from '../rng.ts';

/** How much real-world mess the providers add. */
export interface Knobs {
  /** Probability that a provider sends a callback twice (the same request). */
  retry: number;
  /** Probability that a receipt arrives one to three minutes after the status it reports. */
  late: number;
  /** Probability that the sender reports its send seconds late, after the provider's first receipts. */
  reorder: number;
  /** Mint a tracked link for every message with a link (true), or only for those that get clicked. */
  mintAll: boolean;
}

export interface SendContext {
  rng: Rng;
  audience: Audience;
  knobs: Knobs;
  schedule(action: Action): void;
  /** A fresh handle for a tracked link. */
  nextRef(): string;
  /** Counts a plan's delivered messages (spikes pick every n-th). */
  countDelivered(planId: string): number;
  /** Addresses the plan has posted a `held_out` for (holdouts: once per person). */
  heldOut?: Set<string>;
  /** Pool addresses in the tenant's global control group (global-control.ts). */
  globalControl?: ReadonlySet<string> | undefined;
}

/** One message of a campaign, as the sender decided it. */
export interface Message {
  plan: CampaignPlan;
  channel: Channel;
  person: Person;
  messageId: string;
  sender: string;
  segment: Segment;
  variant: Variant;
  sentAt: number;
}

export function pickSegment(rng: Rng, plan: CampaignPlan): Segment {
  return rng.weighted(plan.segments.map((s) => [s, s.share] as const));
}

export function newMessage(
  ctx: SendContext,
  plan: CampaignPlan,
  at: number,
  messageId: string | ((p: Person) => string),
  listPerson?: Person,
): Message | undefined {
  const channel = ROUTE_CHANNEL[plan.route];
  const person = listPerson ?? ctx.audience.draw(ctx.rng, plan.countries, channel, at);
  if (!person) return undefined;
  if (plan.holdout && isHeldOut(plan, person)) {
    holdOut(ctx, plan, person, channel, at, plan.holdout.organicConvert);
    return undefined;
  }
  if (!listPerson && ctx.globalControl?.has(person.address)) {
    holdOut(ctx, plan, person, channel, at, GLOBAL_CONTROL_ORGANIC_CONVERT);
    return undefined;
  }
  return {
    plan,
    channel,
    person,
    messageId: typeof messageId === 'string' ? messageId : messageId(person),
    sender: ctx.rng.pick(plan.senders),
    segment: pickSegment(ctx.rng, plan),
    variant: ctx.rng.pick(plan.variants),
    sentAt: at,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Whether the person is in the plan's holdout: a stable tenth (or so) of the audience. */
export function isHeldOut(plan: CampaignPlan, person: Person): boolean {
  return (
    plan.holdout !== undefined && hash32(`${plan.id}:${person.address}`) % 1000 < plan.holdout.share * 1000
  );
}

/** How often a global control member buys anyway, per campaign that held them out. */
const GLOBAL_CONTROL_ORGANIC_CONVERT = 0.01;

/**
 * Instead of a send: the sender's `held_out` (the first time only), and now and then (`organic`)
 * the purchase the person makes anyway, a few minutes later (attributed to the campaign's control
 * arm by the conversion rule).
 */
function holdOut(
  ctx: SendContext,
  plan: CampaignPlan,
  person: Person,
  channel: Channel,
  at: number,
  organic: number,
): void {
  const seen = (ctx.heldOut ??= new Set<string>());
  if (seen.has(person.address)) return;
  seen.add(person.address);
  const expect = (type: InboundEvent['type'], t: number): Expected => ({
    type,
    at: t,
    channel,
    campaignId: plan.id,
    recipient: person.address,
  });
  const base = { channel, recipientId: person.address };
  post(ctx, at, [
    {
      event: {
        eventId: `api:hold:${plan.id}:${person.address}`,
        type: 'held_out',
        occurredAt: iso(at),
        campaignId: plan.id,
        ...base,
      },
      expect: expect('held_out', at),
    },
  ]);
  if (!ctx.rng.chance(organic)) return;
  const t = at + ctx.rng.between(60_000, 240_000);
  const amount = Math.round(ctx.rng.between(1500, 9000)) / 100;
  post(ctx, t, [
    {
      event: {
        eventId: `api:organic:${plan.id}:${person.address}`,
        type: 'converted',
        occurredAt: iso(t),
        value: { amount, currency: plan.price?.currency ?? 'USD' },
        ...base,
      },
      expect: expect('converted', t),
    },
  ]);
}

/** A canonical event of the sender's API about `m`, and what ingest publishes for it. */
export function apiEvent(
  m: Message,
  type: InboundEvent['type'],
  at: number,
  extra: Partial<InboundEvent> = {},
  id = `${m.messageId}:${type}`,
): { event: InboundEvent; expect: Expected } {
  const event: InboundEvent = {
    eventId: `api:${id}`,
    type,
    occurredAt: iso(at),
    channel: m.channel,
    recipientId: m.person.address,
    ...extra,
  };
  return {
    event,
    expect: {
      type,
      at,
      channel: m.channel,
      campaignId: m.plan.id,
      recipient: m.person.address,
      messageId: event.messageId,
    },
  };
}

/** Schedules one POST /v1/events of `events` at `at` (the runner merges those due together). */
export function post(ctx: SendContext, at: number, items: { event: InboundEvent; expect: Expected }[]): void {
  ctx.schedule({ kind: 'events', at, events: items.map((i) => i.event), expect: items.map((i) => i.expect) });
}

/** The `sent` event the sender's backend posts when it hands a message to a provider. */
export function sentEvent(m: Message, price?: Money): { event: InboundEvent; expect: Expected } {
  return apiEvent(m, 'sent', m.sentAt, {
    campaignId: m.plan.id,
    messageId: m.messageId,
    segment: m.segment.name,
    variant: m.variant.name,
    sender: m.sender,
    ...(price ? { cost: price } : {}),
  });
}

/** When the sender posts its send: at once, or (knob `reorder`) after the first receipts. */
export function sendReportAt(ctx: SendContext, m: Message): number {
  return (
    m.sentAt + (ctx.rng.chance(ctx.knobs.reorder) ? ctx.rng.between(2500, 6000) : ctx.rng.between(0, 300))
  );
}

/** The campaign reference echoed by WhatsApp, Vonage and Infobip. */
export function campaignRef(m: Message): string {
  return new URLSearchParams({
    campaign: m.plan.id,
    segment: m.segment.name,
    variant: m.variant.name,
  }).toString();
}

/**
 * When a receipt happened and when it arrives: `lo`–`hi` ms after `from`, arriving at once — or
 * (knob `late`) arriving one to three minutes after it happened.
 */
export function receiptTimes(
  ctx: SendContext,
  from: number,
  lo: number,
  hi: number,
): { at: number; arrive: number } {
  const at = from + ctx.rng.between(lo, hi);
  return { at, arrive: ctx.rng.chance(ctx.knobs.late) ? at + ctx.rng.between(60_000, 180_000) : at };
}

/** The same action again a little later, as a provider's retry. */
export function maybeRetry(ctx: SendContext, action: Action): void {
  if (ctx.rng.chance(ctx.knobs.retry))
    ctx.schedule({ ...action, at: action.at + ctx.rng.between(800, 4000), retry: true });
}
