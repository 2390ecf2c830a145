/**
 * Semantics §3–§6 for one campaign: every figure computed from scratch out of the campaign's
 * messages (with their attached events), its campaign-level events and the events naming it.
 */
import type { EventType } from '@tally/events';
import { emptyCounts, minuteOf, toMoneyUnits } from '@tally/kpi';
import { earliest } from './accept.ts';
import type { Ev } from './accept.ts';
import { engagementOf, nearDelivery, responseBucket, statusTimes } from './message-figures.ts';
import type { MessageView } from './message-figures.ts';
import { isBotClick } from './messages.ts';
import type { Message } from './messages.ts';
import { bump, bumpMinute, child } from './records.ts';
import type { CampaignModel } from './types.ts';

export interface CampaignInputs {
  views: MessageView[];
  /** Events counted to the campaign without a message. */
  loose: Ev[];
  /** Accepted events whose campaignId is this campaign (wherever they count). */
  naming: Ev[];
  /** Conversions attributed to its control arm: they count toward it (first event) but not in its KPIs. */
  control?: Ev[];
}

/** A counted event and the message it counts through, if any. */
interface Counted {
  e: Ev;
  m: Message | undefined;
}

function countedEvents(inp: CampaignInputs): Counted[] {
  return [
    ...inp.views.flatMap((v) => [...v.message.own, ...v.attached].map((e) => ({ e, m: v.message }))),
    ...inp.loose.map((e) => ({ e, m: undefined })),
  ];
}

function emptyCampaign(first: Ev): CampaignModel {
  return {
    counts: emptyCounts(),
    stats: { surveys: 0, scoreSum: 0, engSum: 0, engN: 0, featureAdopters: 0, inAppOpeners: 0 },
    money: {},
    responseTimes: {},
    firstEventAt: first.t,
    // DECISION: the campaign's channel is the channel of the event that sets firstEventAt.
    channel: first.channel,
    minutes: {},
    tuples: {},
    minuteTuples: {},
    errorCodes: {},
    minuteErrorCodes: {},
    failureClasses: {},
    failureClassCodes: {},
    carriers: {},
    experiment: {},
  };
}

/**
 * DECISION: a tuple's `failed` is the `failed` count (F and not D), not the raw F bit, so that a
 * breakdown group holds the same KPIs as the campaign; tuple statuses are the seven message
 * counts only (clicks, optOuts, money… have no tuple in semantics §3).
 */
function addMessageCounts(c: CampaignModel, views: readonly MessageView[]): void {
  for (const v of views) {
    for (const [status, t] of statusTimes(v)) {
      c.counts[status] += 1;
      bumpMinute(c.minutes, t, status);
      const tuple = v.message.tuple;
      if (tuple !== undefined) {
        bump(
          child(c.tuples, tuple, () => ({})),
          status,
        );
        const minute = child(c.minuteTuples, String(minuteOf(t)), () => ({}));
        bump(
          child(minute, tuple, () => ({})),
          status,
        );
      }
      if (v.message.carrier !== undefined)
        bump(
          child(c.carriers, v.message.carrier, () => ({})),
          status,
        );
      if (status === 'failed') {
        const code = v.message.errorCode ?? 'none';
        bump(c.failureClasses, v.message.failureClass ?? 'other');
        bump(
          child(c.failureClassCodes, v.message.failureClass ?? 'other', () => ({})),
          code,
        );
        bump(c.errorCodes, code);
        bump(
          child(c.minuteErrorCodes, String(minuteOf(t)), () => ({})),
          code,
        );
      }
    }
  }
}

/** A per-event figure under the campaign, and under its message's send tuple when it has one. */
function countEvent(
  c: CampaignModel,
  field: 'clicks' | 'botClicks' | 'clicksWithin10s',
  t: number,
  m: Message | undefined,
  n = 1,
): void {
  c.counts[field] += n;
  bumpMinute(c.minutes, t, field, n);
  const tuple = m?.tuple;
  if (tuple === undefined) return;
  bump(
    child(c.tuples, tuple, () => ({})),
    field,
    n,
  );
  const minute = child(c.minuteTuples, String(minuteOf(t)), () => ({}));
  bump(
    child(minute, tuple, () => ({})),
    field,
    n,
  );
}

/**
 * Per-event counts (semantics §3): a person's clicks (`clicks`, and `clicksWithin10s` when it came
 * within 10 s of its message's delivery), bot clicks apart (`botClicks`) — each also under its
 * message's send tuple —, conversions and surveys.
 */
function addPerEventCounts(c: CampaignModel, counted: readonly Counted[]): void {
  for (const { e, m } of counted) {
    if (e.type === 'clicked') {
      if (isBotClick(e)) {
        countEvent(c, 'botClicks', e.t, m);
        continue;
      }
      countEvent(c, 'clicks', e.t, m);
      if (m !== undefined && nearDelivery(e, m)) countEvent(c, 'clicksWithin10s', e.t, m);
    } else if (e.type === 'converted') {
      c.counts.conversions += 1;
      bumpMinute(c.minutes, e.t, 'conversions');
    } else if (e.type === 'survey_answered') {
      const score = e.score ?? 0;
      c.stats.surveys += 1;
      c.stats.scoreSum += score;
      bumpMinute(c.minutes, e.t, 'surveys');
      bumpMinute(c.minutes, e.t, 'scoreSum', score);
    }
  }
}

/**
 * DECISION: an own event without a recipientId stands for its message's recipient; only when
 * neither is known does it count "as a recipient of its own" (semantics §4).
 */
export function recipientKey(e: Ev, m: Message | undefined): string {
  return e.recipientId ?? m?.recipient ?? `\0event:${e.eventId}`;
}

/** Distinct keys → the earliest time of each; adds one first occurrence per key at that time. */
function addDistinct(c: CampaignModel, field: string, firsts: Map<string, number>): number {
  for (const t of firsts.values()) bumpMinute(c.minutes, t, field);
  return firsts.size;
}

function earliestPerRecipient(counted: readonly Counted[], type: EventType): Map<string, number> {
  const firsts = new Map<string, number>();
  for (const { e, m } of counted) {
    if (e.type !== type) continue;
    const key = recipientKey(e, m);
    firsts.set(key, Math.min(firsts.get(key) ?? Infinity, e.t));
  }
  return firsts;
}

function inAppOpeners(views: readonly MessageView[]): Map<string, number> {
  const firsts = new Map<string, number>();
  for (const { message: m } of views) {
    const opened = earliest(m.own.filter((e) => e.type === 'opened'));
    if (m.channel !== 'in_app' || opened === undefined) continue;
    // DECISION: an opened in-app message without a known recipient is an opener of its own.
    const key = m.recipient ?? `\0message:${m.id}`;
    firsts.set(key, Math.min(firsts.get(key) ?? Infinity, opened.t));
  }
  return firsts;
}

function addRecipientSets(c: CampaignModel, inp: CampaignInputs, counted: readonly Counted[]): void {
  c.counts.optOuts = addDistinct(c, 'optOuts', earliestPerRecipient(counted, 'opted_out'));
  c.counts.uninstalls = addDistinct(c, 'uninstalls', earliestPerRecipient(counted, 'uninstalled'));
  c.stats.featureAdopters = addDistinct(
    c,
    'featureAdopters',
    earliestPerRecipient(counted, 'feature_adopted'),
  );
  c.stats.inAppOpeners = addDistinct(c, 'inAppOpeners', inAppOpeners(inp.views));
}

/**
 * DECISION: a money key exists as soon as a counted event carries that currency, even when its
 * amount is 0 ("every currency with a cost or a revenue appears", SPEC §5).
 */
function addMoney(c: CampaignModel, inp: CampaignInputs, counted: readonly Counted[]): void {
  const add = (key: string, t: number, amount: number): void => {
    const units = toMoneyUnits(amount);
    bump(c.money, key, units);
    bumpMinute(c.minutes, t, key, units);
  };
  for (const { message: m } of inp.views) {
    const e = m.costEvent;
    if (e?.cost !== undefined) add(`cost:${e.cost.currency}`, e.t, e.cost.amount);
  }
  for (const { e, m } of counted) {
    if (m === undefined || !m.own.includes(e)) {
      if (e.cost !== undefined) add(`cost:${e.cost.currency}`, e.t, e.cost.amount);
    }
    if (e.type === 'converted' && e.value !== undefined)
      add(`revenue:${e.value.currency}`, e.t, e.value.amount);
  }
}

function addTwoWay(c: CampaignModel, views: readonly MessageView[]): void {
  for (const v of views) {
    const bucket = responseBucket(v);
    if (bucket !== undefined) bump(c.responseTimes, String(bucket));
    const eng = engagementOf(v);
    if (eng !== undefined) {
      c.stats.engN += 1;
      c.stats.engSum += eng;
    }
  }
}

/** The campaign's figures; undefined when no event names it or counts to it. */
export function buildCampaign(inp: CampaignInputs): CampaignModel | undefined {
  const counted = countedEvents(inp);
  const all = [...counted.map((x) => x.e), ...inp.naming, ...(inp.control ?? [])];
  const first = earliest(all);
  if (first === undefined) return undefined;
  const c = emptyCampaign(first);
  // Ties at the first instant are broken by the channel itself (semantics: by the chosen value).
  c.channel = all
    .filter((e) => e.t === first.t)
    .reduce((ch, e) => (e.channel < ch ? e.channel : ch), first.channel);
  addMessageCounts(c, inp.views);
  addPerEventCounts(c, counted);
  addRecipientSets(c, inp, counted);
  addMoney(c, inp, counted);
  addTwoWay(c, inp.views);
  return c;
}
