/**
 * What a provider normalizer produces: canonical events before ingest finishes them. The
 * recipient is still the raw address here (phone number, wa_id or WhatsApp business-scoped id);
 * `finalize.ts` derives `country`, pseudonymizes it and sets `tenantId`. Normalizers are pure:
 * payload (and receipt time) in, events and skips out.
 */
import { isStorableText, type CanonicalEvent } from '@tally/events';
import { CHANNEL_PREFIX } from '../address.ts';

export type DraftEvent = Omit<CanonicalEvent, 'tenantId' | 'recipientId' | 'country'> & {
  /** Raw address of the person; never leaves ingest. */
  recipient?: string | undefined;
};

/** Placeholder in a draft eventId that finalize replaces with the pseudonymized recipient. */
export const RECIPIENT_TOKEN = '{recipient}';

/** Unix seconds (number or numeric string) → ISO-8601; undefined when absent or not a time. */
export function unixSeconds(v: unknown): string | undefined {
  const s = str(v);
  if (s === undefined || !/^\d{1,12}(\.\d+)?$/.test(s)) return undefined;
  const d = new Date(Number(s) * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** A status Tally deliberately does not turn into an event (intermediate or unknown). */
export interface Skip {
  provider: string;
  status: string;
  reason: 'intermediate' | 'unknown_status' | 'not_an_event';
}

export interface Normalized {
  events: DraftEvent[];
  skipped: Skip[];
}

/** A payload that is well-formed but cannot be normalized: answered 400 naming the problem. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Drops keys whose value is undefined, so events carry only what the provider said. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A provider's free-text field (error code, sender) as a label: trimmed, cut to `max` UTF-16 units
 * (never inside a surrogate pair), undefined when empty or not storable — a receipt is kept
 * whole rather than refused for a label it can do without.
 */
export function label(v: string | undefined, max: number): string | undefined {
  let s = v?.trim().slice(0, max);
  if (s && /[\ud800-\udbff]$/.test(s)) s = s.slice(0, -1);
  return s && isStorableText(s) ? s : undefined;
}

/** A receipt's mobile network as MCC-MNC (Vonage `network-code`, Infobip `mccMnc`); else undefined. */
export function carrierOf(v: unknown): string | undefined {
  const s = str(v)?.trim();
  return s && /^\d{5,6}$/.test(s) ? s : undefined;
}

/** The sending number or id, as a label (no country or pseudonymization: it is the sender's own). */
export function normalizeSender(raw: string | undefined): string | undefined {
  return label(raw?.trim().replace(CHANNEL_PREFIX, ''), 200);
}
