/**
 * Audience rollups (issue 22): the silent-disengagement, frequency and value answers kept as
 * counts that change as recipients change, so a read costs what its answer costs, not what the
 * audience costs. Pure; the snapshotter applies the deltas in the transaction that writes the
 * recipient rows (services/aggregator/src/snapshotter.ts), query-api sums them
 * (services/query-api/src/audience-store.ts).
 *
 * A recipient's audience answer for a period of D days ending on day t (audience-period.ts) is
 * its *tuple*: the messages it received in the period on a scope (one channel, or `all`) and
 * five flags (subscribed; opened/clicked/replied, clicked, replied, opted out since the period
 * began), or nothing when it received none. The tuple is a step function of t: it changes only
 * where a reach day enters (t = d) or leaves (t = d + D) the period, or where a latest-engagement
 * day x stops being inside it (t = x + D). So each recipient is stored as its *timeline*: at each
 * change day, −1 on the tuple it leaves and +1 on the one it enters. The sum of every delta on
 * days ≤ t, per tuple, is then exactly how many recipients have that tuple on day t — for today,
 * and for any past day the trend asks about, with no job to run at midnight. When a recipient's
 * row changes, its old timeline is subtracted and the new one added (most entries cancel).
 *
 * Periods are a documented set (AUDIENCE_PERIODS): an arbitrary period would need its own
 * timeline; the API refuses others with a 400 naming the set. Value (CLV) figures do not depend
 * on time: each recipient adds its reached/converting/repeat flags and revenue per scope.
 */
import { DAY_MS } from './audience-period.ts';
import type { FrequencyInput } from './frequency.ts';

/** The periods (days, today included) the audience routes answer exactly. */
export const AUDIENCE_PERIODS = [7, 14, 30, 60, 90] as const;
export type AudiencePeriodDays = (typeof AUDIENCE_PERIODS)[number];
/** The trend's weeks are 7-day periods ending on each week's last day. */
export const TREND_PERIOD: AudiencePeriodDays = 7;
/** The scope that sums every channel. */
export const ALL_SCOPE = 'all';

export const AUDIENCE_FLAG = {
  subscribed: 1,
  /** opened, clicked or replied since the period began */
  engaged: 2,
  clicked: 4,
  replied: 8,
  /** opted out since the period began (and still out) */
  optedOut: 16,
} as const;

/** What the rollups need of a recipient (parsed from its recipient_state row). */
export interface AudienceFacts {
  /** channel → UTC day (days since the epoch) → messages received that day. */
  reaches: Record<string, Record<number, number>>;
  /** Channels with a kept reach (a reach day or a latest reach): "reached" for value. */
  reachedChannels: readonly string[];
  lastEngagedAt: number | null;
  lastClickAt: number | null;
  lastReplyAt: number | null;
  /** false after an opt-out not followed by an opt-in. */
  subscribed: boolean;
  /** When it opted out, if it is out. */
  optedOutAt: number | null;
  /** channel → attributed conversions. */
  conversions: Record<string, number>;
  /** channel → currency → attributed revenue (ten-thousandths). */
  revenue: Record<string, Record<string, number>>;
  /** Every conversion, attributed or not, and its revenue per currency (the global control group). */
  allConversions: number;
  allRevenue: Record<string, number>;
  /** Campaigns the recipient was held out of. */
  holds: number;
}

export interface AudienceTuple {
  reaches: number;
  flags: number;
}

const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

/** The scopes a recipient counts in: every channel it has a reach day on, and `all`. */
function scopesOf(f: AudienceFacts): string[] {
  const chans = Object.keys(f.reaches).filter((ch) => Object.keys(f.reaches[ch] ?? {}).length > 0);
  return chans.length === 0 ? [] : [ALL_SCOPE, ...chans];
}

function daysOf(f: AudienceFacts, scope: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const [ch, days] of Object.entries(f.reaches)) {
    if (scope !== ALL_SCOPE && ch !== scope) continue;
    for (const [d, n] of Object.entries(days)) out.set(Number(d), (out.get(Number(d)) ?? 0) + n);
  }
  return out;
}

/**
 * The most messages a tuple counts: a recipient sent more in one period (a seed or monitoring
 * number, ~5,800 a day for 90 days) is counted with this many, which every answer already treats
 * alike (frequency's last bucket is 11+, silent's minMessages is at most 10,000). It keeps a tuple
 * packed in 24 bits (addTimeline's keys).
 */
export const MAX_TUPLE_REACHES = 2 ** 19 - 1;

/** A recipient's tuple for the period of `period` days ending on `day`, or null (not reached). */
export function tupleAt(f: AudienceFacts, period: number, scope: string, day: number): AudienceTuple | null {
  const first = day - period + 1;
  let reaches = 0;
  for (const [d, n] of daysOf(f, scope)) if (d >= first && d <= day) reaches += n;
  if (reaches === 0) return null;
  reaches = Math.min(reaches, MAX_TUPLE_REACHES);
  const since = first * DAY_MS;
  const within = (t: number | null) => t !== null && t >= since;
  let flags = 0;
  if (f.subscribed) flags |= AUDIENCE_FLAG.subscribed;
  if (within(f.lastEngagedAt)) flags |= AUDIENCE_FLAG.engaged;
  if (within(f.lastClickAt)) flags |= AUDIENCE_FLAG.clicked;
  if (within(f.lastReplyAt)) flags |= AUDIENCE_FLAG.replied;
  if (!f.subscribed && within(f.optedOutAt)) flags |= AUDIENCE_FLAG.optedOut;
  return { reaches, flags };
}

/** Rollup key: period, scope, day, reaches, flags (tab-separated; scope is a channel or `all`). */
export function rollupKey(period: number, scope: string, day: number, t: AudienceTuple): string {
  return `${period}\t${scope}\t${day}\t${t.reaches}\t${t.flags}`;
}

export function parseRollupKey(key: string): {
  period: number;
  scope: string;
  day: number;
  reaches: number;
  flags: number;
} {
  const [period, scope, day, reaches, flags] = key.split('\t');
  return {
    period: Number(period),
    scope: scope ?? '',
    day: Number(day),
    reaches: Number(reaches),
    flags: Number(flags),
  };
}

/**
 * One scope of a recipient, evaluated fast: its reach days sorted with prefix sums, so the
 * messages of a period are two binary searches (tupleAt, the definition, rescans every day and is
 * what the tests compare this with), and the days its tuple may change on per period.
 */
class ScopeTimeline {
  private readonly days: number[];
  private readonly prefix: number[];
  private readonly flagDays: number[];

  constructor(
    private readonly f: AudienceFacts,
    scope: string,
  ) {
    const entries = [...daysOf(f, scope)].sort((a, b) => a[0] - b[0]);
    this.days = entries.map(([d]) => d);
    this.prefix = [0];
    for (const [, n] of entries) this.prefix.push((this.prefix[this.prefix.length - 1] ?? 0) + n);
    this.flagDays = [];
    for (const t of [f.lastEngagedAt, f.lastClickAt, f.lastReplyAt, f.optedOutAt])
      if (t !== null) this.flagDays.push(dayOf(t));
  }

  /** Index of the first reach day > d. */
  private upper(d: number): number {
    let lo = 0;
    let hi = this.days.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.days[mid] ?? 0) <= d) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Days the tuple of `period` may change on, ascending (changeDays). */
  changes(period: number): number[] {
    const out = new Set<number>();
    for (const d of this.days) {
      out.add(d);
      out.add(d + period);
    }
    for (const d of this.flagDays) out.add(d + period);
    return [...out].sort((a, b) => a - b);
  }

  /** tupleAt(f, period, scope, day), packed: reaches × 32 + flags, or −1 for none. */
  at(period: number, day: number): number {
    const f = this.f;
    const first = day - period + 1;
    const reaches = (this.prefix[this.upper(day)] ?? 0) - (this.prefix[this.upper(first - 1)] ?? 0);
    if (reaches === 0) return -1;
    const since = first * DAY_MS;
    let flags = f.subscribed ? AUDIENCE_FLAG.subscribed : 0;
    if (f.lastEngagedAt !== null && f.lastEngagedAt >= since) flags |= AUDIENCE_FLAG.engaged;
    if (f.lastClickAt !== null && f.lastClickAt >= since) flags |= AUDIENCE_FLAG.clicked;
    if (f.lastReplyAt !== null && f.lastReplyAt >= since) flags |= AUDIENCE_FLAG.replied;
    if (!f.subscribed && f.optedOutAt !== null && f.optedOutAt >= since) flags |= AUDIENCE_FLAG.optedOut;
    return Math.min(reaches, MAX_TUPLE_REACHES) * 32 + flags;
  }
}

/**
 * Adds ±1 per change of a recipient's timelines into `acc`: scope → packed key (period index, day,
 * tuple) → delta, so the old and new timelines cancel before any key text is made.
 */
function addTimeline(f: AudienceFacts, sign: 1 | -1, acc: Map<string, Map<number, number>>): void {
  for (const scope of scopesOf(f)) {
    const line = new ScopeTimeline(f, scope);
    const m = acc.get(scope) ?? new Map<number, number>();
    acc.set(scope, m);
    const add = (pi: number, day: number, packed: number, v: number) => {
      // day < 2^21, period index < 8, packed tuple < 2^24 (reaches ≤ MAX_TUPLE_REACHES): exact below 2^53
      const k = (day * 8 + pi) * 2 ** 24 + packed;
      const n = (m.get(k) ?? 0) + v;
      if (n === 0) m.delete(k);
      else m.set(k, n);
    };
    AUDIENCE_PERIODS.forEach((period, pi) => {
      let prev = -1;
      for (const day of line.changes(period)) {
        const cur = line.at(period, day);
        if (cur === prev) continue;
        if (prev >= 0) add(pi, day, prev, -sign);
        if (cur >= 0) add(pi, day, cur, sign);
        prev = cur;
      }
    });
  }
}

/** Whether two versions of a recipient have the same timelines (a change elsewhere in its row). */
function sameTimelines(a: AudienceFacts, b: AudienceFacts): boolean {
  if (
    a.lastEngagedAt !== b.lastEngagedAt ||
    a.lastClickAt !== b.lastClickAt ||
    a.lastReplyAt !== b.lastReplyAt ||
    a.subscribed !== b.subscribed ||
    a.optedOutAt !== b.optedOutAt
  )
    return false;
  const ca = Object.keys(a.reaches);
  if (ca.length !== Object.keys(b.reaches).length) return false;
  for (const ch of ca) {
    const x = a.reaches[ch] ?? {};
    const y = b.reaches[ch];
    if (!y) return false;
    const dx = Object.keys(x);
    if (dx.length !== Object.keys(y).length) return false;
    for (const d of dx) if (x[Number(d)] !== y[Number(d)]) return false;
  }
  return true;
}

/**
 * The rollup deltas of a recipient changing from `before` to `after` (either null: absent),
 * added into `into` (key → delta; zero entries removed).
 */
export function audienceDeltas(
  before: AudienceFacts | null,
  after: AudienceFacts | null,
  into: Map<string, number> = new Map(),
): Map<string, number> {
  if (before && after && sameTimelines(before, after)) return into;
  const acc = new Map<string, Map<number, number>>();
  if (before) addTimeline(before, -1, acc);
  if (after) addTimeline(after, 1, acc);
  for (const [scope, m] of acc)
    for (const [k, v] of m) {
      const packed = k % 2 ** 24;
      const dayPi = Math.floor(k / 2 ** 24);
      const period = AUDIENCE_PERIODS[dayPi % 8] ?? 0;
      const key = rollupKey(period, scope, Math.floor(dayPi / 8), {
        reaches: Math.floor(packed / 32),
        flags: packed % 32,
      });
      const n = (into.get(key) ?? 0) + v;
      if (n === 0) into.delete(key);
      else into.set(key, n);
    }
  return into;
}

/** Per scope, a recipient's value contribution: metric → n (reached, converting, repeat, revenue:CUR). */
function valueOf(f: AudienceFacts): Map<string, number> {
  const out = new Map<string, number>();
  const channels = new Set([...f.reachedChannels, ...Object.keys(f.conversions), ...Object.keys(f.revenue)]);
  for (const scope of [ALL_SCOPE, ...channels]) {
    const inScope = (ch: string) => scope === ALL_SCOPE || ch === scope;
    const reached = f.reachedChannels.some(inScope);
    let conversions = 0;
    for (const [ch, n] of Object.entries(f.conversions)) if (inScope(ch)) conversions += n;
    if (reached) out.set(`${scope}\treached`, 1);
    if (conversions >= 1) out.set(`${scope}\tconverting`, 1);
    if (conversions >= 2) out.set(`${scope}\trepeat`, 1);
    for (const [ch, cur] of Object.entries(f.revenue))
      if (inScope(ch))
        for (const [c, units] of Object.entries(cur)) {
          const k = `${scope}\trevenue:${c}`;
          out.set(k, (out.get(k) ?? 0) + units);
        }
  }
  return out;
}

/** Value rollup deltas (key `scope\tmetric`), like audienceDeltas. */
export function valueDeltas(
  before: AudienceFacts | null,
  after: AudienceFacts | null,
  into: Map<string, number> = new Map(),
): Map<string, number> {
  const add = (k: string, v: number) => {
    const n = (into.get(k) ?? 0) + v;
    if (n === 0) into.delete(k);
    else into.set(k, n);
  };
  if (before) for (const [k, v] of valueOf(before)) add(k, -v);
  if (after) for (const [k, v] of valueOf(after)) add(k, v);
  return into;
}

/** One summed histogram row: recipients with this tuple on the day asked. */
export interface HistogramRow extends AudienceTuple {
  n: number;
}

/** Silent count and subscribed audience of a period's histogram. */
export function silentOf(
  rows: readonly HistogramRow[],
  minMessages: number,
): { silent: number; audience: number } {
  let silent = 0;
  let audience = 0;
  for (const r of rows) {
    if ((r.flags & AUDIENCE_FLAG.subscribed) === 0) continue;
    audience += r.n;
    if (r.reaches >= minMessages && (r.flags & AUDIENCE_FLAG.engaged) === 0) silent += r.n;
  }
  return { silent, audience };
}

/** The trend figures of a week (a 7-day period's histogram on its last day). */
export function weekOf(rows: readonly HistogramRow[]): { reached: number; silentSince: number } {
  const s = silentOf(rows, 1);
  return { reached: s.audience, silentSince: s.silent };
}

/** Frequency input rows (kpi frequency.ts) of a period's histogram on the `all` scope. */
export function frequencyOf(rows: readonly HistogramRow[]): FrequencyInput[] {
  const by = new Map<number, Omit<FrequencyInput, 'messages'>>();
  for (const r of rows) {
    const s = by.get(r.reaches) ?? { recipients: 0, optOuts: 0, clickers: 0, repliers: 0, engaged: 0 };
    s.recipients += r.n;
    if (r.flags & AUDIENCE_FLAG.optedOut) s.optOuts += r.n;
    if (r.flags & AUDIENCE_FLAG.clicked) s.clickers += r.n;
    if (r.flags & AUDIENCE_FLAG.replied) s.repliers += r.n;
    if (r.flags & AUDIENCE_FLAG.engaged) s.engaged += r.n;
    by.set(r.reaches, s);
  }
  return [...by].sort((a, b) => a[0] - b[0]).map(([messages, s]) => ({ messages, ...s }));
}

/** Whether `days` is one of the periods the rollups answer. */
export function isAudiencePeriod(days: number): days is AudiencePeriodDays {
  return (AUDIENCE_PERIODS as readonly number[]).includes(days);
}

/**
 * Global control group rollups (issue 21's /v1/value `globalControl`): per scope, the targeted
 * recipients (messaged on the scope's channels, or held out of a campaign) by control position
 * bucket — the first 32 bits of the recipient's membership hash (global-control.ts) over 2^22,
 * 1,024 buckets — with their conversions and revenue. A share's members are the whole buckets
 * below it plus the part of one bucket, which a read takes from the recipient rows by index.
 */
export const CONTROL_BUCKET_BITS = 22;

/** A recipient's control metrics on a scope, or null when it is not targeted there. */
export function controlMetricsOf(f: AudienceFacts, scope: string): Map<string, bigint> | null {
  const messaged = Object.entries(f.reaches).some(
    ([ch, days]) => (scope === ALL_SCOPE || ch === scope) && Object.keys(days).length > 0,
  );
  if (!messaged && f.holds <= 0) return null;
  const out = new Map<string, bigint>([['recipients', 1n]]);
  if (f.allConversions > 0) {
    out.set('converting', 1n);
    out.set('conversions', BigInt(f.allConversions));
  }
  for (const [cur, units] of Object.entries(f.allRevenue)) {
    if (units === 0) continue;
    out.set(`rev:${cur}`, BigInt(units));
    out.set(`sq:${cur}`, BigInt(units) * BigInt(units));
  }
  return out;
}

/**
 * Control rollup deltas (key `scope\tbucket\tmetric`) of a recipient at control position
 * `position` (uint32) changing from `before` to `after`, over `scopes` (ALL_SCOPE and every channel:
 * a held-out recipient is targeted on every one).
 */
export function controlDeltas(
  before: AudienceFacts | null,
  after: AudienceFacts | null,
  position: number,
  scopes: readonly string[],
  into: Map<string, bigint> = new Map(),
): Map<string, bigint> {
  const bucket = Math.floor(position / 2 ** CONTROL_BUCKET_BITS);
  const add = (f: AudienceFacts | null, sign: bigint) => {
    if (!f) return;
    for (const scope of scopes) {
      const m = controlMetricsOf(f, scope);
      if (!m) continue;
      for (const [metric, v] of m) {
        const k = `${scope}\t${bucket}\t${metric}`;
        const n = (into.get(k) ?? 0n) + sign * v;
        if (n === 0n) into.delete(k);
        else into.set(k, n);
      }
    }
  };
  add(before, -1n);
  add(after, 1n);
  return into;
}
