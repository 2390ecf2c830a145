/**
 * How figures read on screen (pure). Nothing unknown is ever shown as 0: a null rate or figure is
 * "not reported". Counts are exact integers with separators; rates are percentages with one
 * decimal (the exact value is kept in the element's data-value and title).
 *
 * Every number and date on screen goes through `Intl` here, in the browser's locale (separators,
 * decimal mark, percent sign and date order of the reader's language); no page formats a figure
 * itself. `setLocale` pins a locale (tests); by default it is the browser's.
 */
import { wilsonInterval } from '@tally/kpi';

export const NOT_REPORTED = 'not reported';

let locale: string | undefined;
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** Pin the locale every figure is formatted in (undefined: the browser's). */
export function setLocale(l: string | undefined): void {
  locale = l;
  numberFormats.clear();
  dateFormats.clear();
}

function nf(opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify(opts);
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(locale, opts)));
  return f;
}

function df(opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(opts);
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locale, opts)));
  return f;
}

/** A plain number with a fixed number of decimals, in the locale: 1234.5 → "1,234.5". */
export function fmtNumber(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return NOT_REPORTED;
  return nf({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
}

/** A value already in percent units (e.g. a benchmark's 12.5): "12.5%". */
export function fmtPercentValue(p: number | null | undefined, digits = 1): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return NOT_REPORTED;
  return fmtRate(p / 100, digits);
}

/** An axis tick of a value in percent units, as few decimals as it needs: 2.5 → "2.5%", 10 → "10%". */
export function fmtPercentTick(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '';
  return nf({ style: 'percent', maximumFractionDigits: 1 }).format(p / 100);
}

/** A confidence level without trailing zeros: 0.95 → "95%", 0.975 → "97.5%". */
export function fmtLevel(level: number): string {
  return nf({ style: 'percent', maximumFractionDigits: 1 }).format(level);
}

export function fmtCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return NOT_REPORTED;
  return nf({ maximumFractionDigits: 0 }).format(n);
}

export function fmtRate(r: number | null | undefined, digits = 1): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return NOT_REPORTED;
  // rounded as the API's own percentages are (r × 100 to `digits` places), then written in the locale
  const rounded = Number((r * 100).toFixed(digits)) / 100;
  return nf({ style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
    rounded,
  );
}

/**
 * The small-sample rule (documented in the dashboard README): a rate is marked "small sample"
 * when its 95 % Wilson interval is wider than 10 percentage points — e.g. 1 opt-out in 17
 * (5.9 %, interval 1.0–27.0 %), but not 14 in 2,000. A rate with nothing to divide by is not a
 * sample at all (null, "not reported").
 */
export const SMALL_SAMPLE_WIDTH = 0.1;
export function smallSample(numerator: number, denominator: number): boolean {
  const i = wilsonInterval(numerator, denominator);
  return i !== null && i.upper - i.lower > SMALL_SAMPLE_WIDTH;
}

/** A rate with its sample, for hover and screen readers: "5.9%: 1 of 17 delivered (small sample)". */
export function rateWithSample(
  r: number | null,
  numerator: number,
  denominator: number,
  of: string,
  digits = 1,
): string {
  if (r === null) return NOT_REPORTED;
  const small = smallSample(numerator, denominator) ? ' (small sample)' : '';
  return `${fmtRate(r, digits)}: ${fmtCount(numerator)} of ${fmtCount(denominator)} ${of}${small}`;
}

/** A signed difference of two rates, in percentage points. */
export function fmtPoints(d: number | null | undefined): string {
  if (d === null || d === undefined || !Number.isFinite(d)) return NOT_REPORTED;
  const v = nf({ minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(
    d * 100,
  );
  return `${d === 0 ? '±' : ''}${v} pt`;
}

export function fmtMoney(amount: number | null | undefined, currency: string): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return NOT_REPORTED;
  try {
    return nf({ style: 'currency', currency, currencyDisplay: 'code' }).format(amount);
  } catch {
    return `${currency} ${fmtNumber(amount, 2)}`;
  }
}

/** Each currency of a per-currency figure, sorted by code; empty → "none". */
export function fmtPerCurrency(
  values: Record<string, number | null> | null | undefined,
  empty = 'none',
): string {
  if (!values) return NOT_REPORTED;
  const entries = Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return empty;
  return entries.map(([cur, v]) => fmtMoney(v, cur)).join(' · ');
}

/** A return on investment as a percentage with the locale's separators: "85,678.1%". */
export function fmtRoiValue(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return NOT_REPORTED;
  return fmtRate(r, 1);
}

/** ROI per currency; a currency's ROI is null only where it had no cost (SPEC §5). */
export function fmtRoi(values: Record<string, number | null> | null | undefined): string {
  if (!values) return NOT_REPORTED;
  const entries = Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return 'no cost';
  return entries.map(([cur, v]) => `${cur} ${v === null ? 'no cost' : fmtRoiValue(v)}`).join(' · ');
}

/** The bot fetches beside a CTR: "37 preview/scanner fetches not counted" (empty when none). */
export function fmtBotClicks(n: number): string {
  if (n === 0) return '';
  return `${fmtCount(n)} preview/scanner ${n === 1 ? 'fetch' : 'fetches'} not counted`;
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NOT_REPORTED;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${fmtNumber(ms / 1000, 1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** An ISO time in the locale, with the year, saying UTC (every time on screen is UTC, like the send-time grid). */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return NOT_REPORTED;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${fmtDate(iso)} UTC`;
}

const DATE_OPTS: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
};

/** An ISO time in the browser's locale, with the year, in UTC: "Dec 7, 2026, 02:51 AM". */
export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return NOT_REPORTED;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : df(DATE_OPTS).format(d);
}

/** A calendar day (ISO date or time) in the locale, with the year, UTC: "Dec 7, 2026". */
export function fmtDay(iso: string | null | undefined): string {
  if (!iso) return NOT_REPORTED;
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(d.getTime())
    ? iso
    : df({ year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(d);
}

/** A time axis tick (epoch ms), UTC: the clock within a day ("05:40 AM"), else day and hour. */
export function fmtTick(ms: number, withDay: boolean): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  return df(
    withDay
      ? { month: 'short', day: 'numeric', hour: '2-digit', timeZone: 'UTC' }
      : { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' },
  ).format(d);
}

export function fmtAgo(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

export function fmtMean(m: number | null | undefined, digits = 2): string {
  if (m === null || m === undefined || !Number.isFinite(m)) return NOT_REPORTED;
  return fmtNumber(m, digits);
}

/** freshnessMs / lagEvents as one plain sentence. */
export function fmtFreshness(freshnessMs: number | null, lagEvents: number | null): string {
  if (freshnessMs === null) return 'freshness unknown (query-api has no Kafka connection)';
  if (freshnessMs === 0) return 'up to date: every accepted event is counted';
  const lag = lagEvents === null ? '' : `, ${fmtCount(lagEvents)} events waiting`;
  return `catching up: oldest uncounted event waited ${fmtMs(freshnessMs)}${lag}`;
}

export const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** Raw value for a data-value attribute: exactly what the API said (null as "null"). */
export function raw(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
