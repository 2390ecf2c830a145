/**
 * SPEC §4 attribution of recipient-level events, as a pure function of the recipient's state
 * (docs/semantics.md §2). It is recomputed whenever the recipient's events or messages change, so
 * an event that found no candidate waits, and a later-arriving reach, click or delivery that fits
 * better moves it. Attachments never feed back into the inputs of the rules (reach and delivery
 * times come from messages' own events), so the result is a function, not a fixpoint.
 */
import type { TenantWindows } from './event.ts';
import { holdCandidates, holdKey, holdsOf, type HoldCandidate } from './holdout.ts';
import type { MessageView } from './message.ts';
import type { Frozen, RecipientEv } from './recipient.ts';

/** Where an event counts (attribution's answer). */
export interface Target {
  /** The campaign it counts for. */
  campaign: string;
  /** The message it counts through, when it is attributed to one. */
  messageId?: string;
  /** Set when a conversion is attributed to the campaign's control arm (a hold, holdout.ts): counted apart. */
  controlArm?: true;
}

const REPLY_RULE = new Set([
  'replied',
  'opted_out',
  'uninstalled',
  'feature_adopted',
  'survey_answered',
  'clicked',
]);

/** Latest by (time, key). */
function latest<T>(items: T[], time: (x: T) => number, key: (x: T) => string): T | undefined {
  let best: T | undefined;
  for (const x of items) {
    if (!best || time(x) > time(best) || (time(x) === time(best) && key(x) > key(best))) best = x;
  }
  return best;
}

/** The reply rule: the latest reach of the recipient on the event's channel within Wr before it. */
export function replyTarget(e: RecipientEv, views: MessageView[], w: TenantWindows): Target | undefined {
  const reaches = views.filter(
    (v) =>
      v.reachAt !== undefined && v.channel === e.channel && v.reachAt <= e.t && e.t - v.reachAt <= w.replyMs,
  );
  let pool = reaches;
  if (e.sender !== undefined) {
    pool = reaches.filter((v) => v.sender === e.sender);
    if (pool.length === 0) pool = reaches.filter((v) => v.sender === undefined);
  }
  const v = latest(
    pool,
    (x) => x.reachAt ?? 0,
    (x) => x.rec.messageId,
  );
  return v?.campaign === undefined ? undefined : { campaign: v.campaign, messageId: v.rec.messageId };
}

interface Click {
  t: number;
  target: Target;
}

/**
 * The recipient's clicks: own clicks of its messages, and recipient-level clicks placed already —
 * people's clicks only (a bot click leads to no conversion).
 */
export function clicksOf(views: MessageView[], placed: Map<RecipientEv, Target>): Click[] {
  const out: Click[] = [];
  for (const v of views) {
    if (v.campaign === undefined) continue;
    for (const [, t] of v.rec.clicks ?? [])
      out.push({ t, target: { campaign: v.campaign, messageId: v.rec.messageId } });
  }
  for (const [e, target] of placed) if (e.type === 'clicked' && !e.bot) out.push({ t: e.t, target });
  return out;
}

/**
 * The conversion rule: the latest click within Wc before it, else the latest delivery — or hold
 * (a held-out recipient is reached by the control arm at its hold time) — within Wd.
 */
export function conversionTarget(
  e: RecipientEv,
  views: MessageView[],
  clicks: Click[],
  w: TenantWindows,
  holds: HoldCandidate[] = [],
): Target | undefined {
  const inClick = clicks.filter((k) => k.t <= e.t && e.t - k.t <= w.clickMs);
  const click = latest(
    inClick,
    (k) => k.t,
    (k) => k.target.messageId ?? `c:${k.target.campaign}`,
  );
  if (click) return click.target;
  const delivered = views.filter(
    (v) =>
      v.campaign !== undefined &&
      v.deliveredAt !== undefined &&
      v.deliveredAt <= e.t &&
      e.t - v.deliveredAt <= w.deliveredMs,
  );
  const v = latest(
    delivered,
    (x) => x.deliveredAt ?? 0,
    (x) => x.rec.messageId,
  );
  const hold = latest(
    holds.filter((h) => h.t <= e.t && e.t - h.t <= w.deliveredMs),
    (h) => h.t,
    (h) => holdKey(h.campaign),
  );
  if (hold && (v?.deliveredAt === undefined || hold.t > v.deliveredAt))
    return { campaign: hold.campaign, controlArm: true };
  return v?.campaign === undefined ? undefined : { campaign: v.campaign, messageId: v.rec.messageId };
}

/**
 * Every live recipient-level event's target (undefined: no candidate yet; statuses without a
 * message have no rule, so they wait for nothing and stay pending).
 */
export function attributeAll(
  events: RecipientEv[],
  views: MessageView[],
  w: TenantWindows,
  fz?: Frozen,
): Map<RecipientEv, Target | undefined> {
  const out = new Map<RecipientEv, Target | undefined>();
  if (events.length === 0) return out;
  const placed = new Map<RecipientEv, Target>();
  for (const e of events) {
    if (e.campaign !== undefined) {
      out.set(e, { campaign: e.campaign });
      placed.set(e, { campaign: e.campaign });
    } else if (REPLY_RULE.has(e.type)) {
      const target = replyTarget(e, views, w);
      out.set(e, target);
      if (target) placed.set(e, target);
    } else if (e.type !== 'converted') out.set(e, undefined);
  }
  const clicks = clicksOf(views, placed);
  let holds: HoldCandidate[] | undefined;
  for (const e of events) {
    if (e.type !== 'converted' || e.campaign !== undefined) continue;
    holds ??= holdCandidates(holdsOf(events, views, w, fz));
    out.set(e, conversionTarget(e, views, clicks, w, holds));
  }
  return out;
}
