/**
 * Holdouts (issue 21, docs/semantics.md §2 and §4a): a `held_out` event says the sender
 * deliberately did not message recipient R in campaign C — R is in C's control arm. For the
 * conversion rule a hold is a candidate like a delivery at its hold time, so the conversions the
 * held-out recipients make anyway are attributed to C's control arm and measure what C added.
 *
 * A hold of C is void — a **conflict** — when R was also messaged by C within max(Wr, Wc, Wd) of
 * the hold (a message of C with a send, or any status, at most that far before or after it): R
 * counts once, in the messaged arm, and under C's `conflicts`. The window keeps the rule inside
 * what the state remembers: such messages and holds are both still live when the other arrives.
 * Frozen holds (retire.ts) leave their status in the recipient's `frozen.heldOutOf` /
 * `frozen.heldOutConflicts`.
 */
import { BIT } from './bits.ts';
import type { TenantWindows } from './event.ts';
import type { MessageView } from './message.ts';
import type { Frozen, RecipientEv } from './recipient.ts';

export interface HoldStatus {
  /** Live holds of the campaign. */
  holds: RecipientEv[];
  /** Void: R was messaged by the campaign around a hold (now, or when a hold froze). */
  conflict: boolean;
}

export function maxWindowMs(w: TenantWindows): number {
  return Math.max(w.replyMs, w.clickMs, w.deliveredMs);
}

function messagedAround(c: string, t: number, views: readonly MessageView[], within: number): boolean {
  for (const v of views) {
    if (v.campaign !== c || (v.rec.ownBits & BIT.sent) === 0 || v.refAt === undefined) continue;
    if (Math.abs(v.refAt - t) <= within) return true;
  }
  return false;
}

/**
 * The recipient's holdouts by campaign: its live holds and whether they are void. Campaigns it
 * was held out of only by frozen holds are included too (their status is what froze).
 */
export function holdsOf(
  events: readonly RecipientEv[],
  views: readonly MessageView[],
  w: TenantWindows,
  fz: Frozen | undefined,
): Map<string, HoldStatus> {
  const out = new Map<string, HoldStatus>();
  const within = maxWindowMs(w);
  for (const e of events) {
    if (e.type !== 'held_out' || e.campaign === undefined) continue;
    let s = out.get(e.campaign);
    if (!s)
      out.set(e.campaign, (s = { holds: [], conflict: fz?.heldOutConflicts?.includes(e.campaign) ?? false }));
    s.holds.push(e);
    if (!s.conflict && messagedAround(e.campaign, e.t, views, within)) s.conflict = true;
  }
  for (const c of fz?.heldOutOf ?? []) if (!out.has(c)) out.set(c, { holds: [], conflict: false });
  for (const c of fz?.heldOutConflicts ?? []) if (!out.has(c)) out.set(c, { holds: [], conflict: true });
  return out;
}

/** A candidate of the conversion rule's delivery step: a live, non-void hold. */
export interface HoldCandidate {
  t: number;
  campaign: string;
}

export function holdCandidates(status: Map<string, HoldStatus>): HoldCandidate[] {
  const out: HoldCandidate[] = [];
  for (const [campaign, s] of status) {
    if (s.conflict) continue;
    for (const h of s.holds) out.push({ t: h.t, campaign });
  }
  return out;
}

/**
 * The tie-break key of a hold among the delivery step's candidates (latest by time, then key):
 * below every message id (ids are printable ASCII), so at the same instant a real delivery wins.
 */
export function holdKey(campaign: string): string {
  return `\u0001${campaign}`;
}
