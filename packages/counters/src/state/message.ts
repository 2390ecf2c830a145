/**
 * A message's state: a summary of its own events that is the same whatever order they were
 * applied in (docs/semantics.md §1). Every field is a join: bits OR, times min (or max), choices
 * "earliest by (t, value)", per-event effects a set keyed by event digest. `mergeOwnEvent` folds
 * one event in; `viewOf` derives what attribution and counting read.
 */
import type { Channel, EventType } from '@tally/events';
import { BIT, ownBitsOf, reachable } from './bits.ts';
import { idhOf, type Ev } from './event.ts';

/** (t, value) pairs: the earliest wins, ties by value. */
export type Stamped<T extends string | number = string> = [number, T];

/**
 * A message's state, in memory. Storage spells it compactly (partition/codec.ts, the only place
 * that knows that spelling); here every field says what it is. Times are epoch milliseconds.
 */
export interface MessageRec {
  /** The tenant the message belongs to. */
  tenant: string;
  /** The message's id (unique within its tenant). */
  messageId: string;
  /** The recipient, as named by the earliest own event naming one: (t, recipient id). */
  recipient?: Stamped;
  /** The campaign: min (rank, t, campaign id) with rank 0 for `sent`, 1 for any other event naming one. */
  campaign?: [number, number, string];
  /** The channel of the earliest own event: (t, channel). Its t is the message's first event time. */
  channel: Stamped<Channel>;
  /** Status bits of its own events (bits.ts), OR-ed. */
  ownBits: number;
  /** Earliest `sent`. */
  sendAt?: number;
  /** Earliest own event that sets a status bit (a send, a receipt, an open, …). */
  firstStatusAt?: number;
  /** Earliest `delivered` or `opened` (an open proves delivery). */
  deliveredAt?: number;
  /** Earliest `failed`. */
  failedAt?: number;
  /** Earliest `opened`. */
  openedAt?: number;
  /** Earliest failure: (t, error code or 'none'). */
  errorCode?: Stamped;
  /**
   * Earliest failure: (t, "errorCode\0failureClass\0permanent 1|0"), chosen like `errorCode` (the
   * code first), so both name the same failure.
   */
  failure?: Stamped;
  /** Earliest own event naming a carrier (MCC-MNC): (t, carrier). */
  carrier?: Stamped;
  /** Earliest own event naming a provider: (t, provider). */
  provider?: Stamped;
  /** Earliest own event naming the recipient's country (ingest derives it from the address). */
  country?: Stamped;
  /** Earliest own event (of any type) naming a sender: (t, sender). */
  sender?: Stamped;
  /** Earliest `sent`: (t, "segment\0variant\0sender\0country"). */
  sendTuple?: Stamped;
  /** Latest (t, units, currency) of own events with a cost. */
  cost?: [number, number, string];
  /** Newest own event time (retention). */
  newestAt: number;
  /** Own clicks of people: (event digest, t). */
  clicks?: [string, number][];
  /** Own bot clicks (previews, scanners, HEAD, prefetch): counted apart, no status bits. */
  botClicks?: [string, number][];
  /** Own replies: their times, ascending. */
  replies?: number[];
  /** Own conversions: (event digest, t, value units, currency). */
  conversions?: [string, number, number, string][];
  /** Own survey answers: (event digest, t, score). */
  surveys?: [string, number, number][];
  /** Own recipient-set events (opt-out, uninstall, feature adoption): (event digest, type, t). */
  setEvents?: [string, SetType, number][];
  /** Left by retired recipient-level events attributed to it (retire.ts): their attached bits. */
  frozenBits?: number;
  /** Left by retired replies attributed to it: their times, ascending. */
  frozenReplies?: number[];
  /** Left by retired clicks of people attributed to it: the earliest one's time. */
  frozenFirstClickAt?: number;
  /** Left by retired conversions attributed to it: the earliest one's time. */
  frozenFirstConversionAt?: number;
  /** Left by a retired opt-out attributed to it (the experiment figures, count-experiment.ts). */
  frozenOptOut?: 1;
  /** Left by retired conversions attributed to it: revenue units by currency. */
  frozenRevenue?: [string, number][];
}

export type SetType = 'opted_out' | 'uninstalled' | 'feature_adopted';
export const SET_TYPES: readonly SetType[] = ['opted_out', 'uninstalled', 'feature_adopted'];
export function isSetType(t: EventType): t is SetType {
  return (SET_TYPES as readonly string[]).includes(t);
}

const SEP = '\u0000';

export function newMessage(e: Ev): MessageRec {
  return {
    tenant: e.tenant,
    messageId: e.message ?? '',
    channel: [e.t, e.channel],
    ownBits: 0,
    newestAt: e.t,
  };
}

function earlier<T extends string | number>(cur: Stamped<T> | undefined, t: number, v: T): boolean {
  return !cur || t < cur[0] || (t === cur[0] && v < cur[1]);
}

function addEffect<T extends [string, ...unknown[]]>(list: T[] | undefined, item: T): T[] | undefined {
  if (list?.some((x) => x[0] === item[0])) return undefined;
  return [...(list ?? []), item];
}

type TimeKey = 'firstStatusAt' | 'sendAt' | 'deliveredAt' | 'openedAt' | 'failedAt';

/** Lowers a time field to t; true when it moved. */
function lower(rec: MessageRec, k: TimeKey, t: number): boolean {
  const cur = rec[k];
  if (cur !== undefined && t >= cur) return false;
  rec[k] = t;
  return true;
}

/** Folds one own event into the message (mutates rec). Returns false when it changed nothing. */
export function mergeOwnEvent(rec: MessageRec, e: Ev): boolean {
  // Written without closures: this runs once per applied event.
  let changed = false;
  const bits = ownBitsOf(e.type, e.bot);
  if ((rec.ownBits | bits) !== rec.ownBits) {
    rec.ownBits |= bits;
    changed = true;
  }
  if (e.t > rec.newestAt) {
    rec.newestAt = e.t;
    changed = true;
  }
  if (earlier(rec.channel, e.t, e.channel)) {
    rec.channel = [e.t, e.channel];
    changed = true;
  }
  if (e.recipient && earlier(rec.recipient, e.t, e.recipient)) {
    rec.recipient = [e.t, e.recipient];
    changed = true;
  }
  if (e.campaign) {
    const rank = e.type === 'sent' ? 0 : 1;
    const c = rec.campaign;
    if (!c || rank < c[0] || (rank === c[0] && (e.t < c[1] || (e.t === c[1] && e.campaign < c[2])))) {
      rec.campaign = [rank, e.t, e.campaign];
      changed = true;
    }
  }
  if (bits && lower(rec, 'firstStatusAt', e.t)) changed = true;
  // The sender: named by the earliest own event that names one, whatever its type (a receipt
  // names it as well as the send does).
  if (e.sender && earlier(rec.sender, e.t, e.sender)) {
    rec.sender = [e.t, e.sender];
    changed = true;
  }
  if (e.type === 'sent') {
    if (lower(rec, 'sendAt', e.t)) changed = true;
    const tuple = `${e.segment ?? ''}${SEP}${e.variant ?? ''}${SEP}${e.sender ?? ''}${SEP}${e.country ?? ''}`;
    if (earlier(rec.sendTuple, e.t, tuple)) {
      rec.sendTuple = [e.t, tuple];
      changed = true;
    }
  }
  if ((e.type === 'delivered' || e.type === 'opened') && lower(rec, 'deliveredAt', e.t)) changed = true;
  if (e.type === 'opened' && lower(rec, 'openedAt', e.t)) changed = true;
  if (e.type === 'failed') {
    if (lower(rec, 'failedAt', e.t)) changed = true;
    if (earlier(rec.errorCode, e.t, e.errorCode ?? 'none')) {
      rec.errorCode = [e.t, e.errorCode ?? 'none'];
      changed = true;
    }
    const failure = `${e.errorCode ?? 'none'}${SEP}${e.failureClass ?? 'other'}${SEP}${e.permanent ? 1 : 0}`;
    if (earlier(rec.failure, e.t, failure)) {
      rec.failure = [e.t, failure];
      changed = true;
    }
  }
  if (e.carrier && earlier(rec.carrier, e.t, e.carrier)) {
    rec.carrier = [e.t, e.carrier];
    changed = true;
  }
  if (e.provider && earlier(rec.provider, e.t, e.provider)) {
    rec.provider = [e.t, e.provider];
    changed = true;
  }
  if (e.country && earlier(rec.country, e.t, e.country)) {
    rec.country = [e.t, e.country];
    changed = true;
  }
  if (e.cost) {
    const c = rec.cost;
    if (!c || e.t > c[0] || (e.t === c[0] && (e.cost.u > c[1] || (e.cost.u === c[1] && e.cost.cur > c[2])))) {
      rec.cost = [e.t, e.cost.u, e.cost.cur];
      changed = true;
    }
  }
  return mergeEffects(rec, e) || changed;
}

/** Per-event effects, a set by event digest. True when the event was new to it. */
function mergeEffects(rec: MessageRec, e: Ev): boolean {
  if (e.type === 'clicked' && e.bot) {
    const next = addEffect(rec.botClicks, [idhOf(e), e.t]);
    if (next) rec.botClicks = next;
    return next !== undefined;
  }
  if (e.type === 'clicked') {
    const next = addEffect(rec.clicks, [idhOf(e), e.t]);
    if (next) rec.clicks = next;
    return next !== undefined;
  }
  if (e.type === 'replied') {
    if (rec.replies?.includes(e.t)) return false;
    rec.replies = [...(rec.replies ?? []), e.t].sort((a, b) => a - b);
    return true;
  }
  if (e.type === 'converted') {
    const next = addEffect(rec.conversions, [idhOf(e), e.t, e.value?.u ?? 0, e.value?.cur ?? '']);
    if (next) rec.conversions = next;
    return next !== undefined;
  }
  if (e.type === 'survey_answered' && e.score !== undefined) {
    const next = addEffect(rec.surveys, [idhOf(e), e.t, e.score]);
    if (next) rec.surveys = next;
    return next !== undefined;
  }
  if (isSetType(e.type)) {
    const next = addEffect(rec.setEvents, [idhOf(e), e.type, e.t]);
    if (next) rec.setEvents = next;
    return next !== undefined;
  }
  return false;
}

/** What attribution and counting read of a message (docs/semantics.md §1). */
export interface MessageView {
  rec: MessageRec;
  campaign: string | undefined;
  recipient: string | undefined;
  channel: Channel;
  sender: string | undefined;
  sendAt: number | undefined;
  firstStatusAt: number | undefined;
  deliveredAt: number | undefined;
  /** Set when the message reaches its recipient (a candidate for replies and opt-outs). */
  reachAt: number | undefined;
  /** reachAt, else sendAt/firstStatusAt: the start of the WhatsApp engagement window. */
  refAt: number | undefined;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * The send tuple key "channel\0segment\0variant\0sender\0country\0hour\0dow", from the earliest
 * send, with the message's sender (which a receipt may name when the send did not) in place of
 * the send's (computed only where it is counted: building it is most of what a view would cost).
 */
export function tupleKey(channel: Channel, tp: Stamped, sender: string | undefined): string {
  const hour = Math.floor(tp[0] / HOUR) % 24;
  const dow = (Math.floor(tp[0] / DAY) + 4) % 7;
  const [segment = '', variant = '', , country = ''] = tp[1].split(SEP);
  return [channel, segment, variant, sender ?? '', country, String(hour), String(dow)].join(SEP);
}

export function viewOf(rec: MessageRec): MessageView {
  const campaign = rec.campaign?.[2];
  const recipient = rec.recipient?.[1];
  const start = rec.sendAt ?? rec.firstStatusAt;
  const reach = campaign !== undefined && recipient !== undefined && reachable(rec.ownBits);
  return {
    rec,
    campaign,
    recipient,
    channel: rec.channel[1],
    sender: rec.sender?.[1],
    sendAt: rec.sendAt,
    firstStatusAt: rec.firstStatusAt,
    deliveredAt: rec.deliveredAt,
    reachAt: reach ? start : undefined,
    refAt: start,
  };
}

export const DELIVERY_BITS = BIT.delivered;
