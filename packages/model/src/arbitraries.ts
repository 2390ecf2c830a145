/**
 * fast-check arbitraries for the property tests of issue 11: realistic, colliding event sets for
 * one or two tenants (see arb-plan.ts for what varies), with the `now` and per-tenant windows to
 * run them at. Every occurredAt is within SPAN_MS (20 h) before `now`, so every rolling minute
 * bucket is still kept, except the deliberately late events. Every event passes
 * `canonicalEventSchema` once `arrivalMs` is removed.
 *
 *   arbEventSet(opts?) → fc.Arbitrary<{ events: ArrivedEvent[]; windows: { [tenant]: TenantWindows }; now }>
 *   shuffle(items, seed) → a seeded permutation (Fisher–Yates over mulberry32)
 *   withDuplicates(events, picks) → events + identical copies of events[pick % n] (provider retries)
 *   stripArrival(event) → the CanonicalEvent without arrivalMs
 *
 * Options: tenants (1 | 2, default: either), maxMessages (10), maxRecipientEvents (12), maxHolds (4),
 * maxRecipients (8), windows ('mixed': reply/click/delivery windows drawn per tenant from the
 * defaults and short ones, so that edges fall inside 20 h; 'default'), shortHorizon (false: H is
 * always 7 d; true: H may be 12 h or 6 h, which exercises unattributed-by-time and early-edge
 * arrivals, but makes the outcome depend on stream time, so only apply such sets in arrival
 * order), late (true), duplicates (true).
 */
import fc from 'fast-check';
import type { CanonicalEvent } from '@tally/events';
import { TenantBuilder, buildHold, buildMessage, buildRecipientEvent } from './arb-build.ts';
import { SPAN_MS, tenantPlanArb } from './arb-plan.ts';
import type { LatePlan, PlanOptions, TenantPlan } from './arb-plan.ts';
import type { ArrivedEvent, ModelInput, TenantWindows } from './types.ts';

export { SPAN_MS } from './arb-plan.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** Mondays to Sundays, so hour of day and day of week vary. */
const BASE_NOW = Date.parse('2025-01-06T00:00:00.000Z');

export interface EventSet extends ModelInput {
  events: ArrivedEvent[];
  windows: Record<string, TenantWindows>;
  now: number;
}

export interface EventSetOptions extends Partial<PlanOptions> {
  tenants?: 1 | 2;
}

/** A small seeded PRNG (mulberry32), so that a fast-check integer fixes a permutation. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const random = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}

/** Appends identical copies (arrival included, so no copy can be late where another is not). */
export function withDuplicates(events: readonly ArrivedEvent[], picks: readonly number[]): ArrivedEvent[] {
  if (events.length === 0) return [...events];
  return [...events, ...picks.map((p) => structuredClone(events[p % events.length] as ArrivedEvent))];
}

export function stripArrival(e: ArrivedEvent): CanonicalEvent {
  const { arrivalMs: _arrival, ...event } = e;
  return event;
}

/** Arrivals: mostly within 90 s of occurring, a tenth within 2 h; never after `now`. */
function setArrivals(b: TenantBuilder, seed: number): void {
  const random = seededRandom(seed);
  for (const e of b.events) {
    const t = Date.parse(e.occurredAt);
    const delay = random() < 0.9 ? random() * 90_000 : random() * 2 * 60 * MIN;
    e.arrivalMs = Math.min(b.now, t + Math.round(delay));
  }
}

/** A new event copying an existing one, placed to be late (or exactly on an edge, accepted). */
function lateEvent(b: TenantBuilder, p: LatePlan, base: ArrivedEvent): void {
  const H = b.plan.windows.horizonMs;
  const fields = { ...stripArrival(base) } as Partial<CanonicalEvent>;
  delete fields.eventId;
  delete fields.tenantId;
  delete fields.occurredAt;
  const { type, channel } = base;
  const put = (t: number, arrivalMs: number): void => {
    const e = b.add(type, t, channel, fields);
    e.arrivalMs = arrivalMs;
  };
  const t = Date.parse(base.occurredAt);
  if (p.kind === 'oldEdgeOk' && H <= SPAN_MS) put(b.now - H, b.now);
  else if (p.kind === 'old' || p.kind === 'oldEdgeOk') put(b.now - H - p.byMs - 1, b.now);
  else if (p.kind === 'future') put(t, t - DAY - p.byMs);
  else put(t, t - DAY);
}

export function buildTenant(tenant: string, plan: TenantPlan, now: number, seed: number): ArrivedEvent[] {
  const b = new TenantBuilder(tenant, plan, now);
  plan.messages.forEach((m, i) => buildMessage(b, m, i));
  // Holds come after the messages they anchor to, and are anchors themselves for conversions.
  for (const h of plan.holds) buildHold(b, h);
  for (const r of plan.recipientEvents) buildRecipientEvent(b, r);
  setArrivals(b, seed);
  const onTime = [...b.events];
  for (const l of plan.late) {
    const base = onTime[l.base % onTime.length];
    if (base !== undefined) lateEvent(b, l, base);
  }
  return withDuplicates(b.events, plan.duplicates);
}

function planOptions(o: EventSetOptions): PlanOptions {
  return {
    maxMessages: o.maxMessages ?? 10,
    maxRecipientEvents: o.maxRecipientEvents ?? 12,
    maxHolds: o.maxHolds ?? 4,
    maxRecipients: o.maxRecipients ?? 8,
    windows: o.windows ?? 'mixed',
    shortHorizon: o.shortHorizon ?? false,
    late: o.late ?? true,
    duplicates: o.duplicates ?? true,
  };
}

export function arbEventSet(opts: EventSetOptions = {}): fc.Arbitrary<EventSet> {
  const plan = tenantPlanArb(planOptions(opts));
  return fc
    .record({
      now: fc.integer({ min: BASE_NOW + DAY, max: BASE_NOW + 8 * DAY }),
      tenants: opts.tenants === undefined ? fc.integer({ min: 1, max: 2 }) : fc.constant(opts.tenants),
      plans: fc.tuple(plan, plan),
      seeds: fc.tuple(fc.integer(), fc.integer()),
    })
    .map(({ now, tenants, plans, seeds }) => {
      const ids = tenants === 1 ? ['t1'] : ['t1', 't2'];
      const events = ids.flatMap((id, i) => buildTenant(id, plans[i] ?? plans[0], now, seeds[i] ?? 0));
      const windows = Object.fromEntries(ids.map((id, i) => [id, { ...(plans[i] ?? plans[0]).windows }]));
      return { events, windows, now };
    });
}
