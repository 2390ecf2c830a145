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

export interface MessageRec {
  tn: string;
  m: string;
  /** Earliest (t, recipient). */
  r?: Stamped;
  /** Campaign: min (rank, t, id) with rank 0 for `sent`, 1 for any other event naming one. */
  c?: [number, number, string];
  /** Earliest (t, channel). */
  ch: Stamped<Channel>;
  /** Own status bits. */
  b: number;
  ts?: number;
  tf?: number;
  td?: number;
  tfl?: number;
  to?: number;
  /** Earliest failed (t, errorCode or 'none'). */
  ec?: Stamped;
  /**
   * Earliest failed (t, "errorCode\0failureClass\0permanent 1|0"): chosen like `ec` (the code
   * first), so both name the same failure.
   */
  fc?: Stamped;
  /** Earliest own event naming a carrier (MCC-MNC) / a provider. */
  cr?: Stamped;
  pv?: Stamped;
  /** Earliest own event naming the recipient's country (ingest derives it from the address). */
  cy?: Stamped;
  /** Earliest own event (of any type) naming a sender. */
  sn?: Stamped;
  /** Earliest `sent`: (t, "segment\0variant\0sender\0country"). */
  tp?: Stamped;
  /** Latest (t, units, currency) of own events with a cost. */
  cost?: [number, number, string];
  /** Newest own event time (retention). */
  nw: number;
  /** Own clicks of people, replies (times), conversions, surveys, recipient-set events. */
  clk?: [string, number][];
  /** Own bot clicks (previews, scanners, HEAD, prefetch): counted apart, no status bits. */
  bk?: [string, number][];
  rpl?: number[];
  cnv?: [string, number, number, string][];
  srv?: [string, number, number][];
  set?: [string, SetType, number][];
  /** Frozen attachments of retired recipient-level events: bits, reply times, first click/conversion. */
  ab?: number;
  ar?: number[];
  ac?: number;
  av?: number;
  /** Frozen attachments for the experiment figures (count-experiment.ts): an opt-out, revenue by currency. */
  ao?: 1;
  avu?: [string, number][];
}

export type SetType = 'opted_out' | 'uninstalled' | 'feature_adopted';
export const SET_TYPES: readonly SetType[] = ['opted_out', 'uninstalled', 'feature_adopted'];
export function isSetType(t: EventType): t is SetType {
  return (SET_TYPES as readonly string[]).includes(t);
}

const SEP = '\u0000';

export function newMessage(e: Ev): MessageRec {
  return { tn: e.tenant, m: e.message ?? '', ch: [e.t, e.channel], b: 0, nw: e.t };
}

function earlier<T extends string | number>(cur: Stamped<T> | undefined, t: number, v: T): boolean {
  return !cur || t < cur[0] || (t === cur[0] && v < cur[1]);
}

function addEffect<T extends [string, ...unknown[]]>(list: T[] | undefined, item: T): T[] | undefined {
  if (list?.some((x) => x[0] === item[0])) return undefined;
  return [...(list ?? []), item];
}

type TimeKey = 'tf' | 'ts' | 'td' | 'to' | 'tfl';

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
  if ((rec.b | bits) !== rec.b) {
    rec.b |= bits;
    changed = true;
  }
  if (e.t > rec.nw) {
    rec.nw = e.t;
    changed = true;
  }
  if (earlier(rec.ch, e.t, e.channel)) {
    rec.ch = [e.t, e.channel];
    changed = true;
  }
  if (e.recipient && earlier(rec.r, e.t, e.recipient)) {
    rec.r = [e.t, e.recipient];
    changed = true;
  }
  if (e.campaign) {
    const rank = e.type === 'sent' ? 0 : 1;
    const c = rec.c;
    if (!c || rank < c[0] || (rank === c[0] && (e.t < c[1] || (e.t === c[1] && e.campaign < c[2])))) {
      rec.c = [rank, e.t, e.campaign];
      changed = true;
    }
  }
  if (bits && lower(rec, 'tf', e.t)) changed = true;
  // The sender: named by the earliest own event that names one, whatever its type (a receipt
  // names it as well as the send does).
  if (e.sender && earlier(rec.sn, e.t, e.sender)) {
    rec.sn = [e.t, e.sender];
    changed = true;
  }
  if (e.type === 'sent') {
    if (lower(rec, 'ts', e.t)) changed = true;
    const tuple = `${e.segment ?? ''}${SEP}${e.variant ?? ''}${SEP}${e.sender ?? ''}${SEP}${e.country ?? ''}`;
    if (earlier(rec.tp, e.t, tuple)) {
      rec.tp = [e.t, tuple];
      changed = true;
    }
  }
  if ((e.type === 'delivered' || e.type === 'opened') && lower(rec, 'td', e.t)) changed = true;
  if (e.type === 'opened' && lower(rec, 'to', e.t)) changed = true;
  if (e.type === 'failed') {
    if (lower(rec, 'tfl', e.t)) changed = true;
    if (earlier(rec.ec, e.t, e.errorCode ?? 'none')) {
      rec.ec = [e.t, e.errorCode ?? 'none'];
      changed = true;
    }
    const failure = `${e.errorCode ?? 'none'}${SEP}${e.failureClass ?? 'other'}${SEP}${e.permanent ? 1 : 0}`;
    if (earlier(rec.fc, e.t, failure)) {
      rec.fc = [e.t, failure];
      changed = true;
    }
  }
  if (e.carrier && earlier(rec.cr, e.t, e.carrier)) {
    rec.cr = [e.t, e.carrier];
    changed = true;
  }
  if (e.provider && earlier(rec.pv, e.t, e.provider)) {
    rec.pv = [e.t, e.provider];
    changed = true;
  }
  if (e.country && earlier(rec.cy, e.t, e.country)) {
    rec.cy = [e.t, e.country];
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
    const next = addEffect(rec.bk, [idhOf(e), e.t]);
    if (next) rec.bk = next;
    return next !== undefined;
  }
  if (e.type === 'clicked') {
    const next = addEffect(rec.clk, [idhOf(e), e.t]);
    if (next) rec.clk = next;
    return next !== undefined;
  }
  if (e.type === 'replied') {
    if (rec.rpl?.includes(e.t)) return false;
    rec.rpl = [...(rec.rpl ?? []), e.t].sort((a, b) => a - b);
    return true;
  }
  if (e.type === 'converted') {
    const next = addEffect(rec.cnv, [idhOf(e), e.t, e.value?.u ?? 0, e.value?.cur ?? '']);
    if (next) rec.cnv = next;
    return next !== undefined;
  }
  if (e.type === 'survey_answered' && e.score !== undefined) {
    const next = addEffect(rec.srv, [idhOf(e), e.t, e.score]);
    if (next) rec.srv = next;
    return next !== undefined;
  }
  if (isSetType(e.type)) {
    const next = addEffect(rec.set, [idhOf(e), e.type, e.t]);
    if (next) rec.set = next;
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
  const campaign = rec.c?.[2];
  const recipient = rec.r?.[1];
  const start = rec.ts ?? rec.tf;
  const reach = campaign !== undefined && recipient !== undefined && reachable(rec.b);
  return {
    rec,
    campaign,
    recipient,
    channel: rec.ch[1],
    sender: rec.sn?.[1],
    sendAt: rec.ts,
    firstStatusAt: rec.tf,
    deliveredAt: rec.td,
    reachAt: reach ? start : undefined,
    refAt: start,
  };
}

export const DELIVERY_BITS = BIT.delivered;
