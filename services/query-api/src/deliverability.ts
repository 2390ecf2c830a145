/**
 * Why delivery is low (issue 20), pure: the tenant's deliverability report out of its daily cells
 * (@tally/counters readDeliverability), and the list-hygiene feed out of its failure and opt-out
 * entries (readHygiene). No I/O here: the routes read, these compute.
 */
import { FAILURE_CLASSES, type FailureClass } from '@tally/events';
import { wilsonInterval, type Interval } from '@tally/kpi';
import * as mccMnc from 'mcc-mnc-list';
import { dayRange, type DeliverabilityCell, type HygieneRow } from '@tally/counters';

export { dayRange };

const DAY = 86_400_000;

export interface Outcome {
  sent: number;
  delivered: number;
  failed: number;
  /** delivered / sent; null without a send. */
  deliveryRate: number | null;
  /** failed / sent; null without a send. */
  failureRate: number | null;
  /** Failed messages by failure class (classes with none left out). */
  byClass: Record<string, number>;
}

export interface Group extends Outcome {
  value: string;
  /** A carrier's operator name (brand, else operator) from the mcc-mnc-list dataset; null elsewhere. */
  name: string | null;
}

const names = new Map<string, string | null>();
/**
 * The operator of an MCC-MNC, from mcc-mnc-list (npm; compiled from Wikipedia's list of mobile
 * network codes): its brand, else its operator; null when the list does not know it.
 */
export function carrierName(code: string): string | null {
  let name = names.get(code);
  if (name === undefined) {
    const op = /^\d{5,6}$/.test(code) ? mccMnc.find({ mccmnc: code }) : undefined;
    name = op?.brand ?? op?.operator ?? null;
    names.set(code, name);
  }
  return name;
}

export interface WorstGroup {
  value: string;
  name: string | null;
  /** The sample: messages sent. */
  sent: number;
  failed: number;
  failureRate: number | null;
  /** Wilson 95 % interval of the failure rate; ranked by its lower bound. */
  interval: Interval | null;
  /** The class with most failures. */
  topClass: string | null;
}

export interface DeliverabilityReport {
  from: string;
  to: string;
  days: number;
  totals: Outcome & { permanentFailures: number; permanentShare: number | null };
  byClass: { failureClass: FailureClass; failed: number; permanent: number; share: number | null }[];
  byCarrier: Group[];
  byCountry: Group[];
  byProvider: Group[];
  trend: (Omit<Outcome, 'byClass'> & { date: string; byClass: Record<string, number> })[];
  worst: { minSent: number; carriers: WorstGroup[]; countries: WorstGroup[] };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

function emptyOutcome(): Outcome {
  return { sent: 0, delivered: 0, failed: 0, deliveryRate: null, failureRate: null, byClass: {} };
}

function add(o: Outcome, c: DeliverabilityCell): void {
  o[c.status] += c.n;
  if (c.status === 'failed') o.byClass[c.failureClass] = (o.byClass[c.failureClass] ?? 0) + c.n;
}

function finish<T extends Outcome>(o: T): T {
  o.deliveryRate = ratio(o.delivered, o.sent);
  o.failureRate = ratio(o.failed, o.sent);
  return o;
}

function groups(
  cells: DeliverabilityCell[],
  key: (c: DeliverabilityCell) => string,
  nameOf: (value: string) => string | null = () => null,
): Group[] {
  const m = new Map<string, Group>();
  for (const c of cells) {
    const value = key(c) || 'unknown';
    let g = m.get(value);
    if (!g)
      m.set(value, (g = { value, name: value === 'unknown' ? null : nameOf(value), ...emptyOutcome() }));
    add(g, c);
  }
  return [...m.values()]
    .map(finish)
    .sort((a, b) => b.failed - a.failed || b.sent - a.sent || a.value.localeCompare(b.value));
}

function worst(list: Group[], minSent: number): WorstGroup[] {
  return list
    .filter((g) => g.value !== 'unknown' && g.sent >= minSent)
    .map((g) => {
      const top = Object.entries(g.byClass).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
      return {
        value: g.value,
        name: g.name,
        sent: g.sent,
        failed: g.failed,
        failureRate: g.failureRate,
        interval: wilsonInterval(g.failed, g.sent),
        topClass: top?.[0] ?? null,
      };
    })
    .sort((a, b) => (b.interval?.lower ?? 0) - (a.interval?.lower ?? 0) || a.value.localeCompare(b.value))
    .slice(0, 5);
}

export const isoDay = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

/**
 * The report over `days` UTC days ending today, of the cells matching the channel and provider
 * filters. Worst carriers and countries: those with at least `minSent` sends, by the lower bound
 * of the failure rate's Wilson interval (a carrier with 3 messages is never "worst").
 */
export function deliverabilityReport(
  cells: DeliverabilityCell[],
  opts: {
    days: number;
    now: number;
    channel?: string | undefined;
    provider?: string | undefined;
    minSent: number;
  },
): DeliverabilityReport {
  const range = dayRange(opts.days, opts.now);
  const kept = cells.filter(
    (c) =>
      (opts.channel === undefined || c.channel === opts.channel) &&
      (opts.provider === undefined || c.provider === opts.provider),
  );
  const totals = { ...emptyOutcome(), permanentFailures: 0, permanentShare: null as number | null };
  const permanentByClass: Record<string, number> = {};
  for (const c of kept) {
    add(totals, c);
    if (c.status === 'failed' && c.permanent) {
      totals.permanentFailures += c.n;
      permanentByClass[c.failureClass] = (permanentByClass[c.failureClass] ?? 0) + c.n;
    }
  }
  finish(totals);
  totals.permanentShare = ratio(totals.permanentFailures, totals.failed);
  const byDay = new Map<number, Outcome>(range.map((d) => [d, emptyOutcome()]));
  for (const c of kept) {
    const o = byDay.get(c.day);
    if (o) add(o, c);
  }
  const byCarrier = groups(kept, (c) => c.carrier, carrierName);
  const byCountry = groups(kept, (c) => c.country);
  return {
    from: isoDay(range[0] ?? 0),
    to: isoDay(range[range.length - 1] ?? 0),
    days: opts.days,
    totals,
    byClass: FAILURE_CLASSES.filter((k) => (totals.byClass[k] ?? 0) > 0).map((k) => ({
      failureClass: k,
      failed: totals.byClass[k] ?? 0,
      permanent: permanentByClass[k] ?? 0,
      share: ratio(totals.byClass[k] ?? 0, totals.failed),
    })),
    byCarrier,
    byCountry,
    byProvider: groups(kept, (c) => c.provider),
    trend: range.map((d) => {
      const o = finish(byDay.get(d) ?? emptyOutcome());
      return { date: isoDay(d), ...o };
    }),
    worst: {
      minSent: opts.minSent,
      carriers: worst(byCarrier, opts.minSent),
      countries: worst(byCountry, opts.minSent),
    },
  };
}

const CSV_COLUMNS = [
  'recipientId',
  'failureClass',
  'permanent',
  'messageId',
  'provider',
  'at',
  'unreachable',
] as const;

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(v: string | number | boolean | null): string {
  const s = v === null ? '' : String(v);
  // a provider's id starting with = + - @ would be a formula in a spreadsheet: quote it with an apostrophe
  const safe = typeof v === 'string' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function hygieneCsv(rows: HygieneRow[]): string {
  return [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((k) => csvField(r[k])).join(','))]
    .map((l) => `${l}\r\n`)
    .join('');
}
