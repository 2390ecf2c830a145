/**
 * The reference model: every figure the aggregator serves, computed directly from the set of
 * events by docs/semantics.md — written from SPEC §4/§5 and that page, sharing no code with
 * packages/counters. It optimises for being obviously right, not for speed (it rescans the whole
 * event set for every candidate search, O(n²)).
 *
 * `computeModel({ events, windows?, now? })` → `{ tenants: { [tenantId]: TenantModel } }` with
 *   TenantModel = { campaigns: { [campaignId]: CampaignModel }, campaignList (ids by firstEventAt),
 *                   senders: { [sender]: { minutes } },
 *                   pending, unattributed, late }   (event type → count, zero types omitted)
 *   CampaignModel = { counts (every COUNT_NAME), stats (surveys scoreSum engSum engN
 *                     featureAdopters inAppOpeners), money ("cost:USD" → units), responseTimes
 *                     (String(bucketOf) → messages), firstEventAt, channel, minutes
 *                     (String(epoch minute) → field → n), tuples (send tuple → status → messages),
 *                     minuteTuples (minute → tuple → status → n), errorCodes (code → failed),
 *                     minuteErrorCodes (minute → code → n) }
 * Every record has sorted keys (numeric keys numerically) and holds an entry iff something
 * contributed to it; see types.ts for the exact types.
 */
import { acceptEvents } from './accept.ts';
import { audienceRecipients, type AudienceRecipient } from './audience.ts';
import type { Ev } from './accept.ts';
import { addType } from './accept.ts';
import { campaignOfFate, fatesOf, holdIsVoid } from './attribution.ts';
import type { TenantFacts } from './attribution.ts';
import { buildExperiment } from './experiment.ts';
import type { Fate } from './attribution.ts';
import { buildCampaign } from './campaigns.ts';
import type { MessageView } from './message-figures.ts';
import { buildMessages } from './messages.ts';
import { sortKeysDeep } from './records.ts';
import { buildSenders } from './senders.ts';
import { DEFAULT_WINDOWS } from './types.ts';
import type { ModelInput, ModelOutput, TenantModel, TenantWindows, TypeCounts } from './types.ts';

export function windowsFor(input: ModelInput, tenant: string): TenantWindows {
  return { ...DEFAULT_WINDOWS, ...input.windows?.[tenant] };
}

/**
 * Stream time: `now` when given, else the largest arrival in the input (0 for no events).
 * DECISION: without `now` the model takes §8's stream time with no wall clock behind it — the
 * largest a(e) applied, late and duplicate copies included (they are applied too).
 */
export function streamTime(input: ModelInput): number {
  if (input.now !== undefined) return input.now;
  return input.events.reduce((max, e) => Math.max(max, e.arrivalMs), 0);
}

interface TenantState {
  events: Ev[];
  fates: Map<Ev, Fate>;
  views: MessageView[];
  facts: TenantFacts;
}

function tenantState(events: Ev[], windows: TenantWindows, now: number): TenantState {
  const messages = buildMessages(events);
  const facts = { messages, windows, now };
  const fates = fatesOf(events, facts);
  const attached = new Map<string, Ev[]>();
  for (const [e, f] of fates) {
    if (f.kind !== 'attached') continue;
    attached.set(f.message.id, [...(attached.get(f.message.id) ?? []), e]);
  }
  const views = [...messages.values()].map((message) => ({
    message,
    attached: (attached.get(message.id) ?? []).sort((a, b) => a.t - b.t),
  }));
  return { events, fates, views, facts };
}

function campaignIds(s: TenantState): Set<string> {
  const ids = new Set<string>();
  for (const e of s.events) if (e.campaignId !== undefined) ids.add(e.campaignId);
  for (const f of s.fates.values()) {
    const c = campaignOfFate(f);
    if (c !== undefined) ids.add(c);
  }
  return ids;
}

function buildTenant(s: TenantState, late: TypeCounts): TenantModel {
  const campaigns: TenantModel['campaigns'] = {};
  for (const id of campaignIds(s)) {
    const loose = [...s.fates].filter(([, f]) => f.kind === 'campaign' && f.campaign === id).map(([e]) => e);
    const control = [...s.fates].filter(([, f]) => f.kind === 'control' && f.campaign === id).map(([e]) => e);
    const views = s.views.filter((v) => v.message.campaign === id);
    const naming = s.events.filter((e) => e.campaignId === id);
    const c = buildCampaign({ views, loose, naming, control });
    if (c === undefined) continue;
    c.experiment = buildExperiment({
      views,
      holds: naming
        .filter((e) => e.type === 'held_out')
        .map((e) => ({ e, void: holdIsVoid(e.recipientId ?? '', id, s.events, s.facts) })),
      control,
    });
    campaigns[id] = c;
  }
  const pending: TypeCounts = {};
  const unattributed: TypeCounts = {};
  // A message whose campaign is unknown counts once, as `message`, however many own events it has
  // (semantics §7); recipient-level events count by type.
  const waiting = { pending: new Set<string>(), unattributed: new Set<string>() };
  for (const [e, f] of s.fates) {
    if (f.kind !== 'pending' && f.kind !== 'unattributed') continue;
    if (e.messageId !== undefined) waiting[f.kind].add(e.messageId);
    else addType(f.kind === 'pending' ? pending : unattributed, e.type);
  }
  if (waiting.pending.size > 0) (pending as Record<string, number>).message = waiting.pending.size;
  if (waiting.unattributed.size > 0)
    (unattributed as Record<string, number>).message = waiting.unattributed.size;
  const campaignList = Object.entries(campaigns)
    .sort(([a, x], [b, y]) => x.firstEventAt - y.firstEventAt || (a < b ? -1 : a > b ? 1 : 0))
    .map(([id]) => id);
  return { campaigns, campaignList, senders: buildSenders(s.views), pending, unattributed, late };
}

/** Every figure of every tenant of the input (see the module doc for the shape). */
export function computeModel(input: ModelInput): ModelOutput {
  const now = streamTime(input);
  const tenants: Record<string, TenantModel> = {};
  for (const [tenant, acc] of acceptEvents(input.events, (t) => windowsFor(input, t))) {
    tenants[tenant] = buildTenant(tenantState(acc.events, windowsFor(input, tenant), now), acc.late);
  }
  return sortKeysDeep({ tenants });
}

function describe(f: Fate): string {
  switch (f.kind) {
    case 'own':
    case 'attached':
      return `${f.kind} ${f.message.campaign ?? '?'} ${f.message.id}`;
    case 'campaign':
    case 'control':
      return `${f.kind} ${f.campaign}`;
    default:
      return f.kind;
  }
}

/**
 * Where each event went, for reading a failing property test: tenant → eventId → `own C M`,
 * `attached C M`, `campaign C`, `control C` (a held-out recipient's conversion), `pending`, `unattributed`, `none` or `late`.
 */
export function explainModel(input: ModelInput): Record<string, Record<string, string>> {
  const now = streamTime(input);
  const out: Record<string, Record<string, string>> = {};
  for (const [tenant, acc] of acceptEvents(input.events, (t) => windowsFor(input, t))) {
    const s = tenantState(acc.events, windowsFor(input, tenant), now);
    const byId: Record<string, string> = {};
    for (const e of input.events) if (e.tenantId === tenant) byId[e.eventId] = 'late';
    for (const [e, f] of s.fates) byId[e.eventId] = describe(f);
    out[tenant] = byId;
  }
  return sortKeysDeep(out);
}

/** Every tenant's recipients as the audience answers see them (audience.ts), for `now`. */
export function computeAudience(input: ModelInput): Map<string, Map<string, AudienceRecipient>> {
  const now = streamTime(input);
  const out = new Map<string, Map<string, AudienceRecipient>>();
  for (const [tenant, acc] of acceptEvents(input.events, (t) => windowsFor(input, t))) {
    const s = tenantState(acc.events, windowsFor(input, tenant), now);
    out.set(tenant, audienceRecipients(s.events, s.facts.messages, s.fates));
  }
  return out;
}
