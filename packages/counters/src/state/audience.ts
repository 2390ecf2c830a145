/**
 * A recipient's audience figures — the `recipient_state` row query-api's audience and value
 * routes read (services/query-api/src/audience-store.ts): messages received per channel and UTC
 * day, latest engagement and reply, latest clicks and reaches, subscription, attributed
 * conversions and revenue per channel (a control-arm conversion is not attributed to messaging),
 * and for the global control group (issue 21) every conversion of the recipient, attributed or not
 * (`ta`, `tr:<CUR>`), and its holds (`ho`). Live messages and events are summed with what retired
 * ones left in the record's `audience`, so the figures do not shrink when state is retired.
 */
import { BIT } from './bits.ts';
import type { Target } from './attribution.ts';
import type { MessageView } from './message.ts';
import type { AudienceFacts } from '@tally/kpi';
import type { Audience, RecipientEv, RecipientRec } from './recipient.ts';

const DAY = 86_400_000;
type Mark = [number, string, string];

/** Newest first by (time, message, campaign); one mark per (time, message). */
function newer(a: Mark, b: Mark): boolean {
  return a[0] > b[0] || (a[0] === b[0] && (a[2] > b[2] || (a[2] === b[2] && a[1] > b[1])));
}

/** The three newest marks of `list` and `mark` (mutates and returns list, kept sorted). */
function latest3(list: Mark[], mark: Mark): Mark[] {
  const same = list.findIndex((x) => x[0] === mark[0] && x[2] === mark[2]);
  if (same >= 0) {
    if (newer(mark, list[same] as Mark)) {
      list.splice(same, 1);
      return latest3(list, mark);
    }
    return list;
  }
  let i = list.length;
  while (i > 0 && newer(mark, list[i - 1] as Mark)) i--;
  if (i >= 3) return list;
  list.splice(i, 0, mark);
  if (list.length > 3) list.length = 3;
  return list;
}

/** Folds a message's audience figures into `au` (mutates). */
export function foldMessage(au: Audience, v: MessageView): void {
  const r = v.rec;
  if ((r.ownBits & BIT.sent) !== 0) {
    const day = String(Math.floor((v.sendAt ?? v.firstStatusAt ?? r.channel[0]) / DAY));
    au.receivedByDay ??= {};
    const days = (au.receivedByDay[v.channel] ??= {});
    days[day] = (days[day] ?? 0) + 1;
    au.received = (au.received ?? 0) + 1;
  }
  let le = r.openedAt;
  for (const k of r.clicks ?? []) if (le === undefined || k[1] > le) le = k[1];
  for (const t of r.replies ?? []) if (le === undefined || t > le) le = t;
  if (le !== undefined) au.lastEngagedAt = Math.max(au.lastEngagedAt ?? -1, le);
  for (const t of r.replies ?? []) au.lastReplyAt = Math.max(au.lastReplyAt ?? -1, t);
  const c = v.campaign ?? '';
  for (const k of r.clicks ?? []) au.lastClicks = latest3(au.lastClicks ?? [], [k[1], c, r.messageId]);
  if (v.reachAt !== undefined) {
    au.lastReaches ??= {};
    au.lastReaches[v.channel] = latest3(au.lastReaches[v.channel] ?? [], [v.reachAt, c, r.messageId]);
  }
  for (const [, , u, cur] of r.conversions ?? []) {
    conversion(au, v.channel, u, cur);
    anyConversion(au, u, cur);
  }
}

/** Every conversion of the recipient, attributed or not (the global control group, /v1/value). */
function anyConversion(au: Audience, units: number, cur: string): void {
  au.allConversions = (au.allConversions ?? 0) + 1;
  if (cur && units !== 0) {
    au.allRevenue ??= {};
    au.allRevenue[cur] = (au.allRevenue[cur] ?? 0) + units;
  }
}

function conversion(au: Audience, channel: string, units: number, cur: string): void {
  au.conversions ??= {};
  au.conversions[channel] = (au.conversions[channel] ?? 0) + 1;
  if (cur && units !== 0) {
    au.revenue ??= {};
    au.revenue[`${channel}:${cur}`] = (au.revenue[`${channel}:${cur}`] ?? 0) + units;
  }
}

/** Folds a recipient-level event's audience figures into `au` (mutates). */
export function foldEvent(au: Audience, e: RecipientEv, target: Target | undefined): void {
  // A bot click (a preview or scanner) is nobody's engagement.
  const click = e.type === 'clicked' && !e.bot;
  if (click || e.type === 'replied') au.lastEngagedAt = Math.max(au.lastEngagedAt ?? -1, e.t);
  if (e.type === 'replied') au.lastReplyAt = Math.max(au.lastReplyAt ?? -1, e.t);
  if (click && target)
    au.lastClicks = latest3(au.lastClicks ?? [], [e.t, target.campaign, target.messageId ?? '']);
  // A control-arm conversion (a held-out recipient's) is not messaging's: not in cv/cr.
  if (e.type === 'converted' && target && !target.controlArm)
    conversion(au, e.channel, e.value?.[0] ?? 0, e.value?.[1] ?? '');
  if (e.type === 'converted') anyConversion(au, e.value?.[0] ?? 0, e.value?.[1] ?? '');
  if (e.type === 'held_out') au.holds = (au.holds ?? 0) + 1;
}

// ---- the live summary (RecipientRec.live) ----------------------------------------------------

/**
 * What one message adds to its recipient's figures (`au`, foldMessage of it alone), with what
 * tells whether a later state of the message only adds to it (`onlyAdds`): its channel, its
 * campaign, every click time (au keeps three) and its reach.
 */
export interface MessageAudience {
  au: Audience;
  channel: string;
  campaign: string;
  clicks: number[];
  reachAt: number | undefined;
}

export function messageAudience(v: MessageView): MessageAudience {
  const au: Audience = {};
  foldMessage(au, v);
  return {
    au,
    channel: v.channel,
    campaign: v.campaign ?? '',
    clicks: (v.rec.clicks ?? []).map((k) => k[1]),
    reachAt: v.reachAt,
  };
}

/**
 * Whether `after` holds everything `before` contributed that is not a count: its latest
 * engagement and reply no earlier, every click mark and its reach mark still there (same
 * campaign, same channel). Then the summary stays exact by taking `before`'s counts out and
 * adding `after` (a maximum or a newest-three list that only gains is the same whichever way it
 * is folded); otherwise it must be folded again from every message.
 */
export function onlyAdds(before: MessageAudience, after: MessageAudience): boolean {
  if (before.channel !== after.channel) return false;
  const marks = before.clicks.length > 0 || before.reachAt !== undefined;
  if (marks && before.campaign !== after.campaign) return false;
  if (before.reachAt !== undefined && before.reachAt !== after.reachAt) return false;
  const b = before.au;
  const a = after.au;
  if (b.lastEngagedAt !== undefined && !(a.lastEngagedAt !== undefined && a.lastEngagedAt >= b.lastEngagedAt))
    return false;
  if (b.lastReplyAt !== undefined && !(a.lastReplyAt !== undefined && a.lastReplyAt >= b.lastReplyAt))
    return false;
  return before.clicks.every((t) => after.clicks.includes(t));
}

function addCounts(to: Record<string, number>, from: Record<string, number>, sign: 1 | -1): void {
  for (const [k, n] of Object.entries(from)) {
    const next = (to[k] ?? 0) + sign * n;
    if (sign < 0 && next === 0) delete to[k];
    else to[k] = next;
  }
}

/**
 * Adds `from` into `to` (mutates `to`): counts summed, latest times the later, newest-three lists
 * merged. `sign` −1 takes counts out instead (a count that reaches 0 is dropped, as a fold that
 * never saw it would; maxima and marks are left: only `onlyAdds` changes may take counts out).
 */
export function mergeAudience(to: Audience, from: Audience, sign: 1 | -1 = 1): void {
  for (const [ch, days] of Object.entries(from.receivedByDay ?? {})) {
    to.receivedByDay ??= {};
    const mine = (to.receivedByDay[ch] ??= {});
    addCounts(mine, days, sign);
    if (Object.keys(mine).length === 0) delete to.receivedByDay[ch];
  }
  if (to.receivedByDay && Object.keys(to.receivedByDay).length === 0) delete to.receivedByDay;
  const sum = (k: 'received' | 'allConversions' | 'holds') => {
    if (from[k] === undefined) return;
    const next = (to[k] ?? 0) + sign * from[k];
    if (sign < 0 && next === 0) delete to[k];
    else to[k] = next;
  };
  sum('received');
  sum('allConversions');
  sum('holds');
  for (const k of ['conversions', 'revenue', 'allRevenue'] as const) {
    const f = from[k];
    if (!f) continue;
    const mine = (to[k] ??= {});
    addCounts(mine, f, sign);
    if (Object.keys(mine).length === 0) delete to[k];
  }
  if (sign < 0) return;
  if (from.lastEngagedAt !== undefined)
    to.lastEngagedAt = Math.max(to.lastEngagedAt ?? -1, from.lastEngagedAt);
  if (from.lastReplyAt !== undefined) to.lastReplyAt = Math.max(to.lastReplyAt ?? -1, from.lastReplyAt);
  for (const mark of from.lastClicks ?? []) to.lastClicks = latest3(to.lastClicks ?? [], [...mark]);
  for (const [ch, list] of Object.entries(from.lastReaches ?? {}))
    for (const mark of list) {
      to.lastReaches ??= {};
      to.lastReaches[ch] = latest3(to.lastReaches[ch] ?? [], [...mark]);
    }
}

/**
 * The live summary of a whole cluster: every message's figures folded, or null when a message it
 * lists records another recipient (listed by two: a change reached through the other recipient
 * would not reach this summary, so such a recipient's rows are always folded from every message).
 */
export function liveAudience(rec: RecipientRec, views: Iterable<MessageView>): Audience | null {
  const au: Audience = {};
  for (const v of views) {
    if (v.recipient !== rec.recipientId) return null;
    foldMessage(au, v);
  }
  return au;
}

/**
 * Folds the live summary again from the views of every message of a whole cluster (retire.ts, when messages
 * left it; the applier, when a row was folded from every message of a record that had none kept).
 * A null summary (a shared message) stays null: the owner of a shared message cannot tell.
 */
export function refoldLive(rec: RecipientRec, views: Iterable<MessageView>): void {
  if (rec.live !== null) rec.live = liveAudience(rec, views);
}

/**
 * The recipient_state row of a recipient without recipient-level events from its record alone:
 * what retired messages left (`audience`) and the live summary (`live`) hold every figure the
 * fold over its messages would give (batch.ts keeps `live`).
 */
export function audienceRowFromLive(
  rec: RecipientRec,
  live: Audience,
  keepDays: number,
): Record<string, string> {
  const au: Audience = rec.audience ? structuredClone(rec.audience) : {};
  mergeAudience(au, live);
  return rowOf(rec, au, keepDays);
}

/** The recipient_state row: field → string, in the spelling audience-store.ts reads. */
export function audienceRow(
  rec: RecipientRec,
  views: MessageView[],
  targets: Map<RecipientEv, Target | undefined>,
  keepDays: number,
): Record<string, string> {
  const au: Audience = rec.audience ? structuredClone(rec.audience) : {};
  for (const v of views) foldMessage(au, v);
  for (const [e, target] of targets) foldEvent(au, e, target);
  return rowOf(rec, au, keepDays);
}

function rowOf(rec: RecipientRec, au: Audience, keepDays: number): Record<string, string> {
  const row: Record<string, string> = {};
  for (const [ch, days] of Object.entries(au.receivedByDay ?? {})) {
    const list = Object.entries(days)
      .map(([d, n]) => [Number(d), n] as const)
      .sort((a, b) => a[0] - b[0]);
    const newest = list[list.length - 1]?.[0] ?? 0;
    const kept = list.filter(([d]) => d > newest - keepDays);
    if (kept.length > 0) row[`rd:${ch}`] = kept.map(([d, n]) => `${d}:${n}`).join(';');
  }
  if (au.received) row.n = String(au.received);
  if (au.lastEngagedAt !== undefined && au.lastEngagedAt >= 0) row.le = String(au.lastEngagedAt);
  if (au.lastReplyAt !== undefined && au.lastReplyAt >= 0) row.lrp = String(au.lastReplyAt);
  const marks = (l: Mark[]) => l.map(([t, c, m]) => `${t}|${c}|${m}`).join(';');
  if (au.lastClicks?.length) row.lc = marks(au.lastClicks);
  for (const [ch, l] of Object.entries(au.lastReaches ?? {})) row[`lr:${ch}`] = marks(l);
  if (rec.subscription) {
    row.sub = rec.subscription[1];
    row.subAt = String(rec.subscription[0]);
  }
  for (const [ch, n] of Object.entries(au.conversions ?? {})) row[`cv:${ch}`] = String(n);
  for (const [k, u] of Object.entries(au.revenue ?? {})) row[`cr:${k}`] = String(u);
  if (au.allConversions) row.ta = String(au.allConversions);
  for (const [cur, u] of Object.entries(au.allRevenue ?? {})) row[`tr:${cur}`] = String(u);
  if (au.holds) row.ho = String(au.holds);
  return row;
}

/**
 * The rollup facts of a recipient_state row (the inverse of audienceRow's spelling, for the
 * audience rollups of @tally/kpi audience-rollup.ts; the snapshotter reads old and new rows).
 */
export function audienceFacts(row: Record<string, string>): AudienceFacts {
  const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
  const reaches: AudienceFacts['reaches'] = {};
  const reached = new Set<string>();
  const conversions: Record<string, number> = {};
  const revenue: AudienceFacts['revenue'] = {};
  const allRevenue: Record<string, number> = {};
  let lastClickAt: number | null = null;
  for (const [k, v] of Object.entries(row)) {
    const [kind, ch, cur] = k.split(':');
    if (kind === 'rd' && ch) {
      const days: Record<number, number> = {};
      for (const part of v.split(';')) {
        const [d, n] = part.split(':');
        if (d && n) days[Number(d)] = (days[Number(d)] ?? 0) + Number(n);
      }
      reaches[ch] = days;
      reached.add(ch);
    } else if (kind === 'lr' && ch) reached.add(ch);
    else if (kind === 'cv' && ch) conversions[ch] = Number(v);
    else if (kind === 'cr' && ch && cur) (revenue[ch] ??= {})[cur] = Number(v);
    else if (kind === 'tr' && ch) allRevenue[ch] = Number(v);
    else if (k === 'lc')
      for (const mark of v.split(';')) {
        const t = Number(mark.split('|')[0]);
        if (Number.isFinite(t) && (lastClickAt === null || t > lastClickAt)) lastClickAt = t;
      }
  }
  const out = row.sub === 'out';
  return {
    reaches,
    reachedChannels: [...reached].sort(),
    lastEngagedAt: num(row.le),
    lastClickAt,
    lastReplyAt: num(row.lrp),
    subscribed: !out,
    optedOutAt: out ? num(row.subAt) : null,
    conversions,
    revenue,
    allConversions: Number(row.ta ?? 0),
    allRevenue,
    holds: Number(row.ho ?? 0),
  };
}
