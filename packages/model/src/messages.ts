/**
 * Semantics §1: a message is (tenantId, messageId); everything about it is read off its own
 * events — the accepted events naming that messageId — and nothing else.
 */
import type { Channel, EventType } from '@tally/events';
import { compareEvents, earliest } from './accept.ts';
import type { Ev } from './accept.ts';

export type Bit = 'S' | 'D' | 'F' | 'O' | 'C' | 'R' | 'V';

/** The status bits an event of each type contributes (semantics §1 table). */
export const TYPE_BITS: Readonly<Record<EventType, readonly Bit[]>> = {
  sent: ['S'],
  delivered: ['S', 'D'],
  failed: ['S', 'F'],
  opened: ['S', 'D', 'O'],
  clicked: ['S', 'D', 'C'],
  replied: ['S', 'D', 'R'],
  converted: ['S', 'V'],
  opted_out: [],
  opted_in: [],
  uninstalled: [],
  feature_adopted: [],
  survey_answered: [],
  held_out: [],
};

/** A person's click: a `clicked` event not classified `bot` (semantics §1). */
export function isHumanClick(e: Ev): boolean {
  return e.type === 'clicked' && e.clickClass !== 'bot';
}

/** A preview, scanner, `HEAD` or prefetch request to a tracked link (semantics §1). */
export function isBotClick(e: Ev): boolean {
  return e.type === 'clicked' && e.clickClass === 'bot';
}

/** The bits one own event contributes: its type's, none for a bot click. */
export function eventBits(e: Ev): readonly Bit[] {
  return isBotClick(e) ? [] : TYPE_BITS[e.type];
}

export interface Message {
  id: string;
  /** Own events, earliest first. */
  own: Ev[];
  ownBits: Set<Bit>;
  campaign: string | undefined;
  recipient: string | undefined;
  channel: Channel;
  sender: string | undefined;
  /** Send tuple of the earliest `sent`, or undefined without one. */
  tuple: string | undefined;
  sendAt: number | undefined;
  firstStatusAt: number | undefined;
  deliveredAt: number | undefined;
  failedAt: number | undefined;
  /** Error code of the earliest own `failed` (`none` when it has none); undefined without one. */
  errorCode: string | undefined;
  /** Class of the earliest own `failed` (chosen with its code, as the code is); undefined without one. */
  failureClass: string | undefined;
  /** MCC-MNC of the earliest own event naming a carrier. */
  carrier: string | undefined;
  /** Set iff the message reaches its recipient (semantics §1 reach). */
  reachAt: number | undefined;
  /** Largest t of its own events (state retention, §8). */
  newestT: number;
  /** The own event with a cost that wins (latest by t, then the larger amount, then currency). */
  costEvent: Ev | undefined;
}

function minT(events: readonly Ev[]): number | undefined {
  return earliest(events)?.t;
}

function ofType(events: readonly Ev[], ...types: EventType[]): Ev[] {
  return events.filter((e) => types.includes(e.type));
}

/** The send tuple of the earliest send, with the message's sender (semantics §1). */
export function tupleOf(send: Ev, sender: string | undefined): string {
  const d = new Date(send.t);
  return [
    send.channel,
    send.segment ?? '',
    send.variant ?? '',
    sender ?? '',
    send.country ?? '',
    String(d.getUTCHours()),
    String(d.getUTCDay()),
  ].join('\0');
}

/**
 * The earliest event by (t, value): ties between simultaneous events are broken by the value
 * being chosen, never by which event it came from (semantics, notation).
 */
function earliestBy(events: readonly Ev[], value: (e: Ev) => string): Ev | undefined {
  return [...events].sort((a, b) => a.t - b.t || (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0))[0];
}

function campaignOf(own: readonly Ev[]): string | undefined {
  const byId = (e: Ev) => e.campaignId ?? '';
  const fromSend = earliestBy(
    own.filter((e) => e.type === 'sent' && e.campaignId !== undefined),
    byId,
  );
  return (
    fromSend ??
    earliestBy(
      own.filter((e) => e.campaignId !== undefined),
      byId,
    )
  )?.campaignId;
}

const tuplePart = (e: Ev) => [e.segment ?? '', e.variant ?? '', e.sender ?? '', e.country ?? ''].join('\0');

/** The latest own event with a cost: by t, then the larger amount, then the currency. */
function costWinner(own: readonly Ev[]): Ev | undefined {
  return [...own.filter((e) => e.cost !== undefined)].sort(
    (a, b) =>
      a.t - b.t ||
      (a.cost?.amount ?? 0) - (b.cost?.amount ?? 0) ||
      ((a.cost?.currency ?? '') < (b.cost?.currency ?? '')
        ? -1
        : (a.cost?.currency ?? '') > (b.cost?.currency ?? '')
          ? 1
          : 0),
  )[own.filter((e) => e.cost !== undefined).length - 1];
}

function reachOf(m: Omit<Message, 'reachAt'>): number | undefined {
  if (m.campaign === undefined || m.recipient === undefined || !m.ownBits.has('S')) return undefined;
  if (m.ownBits.has('F') && !m.ownBits.has('D')) return undefined;
  return m.sendAt ?? m.firstStatusAt;
}

function buildMessage(id: string, events: readonly Ev[]): Message {
  const own = [...events].sort(compareEvents);
  const first = own[0];
  if (first === undefined) throw new Error(`message ${id} without events`);
  const sends = ofType(own, 'sent');
  const failures = ofType(own, 'failed');
  const firstFailure = earliestBy(failures, (e) => e.errorCode ?? 'none');
  // The aggregator picks the failure by (t, "code\0class\0permanent"): the same code, and among
  // failures of one time and code, the smallest class.
  const classed = earliestBy(
    failures,
    (e) => `${e.errorCode ?? 'none'}\u0000${e.failureClass ?? 'other'}\u0000${e.permanent ? 1 : 0}`,
  );
  const firstSend = earliestBy(sends, tuplePart);
  const sender = earliestBy(
    own.filter((e) => e.sender !== undefined),
    (e) => e.sender ?? '',
  )?.sender;
  const m: Omit<Message, 'reachAt'> = {
    id,
    own,
    ownBits: new Set(own.flatMap(eventBits)),
    campaign: campaignOf(own),
    recipient: earliestBy(
      own.filter((e) => e.recipientId !== undefined),
      (e) => e.recipientId ?? '',
    )?.recipientId,
    channel: (earliestBy(own, (e) => e.channel) ?? first).channel,
    sender,
    tuple: firstSend === undefined ? undefined : tupleOf(firstSend, sender),
    sendAt: minT(sends),
    firstStatusAt: minT(own.filter((e) => eventBits(e).length > 0)),
    deliveredAt: minT(ofType(own, 'delivered', 'opened')),
    failedAt: minT(failures),
    errorCode: firstFailure === undefined ? undefined : (firstFailure.errorCode ?? 'none'),
    failureClass: classed === undefined ? undefined : (classed.failureClass ?? 'other'),
    carrier: earliestBy(
      own.filter((e) => e.carrier !== undefined),
      (e) => e.carrier ?? '',
    )?.carrier,
    newestT: Math.max(...own.map((e) => e.t)),
    costEvent: costWinner(own),
  };
  return { ...m, reachAt: reachOf(m) };
}

/** Every message of a tenant's accepted events, by messageId. */
export function buildMessages(events: readonly Ev[]): Map<string, Message> {
  const byId = new Map<string, Ev[]>();
  for (const e of events) {
    if (e.messageId === undefined) continue;
    const list = byId.get(e.messageId) ?? [];
    list.push(e);
    byId.set(e.messageId, list);
  }
  return new Map([...byId].map(([id, list]) => [id, buildMessage(id, list)]));
}

/** Latest reach first is the winner: by reachAt, then messageId (larger = later). */
export function compareReaches(a: Message, b: Message): number {
  const ra = a.reachAt ?? -Infinity;
  const rb = b.reachAt ?? -Infinity;
  if (ra !== rb) return ra - rb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
