/**
 * Semantics §0: which copies count. One event per (tenantId, eventId) — the first copy in the
 * input wins — and an event is late when it arrived more than the horizon after it occurred, more
 * than 24 h before it occurred, or after its message's state was retired (§8).
 */
import type { EventType } from '@tally/events';
import type { ArrivedEvent, TenantWindows, TypeCounts } from './types.ts';

/** An accepted event with its time, t(e), in epoch ms. */
export type Ev = ArrivedEvent & { readonly t: number };

export const FUTURE_LIMIT_MS = 24 * 3_600_000;

/** Earliest first: by t, then by eventId (smaller = earlier). */
export function compareEvents(a: Ev, b: Ev): number {
  if (a.t !== b.t) return a.t - b.t;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

export function earliest(events: readonly Ev[]): Ev | undefined {
  return [...events].sort(compareEvents)[0];
}

export function latest(events: readonly Ev[]): Ev | undefined {
  return [...events].sort(compareEvents).at(-1);
}

export function addType(counts: TypeCounts, type: EventType): void {
  counts[type] = (counts[type] ?? 0) + 1;
}

export function maxWindow(w: TenantWindows): number {
  return Math.max(w.replyMs, w.clickMs, w.deliveredMs);
}

export interface Accepted {
  events: Ev[];
  late: TypeCounts;
}

/** Semantics §0: B, the backfill window of imported events, 90 days unless the tenant sets it. */
export const DEFAULT_BACKFILL_MS = 90 * 24 * 3_600_000;

/** How long after it happened an event may arrive: H, or max(H, B) for an imported one. */
function allowedDelay(e: Ev, w: TenantWindows): number {
  return e.importId === undefined ? w.horizonMs : Math.max(w.horizonMs, w.backfillMs ?? DEFAULT_BACKFILL_MS);
}

function lateByTime(e: Ev, w: TenantWindows): boolean {
  return e.arrivalMs - e.t > allowedDelay(e, w) || e.t - e.arrivalMs > FUTURE_LIMIT_MS;
}

/**
 * §8 retirement, seen from the set: a message's state is dropped once stream time passes its
 * newest own event by max(Wr, Wc, Wd) + H.
 * DECISION: the model takes an event's own arrival as the stream time it is applied at, and the
 * message's newest event among those that arrived before it (input order breaks arrival ties). An
 * event after retirement is late; the "remembered for another H, then a new message" tail of §8 is
 * outside the contract's bounds and not modelled (every later event stays late).
 * DECISION (issue 22): an imported event arrives while its tenant's import is open, when state is
 * kept for max(H, B) instead of H; so the retirement it can find is judged with that.
 */
function markRetired(events: Ev[], w: TenantWindows, isLate: Set<Ev>): void {
  const byMessage = new Map<string, Ev[]>();
  for (const e of events) {
    if (e.messageId === undefined || isLate.has(e)) continue;
    const list = byMessage.get(e.messageId) ?? [];
    list.push(e);
    byMessage.set(e.messageId, list);
  }
  for (const list of byMessage.values()) {
    const inArrivalOrder = list
      .map((e, i) => ({ e, i }))
      .sort((x, y) => x.e.arrivalMs - y.e.arrivalMs || x.i - y.i);
    let newest: number | undefined;
    for (const { e } of inArrivalOrder) {
      // An imported event arrives while its tenant's import is open: the state is kept for B then.
      if (newest !== undefined && e.arrivalMs - newest > maxWindow(w) + allowedDelay(e, w)) {
        isLate.add(e);
        continue;
      }
      newest = newest === undefined ? e.t : Math.max(newest, e.t);
    }
  }
}

/**
 * Deduplicates, splits off late events, and groups what is accepted by tenant.
 * DECISION: the late rule is applied to the copy that wins deduplication (the first in the input);
 * a later copy of an event never re-decides it, so an event is late or accepted once — except an
 * imported copy of an event late by time (below).
 */
export function acceptEvents(
  input: readonly ArrivedEvent[],
  windowsOf: (tenant: string) => TenantWindows,
): Map<string, Accepted> {
  const seen = new Map<string, { list: Ev[]; i: number }>();
  const byTenant = new Map<string, Ev[]>();
  for (const raw of input) {
    const key = `${raw.tenantId}\0${raw.eventId}`;
    const e: Ev = { ...raw, t: Date.parse(raw.occurredAt) };
    const kept = seen.get(key);
    if (kept) {
      // DECISION (issue 22): an imported copy of an event whose kept copy was late by time (and
      // is not late itself) replaces it: the import brings that history in time, and the late
      // figure no longer counts it. (The aggregator forgets a late copy H after its arrival; a
      // rescue after that is outside the contract's bounds, like §8's tombstone tail.)
      const w = windowsOf(raw.tenantId);
      const old = kept.list[kept.i];
      if (old && e.importId !== undefined && lateByTime(old, w) && !lateByTime(e, w)) kept.list[kept.i] = e;
      continue;
    }
    const list = byTenant.get(raw.tenantId) ?? [];
    seen.set(key, { list, i: list.length });
    list.push(e);
    byTenant.set(raw.tenantId, list);
  }
  const out = new Map<string, Accepted>();
  for (const [tenant, events] of byTenant) {
    const w = windowsOf(tenant);
    const isLate = new Set(events.filter((e) => lateByTime(e, w)));
    markRetired(events, w, isLate);
    const late: TypeCounts = {};
    for (const e of events) if (isLate.has(e)) addType(late, e.type);
    out.set(tenant, { events: events.filter((e) => !isLate.has(e)), late });
  }
  return out;
}
