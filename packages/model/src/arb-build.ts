/**
 * Turns a TenantPlan into canonical events shaped like what ingest publishes for each provider:
 * sends posted to /v1/events, Twilio/WhatsApp/Vonage/Infobip receipts (with or without the echoed
 * campaign, with or without the address), replies and STOPs, tracked clicks, conversions,
 * in-app and push events — then recipient-level events placed on and around window edges.
 */
import { FAILURE_CLASSES, type CanonicalEvent, type Channel, type EventType } from '@tally/events';
import { SPAN_MS } from './arb-plan.ts';
import type { HoldPlan, MessagePlan, MoneyPlan, RecipientEventPlan, TenantPlan } from './arb-plan.ts';
import type { ArrivedEvent } from './types.ts';

const MIN = 60_000;

const SENDERS: Readonly<Record<Channel, readonly string[]>> = {
  sms: ['+447700900001', '+447700900002', 'ACME'],
  whatsapp: ['+15550001111', '+15550002222', '+15550003333'],
  push: ['app.acme.ios', 'app.acme.android', 'web'],
  in_app: ['app.acme.ios', 'app.acme.android', 'web'],
};
const ERROR_CODES = ['30003', '30005', '1'];
const CARRIERS = ['23410', '22801', '310260'];
const ID_PREFIX = {
  twilio: 'SM',
  whatsapp: 'wamid.HBgM',
  vonage: 'vg-',
  infobip: 'ib',
  api: 'msg-',
} as const;

/** What later events anchor to: a message's recipient, channel, sender and its key times. */
export interface MessageInfo {
  id: string;
  /** The campaign its send names (a hold's campaign for a hold). */
  campaign: string;
  recipient: string;
  channel: Channel;
  sender: string | undefined;
  reachAt: number | undefined;
  deliveredAt: number | undefined;
  clickAt: number | undefined;
}

export class TenantBuilder {
  readonly events: ArrivedEvent[] = [];
  readonly messages: MessageInfo[] = [];
  private n = 0;
  readonly lo: number;

  constructor(
    readonly tenant: string,
    readonly plan: TenantPlan,
    readonly now: number,
  ) {
    this.lo = now - SPAN_MS;
  }

  clamp(t: number): number {
    return Math.max(this.lo, Math.min(this.now, Math.round(t)));
  }

  campaign(n: number): string {
    return `c${(n % this.plan.campaigns) + 1}`;
  }

  recipient(n: number): string {
    return `r${(n % this.plan.recipients) + 1}`;
  }

  /** An event at t; arrivalMs is filled in later (arrivals()). */
  add(type: EventType, t: number, channel: Channel, fields: Partial<CanonicalEvent>): ArrivedEvent {
    this.n += 1;
    const e: ArrivedEvent = {
      eventId: `ev${String(this.n).padStart(4, '0')}`,
      tenantId: this.tenant,
      type,
      occurredAt: new Date(t).toISOString(),
      channel,
      ...fields,
      arrivalMs: t,
    };
    this.events.push(e);
    return e;
  }
}

const money = (m: MoneyPlan | null) =>
  m === null ? {} : { cost: { amount: m.amount, currency: m.currency } };
const opt = <K extends string, V>(k: K, v: V | null | undefined): Partial<Record<K, V>> =>
  v === null || v === undefined ? {} : ({ [k]: v } as Record<K, V>);

function senderOf(p: MessagePlan): string | undefined {
  return p.sender === null ? undefined : SENDERS[p.channel][p.sender];
}

function receipts(b: TenantBuilder, p: MessagePlan, id: string, t0: number): void {
  const base = {
    messageId: id,
    provider: p.provider,
    ...opt('campaignId', p.echo ? b.campaign(p.campaign) : null),
    ...opt('recipientId', p.receiptRecipient ? b.recipient(p.recipient) : null),
    // Twilio `From`, Vonage DLR `to`, Infobip `from`, WhatsApp `display_phone_number`
    ...opt('sender', p.senderOn === 'send' ? null : senderOf(p)),
  };
  const t1 = b.clamp(t0 + p.gapsMs[0]);
  const t2 = b.clamp(t1 + p.gapsMs[1]);
  // Vonage and Infobip receipts name the carrier (MCC-MNC): one of a few, so breakdowns group.
  const final = {
    ...base,
    ...money(p.price),
    ...opt('carrier', p.carrier === null ? null : CARRIERS[p.carrier]),
  };
  const failed = {
    ...final,
    ...opt('errorCode', p.errorCode === null ? null : ERROR_CODES[p.errorCode]),
    ...opt('failureClass', p.failureClass === null ? null : FAILURE_CLASSES[p.failureClass]),
    ...opt('permanent', p.failureClass === null ? null : p.failureClass % 2 === 0),
  };
  const steps: Record<MessagePlan['outcome'], [EventType, number, Partial<CanonicalEvent>][]> = {
    none: [],
    delivered: [['delivered', t1, final]],
    failed: [['failed', t1, failed]],
    failedThenDelivered: [
      ['failed', t1, failed],
      ['delivered', t2, final],
    ],
    read: [['opened', t1, base]],
    deliveredRead: [
      ['delivered', t1, final],
      ['opened', t2, base],
    ],
  };
  for (const [type, t, fields] of steps[p.outcome]) b.add(type, t, p.channel, fields);
}

function ownEvents(b: TenantBuilder, p: MessagePlan, i: number, id: string, t0: number): void {
  const recipientId = b.recipient(p.recipient);
  const sender = senderOf(p);
  const firstReceipt = p.outcome === 'none' ? undefined : b.clamp(t0 + p.gapsMs[0]);
  for (const [k, c] of p.clicks.entries()) {
    const near = c.nearMs !== null && firstReceipt !== undefined ? firstReceipt + c.nearMs : undefined;
    b.add('clicked', b.clamp(near ?? t0 + c.afterMs), p.channel, {
      messageId: id,
      recipientId,
      url: `https://acme.example/p/${i}/${k}`,
      ...opt('campaignId', p.echo ? b.campaign(p.campaign) : null),
      ...(c.bot ? { clickClass: 'bot' as const } : k === 0 ? { clickClass: 'human' as const } : {}),
    });
  }
  for (const dt of p.contextRepliesMs) {
    b.add('replied', b.clamp(t0 + dt), p.channel, { messageId: id, recipientId, ...opt('sender', sender) });
  }
  const x = p.extra;
  if (x === null) return;
  b.add(x.type, b.clamp(t0 + x.afterMs), p.channel, {
    messageId: id,
    recipientId,
    // a STOP answering the message is addressed to the number it came from, when that is known
    ...(x.type === 'opted_out' ? opt('sender', sender) : {}),
    ...(x.type === 'survey_answered' ? { score: x.score } : {}),
    ...(x.type === 'converted' && x.value !== null ? { value: { ...x.value } } : {}),
    ...(x.type === 'feature_adopted' ? { feature: 'dark-mode' } : {}),
  });
}

function minT(events: readonly ArrivedEvent[], types: readonly EventType[]): number | undefined {
  const ts = events.filter((e) => types.includes(e.type)).map((e) => Date.parse(e.occurredAt));
  return ts.length === 0 ? undefined : Math.min(...ts);
}

export function buildMessage(b: TenantBuilder, p: MessagePlan, i: number): void {
  const id = `${ID_PREFIX[p.provider]}${String(i + 1).padStart(3, '0')}`;
  const t0 = b.lo + p.offsetMs;
  const sender = senderOf(p);
  const from = b.events.length;
  if (p.hasSend) {
    b.add('sent', t0, p.channel, {
      messageId: id,
      campaignId: b.campaign(p.campaign),
      recipientId: b.recipient(p.recipient),
      provider: p.provider,
      ...opt('segment', p.segment),
      ...opt('variant', p.variant),
      ...opt('sender', p.senderOn === 'receipts' ? null : sender),
      ...opt('country', p.country),
      ...money(p.sendCost),
    });
  }
  receipts(b, p, id, t0);
  ownEvents(b, p, i, id, t0);
  const own = b.events.slice(from);
  b.messages.push({
    id,
    campaign: b.campaign(p.campaign),
    recipient: b.recipient(p.recipient),
    channel: p.channel,
    sender,
    reachAt:
      minT(own, ['sent']) ?? minT(own, ['delivered', 'failed', 'opened', 'clicked', 'replied', 'converted']),
    deliveredAt: minT(own, ['delivered', 'opened']),
    clickAt: minT(
      own.filter((e) => e.clickClass !== 'bot'),
      ['clicked'],
    ),
  });
}

/**
 * A held_out (posted to /v1/events: no message, no money). Anchored ones collide: with a message of
 * the same campaign to the same recipient around the conflict window's edge, or with another
 * campaign's delivery. The hold then anchors conversions like a delivery does.
 */
export function buildHold(b: TenantBuilder, p: HoldPlan): void {
  const m = b.messages.length === 0 ? undefined : b.messages[p.anchor % b.messages.length];
  const w = b.plan.windows;
  const maxW = Math.max(w.replyMs, w.clickMs, w.deliveredMs);
  let campaign = b.campaign(p.campaign);
  let recipient = b.recipient(p.recipient);
  let t = b.lo + p.freeOffsetMs;
  if (m !== undefined && p.mode !== 'free' && m.reachAt !== undefined) {
    recipient = m.recipient;
    if (p.mode === 'sameCampaign') {
      campaign = m.campaign;
      const gap = { near: Math.min(Math.abs(p.offsetMs), maxW), edge: maxW, beyond: maxW + 1 }[p.edge];
      t = m.reachAt + (p.before ? -gap : gap);
    } else {
      if (campaign === m.campaign) campaign = b.campaign(p.campaign + 1);
      t = (m.deliveredAt ?? m.reachAt) + p.offsetMs;
    }
  }
  if (t < b.lo || t > b.now) t = b.clamp(t);
  b.add('held_out', t, p.channel, { campaignId: campaign, recipientId: recipient, provider: 'api' });
  b.messages.push({
    id: '',
    campaign,
    recipient,
    channel: p.channel,
    sender: undefined,
    reachAt: undefined,
    deliveredAt: t,
    clickAt: undefined,
  });
}

/** Base time and window of an anchored recipient-level event, or undefined (placed freely). */
function anchorOf(b: TenantBuilder, p: RecipientEventPlan, m: MessageInfo): [number, number] | undefined {
  const w = b.plan.windows;
  if (p.type === 'converted') {
    if (m.clickAt !== undefined) return [m.clickAt, w.clickMs];
    return m.deliveredAt === undefined ? undefined : [m.deliveredAt, w.deliveredMs];
  }
  return m.reachAt === undefined ? undefined : [m.reachAt, w.replyMs];
}

function timeOf(b: TenantBuilder, p: RecipientEventPlan, m: MessageInfo | undefined): number | undefined {
  const a = m === undefined || p.edge === 'free' ? undefined : anchorOf(b, p, m);
  if (a === undefined) return undefined;
  const [base, w] = a;
  const offsets = {
    inside: Math.min(p.insideMs, w),
    justIn: w - MIN,
    atEdge: w,
    justOut: w + 1,
    beforeReach: -1,
  };
  const t = base + offsets[p.edge as keyof typeof offsets];
  return t >= b.lo && t <= b.now ? t : undefined;
}

export function buildRecipientEvent(b: TenantBuilder, p: RecipientEventPlan): void {
  const m = b.messages[p.anchor % Math.max(1, b.messages.length)];
  const anchored = timeOf(b, p, m);
  const t = anchored ?? b.lo + p.freeOffsetMs;
  const channel = anchored !== undefined && m !== undefined && p.channelFromAnchor ? m.channel : p.channel;
  const recipient =
    p.recipient === null ? undefined : anchored !== undefined && m ? m.recipient : b.recipient(p.recipient);
  const senders = SENDERS[channel];
  const anchorSender = m?.sender;
  const sender =
    p.senderMode === 'anchor'
      ? anchorSender
      : p.senderMode === 'other'
        ? senders.find((s) => s !== anchorSender)
        : undefined;
  b.add(p.type, t, channel, {
    ...opt('recipientId', recipient),
    ...opt('sender', sender),
    ...opt('campaignId', p.campaign === null ? null : b.campaign(p.campaign)),
    ...(p.type === 'survey_answered' ? { score: p.score } : {}),
    ...(p.type === 'converted' && p.value !== null ? { value: { ...p.value } } : {}),
    ...(p.type === 'feature_adopted' ? { feature: 'sync' } : {}),
    ...(p.type === 'clicked' ? { url: 'https://acme.example/offer' } : {}),
    ...(p.type === 'clicked' && p.bot ? { clickClass: 'bot' as const } : {}),
  });
}
