/**
 * A message's contribution to its campaign (docs/semantics.md §3, §5, §6): the counts its bits
 * make, each at its first-occurrence minute, per send tuple and error code, the sender scope of
 * alerts, per-event clicks (people's and bots', per send tuple, and people's within 10 s of the
 * delivery), conversions and surveys, cost, response time and WhatsApp engagement.
 */
import { bucketOf } from '@tally/kpi';
import { attachedBitsOf, BIT, effectiveBits, STATUS_NAMES, type StatusName } from './bits.ts';
import { scopeId, type CountSink } from './contribution.ts';
import { countMessageArm } from './count-experiment.ts';
import { digest, type TenantWindows } from './event.ts';
import { tupleKey, type MessageView } from './message.ts';
import type { RecipientEv } from './recipient.ts';

export interface CountContext {
  now: number;
  minuteTtlSeconds: number;
  windows: (tenant: string) => TenantWindows;
}

const DAY = 86_400_000;
const SEP = '\u0000';
/** Separates a class from a raw code in `bd:class_code` fields ("<class>\u0001<code>\0failed"). */
export const CLASS_CODE = '\u0001';

/** Send tuples repeat across a campaign's messages: their ids are remembered (bounded). */
const tupleIds = new Map<string, string>();
function tupleIdOf(tuple: string): string {
  let id = tupleIds.get(tuple);
  if (id === undefined) {
    if (tupleIds.size > 100_000) tupleIds.clear();
    id = digest(tuple);
    tupleIds.set(tuple, id);
  }
  return id;
}

export function minuteOf(ms: number): number {
  return Math.floor(ms / 60_000);
}

/** Minute buckets live MINUTE_TTL after their minute; later contributions reach lifetime only. */
export function minuteKept(ctx: CountContext, ms: number): boolean {
  return ((minuteOf(ms) + 1) * 60 + ctx.minuteTtlSeconds) * 1000 > ctx.now;
}

/** Adds n to field of the scope's `<kind>:<minute>` bucket of time ms, when that bucket is kept. */
export function addMinute(
  out: CountSink,
  ctx: CountContext,
  scope: string,
  kind: 'w' | 'we' | 'wt' | 'wd',
  ms: number,
  field: string,
  n = 1,
): void {
  if (!minuteKept(ctx, ms)) return;
  out.add(scope, `${kind}:${minuteOf(ms)}`, field, n);
  out.activeAt(scope, minuteOf(ms));
}

/** The smaller of two optional times. */
function min2(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined || a <= b ? a : b;
}

interface Times {
  reply?: number | undefined;
  click?: number | undefined;
  conv?: number | undefined;
  delivered?: number | undefined;
  sent?: number | undefined;
}

/** First reply, click and conversion (own, frozen and attached), and the implied earlier times. */
function times(v: MessageView, attached: RecipientEv[]): Times {
  const r = v.rec;
  let reply: number | undefined;
  for (const t of r.replies ?? []) reply = min2(reply, t);
  for (const t of r.frozenReplies ?? []) reply = min2(reply, t);
  let click: number | undefined = r.frozenFirstClickAt;
  for (const c of r.clicks ?? []) click = min2(click, c[1]);
  let conv: number | undefined = r.frozenFirstConversionAt;
  for (const c of r.conversions ?? []) conv = min2(conv, c[1]);
  let firstAttached: number | undefined;
  for (const e of attached) {
    firstAttached = min2(firstAttached, e.t);
    if (e.type === 'replied') reply = min2(reply, e.t);
    else if (e.type === 'clicked' && !e.bot) click = min2(click, e.t);
    else if (e.type === 'converted') conv = min2(conv, e.t);
  }
  return {
    reply,
    click,
    conv,
    delivered: v.deliveredAt ?? min2(reply, click),
    sent: v.sendAt ?? v.firstStatusAt ?? firstAttached,
  };
}

function firstOccurrence(name: StatusName, v: MessageView, t: Times): number | undefined {
  switch (name) {
    case 'sent':
      return t.sent;
    case 'delivered':
      return t.delivered;
    case 'failed':
      return v.rec.failedAt;
    case 'opened':
      return v.rec.openedAt;
    case 'clicked':
      return t.click;
    case 'replied':
      return t.reply;
    case 'converted':
      return t.conv;
  }
}

const SENDER_STATUSES: ReadonlySet<StatusName> = new Set(['sent', 'delivered', 'failed']);
const DELIVERABILITY_STATUSES: ReadonlySet<StatusName> = SENDER_STATUSES;

/** The classes a sender should act on per recipient (issue 20): the list-hygiene entries. */
export const HYGIENE_CLASSES: ReadonlySet<string> = new Set([
  'invalid_number',
  'blocked_or_opted_out',
  'unreachable',
  'not_capable',
]);

export function dayOf(ms: number): number {
  return Math.floor(ms / DAY);
}

/** The message's earliest failure: its code, class and whether it is permanent. */
export function failureOf(v: MessageView): { code: string; failureClass: string; permanent: boolean } {
  const [code = 'none', failureClass = 'other', p = '0'] = (v.rec.failure?.[1] ?? '').split(SEP);
  return { code: code || (v.rec.errorCode?.[1] ?? 'none'), failureClass, permanent: p === '1' };
}

/**
 * A tenant's deliverability cell (`P:t:{T}:dl:<day>`): one field per combination of what a
 * message's first sent / delivered / failed names, counted on the day it happened:
 * "status\0channel\0provider\0country\0carrier\0failureClass\0permanent" (the last two on
 * failures only; an unknown part is empty).
 */
export function deliverabilityField(
  v: MessageView,
  status: StatusName,
  failure: { failureClass: string; permanent: boolean },
): string {
  const failed = status === 'failed';
  return [
    status,
    v.channel,
    v.rec.provider?.[1] ?? '',
    v.rec.country?.[1] ?? '',
    v.rec.carrier?.[1] ?? '',
    failed ? failure.failureClass : '',
    failed ? (failure.permanent ? '1' : '0') : '',
  ].join(SEP);
}

/**
 * The alert dimensions of one status of a message (`wd:<minute>`, kpi WindowCounts.dimensions):
 * by carrier and country, and a failure by its class, alone and on its carrier and country.
 */
function dimensionFields(
  name: StatusName,
  carrier: string | undefined,
  country: string | undefined,
  failureClass: string,
): string[] {
  const out: string[] = [];
  if (carrier !== undefined) out.push(`cr:${carrier}${SEP}${name}`);
  if (country !== undefined) out.push(`co:${country}${SEP}${name}`);
  if (name === 'failed') {
    out.push(`fc:${failureClass}${SEP}failed`);
    if (carrier !== undefined) out.push(`fc:${failureClass}${SEP}cr:${carrier}`);
    if (country !== undefined) out.push(`fc:${failureClass}${SEP}co:${country}`);
  }
  return out;
}

/**
 * A list-hygiene entry (`P:t:{T}:hy:<day>`): "recipient\0time\0class\0permanent\0messageId\0provider"
 * → 1, for a failure of a hygiene class or an opt-out/opt-in of a known recipient.
 */
export function hygieneField(
  recipient: string,
  t: number,
  kind: string,
  permanent: boolean,
  v: MessageView | undefined,
): string {
  return [recipient, t, kind, permanent ? '1' : '0', v?.rec.messageId ?? '', v?.rec.provider?.[1] ?? ''].join(
    SEP,
  );
}

/** The message's send tuple id (its spelling registered with the campaign), if it has a send. */
function tupleOf(out: CountSink, c: string, v: MessageView): string | undefined {
  if (!v.rec.sendTuple) return undefined;
  const tuple = tupleKey(v.channel, v.rec.sendTuple, v.sender);
  const id = tupleIdOf(tuple);
  out.tuple(c, id, tuple);
  return id;
}

function countStatuses(
  out: CountSink,
  ctx: CountContext,
  v: MessageView,
  bits: number,
  t: Times,
  tupleId: string | undefined,
): void {
  const c = scopeId({ kind: 'c', tenant: v.rec.tenant, id: v.campaign ?? '' });
  const s = v.sender === undefined ? undefined : scopeId({ kind: 's', tenant: v.rec.tenant, id: v.sender });
  const ec = v.rec.errorCode?.[1] ?? 'none';
  const failure = failureOf(v);
  const carrier = v.rec.carrier?.[1];
  const tenant = scopeId({ kind: 't', tenant: v.rec.tenant });
  for (const name of STATUS_NAMES) {
    if ((bits & BIT[name]) === 0) continue;
    const at = firstOccurrence(name, v, t);
    out.add(c, 'counts', name);
    if (at !== undefined) addMinute(out, ctx, c, 'w', at, name);
    if (tupleId !== undefined) {
      out.add(c, 'bt', `${tupleId}${SEP}${name}`);
      if (at !== undefined) addMinute(out, ctx, c, 'wt', at, `${tupleId}${SEP}${name}`);
    }
    if (s !== undefined && SENDER_STATUSES.has(name) && at !== undefined)
      addMinute(out, ctx, s, 'w', at, name);
    if (carrier !== undefined) out.add(c, 'bd:carrier', `${carrier}${SEP}${name}`);
    if (at !== undefined && DELIVERABILITY_STATUSES.has(name)) {
      out.add(tenant, `dl:${dayOf(at)}`, deliverabilityField(v, name, failure));
      for (const field of dimensionFields(name, carrier, v.rec.country?.[1], failure.failureClass)) {
        addMinute(out, ctx, c, 'wd', at, field);
        if (s !== undefined) addMinute(out, ctx, s, 'wd', at, field);
      }
    }
    if (name === 'failed') {
      out.add(c, 'bd:error_code', `${ec}${SEP}failed`);
      out.add(c, 'bd:failure_class', `${failure.failureClass}${SEP}failed`);
      out.add(c, 'bd:class_code', `${failure.failureClass}${CLASS_CODE}${ec}${SEP}failed`);
      if (at !== undefined && v.recipient !== undefined && HYGIENE_CLASSES.has(failure.failureClass))
        out.add(
          tenant,
          `hy:${dayOf(at)}`,
          hygieneField(v.recipient, at, failure.failureClass, failure.permanent, v),
        );
      if (at !== undefined) {
        addMinute(out, ctx, c, 'we', at, ec);
        if (s !== undefined) addMinute(out, ctx, s, 'we', at, ec);
      }
    }
  }
}

/**
 * Per-event effects of a campaign: clicks (people's, or bots' apart), conversions (+ revenue),
 * surveys, event costs.
 */
export function countPerEvent(
  out: CountSink,
  ctx: CountContext,
  c: string,
  e: {
    type: string;
    t: number;
    value?: [number, string] | undefined;
    score?: number | undefined;
    cost?: [number, string] | undefined;
    bot?: 1 | undefined;
  },
): void {
  if (e.type === 'clicked') {
    const field = e.bot ? 'botClicks' : 'clicks';
    out.add(c, 'counts', field);
    addMinute(out, ctx, c, 'w', e.t, field);
  }
  if (e.type === 'converted') {
    out.add(c, 'counts', 'conversions');
    addMinute(out, ctx, c, 'w', e.t, 'conversions');
    if (e.value && e.value[1]) moneyAt(out, ctx, c, e.t, `revenue:${e.value[1]}`, e.value[0]);
  }
  if (e.type === 'survey_answered' && e.score !== undefined) {
    out.add(c, 'counts', 'surveys');
    out.add(c, 'counts', 'scoreSum', e.score);
    addMinute(out, ctx, c, 'w', e.t, 'surveys');
    addMinute(out, ctx, c, 'w', e.t, 'scoreSum', e.score);
  }
  if (e.cost) moneyAt(out, ctx, c, e.t, `cost:${e.cost[1]}`, e.cost[0]);
}

function moneyAt(
  out: CountSink,
  ctx: CountContext,
  c: string,
  t: number,
  field: string,
  units: number,
): void {
  out.addMoney(c, 'money', field, units);
  if (minuteKept(ctx, t)) {
    out.addMoney(c, `w:${minuteOf(t)}`, field, units);
    out.activeAt(c, minuteOf(t));
  }
}

/** How close to its message's delivery a person's click counts in `clicksWithin10s`. */
export const NEAR_DELIVERY_MS = 10_000;

/**
 * The figures of the message's clicks that depend on the message: each click under the send
 * tuple (`clicks` or `botClicks`), and a person's click at most 10 s from the delivery time in
 * `clicksWithin10s` (campaign and tuple). Own clicks also count in the campaign's `clicks` /
 * `botClicks` here; attached ones count there with their recipient (count-cluster.ts).
 */
function countClicks(
  out: CountSink,
  ctx: CountContext,
  c: string,
  v: MessageView,
  attached: RecipientEv[],
  tupleId: string | undefined,
): void {
  const one = (t: number, bot: boolean, own: boolean): void => {
    const field = bot ? 'botClicks' : 'clicks';
    if (own) countPerEvent(out, ctx, c, { type: 'clicked', t, bot: bot ? 1 : undefined });
    const near = !bot && v.deliveredAt !== undefined && Math.abs(t - v.deliveredAt) <= NEAR_DELIVERY_MS;
    if (near) {
      out.add(c, 'counts', 'clicksWithin10s');
      addMinute(out, ctx, c, 'w', t, 'clicksWithin10s');
    }
    if (tupleId === undefined) return;
    for (const f of near ? [field, 'clicksWithin10s'] : [field]) {
      out.add(c, 'bt', `${tupleId}${SEP}${f}`);
      addMinute(out, ctx, c, 'wt', t, `${tupleId}${SEP}${f}`);
    }
  };
  for (const [, t] of v.rec.clicks ?? []) one(t, false, true);
  for (const [, t] of v.rec.botClicks ?? []) one(t, true, true);
  for (const e of attached) if (e.type === 'clicked') one(e.t, e.bot === 1, false);
}

function countTwoWay(out: CountSink, v: MessageView, bits: number, t: Times, attached: RecipientEv[]): void {
  const c = scopeId({ kind: 'c', tenant: v.rec.tenant, id: v.campaign ?? '' });
  const ref = v.deliveredAt ?? v.sendAt ?? v.firstStatusAt;
  if ((bits & BIT.replied) !== 0 && t.reply !== undefined && ref !== undefined)
    out.add(c, 'rt', String(bucketOf(Math.max(0, t.reply - ref))));
  if (v.channel !== 'whatsapp' || v.refAt === undefined) return;
  const from = v.refAt;
  const inbound = [
    ...(v.rec.replies ?? []),
    ...(v.rec.frozenReplies ?? []),
    ...attached.filter((e) => e.type === 'replied').map((e) => e.t),
  ].filter((x) => x >= from && x <= from + DAY);
  if (inbound.length === 0) return;
  out.add(c, 'counts', 'engN');
  out.add(c, 'counts', 'engSum', Math.max(...inbound) - Math.min(...inbound));
}

/** The contribution of one message with a known campaign, given what is attached to it. */
export function countMessage(
  out: CountSink,
  ctx: CountContext,
  v: MessageView,
  attached: RecipientEv[],
): void {
  if (v.campaign === undefined) return;
  const c = scopeId({ kind: 'c', tenant: v.rec.tenant, id: v.campaign });
  let bits = v.rec.ownBits | (v.rec.frozenBits ?? 0);
  for (const e of attached) bits |= attachedBitsOf(e.type, e.bot);
  bits = effectiveBits(bits);
  const t = times(v, attached);
  const tupleId = tupleOf(out, c, v);
  countStatuses(out, ctx, v, bits, t, tupleId);
  countClicks(out, ctx, c, v, attached, tupleId);
  for (const [, at, u, cur] of v.rec.conversions ?? [])
    countPerEvent(out, ctx, c, { type: 'converted', t: at, value: [u, cur] });
  for (const [, at, sc] of v.rec.surveys ?? [])
    countPerEvent(out, ctx, c, { type: 'survey_answered', t: at, score: sc });
  if (v.rec.cost) moneyAt(out, ctx, c, v.rec.cost[0], `cost:${v.rec.cost[2]}`, v.rec.cost[1]);
  countTwoWay(out, v, bits, t, attached);
  if (v.recipient !== undefined)
    for (const [, type, at] of v.rec.setEvents ?? [])
      if (type === 'opted_out')
        out.add(
          scopeId({ kind: 't', tenant: v.rec.tenant }),
          `hy:${dayOf(at)}`,
          hygieneField(v.recipient, at, 'opted_out', true, v),
        );
  countMessageArm(out, v, bits, attached);
  out.seen(c, v.rec.channel[0], v.channel);
  for (const e of attached) out.seen(c, e.t, e.channel);
}
