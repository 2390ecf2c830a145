/**
 * A recipient's state in its partition: its live messages (by id), its live recipient-level
 * events (replies, opt-outs, conversions, … without a message id), what retired events and
 * messages left behind (memberships and audience figures that must not be counted again), and
 * the subscription. Attribution (attribution.ts) is recomputed from it, so it moves when a later
 * reach, click or delivery arrives.
 */
import type { Channel, EventType } from '@tally/events';
import { idhOf, type Ev } from './event.ts';

/** A recipient-level event as kept: digest, type, time, channel and what attribution reads. */
export interface RecipientEv {
  /** The event's digest (event.ts `digest`): its identity for deduplication. */
  digest: string;
  /** The event type. */
  type: EventType;
  /** When it happened (epoch ms). */
  t: number;
  /** The channel it came on. */
  channel: Channel;
  /** The number the reply was addressed to (the sender rule). */
  sender?: string;
  /** An explicit campaign: no attribution needed. */
  campaign?: string;
  /** A conversion's value: (units, currency). */
  value?: [number, string];
  /** The event's cost: (units, currency). */
  cost?: [number, string];
  /** A survey answer's score. */
  score?: number;
  /** A bot click (preview, scanner, HEAD, prefetch): attributed like a click, counted apart. */
  bot?: 1;
}

/** Memberships of retired events (campaign ids; `so` sender ids) that must not count again. */
export interface Frozen {
  oo?: string[];
  un?: string[];
  fa?: string[];
  io?: string[];
  so?: string[];
  /**
   * Holdouts (holdout.ts): campaigns R was held out of by frozen holds (`ho`), or held out of and
   * messaged by (`hx`, a conflict); campaigns whose control arm R converted in (`hc`) by frozen
   * conversions, and their revenue (`hv`: campaign → currency → units).
   */
  ho?: string[];
  hx?: string[];
  hc?: string[];
  hv?: Record<string, Record<string, number>>;
}

/** Audience figures of retired messages and events (recipient_state, docs/api.md). */
export interface Audience {
  /** Messages received per channel and UTC day. */
  rd?: Record<string, Record<string, number>>;
  n?: number;
  le?: number;
  lrp?: number;
  /** Latest clicks / reaches per channel: [t, campaign, message]. */
  lc?: [number, string, string][];
  lr?: Record<string, [number, string, string][]>;
  cv?: Record<string, number>;
  cr?: Record<string, number>;
  /** Every conversion (attributed or not) and its revenue per currency; holds (global control). */
  ta?: number;
  tr?: Record<string, number>;
  ho?: number;
}

export interface RecipientRec {
  tn: string;
  r: string;
  ms: string[];
  ev: RecipientEv[];
  fz?: Frozen;
  sub?: [number, 'in' | 'out'];
  au?: Audience;
  /** Newest event time of anything of this recipient (record retention). */
  la: number;
}

export function newRecipient(tenant: string, recipient: string, t: number): RecipientRec {
  return { tn: tenant, r: recipient, ms: [], ev: [], la: t };
}

function subscription(rec: RecipientRec, e: Ev): void {
  if (e.type !== 'opted_out' && e.type !== 'opted_in') return;
  const next: [number, 'in' | 'out'] = [e.t, e.type === 'opted_in' ? 'in' : 'out'];
  const cur = rec.sub;
  // Latest wins; at the same instant an opt-out wins over an opt-in (the safer reading).
  if (!cur || e.t > cur[0] || (e.t === cur[0] && next[1] === 'out')) rec.sub = next;
}

/** Folds a recipient-level event in (mutates rec). False when it was already there. */
export function addRecipientEvent(rec: RecipientRec, e: Ev): boolean {
  rec.la = Math.max(rec.la, e.t);
  const before = rec.sub;
  subscription(rec, e);
  // An opt-in only changes the subscription; one that names a campaign is kept too, since naming a
  // campaign makes it the tenant's (docs/semantics.md §3, campaigns).
  if (e.type === 'opted_in' && e.campaign === undefined) return before !== rec.sub;
  if (rec.ev.some((x) => x.digest === idhOf(e))) return false;
  const x: RecipientEv = { digest: idhOf(e), type: e.type, t: e.t, channel: e.channel };
  if (e.sender) x.sender = e.sender;
  if (e.campaign) x.campaign = e.campaign;
  if (e.value) x.value = [e.value.u, e.value.cur];
  if (e.cost) x.cost = [e.cost.u, e.cost.cur];
  if (e.score !== undefined) x.score = e.score;
  if (e.bot) x.bot = 1;
  rec.ev.push(x);
  return true;
}

export function addMessageId(rec: RecipientRec, messageId: string, t: number): boolean {
  rec.la = Math.max(rec.la, t);
  if (rec.ms.includes(messageId)) return false;
  rec.ms.push(messageId);
  return true;
}
