/**
 * Recipient addresses as providers send them — `+15005550009`, `whatsapp:+1…`, bare international
 * digits (`447700900001`, WhatsApp `wa_id`), or WhatsApp business-scoped user ids (`US.1349…`) —
 * normalized to one key per person: E.164 for phone numbers, the id itself otherwise. The country
 * (ISO alpha-2) is derived here, before the address is pseudonymized and forgotten.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';

export interface Recipient {
  /** The normalized address to pseudonymize. */
  address: string;
  country?: string | undefined;
}

const CHANNEL_PREFIX = /^(whatsapp|sms|mms|rcs|messenger|viber):/i;
const BUSINESS_SCOPED_ID = /^([A-Z]{2})\.[A-Za-z0-9._-]{1,120}$/;

export function normalizeRecipient(raw: string): Recipient | undefined {
  const s = raw.trim().replace(CHANNEL_PREFIX, '');
  if (!s) return undefined;
  const bsuid = BUSINESS_SCOPED_ID.exec(s);
  if (bsuid) return { address: s, country: bsuid[1] };
  const compactDigits = s.replace(/[\s().-]/g, '');
  if (/^\+?\d{6,15}$/.test(compactDigits)) {
    const e164 = compactDigits.startsWith('+') ? compactDigits : `+${compactDigits}`;
    const parsed = parsePhoneNumberFromString(e164);
    if (parsed?.isPossible()) {
      // A number outside the allocated ranges (test and fictional numbers) still has a calling
      // code: its main country (listed first by the metadata) is the best answer there is.
      return { address: parsed.number, country: parsed.country ?? parsed.getPossibleCountries()[0] };
    }
    return { address: e164 };
  }
  return { address: s };
}

/** The sending number or id, as a label (no country or pseudonymization: it is the sender's own). */
export function normalizeSender(raw: string | undefined): string | undefined {
  const s = raw?.trim().replace(CHANNEL_PREFIX, '');
  return s ? s.slice(0, 200) : undefined;
}
