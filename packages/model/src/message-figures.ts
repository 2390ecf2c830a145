/**
 * Semantics §3 and §6 for one message: its bits (own ∪ attached), the first-occurrence time of
 * each status it counts in, its response time and its WhatsApp engagement.
 */
import type { EventType } from '@tally/events';
import { bucketOf } from '@tally/kpi';
import { earliest } from './accept.ts';
import type { Ev } from './accept.ts';
import { eventBits, isBotClick, isHumanClick } from './messages.ts';
import type { Bit, Message } from './messages.ts';
import { ENGAGEMENT_WINDOW_MS } from './types.ts';
import type { StatusName } from './types.ts';

/**
 * What an attached event adds to its message (semantics §2): replies R D S, a person's clicks
 * C D S, conversions V S; a bot click nothing.
 */
const ATTACHED_BITS: Partial<Record<EventType, readonly Bit[]>> = {
  replied: ['R', 'D', 'S'],
  clicked: ['C', 'D', 'S'],
  converted: ['V', 'S'],
};

function attachedBits(e: Ev): readonly Bit[] {
  return isBotClick(e) ? [] : (ATTACHED_BITS[e.type] ?? []);
}

export interface MessageView {
  message: Message;
  /** Recipient-level events attributed to it, earliest first. */
  attached: Ev[];
}

export function bitsOf(v: MessageView): Set<Bit> {
  const bits = new Set(v.message.ownBits);
  for (const e of v.attached) for (const b of attachedBits(e)) bits.add(b);
  return bits;
}

function minOfTypes(events: readonly Ev[], types: readonly EventType[]): number | undefined {
  return earliest(events.filter((e) => types.includes(e.type)))?.t;
}

function impliesDelivery(e: Ev, attached: boolean): boolean {
  return (attached ? attachedBits(e) : eventBits(e)).includes('D');
}

/** Status → first-occurrence time, for every status the message counts in (semantics §3 table). */
export function statusTimes(v: MessageView): Map<StatusName, number> {
  const m = v.message;
  const bits = bitsOf(v);
  const both = [...m.own, ...v.attached];
  const out = new Map<StatusName, number>();
  const put = (name: StatusName, t: number | undefined): void => {
    if (t !== undefined) out.set(name, t);
  };
  if (bits.has('S')) put('sent', m.sendAt ?? m.firstStatusAt ?? earliest(v.attached)?.t);
  if (bits.has('D')) {
    const implying = [
      ...m.own.filter((e) => impliesDelivery(e, false)),
      ...v.attached.filter((e) => impliesDelivery(e, true)),
    ];
    put('delivered', m.deliveredAt ?? earliest(implying)?.t);
  }
  if (bits.has('F') && !bits.has('D')) put('failed', m.failedAt);
  if (bits.has('O')) put('opened', minOfTypes(m.own, ['opened']));
  if (bits.has('C')) put('clicked', earliest(both.filter(isHumanClick))?.t);
  if (bits.has('R')) put('replied', minOfTypes(both, ['replied']));
  if (bits.has('V')) put('converted', minOfTypes(both, ['converted']));
  return out;
}

/** How close to its message's delivery a person's click must be to count in `clicksWithin10s`. */
export const NEAR_DELIVERY_MS = 10_000;

/**
 * A person's click counted through message `m` came within 10 s of its delivery (semantics §3):
 * the message has a delivery time and the click is at most 10 s before or after it.
 */
export function nearDelivery(e: Ev, m: Message): boolean {
  return isHumanClick(e) && m.deliveredAt !== undefined && Math.abs(e.t - m.deliveredAt) <= NEAR_DELIVERY_MS;
}

/** The response-time bucket of a replied message, or undefined (semantics §6). */
export function responseBucket(v: MessageView): number | undefined {
  const m = v.message;
  const firstReply = minOfTypes([...m.own, ...v.attached], ['replied']);
  const base = m.deliveredAt ?? m.sendAt ?? m.firstStatusAt;
  if (firstReply === undefined || base === undefined) return undefined;
  return bucketOf(Math.max(0, firstReply - base));
}

/** engSum contribution (last − first inbound) of a WhatsApp message, or undefined without inbound. */
// DECISION: engagement is per message of the campaign (semantics §6), the 24 h window is fixed
// (not a tenant setting) and both of its ends are inclusive, like every window of §2.
export function engagementOf(v: MessageView): number | undefined {
  const m = v.message;
  if (m.channel !== 'whatsapp') return undefined;
  const start = m.reachAt ?? m.sendAt ?? m.firstStatusAt;
  if (start === undefined) return undefined;
  const inbound = [...m.own, ...v.attached].filter(
    (e) =>
      e.type === 'replied' && e.channel === 'whatsapp' && start <= e.t && e.t <= start + ENGAGEMENT_WINDOW_MS,
  );
  if (inbound.length === 0) return undefined;
  const ts = inbound.map((e) => e.t);
  return Math.max(...ts) - Math.min(...ts);
}
