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

/**
 * Memberships that retired events and messages left behind, so they are not counted again: each a
 * list of campaign ids (sender ids for `optedOutOfSenders`).
 */
export interface Frozen {
  /** Campaigns the recipient opted out of. */
  optedOutOf?: string[];
  /** Campaigns the recipient uninstalled after. */
  uninstalledFrom?: string[];
  /** Campaigns the recipient adopted the feature in. */
  adoptedFeatureIn?: string[];
  /** Campaigns whose in-app message the recipient opened (an in-app opener). */
  inAppOpenedIn?: string[];
  /** Senders the recipient opted out of (the sender scope of alerts). */
  optedOutOfSenders?: string[];
  /** Campaigns the recipient was held out of by frozen holds (holdout.ts). */
  heldOutOf?: string[];
  /** Campaigns the recipient was held out of and messaged by: a conflict (holdout.ts). */
  heldOutConflicts?: string[];
  /** Campaigns whose control arm the recipient converted in, by frozen conversions. */
  controlConversionsIn?: string[];
  /** Their revenue: campaign → currency → units. */
  controlRevenue?: Record<string, Record<string, number>>;
}

/**
 * Audience figures of retired messages and events (the recipient_state row, audience.ts): the
 * live ones are added to them when the row is written.
 */
export interface Audience {
  /** Messages received per channel and UTC day number: channel → day → count. */
  receivedByDay?: Record<string, Record<string, number>>;
  /** Messages received in all. */
  received?: number;
  /** Latest engagement (an open, a person's click or a reply). */
  lastEngagedAt?: number;
  /** Latest reply. */
  lastReplyAt?: number;
  /** The three latest clicks: [t, campaign, message], newest first. */
  lastClicks?: [number, string, string][];
  /** The three latest reaches per channel: channel → [t, campaign, message], newest first. */
  lastReaches?: Record<string, [number, string, string][]>;
  /** Attributed conversions per channel. */
  conversions?: Record<string, number>;
  /** Attributed revenue units per "channel:currency". */
  revenue?: Record<string, number>;
  /** Every conversion, attributed or not (the global control group, /v1/value). */
  allConversions?: number;
  /** Their revenue units per currency. */
  allRevenue?: Record<string, number>;
  /** Holds of the recipient (held_out events). */
  holds?: number;
}

/** A recipient's state, in memory; partition/codec.ts alone knows its stored spelling. */
export interface RecipientRec {
  /** The tenant the recipient belongs to. */
  tenant: string;
  /** The recipient's id (unique within its tenant). */
  recipientId: string;
  /** Ids of its live messages (their records live in the same partition). */
  messageIds: string[];
  /** Its live recipient-level events (no message id). */
  events: RecipientEv[];
  /** What retired events and messages left of its memberships. */
  frozen?: Frozen;
  /** The latest opt-in or opt-out: (t, 'in' | 'out'). */
  subscription?: [number, 'in' | 'out'];
  /** What retired events and messages left of its audience figures. */
  audience?: Audience;
  /** Newest event time of anything of this recipient (record retention). */
  newestAt: number;
  /**
   * Whether the recipient has a recipient part (count-cluster.ts `hasRecipientPart`: events,
   * frozen memberships, a message's set events or in-app open), as of its last commit with all
   * its messages at hand. False lets a batch fold the recipient's events with only the messages
   * they name (partition/cache.ts); undefined (a record written before it was kept) means unknown.
   */
  recipientPart?: boolean;
  /**
   * The audience figures of its live messages, kept as they change (batch.ts), so a
   * recipient_state row of a recipient without recipient-level events needs no message read
   * (audience.ts `audienceRowFromLive`). Undefined: unknown (an old record, or a change that took
   * something away); the next row folded from every message sets it. Null: a message it lists
   * records another recipient, so its rows are always folded from every message.
   */
  live?: Audience | null;
  /**
   * No later than the newest event of any message it lists: the earliest event time that attached
   * one (addMessageId), or, after retirement saw them all, the earliest newest time of those left
   * (retire.ts). Undefined while it lists messages: unknown (a record written before it was kept).
   * It lets retirement pass over a recipient none of whose messages can be due without reading
   * them (partition/sweep.ts).
   */
  oldestAt?: number;
}

export function newRecipient(tenant: string, recipient: string, t: number): RecipientRec {
  return { tenant, recipientId: recipient, messageIds: [], events: [], newestAt: t, live: {} };
}

function subscription(rec: RecipientRec, e: Ev): void {
  if (e.type !== 'opted_out' && e.type !== 'opted_in') return;
  const next: [number, 'in' | 'out'] = [e.t, e.type === 'opted_in' ? 'in' : 'out'];
  const cur = rec.subscription;
  // Latest wins; at the same instant an opt-out wins over an opt-in (the safer reading).
  if (!cur || e.t > cur[0] || (e.t === cur[0] && next[1] === 'out')) rec.subscription = next;
}

/** Folds a recipient-level event in (mutates rec). False when it was already there. */
export function addRecipientEvent(rec: RecipientRec, e: Ev): boolean {
  rec.newestAt = Math.max(rec.newestAt, e.t);
  const before = rec.subscription;
  subscription(rec, e);
  // An opt-in only changes the subscription; one that names a campaign is kept too, since naming a
  // campaign makes it the tenant's (docs/semantics.md §3, campaigns).
  if (e.type === 'opted_in' && e.campaign === undefined) return before !== rec.subscription;
  if (rec.events.some((x) => x.digest === idhOf(e))) return false;
  const x: RecipientEv = { digest: idhOf(e), type: e.type, t: e.t, channel: e.channel };
  if (e.sender) x.sender = e.sender;
  if (e.campaign) x.campaign = e.campaign;
  if (e.value) x.value = [e.value.u, e.value.cur];
  if (e.cost) x.cost = [e.cost.u, e.cost.cur];
  if (e.score !== undefined) x.score = e.score;
  if (e.bot) x.bot = 1;
  rec.events.push(x);
  return true;
}

export function addMessageId(rec: RecipientRec, messageId: string, t: number): boolean {
  rec.newestAt = Math.max(rec.newestAt, t);
  if (rec.messageIds.includes(messageId)) return false;
  if (rec.messageIds.length === 0) rec.oldestAt = t;
  else if (rec.oldestAt !== undefined) rec.oldestAt = Math.min(rec.oldestAt, t);
  rec.messageIds.push(messageId);
  return true;
}
