/**
 * Retirement: state that can no longer change is dropped, leaving behind only what keeps later
 * counts right (docs/semantics.md §8). It writes no aggregate: a batch diffs an entity's
 * contribution before and after its events, both computed on the retired state, so what a retired
 * message or event contributed stays counted and is never counted again.
 *
 * - A message retires when stream time passes its newest own event by every window plus the
 *   horizon; events attributed to it freeze with it.
 * - A recipient-level event freezes `H` after it happened (a click, a candidate itself, after
 *   every window plus `H`). A frozen event's attachment moves onto its message (`frozenBits`,
 *   `frozenReplies`, `frozenFirstClickAt`, …), its membership into `frozen`, its audience figures
 *   into `audience`.
 * - A recipient record with nothing live retires RECIPIENT_TTL after its newest event.
 * - While the tenant has an open import, `H` above is the backfill window B (event.ts
 *   keepHorizonMs): nothing an imported event may still touch retires under it.
 */
import { attachedBitsOf } from './bits.ts';
import type { Target } from './attribution.ts';
import { foldEvent, foldMessage, refoldLive } from './audience.ts';
import { attachments, type Cluster } from './count-cluster.ts';
import type { CountContext } from './count-message.ts';
import { keepHorizonMs, messageRetentionMs } from './event.ts';
import { holdsOf, type HoldStatus } from './holdout.ts';
import { viewOf, type MessageRec, type MessageView } from './message.ts';
import type { Frozen, RecipientEv, RecipientRec } from './recipient.ts';

export interface Retired {
  messages: MessageRec[];
  events: number;
  /** True when the whole recipient record can go. */
  recipient: boolean;
}

const FROZEN_KEY = {
  opted_out: 'optedOutOf',
  uninstalled: 'uninstalledFrom',
  feature_adopted: 'adoptedFeatureIn',
} as const;

function addFrozen(fz: Frozen, key: Exclude<keyof Frozen, 'controlRevenue'>, value: string): void {
  const list = (fz[key] ??= []);
  if (!list.includes(value)) list.push(value);
}

function addUnits(list: [string, number][] | undefined, cur: string, units: number): [string, number][] {
  const out = [...(list ?? [])];
  const i = out.findIndex(([c]) => c === cur);
  if (i >= 0) out[i] = [cur, (out[i]?.[1] ?? 0) + units];
  else out.push([cur, units]);
  return out;
}

/** A hold or a control-arm conversion leaves its holdout status (holdout.ts, count-experiment.ts). */
function freezeHoldout(fz: Frozen, e: RecipientEv, target: Target, holds: Map<string, HoldStatus>): void {
  if (e.type === 'held_out')
    addFrozen(fz, holds.get(target.campaign)?.conflict ? 'heldOutConflicts' : 'heldOutOf', target.campaign);
  if (e.type === 'converted' && target.controlArm) {
    addFrozen(fz, 'controlConversionsIn', target.campaign);
    if (e.value?.[1]) {
      const byCur = ((fz.controlRevenue ??= {})[target.campaign] ??= {});
      byCur[e.value[1]] = (byCur[e.value[1]] ?? 0) + e.value[0];
    }
  }
}

function freezeEvent(
  rec: RecipientRec,
  e: RecipientEv,
  target: Target | undefined,
  views: Map<string, MessageView>,
  holds: Map<string, HoldStatus>,
): void {
  rec.audience ??= {};
  foldEvent(rec.audience, e, target);
  if (!target) return;
  rec.frozen ??= {};
  const kind = FROZEN_KEY[e.type as keyof typeof FROZEN_KEY] as
    (typeof FROZEN_KEY)[keyof typeof FROZEN_KEY] | undefined;
  if (kind) addFrozen(rec.frozen, kind, target.campaign);
  freezeHoldout(rec.frozen, e, target, holds);
  const m = target.messageId === undefined ? undefined : views.get(target.messageId);
  if (!m) return;
  if (e.type === 'opted_out' && m.sender !== undefined) addFrozen(rec.frozen, 'optedOutOfSenders', m.sender);
  const r = m.rec;
  r.frozenBits = (r.frozenBits ?? 0) | attachedBitsOf(e.type, e.bot);
  if (e.type === 'replied') r.frozenReplies = [...(r.frozenReplies ?? []), e.t].sort((a, b) => a - b);
  if (e.type === 'clicked' && !e.bot) r.frozenFirstClickAt = Math.min(r.frozenFirstClickAt ?? e.t, e.t);
  if (e.type === 'converted') r.frozenFirstConversionAt = Math.min(r.frozenFirstConversionAt ?? e.t, e.t);
  if (e.type === 'opted_out') r.frozenOptOut = 1;
  if (e.type === 'converted' && e.value?.[1])
    r.frozenRevenue = addUnits(r.frozenRevenue, e.value[1], e.value[0]);
}

function retireMessage(rec: RecipientRec, v: MessageView): void {
  rec.audience ??= {};
  foldMessage(rec.audience, v);
  if (v.campaign === undefined) return;
  rec.frozen ??= {};
  for (const [, type] of v.rec.setEvents ?? []) {
    addFrozen(rec.frozen, FROZEN_KEY[type], v.campaign);
    if (type === 'opted_out' && v.sender !== undefined) addFrozen(rec.frozen, 'optedOutOfSenders', v.sender);
  }
  if (v.channel === 'in_app' && v.rec.openedAt !== undefined)
    addFrozen(rec.frozen, 'inAppOpenedIn', v.campaign);
}

/**
 * Retires what is due in the cluster (mutates it) and says what went. partition/sweep.ts
 * `mayRetire` reads these rules from the record alone to skip recipients with nothing due: a rule
 * added or loosened here must be added or loosened there too.
 */
export function retireCluster(
  cluster: Cluster,
  streamTime: number,
  ctx: CountContext,
  recipientTtlMs: number,
): Retired {
  const { rec } = cluster;
  const w = ctx.windows(rec.tenant);
  const keepMessage = messageRetentionMs(w);
  const views = new Map<string, MessageView>();
  for (const m of cluster.messages.values()) views.set(m.messageId, viewOf(m));
  const dueMessages = new Set(
    [...views.values()].filter((v) => streamTime > v.rec.newestAt + keepMessage).map((v) => v.rec.messageId),
  );
  const { targets } = attachments(rec, [...views.values()], ctx);
  const holds = holdsOf(rec.events, [...views.values()], w, rec.frozen);
  const frozen: RecipientEv[] = [];
  for (const e of rec.events) {
    const target = targets.get(e);
    // A person's click and a hold are candidates of the conversion rule: kept as long as a
    // message is; a bot click is none.
    const keep = (e.type === 'clicked' && !e.bot) || e.type === 'held_out' ? keepMessage : keepHorizonMs(w);
    if (streamTime > e.t + keep || (target?.messageId !== undefined && dueMessages.has(target.messageId))) {
      freezeEvent(rec, e, target, views, holds);
      frozen.push(e);
    }
  }
  rec.events = rec.events.filter((e) => !frozen.includes(e));
  const messages: MessageRec[] = [];
  for (const id of dueMessages) {
    const v = views.get(id);
    if (!v) continue;
    retireMessage(rec, v);
    messages.push(v.rec);
    cluster.messages.delete(id);
  }
  rec.messageIds = rec.messageIds.filter((id) => !dueMessages.has(id));
  // every message left is at hand (a whole cluster): the bound on their newest times made exact
  let oldest = Infinity;
  for (const v of views.values())
    if (!dueMessages.has(v.rec.messageId)) oldest = Math.min(oldest, v.rec.newestAt);
  if (rec.messageIds.length > 0 && oldest !== Infinity) rec.oldestAt = oldest;
  else delete rec.oldestAt;
  // the live summary folded again from the messages left (what went is in `audience` now), or
  // for the first time (a record written before it was kept)
  if (messages.length > 0 || rec.live === undefined)
    refoldLive(
      rec,
      [...views.values()].filter((v) => !dueMessages.has(v.rec.messageId)),
    );
  const empty = rec.messageIds.length === 0 && rec.events.length === 0;
  return { messages, events: frozen.length, recipient: empty && streamTime > rec.newestAt + recipientTtlMs };
}
