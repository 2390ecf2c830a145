/**
 * Semantics §1: a message is (tenantId, messageId); everything about it is read off its own
 * events — the accepted events naming that messageId — and nothing else.
 */
import type { Channel, EventType } from '@tally/events';
import { compareEvents, earliest, latest } from './accept.ts';
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
};

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
  /** Set iff the message reaches its recipient (semantics §1 reach). */
  reachAt: number | undefined;
  /** Largest t of its own events (state retention, §8). */
  newestT: number;
  /** The own event with a cost that wins (latest by t, then eventId). */
  costEvent: Ev | undefined;
}

function minT(events: readonly Ev[]): number | undefined {
  return earliest(events)?.t;
}

function ofType(events: readonly Ev[], ...types: EventType[]): Ev[] {
  return events.filter((e) => types.includes(e.type));
}

export function tupleOf(send: Ev): string {
  const d = new Date(send.t);
  return [
    send.channel,
    send.segment ?? '',
    send.variant ?? '',
    send.sender ?? '',
    send.country ?? '',
    String(d.getUTCHours()),
    String(d.getUTCDay()),
  ].join('\0');
}

function campaignOf(own: readonly Ev[]): string | undefined {
  const fromSend = earliest(own.filter((e) => e.type === 'sent' && e.campaignId !== undefined));
  return (fromSend ?? earliest(own.filter((e) => e.campaignId !== undefined)))?.campaignId;
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
  const firstFailure = failures[0];
  const m: Omit<Message, 'reachAt'> = {
    id,
    own,
    ownBits: new Set(own.flatMap((e) => TYPE_BITS[e.type])),
    campaign: campaignOf(own),
    recipient: own.find((e) => e.recipientId !== undefined)?.recipientId,
    channel: first.channel,
    sender: sends.find((e) => e.sender !== undefined)?.sender,
    tuple: sends[0] === undefined ? undefined : tupleOf(sends[0]),
    sendAt: minT(sends),
    firstStatusAt: minT(own.filter((e) => TYPE_BITS[e.type].length > 0)),
    deliveredAt: minT(ofType(own, 'delivered', 'opened')),
    failedAt: minT(failures),
    errorCode: firstFailure === undefined ? undefined : (firstFailure.errorCode ?? 'none'),
    newestT: Math.max(...own.map((e) => e.t)),
    costEvent: latest(own.filter((e) => e.cost !== undefined)),
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
