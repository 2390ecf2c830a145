/**
 * The contribution of a whole entity (docs/semantics.md §2–§7):
 * - a recipient with its live messages and recipient-level events: attribution, every message's
 *   counts, per-event effects of attributed events, the recipient sets (opt-outs, uninstalls,
 *   adopters, in-app openers — each recipient once per campaign, retired memberships included),
 *   the sender scope's opt-outs, and the tenant's pending events;
 * - a message without a known recipient (its recipient-set events count as members of their own);
 * - an event without recipient or message (counts to its campaign, or as unattributed).
 */
import { BIT } from './bits.ts';
import { attributeAll, type Target } from './attribution.ts';
import { Contribution, scopeId, type CountSink } from './contribution.ts';
import { countHoldouts } from './count-experiment.ts';
import { addMinute, countMessage, countPerEvent, hygieneField, type CountContext } from './count-message.ts';
import type { MessageRec, MessageView, SetType } from './message.ts';
import { viewOf } from './message.ts';
import type { RecipientEv, RecipientRec } from './recipient.ts';
import type { Ev } from './event.ts';

export interface Cluster {
  rec: RecipientRec;
  messages: Map<string, MessageRec>;
}

const DAY = 86_400_000;
const SET_COUNT: Record<SetType, 'optOuts' | 'uninstalls' | 'featureAdopters'> = {
  opted_out: 'optOuts',
  uninstalled: 'uninstalls',
  feature_adopted: 'featureAdopters',
};
const FROZEN_KEY = {
  opted_out: 'optedOutOf',
  uninstalled: 'uninstalledFrom',
  feature_adopted: 'adoptedFeatureIn',
} as const;

/** Per set kind, campaign → earliest live time; plus senders of opt-outs. */
class Members {
  readonly byKind = new Map<string, Map<string, number>>();
  add(kind: string, campaign: string, t: number): void {
    let m = this.byKind.get(kind);
    if (!m) this.byKind.set(kind, (m = new Map<string, number>()));
    m.set(campaign, Math.min(m.get(campaign) ?? t, t));
  }
}

function dayOf(t: number): number {
  return Math.floor(t / DAY);
}

export function pendingField(type: string, t: number): string {
  return `${type}:${dayOf(t)}`;
}

/** Events attributed to each message, and the targets of all. */
export function attachments(
  rec: RecipientRec,
  views: MessageView[],
  ctx: CountContext,
): { targets: Map<RecipientEv, Target | undefined>; byMessage: Map<string, RecipientEv[]> } {
  const targets = attributeAll(rec.events, views, ctx.windows(rec.tenant), rec.frozen);
  const byMessage = new Map<string, RecipientEv[]>();
  for (const [e, target] of targets) {
    if (!target?.messageId) continue;
    const list = byMessage.get(target.messageId) ?? [];
    list.push(e);
    byMessage.set(target.messageId, list);
  }
  return { targets, byMessage };
}

function collectMembers(
  views: Map<string, MessageView>,
  targets: Map<RecipientEv, Target | undefined>,
): { members: Members; senders: Map<string, number> } {
  const members = new Members();
  const senders = new Map<string, number>();
  const senderOf = (m: string | undefined) => (m === undefined ? undefined : views.get(m)?.sender);
  const note = (type: SetType, c: string, t: number, m: string | undefined) => {
    members.add(type, c, t);
    const s = type === 'opted_out' ? senderOf(m) : undefined;
    if (s !== undefined) senders.set(s, Math.min(senders.get(s) ?? t, t));
  };
  for (const v of views.values()) {
    if (v.campaign === undefined) continue;
    for (const [, type, t] of v.rec.setEvents ?? []) note(type, v.campaign, t, v.rec.messageId);
    if (v.channel === 'in_app' && (v.rec.ownBits & BIT.opened) !== 0 && v.rec.openedAt !== undefined)
      members.add('in_app_open', v.campaign, v.rec.openedAt);
  }
  for (const [e, target] of targets) {
    if (target && e.type in SET_COUNT) note(e.type as SetType, target.campaign, e.t, target.messageId);
  }
  return { members, senders };
}

function countMembers(
  out: CountSink,
  ctx: CountContext,
  rec: RecipientRec,
  views: Map<string, MessageView>,
  targets: Map<RecipientEv, Target | undefined>,
): void {
  const { members, senders } = collectMembers(views, targets);
  const kinds: [string, string, string[] | undefined][] = [
    ...(Object.keys(SET_COUNT) as SetType[]).map((k): [string, string, string[] | undefined] => [
      k,
      SET_COUNT[k],
      rec.frozen?.[FROZEN_KEY[k]],
    ]),
    ['in_app_open', 'inAppOpeners', rec.frozen?.inAppOpenedIn],
  ];
  for (const [kind, field, frozen] of kinds) {
    const live = members.byKind.get(kind) ?? new Map<string, number>();
    for (const c of new Set([...live.keys(), ...(frozen ?? [])])) {
      const scope = scopeId({ kind: 'c', tenant: rec.tenant, id: c });
      out.add(scope, 'counts', field);
      const t = live.get(c);
      if (t !== undefined && !frozen?.includes(c)) addMinute(out, ctx, scope, 'w', t, field);
    }
  }
  for (const [s, t] of senders) {
    if (rec.frozen?.optedOutOfSenders?.includes(s)) continue;
    addMinute(out, ctx, scopeId({ kind: 's', tenant: rec.tenant, id: s }), 'w', t, 'optOuts');
  }
}

export function countCluster(cluster: Cluster, ctx: CountContext): Contribution {
  return countClusterWith(cluster, ctx).out;
}

/** The contribution, with the views and targets it was computed from (for the audience row). */
export function countClusterWith(
  cluster: Cluster,
  ctx: CountContext,
): { out: Contribution; views: Map<string, MessageView>; targets: Map<RecipientEv, Target | undefined> } {
  const out = new Contribution();
  const { rec } = cluster;
  const views = new Map<string, MessageView>();
  for (const m of cluster.messages.values()) views.set(m.messageId, viewOf(m));
  const { targets, byMessage } = attachments(rec, [...views.values()], ctx);
  for (const v of views.values()) countMessagePart(out, ctx, v, byMessage.get(v.rec.messageId) ?? []);
  countRecipientPart(out, ctx, rec, views, targets);
  return { out, views, targets };
}

/**
 * One message's part of its recipient's contribution: its counts with what is attached to it
 * (or, without a campaign, its pending mark). A batch recomputes only the messages it touched
 * and those whose attachments moved.
 */
export function countMessagePart(
  out: CountSink,
  ctx: CountContext,
  v: MessageView,
  attached: RecipientEv[],
): void {
  if (v.campaign === undefined) countPendingMessage(out, v.rec);
  else countMessage(out, ctx, v, attached);
}

/**
 * The recipient's own part: per-event effects of its attributed recipient-level events, its
 * pending ones, and the recipient sets (each recipient once per campaign).
 */
export function countRecipientPart(
  out: CountSink,
  ctx: CountContext,
  rec: RecipientRec,
  views: Map<string, MessageView>,
  targets: Map<RecipientEv, Target | undefined>,
): void {
  const tenant = scopeId({ kind: 't', tenant: rec.tenant });
  for (const [e, target] of targets) {
    // The list-hygiene feed names every opt-out (and the opt-in that undoes it) of a known person.
    if (e.type === 'opted_out' || e.type === 'opted_in')
      out.add(
        tenant,
        `hy:${dayOf(e.t)}`,
        hygieneField(rec.recipientId, e.t, e.type, e.type === 'opted_out', undefined),
      );
    if (!target) {
      out.add(tenant, 'pending', pendingField(e.type, e.t));
      continue;
    }
    const c = scopeId({ kind: 'c', tenant: rec.tenant, id: target.campaign });
    // A control-arm conversion is the campaign's, but not its effect: counted apart (holdouts).
    if (!target.controlArm) countPerEvent(out, ctx, c, e);
    out.seen(c, e.t, e.channel);
  }
  countMembers(out, ctx, rec, views, targets);
  countHoldouts(out, ctx, rec, views, targets);
}

/**
 * Whether an event may give its recipient a recipient part (`hasRecipientPart`, below): a
 * recipient-level event, a set event, an in-app open. Such a recipient's cluster is loaded whole
 * (partition/cache.ts); should another event give it one after all, the fold says so
 * (batch.ts `PartialClusterError`) and the batch is folded again with every cluster whole.
 */
export function mayAddRecipientPart(e: Ev): boolean {
  return e.message === undefined || e.type in SET_COUNT || (e.type === 'opened' && e.channel === 'in_app');
}

/** Whether the recipient part can be non-empty (else a batch can skip it, and its views). */
export function hasRecipientPart(rec: RecipientRec, messages: Iterable<MessageRec>): boolean {
  if (rec.events.length > 0 || rec.frozen) return true;
  for (const m of messages)
    if (m.setEvents?.length || (m.channel[1] === 'in_app' && (m.ownBits & BIT.opened) !== 0)) return true;
  return false;
}

function countPendingMessage(out: CountSink, m: MessageRec): void {
  out.add(
    scopeId({ kind: 't', tenant: m.tenant }),
    'pending',
    pendingField('message', m.firstStatusAt ?? m.channel[0]),
  );
}

/** A message without a known recipient: its own counts; its set events are their own members. */
export function countAnonymous(out: CountSink, m: MessageRec, ctx: CountContext): void {
  const v = viewOf(m);
  if (v.campaign === undefined) {
    countPendingMessage(out, m);
    return;
  }
  countMessage(out, ctx, v, []);
  const c = scopeId({ kind: 'c', tenant: m.tenant, id: v.campaign });
  for (const [, type, t] of m.setEvents ?? []) {
    out.add(c, 'counts', SET_COUNT[type]);
    addMinute(out, ctx, c, 'w', t, SET_COUNT[type]);
  }
  if (v.channel === 'in_app' && (m.ownBits & BIT.opened) !== 0 && m.openedAt !== undefined) {
    out.add(c, 'counts', 'inAppOpeners');
    addMinute(out, ctx, c, 'w', m.openedAt, 'inAppOpeners');
  }
}

/** An event without recipient or message (kept for deduplication). */
export interface LooseEv extends RecipientEv {
  /** The tenant it belongs to (a recipient-level event's tenant is its recipient's). */
  tenant: string;
}

export function countLoose(out: CountSink, e: LooseEv, ctx: CountContext): void {
  if (e.campaign === undefined) {
    if (e.type !== 'opted_in') out.add(scopeId({ kind: 't', tenant: e.tenant }), 'unattributed', e.type);
    return;
  }
  const c = scopeId({ kind: 'c', tenant: e.tenant, id: e.campaign });
  countPerEvent(out, ctx, c, e);
  if (e.type in SET_COUNT) {
    const field = SET_COUNT[e.type as SetType];
    out.add(c, 'counts', field);
    addMinute(out, ctx, c, 'w', e.t, field);
  }
  out.seen(c, e.t, e.channel);
}
