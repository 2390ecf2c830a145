/**
 * The one address normalization of ingest. Provider webhooks, `POST /v1/events` and tracked links
 * all call `normalizeAddress`, so one person gets one pseudonym per tenant whichever source named
 * them, and the country comes from the same parse.
 *
 * On `sms` and `whatsapp` an address is a phone number as providers and senders write it —
 * `+44 7700 900001`, `0044…`, bare international digits (`447700900001`: a WhatsApp `wa_id`, a
 * Vonage `msisdn`, an Infobip `to`), `whatsapp:+44…`, `tel:…` — and becomes E.164 (libphonenumber-js),
 * with its country (ISO alpha-2; for numbers outside the allocated ranges, the calling code's main
 * country). A WhatsApp business-scoped user id (`US.1349…`) is kept, its country read from the
 * prefix. Digits with a leading 0 and no `+`/`00` are a national number of an unknown country: kept
 * as digits, no country. Anything else is kept trimmed. On `push` and `in_app` the address is the
 * sender's own id: kept exactly, trimmed, no country.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Channel } from '@tally/events';

export interface Address {
  /** The normalized address to pseudonymize. */
  address: string;
  country?: string | undefined;
}

const PHONE_CHANNELS: ReadonlySet<Channel> = new Set(['sms', 'whatsapp']);
/** `whatsapp:+44…` as Twilio writes it; also what senders copy from provider consoles. */
export const CHANNEL_PREFIX = /^(whatsapp|sms|mms|rcs|messenger|viber|tel):/i;
const BUSINESS_SCOPED_ID = /^([A-Z]{2})\.[A-Za-z0-9._-]{1,120}$/;
const PHONE = /^(\+|00)?(\d{6,15})$/;

/** The address of a person on a channel; undefined when nothing is left after trimming. */
export function normalizeAddress(raw: string, channel: Channel): Address | undefined {
  const s = raw.trim();
  if (!PHONE_CHANNELS.has(channel)) return s ? { address: s } : undefined;
  return phoneAddress(s.replace(CHANNEL_PREFIX, '').trim());
}

function phoneAddress(s: string): Address | undefined {
  if (!s) return undefined;
  const bsuid = BUSINESS_SCOPED_ID.exec(s);
  if (bsuid) return { address: s, country: bsuid[1] };
  const m = PHONE.exec(s.replace(/[\s().-]/g, ''));
  const digits = m?.[2];
  if (!digits) return { address: s };
  if (!m[1] && digits.startsWith('0')) return { address: digits };
  const parsed = parsePhoneNumberFromString(`+${digits}`);
  if (!parsed?.isPossible()) return { address: `+${digits}` };
  return { address: parsed.number, country: parsed.country ?? parsed.getPossibleCountries()[0] };
}
