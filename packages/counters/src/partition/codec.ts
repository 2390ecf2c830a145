/**
 * How records are stored in a partition's hashes: compact positional JSON arrays of the record
 * types of state/* (a message is typically ~120 bytes instead of ~330 as an object). The field
 * already names tenant and id, so neither is repeated in the value; a message's times are stored
 * relative to its first event; channels and event types are one-character codes; trailing empty
 * positions are dropped. The first element is the format version.
 *
 * This file is the only place that knows that spelling: in memory the records use words
 * (`sendAt`, `frozen.heldOutOf`, …), and encode/decode map each to its position or compact key
 * here. The bytes are what Redis and the Postgres snapshots hold: codec.golden.test.ts pins them.
 */
import type { Channel, EventType } from '@tally/events';
import { CHANNELS, EVENT_TYPES } from '@tally/events';
import type { LooseEv } from '../state/count-cluster.ts';
import type { MessageRec, SetType } from '../state/message.ts';
import type { Audience, Frozen, RecipientEv, RecipientRec } from '../state/recipient.ts';

export const fieldOf = (tenant: string, id: string): string => `${tenant} ${id}`;

export function splitField(field: string): [string, string] {
  const i = field.indexOf(' ');
  return [field.slice(0, i), field.slice(i + 1)];
}

const V = 2;
type J = unknown;

const chCode = (c: Channel): number => CHANNELS.indexOf(c);
const chOf = (n: J): Channel => CHANNELS[Number(n)] ?? 'sms';
const tyCode = (t: EventType): number => EVENT_TYPES.indexOf(t);
const tyOf = (n: J): EventType => EVENT_TYPES[Number(n)] ?? 'sent';

/** Drops trailing null positions (of a fresh array: in place). */
function trim(a: J[]): J[] {
  let n = a.length;
  while (n > 0 && (a[n - 1] === null || a[n - 1] === undefined)) n--;
  a.length = n;
  return a;
}

const num = (x: J): number | undefined => (typeof x === 'number' ? x : undefined);
const arr = (x: J): J[] | undefined => (Array.isArray(x) ? (x as J[]) : undefined);
const str = (x: J): string => (typeof x === 'string' ? x : '');

// ---- recipient-level events -------------------------------------------------------------------

function encodeEv(e: RecipientEv): J[] {
  return trim([
    e.digest,
    tyCode(e.type),
    e.t,
    chCode(e.channel),
    e.sender ?? null,
    e.campaign ?? null,
    e.value ?? null,
    e.cost ?? null,
    e.score ?? null,
    e.bot ?? null,
  ]);
}
function decodeEv(a: J[]): RecipientEv {
  const e: RecipientEv = { digest: str(a[0]), type: tyOf(a[1]), t: Number(a[2]), channel: chOf(a[3]) };
  if (typeof a[4] === 'string') e.sender = a[4];
  if (typeof a[5] === 'string') e.campaign = a[5];
  if (arr(a[6])) e.value = a[6] as [number, string];
  if (arr(a[7])) e.cost = a[7] as [number, string];
  if (typeof a[8] === 'number') e.score = a[8];
  if (a[9] === 1) e.bot = 1;
  return e;
}

// ---- recipients -------------------------------------------------------------------------------

/**
 * The stored keys of a recipient's frozen memberships and audience figures: objects stored as
 * JSON, so each readable key is written under its compact one (and read back) in the order the
 * record holds them. Values are stored as they are.
 */
const FROZEN_KEYS: Readonly<Record<keyof Frozen, string>> = {
  optedOutOf: 'oo',
  uninstalledFrom: 'un',
  adoptedFeatureIn: 'fa',
  inAppOpenedIn: 'io',
  optedOutOfSenders: 'so',
  heldOutOf: 'ho',
  heldOutConflicts: 'hx',
  controlConversionsIn: 'hc',
  controlRevenue: 'hv',
};
const AUDIENCE_KEYS: Readonly<Record<keyof Audience, string>> = {
  receivedByDay: 'rd',
  received: 'n',
  lastEngagedAt: 'le',
  lastReplyAt: 'lrp',
  lastClicks: 'lc',
  lastReaches: 'lr',
  conversions: 'cv',
  revenue: 'cr',
  allConversions: 'ta',
  allRevenue: 'tr',
  holds: 'ho',
};
const FROZEN_STORED = new Map(Object.entries(FROZEN_KEYS));
const AUDIENCE_STORED = new Map(Object.entries(AUDIENCE_KEYS));
const FROZEN_READ = new Map(Object.entries(FROZEN_KEYS).map(([k, v]) => [v, k]));
const AUDIENCE_READ = new Map(Object.entries(AUDIENCE_KEYS).map(([k, v]) => [v, k]));

/** The object with its keys respelled by `names`, in its own order (keys not named are dropped). */
function respell(o: object, names: ReadonlyMap<string, string>): Record<string, J> {
  const out: Record<string, J> = {};
  for (const [k, v] of Object.entries(o)) {
    const to = names.get(k);
    if (to !== undefined && v !== undefined) out[to] = v;
  }
  return out;
}

/**
 * A recipient record whose `recipientPart` is known is spelled with version 3 and, when the part
 * is non-empty, a 1 at position 7; version 2 records (written before it was kept) read as unknown.
 * One whose `live` summary is known is spelled with version 4: position 7 as in version 3 (2 when
 * the part is unknown), position 8 the summary (its keys as `audience`'s) or 0 for null.
 * Position 9, in any version, is `oldestAt` (absent: unknown; readers before it ignore it).
 */
const V_RECIPIENT_PART = 3;
const V_LIVE = 4;

export function encodeRecipient(r: RecipientRec): string {
  const live = r.live === undefined ? undefined : r.live === null ? 0 : respell(r.live, AUDIENCE_STORED);
  const part = r.recipientPart === undefined ? (live === undefined ? null : 2) : r.recipientPart ? 1 : null;
  return JSON.stringify(
    trim([
      live !== undefined ? V_LIVE : r.recipientPart === undefined ? V : V_RECIPIENT_PART,
      r.newestAt,
      r.messageIds,
      r.events.map(encodeEv),
      r.subscription ?? null,
      r.frozen ? respell(r.frozen, FROZEN_STORED) : null,
      r.audience ? respell(r.audience, AUDIENCE_STORED) : null,
      part,
      live ?? null,
      r.oldestAt ?? null,
    ]),
  );
}

export function decodeRecipient(field: string, s: string): RecipientRec {
  const [tenant, recipientId] = splitField(field);
  const a = JSON.parse(s) as J[];
  const rec: RecipientRec = {
    tenant,
    recipientId,
    newestAt: Number(a[1]),
    messageIds: (arr(a[2]) ?? []).map(String),
    events: (arr(a[3]) ?? []).map((x) => decodeEv(x as J[])),
  };
  if (arr(a[4])) rec.subscription = a[4] as RecipientRec['subscription'];
  if (a[5] && typeof a[5] === 'object') rec.frozen = respell(a[5], FROZEN_READ);
  if (a[6] && typeof a[6] === 'object') rec.audience = respell(a[6], AUDIENCE_READ);
  if (a[0] === V_RECIPIENT_PART || (a[0] === V_LIVE && a[7] !== 2)) rec.recipientPart = a[7] === 1;
  if (a[0] === V_LIVE) rec.live = a[8] === 0 ? null : respell(a[8] ?? {}, AUDIENCE_READ);
  if (typeof a[9] === 'number') rec.oldestAt = a[9];
  return rec;
}

// ---- messages ---------------------------------------------------------------------------------

/** A message record, flagged when it is held without a known recipient (its raw events kept). */
export interface StoredMessage {
  rec: MessageRec;
  /**
   * Held here without a recipient: the canonical events (with their record timestamps), to hand
   * over to the recipient's partition when one is known.
   */
  anon?: [number, string][];
}

const SETS: SetType[] = ['opted_out', 'uninstalled', 'feature_adopted'];

function rel(t: number | undefined, base: number): number | null {
  return t === undefined ? null : t - base;
}
function relPair(p: [number, string] | undefined, base: number): J[] | null {
  return p ? [p[0] - base, p[1]] : null;
}

export function encodeMessage(m: StoredMessage): string {
  const r = m.rec;
  const base = r.channel[0];
  return JSON.stringify(
    trim([
      V,
      r.ownBits,
      base,
      chCode(r.channel[1]),
      rel(r.newestAt, base),
      relPair(r.recipient, base),
      r.campaign ? [r.campaign[0], r.campaign[1] - base, r.campaign[2]] : null,
      rel(r.sendAt, base),
      rel(r.firstStatusAt, base),
      rel(r.deliveredAt, base),
      rel(r.openedAt, base),
      rel(r.failedAt, base),
      relPair(r.errorCode, base),
      relPair(r.sender, base),
      relPair(r.sendTuple, base),
      r.cost ? [r.cost[0] - base, r.cost[1], r.cost[2]] : null,
      r.clicks?.map(([h, t]) => [h, t - base]) ?? null,
      r.replies?.map((t) => t - base) ?? null,
      r.conversions?.map(([h, t, u, c]) => [h, t - base, u, c]) ?? null,
      r.surveys?.map(([h, t, sc]) => [h, t - base, sc]) ?? null,
      r.setEvents?.map(([h, y, t]) => [h, SETS.indexOf(y), t - base]) ?? null,
      r.frozenBits ?? null,
      r.frozenReplies?.map((t) => t - base) ?? null,
      rel(r.frozenFirstClickAt, base),
      rel(r.frozenFirstConversionAt, base),
      m.anon ?? null,
      r.botClicks?.map(([h, t]) => [h, t - base]) ?? null,
      r.frozenOptOut ?? null,
      r.frozenRevenue ?? null,
      // issue 20, appended: the failure (code, class, permanent), the carrier, the provider
      relPair(r.failure, base),
      relPair(r.carrier, base),
      relPair(r.provider, base),
      relPair(r.country, base),
    ]),
  );
}

export function decodeMessage(field: string, s: string): StoredMessage {
  const [tn, m] = splitField(field);
  const a = JSON.parse(s) as J[];
  const base = Number(a[2]);
  const abs = (x: J): number | undefined => (typeof x === 'number' ? x + base : undefined);
  const pair = (x: J): [number, string] | undefined => {
    const p = arr(x);
    return p ? [Number(p[0]) + base, str(p[1])] : undefined;
  };
  const rec: MessageRec = {
    tenant: tn,
    messageId: m,
    ownBits: Number(a[1]),
    channel: [base, chOf(a[3])],
    newestAt: abs(a[4]) ?? base,
  };
  const put = <K extends keyof MessageRec>(k: K, v: MessageRec[K] | undefined) => {
    if (v !== undefined) rec[k] = v;
  };
  put('recipient', pair(a[5]));
  const c = arr(a[6]);
  if (c) rec.campaign = [Number(c[0]), Number(c[1]) + base, str(c[2])];
  put('sendAt', abs(a[7]));
  put('firstStatusAt', abs(a[8]));
  put('deliveredAt', abs(a[9]));
  put('openedAt', abs(a[10]));
  put('failedAt', abs(a[11]));
  put('errorCode', pair(a[12]));
  put('sender', pair(a[13]));
  put('sendTuple', pair(a[14]));
  const cost = arr(a[15]);
  if (cost) rec.cost = [Number(cost[0]) + base, Number(cost[1]), str(cost[2])];
  put(
    'clicks',
    arr(a[16])?.map((x) => {
      const y = x as J[];
      return [str(y[0]), Number(y[1]) + base] as [string, number];
    }),
  );
  put(
    'replies',
    arr(a[17])?.map((t) => Number(t) + base),
  );
  put(
    'conversions',
    arr(a[18])?.map((x) => {
      const y = x as J[];
      return [str(y[0]), Number(y[1]) + base, Number(y[2]), str(y[3])] as [string, number, number, string];
    }),
  );
  put(
    'surveys',
    arr(a[19])?.map((x) => {
      const y = x as J[];
      return [str(y[0]), Number(y[1]) + base, Number(y[2])] as [string, number, number];
    }),
  );
  put(
    'setEvents',
    arr(a[20])?.map((x) => {
      const y = x as J[];
      return [str(y[0]), SETS[Number(y[1])] ?? 'opted_out', Number(y[2]) + base] as [string, SetType, number];
    }),
  );
  put('frozenBits', num(a[21]));
  put(
    'frozenReplies',
    arr(a[22])?.map((t) => Number(t) + base),
  );
  put('frozenFirstClickAt', abs(a[23]));
  put('frozenFirstConversionAt', abs(a[24]));
  put(
    'botClicks',
    arr(a[26])?.map((x) => {
      const y = x as J[];
      return [str(y[0]), Number(y[1]) + base] as [string, number];
    }),
  );
  if (a[27] === 1) rec.frozenOptOut = 1;
  put(
    'frozenRevenue',
    arr(a[28])?.map((x) => {
      const y = x as J[];
      return [str(y[0]), Number(y[1])] as [string, number];
    }),
  );
  put('failure', pair(a[29]));
  put('carrier', pair(a[30]));
  put('provider', pair(a[31]));
  put('country', pair(a[32]));
  const anon = arr(a[25]) as [number, string][] | undefined;
  return anon ? { rec, anon } : { rec };
}

/**
 * Where a stored message lives, read without decoding it all (a rebuild reads every message):
 * held here without a recipient, placed with its known recipient, or neither.
 */
export function placementOf(s: string): 'held' | 'placed' | 'none' {
  const a = JSON.parse(s) as J[];
  if (arr(a[25])) return 'held';
  return arr(a[5]) ? 'placed' : 'none';
}

// ---- loose events and late markers ------------------------------------------------------------

/** An event without recipient or message, or a late event kept to deduplicate it. */
export type StoredLoose = { ev: LooseEv; late?: undefined } | { late: { type: string; until: number } };

export function encodeLoose(l: StoredLoose): string {
  if (l.late) return JSON.stringify([V, 1, l.late.type, l.late.until]);
  const { tenant: _tn, ...ev } = l.ev;
  return JSON.stringify([V, 0, ...encodeEv(ev)]);
}

export function decodeLoose(field: string, s: string): StoredLoose {
  const [tn] = splitField(field);
  const a = JSON.parse(s) as J[];
  if (a[1] === 1) return { late: { type: str(a[2]), until: Number(a[3]) } };
  return { ev: { ...decodeEv(a.slice(2)), tenant: tn } };
}
