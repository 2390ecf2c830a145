/**
 * A campaign's experiment figures (issue 21, docs/semantics.md §4a), in its `x` hash, beside the
 * counts the send-tuple breakdown already keeps per variant:
 *
 *   "v:<variant>\0optedOut"          messages of the variant with an attributed opt-out
 *   "v:<variant>\0revenue:<CUR>"     their revenue (ten-thousandths, money carry like `money`)
 *   "v:<variant>\0revenueSq:<CUR>"   Σ over those messages of (a message's revenue)², units²
 *   "u\0…"                           the same for sent messages without a send tuple
 *   "h\0heldOut"                     recipients held out of the campaign (holdout.ts)
 *   "h\0conflicts"                   recipients held out of it and messaged by it
 *   "h\0converted" / "h\0conversions" held-out recipients with a control-arm conversion / those events
 *   "h\0revenue:<CUR>" / "h\0revenueSq:<CUR>"  their revenue, and Σ over recipients of its square
 *
 * Squares make the variance of revenue per message (per recipient) that the always-valid interval
 * needs (@tally/kpi sequential.ts); a square is of a whole unit's revenue, so it is computed from
 * everything the unit has, frozen parts included (retire.ts), never summed per event.
 */
import { has } from './bits.ts';
import type { Target } from './attribution.ts';
import { scopeId, type CountSink } from './contribution.ts';
import type { CountContext } from './count-message.ts';
import { holdsOf } from './holdout.ts';
import type { MessageView } from './message.ts';
import type { RecipientEv, RecipientRec } from './recipient.ts';

const SEP = '\u0000';
export const EXPERIMENT_KEY = 'x';

/** The arm of a sent message: its variant (from the send tuple), or `u` without a tuple. */
function armOf(v: MessageView): string {
  const tp = v.rec.sendTuple?.[1];
  if (tp === undefined) return 'u';
  return `v:${tp.split(SEP)[1] ?? ''}`;
}

function addRevenue(into: Map<string, number>, cur: string, units: number): void {
  if (cur) into.set(cur, (into.get(cur) ?? 0) + units);
}

function moneyMoments(out: CountSink, scope: string, prefix: string, byCur: Map<string, number>): void {
  for (const [cur, units] of byCur) {
    out.addMoney(scope, EXPERIMENT_KEY, `${prefix}${SEP}revenue:${cur}`, units);
    const u = BigInt(units);
    out.addMoney(scope, EXPERIMENT_KEY, `${prefix}${SEP}revenueSq:${cur}`, u * u);
  }
}

/** A message's part: its arm's opt-out and revenue figures (`bits` = own ∪ attached ∪ frozen). */
export function countMessageArm(
  out: CountSink,
  v: MessageView,
  bits: number,
  attached: readonly RecipientEv[],
): void {
  if (v.campaign === undefined || !has(bits, 'sent')) return;
  const r = v.rec;
  // Runs for every counted message: most have neither an opt-out nor revenue, and write nothing.
  let optedOut = r.frozenOptOut === 1;
  if (!optedOut && r.setEvents) for (const x of r.setEvents) if (x[1] === 'opted_out') optedOut = true;
  let revenue: Map<string, number> | undefined;
  const add = (cur: string, u: number) => {
    if (!cur) return;
    revenue ??= new Map();
    revenue.set(cur, (revenue.get(cur) ?? 0) + u);
  };
  for (const [, , u, cur] of r.conversions ?? []) add(cur, u);
  for (const e of attached) {
    if (e.type === 'opted_out') optedOut = true;
    else if (e.type === 'converted' && e.value) add(e.value[1], e.value[0]);
  }
  for (const [cur, u] of r.frozenRevenue ?? []) add(cur, u);
  if (!optedOut && revenue === undefined) return;
  const c = scopeId({ kind: 'c', tenant: r.tenant, id: v.campaign });
  const arm = armOf(v);
  if (optedOut) out.add(c, EXPERIMENT_KEY, `${arm}${SEP}optedOut`);
  if (revenue) moneyMoments(out, c, arm, revenue);
}

/** The recipient's part: its holdouts and the control-arm conversions (targets with `controlArm`). */
export function countHoldouts(
  out: CountSink,
  ctx: CountContext,
  rec: RecipientRec,
  views: Map<string, MessageView>,
  targets: Map<RecipientEv, Target | undefined>,
): void {
  const fz = rec.frozen;
  if (
    !fz?.heldOutOf &&
    !fz?.heldOutConflicts &&
    !fz?.controlConversionsIn &&
    !rec.events.some((e) => e.type === 'held_out')
  )
    return;
  const status = holdsOf(rec.events, [...views.values()], ctx.windows(rec.tenant), fz);
  const conversions = new Map<string, RecipientEv[]>();
  for (const [e, target] of targets) {
    if (!target?.controlArm) continue;
    const list = conversions.get(target.campaign) ?? [];
    list.push(e);
    conversions.set(target.campaign, list);
  }
  for (const [campaign, s] of status) {
    const c = scopeId({ kind: 'c', tenant: rec.tenant, id: campaign });
    out.add(c, EXPERIMENT_KEY, `h${SEP}${s.conflict ? 'conflicts' : 'heldOut'}`);
  }
  const campaigns = new Set([...conversions.keys(), ...(rec.frozen?.controlConversionsIn ?? [])]);
  for (const campaign of campaigns) {
    const c = scopeId({ kind: 'c', tenant: rec.tenant, id: campaign });
    const live = conversions.get(campaign) ?? [];
    out.add(c, EXPERIMENT_KEY, `h${SEP}converted`);
    if (live.length > 0) out.add(c, EXPERIMENT_KEY, `h${SEP}conversions`, live.length);
    const revenue = new Map<string, number>();
    for (const e of live) if (e.value) addRevenue(revenue, e.value[1], e.value[0]);
    // The sum counts live events only (a frozen one's stays counted); the square is the whole
    // recipient's, frozen revenue included.
    const whole = new Map(revenue);
    for (const [cur, u] of Object.entries(rec.frozen?.controlRevenue?.[campaign] ?? {}))
      addRevenue(whole, cur, u);
    for (const [cur, units] of revenue) out.addMoney(c, EXPERIMENT_KEY, `h${SEP}revenue:${cur}`, units);
    for (const [cur, units] of whole) {
      const u = BigInt(units);
      out.addMoney(c, EXPERIMENT_KEY, `h${SEP}revenueSq:${cur}`, u * u);
    }
  }
}
