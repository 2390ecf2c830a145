/**
 * The audience and value answers (SPEC §6 silent disengagement and frequency, /v1/value; issue
 * 22) computed directly from the accepted events, recipient by recipient, with no rollup: what a
 * recipient received and did, then a scan of every recipient for the period asked. Shares no code
 * with packages/counters or the rollups of @tally/kpi audience-rollup.ts (it only borrows the
 * money-unit rounding every figure uses).
 *
 * Per recipient R of a tenant:
 *   reaches    each message whose recipient is R and that has a status (sent or later), on its
 *              channel, on the UTC day of its first `sent` (else its first status)
 *   engaged    the latest of: its messages' first open, every click of a person and every reply
 *              (its messages' own ones, and recipient-level ones naming R, attributed or not)
 *   clicked    the latest click of a person: its messages' own, and recipient-level ones that
 *              were attributed (to a message or a campaign)
 *   replied    the latest reply, own or recipient-level
 *   subscription  the latest recipient-level opt-out / opt-in naming R (an opt-out wins a tie)
 *   reached channels  channels of its messages with a reach (§1) or a status
 *   conversions  per channel: its messages' own conversions (their channel) and recipient-level
 *              conversions attributed to a message or campaign (the event's channel), with revenue
 * Period answers use the period of `days` ending on `today` (kpi audiencePeriod's definition).
 */
import { toMoneyUnits, type FrequencyInput } from '@tally/kpi';
import type { Ev } from './accept.ts';
import type { Fate } from './attribution.ts';
import { isHumanClick } from './messages.ts';
import type { Message } from './messages.ts';

const DAY = 86_400_000;

export interface AudienceRecipient {
  id: string;
  /** channel → day → messages */
  reaches: Map<string, Map<number, number>>;
  /** channel → latest reachAt of its messages with a reach */
  lastReach: Map<string, number>;
  engagedAt: number | undefined;
  clickedAt: number | undefined;
  repliedAt: number | undefined;
  /** [t, 'in' | 'out'] of the winning subscription event */
  sub: [number, 'in' | 'out'] | undefined;
  reachedChannels: Set<string>;
  conversions: Map<string, number>;
  /** channel → currency → units */
  revenue: Map<string, Map<string, number>>;
}

const max = (a: number | undefined, b: number) => (a === undefined || b > a ? b : a);

function recipient(id: string): AudienceRecipient {
  return {
    id,
    reaches: new Map(),
    lastReach: new Map(),
    engagedAt: undefined,
    clickedAt: undefined,
    repliedAt: undefined,
    sub: undefined,
    reachedChannels: new Set(),
    conversions: new Map(),
    revenue: new Map(),
  };
}

function convert(r: AudienceRecipient, channel: string, e: Ev): void {
  r.conversions.set(channel, (r.conversions.get(channel) ?? 0) + 1);
  if (e.value === undefined) return;
  const units = toMoneyUnits(e.value.amount);
  if (units === 0) return;
  const cur = r.revenue.get(channel) ?? new Map<string, number>();
  cur.set(e.value.currency, (cur.get(e.value.currency) ?? 0) + units);
  r.revenue.set(channel, cur);
}

/** Every recipient of one tenant's accepted events. */
export function audienceRecipients(
  events: readonly Ev[],
  messages: ReadonlyMap<string, Message>,
  fates: ReadonlyMap<Ev, Fate>,
): Map<string, AudienceRecipient> {
  const out = new Map<string, AudienceRecipient>();
  const of = (id: string) => {
    let r = out.get(id);
    if (!r) out.set(id, (r = recipient(id)));
    return r;
  };
  for (const m of messages.values()) {
    if (m.recipient === undefined) continue;
    const r = of(m.recipient);
    if (m.ownBits.has('S')) {
      const at = m.sendAt ?? m.firstStatusAt ?? m.own[0]?.t ?? 0;
      const days = r.reaches.get(m.channel) ?? new Map<number, number>();
      const day = Math.floor(at / DAY);
      days.set(day, (days.get(day) ?? 0) + 1);
      r.reaches.set(m.channel, days);
      r.reachedChannels.add(m.channel);
    }
    if (m.reachAt !== undefined) {
      r.reachedChannels.add(m.channel);
      r.lastReach.set(m.channel, max(r.lastReach.get(m.channel), m.reachAt));
    }
    const opens = m.own.filter((e) => e.type === 'opened').map((e) => e.t);
    if (opens.length > 0) r.engagedAt = max(r.engagedAt, Math.min(...opens));
    for (const e of m.own) {
      if (isHumanClick(e)) {
        r.engagedAt = max(r.engagedAt, e.t);
        r.clickedAt = max(r.clickedAt, e.t);
      }
      if (e.type === 'replied') {
        r.engagedAt = max(r.engagedAt, e.t);
        r.repliedAt = max(r.repliedAt, e.t);
      }
      if (e.type === 'converted') convert(r, m.channel, e);
    }
  }
  for (const e of events) {
    if (e.messageId !== undefined || e.recipientId === undefined) continue;
    const r = of(e.recipientId);
    const fate = fates.get(e);
    const attributed = fate?.kind === 'attached' || fate?.kind === 'campaign';
    if (isHumanClick(e)) {
      r.engagedAt = max(r.engagedAt, e.t);
      if (attributed) r.clickedAt = max(r.clickedAt, e.t);
    }
    if (e.type === 'replied') {
      r.engagedAt = max(r.engagedAt, e.t);
      r.repliedAt = max(r.repliedAt, e.t);
    }
    if (e.type === 'converted' && attributed) convert(r, e.channel, e);
    if (e.type === 'opted_out' || e.type === 'opted_in') {
      const next: [number, 'in' | 'out'] = [e.t, e.type === 'opted_in' ? 'in' : 'out'];
      if (!r.sub || e.t > r.sub[0] || (e.t === r.sub[0] && next[1] === 'out')) r.sub = next;
    }
  }
  return out;
}

export interface SilentAnswer {
  count: number;
  audience: number;
  /** Longest silent first: never engaged, then by last engagement, then id. */
  list: {
    recipientId: string;
    reachesInPeriod: number;
    lastReachAt: number | null;
    lastEngagedAt: number | null;
  }[];
  /** Per week of the trend (7 days each, the last ending today): reached, silent since it began. */
  trend: { reached: number; silentSince: number }[];
}

function inPeriod(r: AudienceRecipient, channel: string | null, first: number, last: number): number {
  let n = 0;
  for (const [ch, days] of r.reaches)
    if (channel === null || ch === channel) for (const [d, k] of days) if (d >= first && d <= last) n += k;
  return n;
}

const subscribed = (r: AudienceRecipient) => r.sub?.[1] !== 'out';

/** Silent disengagement for the `days` ending on `today` (a UTC day number). */
export function silentAnswer(
  people: ReadonlyMap<string, AudienceRecipient>,
  today: number,
  days: number,
  minMessages: number,
  channel: string | null,
): SilentAnswer {
  const first = today - days + 1;
  const since = first * DAY;
  let audience = 0;
  const list: SilentAnswer['list'] = [];
  for (const r of people.values()) {
    const n = inPeriod(r, channel, first, today);
    if (n === 0 || !subscribed(r)) continue;
    audience += 1;
    if (n < minMessages || (r.engagedAt !== undefined && r.engagedAt >= since)) continue;
    let lastReach: number | null = null;
    for (const [ch, t] of r.lastReach)
      if ((channel === null || ch === channel) && (lastReach === null || t > lastReach)) lastReach = t;
    list.push({
      recipientId: r.id,
      reachesInPeriod: n,
      lastReachAt: lastReach,
      lastEngagedAt: r.engagedAt ?? null,
    });
  }
  list.sort(
    (a, b) =>
      (a.lastEngagedAt ?? -1) - (b.lastEngagedAt ?? -1) ||
      (a.recipientId < b.recipientId ? -1 : a.recipientId > b.recipientId ? 1 : 0),
  );
  const weeks = Math.ceil(days / 7);
  const trend = Array.from({ length: weeks }, (_, i) => {
    const start = today + 1 - (weeks - i) * 7;
    let reached = 0;
    let silentSince = 0;
    for (const r of people.values()) {
      if (!subscribed(r) || inPeriod(r, channel, start, start + 6) === 0) continue;
      reached += 1;
      if (r.engagedAt === undefined || r.engagedAt < start * DAY) silentSince += 1;
    }
    return { reached, silentSince };
  });
  return { count: list.length, audience, list, trend };
}

/** Frequency rows (messages received in the period on every channel → figures). */
export function frequencyAnswer(
  people: ReadonlyMap<string, AudienceRecipient>,
  today: number,
  days: number,
): FrequencyInput[] {
  const first = today - days + 1;
  const since = first * DAY;
  const by = new Map<number, Omit<FrequencyInput, 'messages'>>();
  for (const r of people.values()) {
    const n = inPeriod(r, null, first, today);
    if (n === 0) continue;
    const s = by.get(n) ?? { recipients: 0, optOuts: 0, clickers: 0, repliers: 0, engaged: 0 };
    s.recipients += 1;
    if (r.sub?.[1] === 'out' && r.sub[0] >= since) s.optOuts += 1;
    if (r.clickedAt !== undefined && r.clickedAt >= since) s.clickers += 1;
    if (r.repliedAt !== undefined && r.repliedAt >= since) s.repliers += 1;
    if (r.engagedAt !== undefined && r.engagedAt >= since) s.engaged += 1;
    by.set(n, s);
  }
  return [...by].sort((a, b) => a[0] - b[0]).map(([messages, s]) => ({ messages, ...s }));
}

/** Value figures on a channel, or on all (null): recipients reached, converting, repeat, revenue units. */
export function valueAnswer(
  people: ReadonlyMap<string, AudienceRecipient>,
  channel: string | null,
): { reached: number; converting: number; repeat: number; revenue: Record<string, number> } {
  const out = { reached: 0, converting: 0, repeat: 0, revenue: {} as Record<string, number> };
  for (const r of people.values()) {
    const inScope = (ch: string) => channel === null || ch === channel;
    if ([...r.reachedChannels].some(inScope)) out.reached += 1;
    let n = 0;
    for (const [ch, k] of r.conversions) if (inScope(ch)) n += k;
    if (n >= 1) out.converting += 1;
    if (n >= 2) out.repeat += 1;
    for (const [ch, cur] of r.revenue)
      if (inScope(ch)) for (const [c, u] of cur) out.revenue[c] = (out.revenue[c] ?? 0) + u;
  }
  for (const [c, u] of Object.entries(out.revenue)) if (u === 0) delete out.revenue[c];
  return out;
}
