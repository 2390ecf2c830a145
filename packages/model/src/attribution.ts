/**
 * Semantics §2 and §7: where each accepted event counts. Own events go with their message's
 * campaign; a recipient-level event (no messageId) either names its campaign or is attributed
 * through its recipient by scanning every candidate (reply rule, conversion rule) — naive on
 * purpose.
 */
import type { EventType } from '@tally/events';
import { compareEvents, maxWindow } from './accept.ts';
import type { Ev } from './accept.ts';
import { compareReaches, isHumanClick } from './messages.ts';
import type { Message } from './messages.ts';
import type { TenantWindows } from './types.ts';

export type Fate =
  /** An own event of a message whose campaign is known. */
  | { kind: 'own'; message: Message }
  /** A recipient-level event attributed to a message (and so to its campaign). */
  | { kind: 'attached'; message: Message }
  /** Counted to a campaign without a message: it names the campaign, or it converted on such a click. */
  | { kind: 'campaign'; campaign: string }
  /** A conversion of a held-out recipient, attributed to the campaign's control arm (semantics §2). */
  | { kind: 'control'; campaign: string }
  | { kind: 'pending' }
  | { kind: 'unattributed' }
  /** Counts nowhere and waits for nothing (a recipient-level opted_in). */
  | { kind: 'none' };

export const REPLY_RULE_TYPES: readonly EventType[] = [
  'replied',
  'opted_out',
  'uninstalled',
  'feature_adopted',
  'survey_answered',
  'clicked',
];

export interface TenantFacts {
  messages: Map<string, Message>;
  windows: TenantWindows;
  now: number;
}

/** The campaign a fate counts toward, if any. */
export function campaignOfFate(f: Fate): string | undefined {
  if (f.kind === 'own' || f.kind === 'attached') return f.message.campaign;
  return f.kind === 'campaign' || f.kind === 'control' ? f.campaign : undefined;
}

/**
 * Reply rule: R's reaches on e's channel with t − Wr ≤ reachAt ≤ t; with a sender, those from that
 * sender, else (DECISION: "if there are none" read among the reaches already in the window and on
 * the channel) those with an unknown sender. The latest reach wins.
 */
export function replyWinner(e: Ev, facts: TenantFacts): Message | undefined {
  const inWindow = [...facts.messages.values()].filter(
    (m) =>
      m.reachAt !== undefined &&
      m.recipient === e.recipientId &&
      m.channel === e.channel &&
      e.t - facts.windows.replyMs <= m.reachAt &&
      m.reachAt <= e.t,
  );
  let pool = inWindow;
  if (e.sender !== undefined) {
    const same = inWindow.filter((m) => m.sender === e.sender);
    pool = same.length > 0 ? same : inWindow.filter((m) => m.sender === undefined);
  }
  return pool.sort(compareReaches).at(-1);
}

type ClickTarget = { message: Message } | { campaign: string };
type ConversionTarget = ClickTarget | { control: string };

/**
 * R's clicks (semantics §2 conversion rule): own clicks of R's messages, R's recipient-level
 * clicks attributed by the reply rule, and R's clicks that name a campaign but no message — a
 * person's clicks only (a bot click leads to no conversion).
 * DECISION: a click counts as a candidate only when it leads to a known campaign (an own click of
 * a message whose campaign is still unknown has no campaign to give, like the delivery candidates).
 */
function clicksOf(recipient: string, events: readonly Ev[], facts: TenantFacts): Map<Ev, ClickTarget> {
  const out = new Map<Ev, ClickTarget>();
  for (const m of facts.messages.values()) {
    if (m.recipient !== recipient || m.campaign === undefined) continue;
    for (const c of m.own) if (isHumanClick(c)) out.set(c, { message: m });
  }
  for (const c of events) {
    if (!isHumanClick(c) || c.messageId !== undefined || c.recipientId !== recipient) continue;
    if (c.campaignId !== undefined) {
      out.set(c, { campaign: c.campaignId });
      continue;
    }
    const m = replyWinner(c, facts);
    if (m !== undefined) out.set(c, { message: m });
  }
  return out;
}

function byDelivery(a: Message, b: Message): number {
  const da = a.deliveredAt ?? -Infinity;
  const db = b.deliveredAt ?? -Infinity;
  if (da !== db) return da - db;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Conversion rule: the latest click within Wc, else the latest delivery or non-void hold within
 * Wd (any channel); a delivery wins over a hold at the same instant, and of two holds at one
 * instant the larger campaign id.
 */
export function conversionWinner(
  e: Ev,
  events: readonly Ev[],
  facts: TenantFacts,
): ConversionTarget | undefined {
  const recipient = e.recipientId;
  if (recipient === undefined) return undefined;
  const clicks = clicksOf(recipient, events, facts);
  const inWindow = [...clicks].filter(([c]) => e.t - facts.windows.clickMs <= c.t && c.t <= e.t);
  // Simultaneous clicks: ordered by what they lead to (semantics §2), not by event id.
  const leadsTo = (t: ClickTarget) => ('message' in t ? t.message.id : `c:${t.campaign}`);
  const click = inWindow
    .sort(
      ([a, ta], [b, tb]) => a.t - b.t || (leadsTo(ta) < leadsTo(tb) ? -1 : leadsTo(ta) > leadsTo(tb) ? 1 : 0),
    )
    .at(-1);
  if (click !== undefined) return click[1];
  const delivered = [...facts.messages.values()].filter(
    (m) =>
      m.recipient === recipient &&
      m.campaign !== undefined &&
      m.deliveredAt !== undefined &&
      e.t - facts.windows.deliveredMs <= m.deliveredAt &&
      m.deliveredAt <= e.t,
  );
  const m = delivered.sort(byDelivery).at(-1);
  const hold = holdsInWindow(recipient, e.t, events, facts)
    .sort((a, b) => a.t - b.t || cmp(a.campaignId ?? '', b.campaignId ?? ''))
    .at(-1);
  if (hold !== undefined && (m?.deliveredAt === undefined || hold.t > m.deliveredAt))
    return { control: hold.campaignId ?? '' };
  return m === undefined ? undefined : { message: m };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Semantics §2: R's holds of C are void when R was also messaged by C — a message of C with a
 * send or any status whose sendAt (else firstStatusAt) is within max(Wr, Wc, Wd) of a hold.
 */
export function holdIsVoid(
  recipient: string,
  campaign: string,
  events: readonly Ev[],
  facts: TenantFacts,
): boolean {
  const within = maxWindow(facts.windows);
  const holds = events.filter(
    (h) => h.type === 'held_out' && h.recipientId === recipient && h.campaignId === campaign,
  );
  return [...facts.messages.values()].some((m) => {
    const at = m.sendAt ?? m.firstStatusAt;
    return (
      m.recipient === recipient &&
      m.campaign === campaign &&
      m.ownBits.has('S') &&
      at !== undefined &&
      holds.some((h) => Math.abs(at - h.t) <= within)
    );
  });
}

/** R's non-void holds with t − Wd ≤ t(hold) ≤ t. */
function holdsInWindow(recipient: string, t: number, events: readonly Ev[], facts: TenantFacts): Ev[] {
  return events.filter(
    (h) =>
      h.type === 'held_out' &&
      h.recipientId === recipient &&
      h.campaignId !== undefined &&
      t - facts.windows.deliveredMs <= h.t &&
      h.t <= t &&
      !holdIsVoid(recipient, h.campaignId, events, facts),
  );
}

function waiting(e: Ev, facts: TenantFacts): Fate {
  // DECISION: "after t + H" is strict, like the late rule: unattributed once now − t > H.
  return facts.now - e.t > facts.windows.horizonMs ? { kind: 'unattributed' } : { kind: 'pending' };
}

function recipientLevelFate(e: Ev, events: readonly Ev[], facts: TenantFacts): Fate {
  if (e.campaignId !== undefined) return { kind: 'campaign', campaign: e.campaignId };
  // DECISION: a recipient-level opted_in is never attributed and waits for nothing, so it is
  // neither pending nor unattributed (it only changes the subscription), even without a recipient.
  if (e.type === 'opted_in') return { kind: 'none' };
  if (e.recipientId === undefined) return { kind: 'unattributed' };
  if (REPLY_RULE_TYPES.includes(e.type)) {
    const m = replyWinner(e, facts);
    return m === undefined ? waiting(e, facts) : { kind: 'attached', message: m };
  }
  if (e.type === 'converted') {
    const target = conversionWinner(e, events, facts);
    if (target === undefined) return waiting(e, facts);
    if ('control' in target) return { kind: 'control', campaign: target.control };
    return 'message' in target
      ? { kind: 'attached', message: target.message }
      : { kind: 'campaign', campaign: target.campaign };
  }
  // DECISION: sent/delivered/failed/opened without messageId and campaignId have no rule, so no
  // candidate ever: pending until t + H, then unattributed (semantics §7 read literally).
  return waiting(e, facts);
}

function ownFate(e: Ev, m: Message, facts: TenantFacts): Fate {
  if (m.campaign !== undefined) return { kind: 'own', message: m };
  const retired = facts.now - m.newestT > maxWindow(facts.windows) + facts.windows.horizonMs;
  return retired ? { kind: 'unattributed' } : { kind: 'pending' };
}

/** The fate of every accepted event of one tenant. */
export function fatesOf(events: readonly Ev[], facts: TenantFacts): Map<Ev, Fate> {
  const fates = new Map<Ev, Fate>();
  for (const e of [...events].sort(compareEvents)) {
    const m = e.messageId === undefined ? undefined : facts.messages.get(e.messageId);
    fates.set(e, m === undefined ? recipientLevelFate(e, events, facts) : ownFate(e, m, facts));
  }
  return fates;
}
