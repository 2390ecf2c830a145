/**
 * GENERATED from the zod schemas of this package by scripts/gen-validators.ts:
 * `pnpm --filter @tally/events gen:validators`. Do not edit.
 *
 * Each function accepts exactly what its schema accepts and returns the value it was given,
 * normalized in place as the schema's output would be (the same fields and values). On
 * `undefined` the value may have been changed: ask the schema for the reason from the bytes.
 */
import {
  type CanonicalEvent,
  crossFieldRules,
  hasMoneyPrecision,
  isWithinEventYears,
  toUtcIso,
  urlSchema,
} from './canonical-event.ts';
import { type Handover } from './control-record.ts';
import { isStorableText } from './text.ts';

type Ctx = Parameters<typeof crossFieldRules>[1];
let refused = false;
/** The refinement context the object-level rules report to: any issue refuses. */
const FLAG = { addIssue: () => void (refused = true) } as unknown as Ctx;

const KEYS1 = new Set<string>([
  'eventId',
  'type',
  'occurredAt',
  'channel',
  'campaignId',
  'messageId',
  'recipientId',
  'segment',
  'variant',
  'provider',
  'sender',
  'country',
  'errorCode',
  'cost',
  'value',
  'url',
  'feature',
  'score',
  'clickClass',
  'failureClass',
  'permanent',
  'carrier',
  'tenantId',
  'importId',
]);
const PATTERN4 = /^[\x21-\x7e]+$/;
const ONE_OF6 = new Set<unknown>([
  'sent',
  'delivered',
  'failed',
  'opened',
  'clicked',
  'replied',
  'converted',
  'opted_out',
  'opted_in',
  'uninstalled',
  'feature_adopted',
  'survey_answered',
  'held_out',
]);
const PATTERN8 =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/;
const ONE_OF10 = new Set<unknown>(['sms', 'whatsapp', 'push', 'in_app']);
const ONE_OF17 = new Set<unknown>(['twilio', 'whatsapp', 'vonage', 'infobip', 'api']);
const PATTERN20 = /^[A-Z]{2}$/;
const KEYS23 = new Set<string>(['amount', 'currency']);
const PATTERN27 = /^[A-Z]{3}$/;
const ONE_OF38 = new Set<unknown>(['human', 'bot']);
const ONE_OF40 = new Set<unknown>([
  'invalid_number',
  'not_capable',
  'unreachable',
  'carrier_filtered',
  'blocked_or_opted_out',
  'registration',
  'rate_limited',
  'policy',
  'expired',
  'other',
]);
const PATTERN43 = /^\d{5,6}$/;
const PATTERN46 = /^[A-Za-z0-9_-]{1,64}$/;
const KEYS47 = new Set<string>(['control', 'tenantId', 'messageId', 'partition']);

/** `value` itself, checked and normalized in place, when `canonicalEventSchema` accepts it; else `undefined`. */
export function validateCanonicalEvent(value: unknown): CanonicalEvent | undefined {
  let d34: unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const o2 = value as Record<string, unknown>;
  for (const k in o2) if (!KEYS1.has(k)) return undefined;
  const f3 = o2['eventId'];
  if (typeof f3 !== 'string') return undefined;
  if (f3.length < 1) return undefined;
  if (f3.length > 200) return undefined;
  if (!PATTERN4.test(f3)) return undefined;
  const f5 = o2['type'];
  if (!ONE_OF6.has(f5)) return undefined;
  const f7 = o2['occurredAt'];
  if (typeof f7 !== 'string') return undefined;
  if (!PATTERN8.test(f7)) return undefined;
  if (!isWithinEventYears(f7)) return undefined;
  const f9 = o2['channel'];
  if (!ONE_OF10.has(f9)) return undefined;
  const f11 = o2['campaignId'];
  if (f11 !== undefined) {
    if (typeof f11 !== 'string') return undefined;
    if (f11.length < 1) return undefined;
    if (f11.length > 200) return undefined;
    if (!PATTERN4.test(f11)) return undefined;
  }
  const f12 = o2['messageId'];
  if (f12 !== undefined) {
    if (typeof f12 !== 'string') return undefined;
    if (f12.length < 1) return undefined;
    if (f12.length > 200) return undefined;
    if (!PATTERN4.test(f12)) return undefined;
  }
  const f13 = o2['recipientId'];
  if (f13 !== undefined) {
    if (typeof f13 !== 'string') return undefined;
    if (f13.length < 1) return undefined;
    if (f13.length > 200) return undefined;
    if (!PATTERN4.test(f13)) return undefined;
  }
  const f14 = o2['segment'];
  if (f14 !== undefined) {
    if (typeof f14 !== 'string') return undefined;
    if (f14.length < 1) return undefined;
    if (f14.length > 200) return undefined;
    if (!isStorableText(f14)) return undefined;
  }
  const f15 = o2['variant'];
  if (f15 !== undefined) {
    if (typeof f15 !== 'string') return undefined;
    if (f15.length < 1) return undefined;
    if (f15.length > 200) return undefined;
    if (!isStorableText(f15)) return undefined;
  }
  const f16 = o2['provider'];
  if (f16 !== undefined) {
    if (!ONE_OF17.has(f16)) return undefined;
  }
  const f18 = o2['sender'];
  if (f18 !== undefined) {
    if (typeof f18 !== 'string') return undefined;
    if (f18.length < 1) return undefined;
    if (f18.length > 200) return undefined;
    if (!isStorableText(f18)) return undefined;
  }
  const f19 = o2['country'];
  if (f19 !== undefined) {
    if (typeof f19 !== 'string') return undefined;
    if (!PATTERN20.test(f19)) return undefined;
  }
  const f21 = o2['errorCode'];
  if (f21 !== undefined) {
    if (typeof f21 !== 'string') return undefined;
    if (f21.length < 1) return undefined;
    if (f21.length > 100) return undefined;
    if (!isStorableText(f21)) return undefined;
  }
  const f22 = o2['cost'];
  if (f22 !== undefined) {
    if (typeof f22 !== 'object' || f22 === null || Array.isArray(f22)) return undefined;
    const o24 = f22 as Record<string, unknown>;
    for (const k in o24) if (!KEYS23.has(k)) return undefined;
    const f25 = o24['amount'];
    if (typeof f25 !== 'number' || !Number.isFinite(f25)) return undefined;
    if (!(f25 >= 0)) return undefined;
    if (!(f25 <= 1000000000)) return undefined;
    if (!hasMoneyPrecision(f25)) return undefined;
    const f26 = o24['currency'];
    if (typeof f26 !== 'string') return undefined;
    if (!PATTERN27.test(f26)) return undefined;
  }
  const f28 = o2['value'];
  if (f28 !== undefined) {
    if (typeof f28 !== 'object' || f28 === null || Array.isArray(f28)) return undefined;
    const o29 = f28 as Record<string, unknown>;
    for (const k in o29) if (!KEYS23.has(k)) return undefined;
    const f30 = o29['amount'];
    if (typeof f30 !== 'number' || !Number.isFinite(f30)) return undefined;
    if (!(f30 >= 0)) return undefined;
    if (!(f30 <= 1000000000)) return undefined;
    if (!hasMoneyPrecision(f30)) return undefined;
    const f31 = o29['currency'];
    if (typeof f31 !== 'string') return undefined;
    if (!PATTERN27.test(f31)) return undefined;
  }
  const f32 = o2['url'];
  if (f32 !== undefined) {
    const r33 = urlSchema.safeParse(f32);
    if (!r33.success) return undefined;
    d34 = r33.data;
  }
  const f35 = o2['feature'];
  if (f35 !== undefined) {
    if (typeof f35 !== 'string') return undefined;
    if (f35.length < 1) return undefined;
    if (f35.length > 200) return undefined;
    if (!isStorableText(f35)) return undefined;
  }
  const f36 = o2['score'];
  if (f36 !== undefined) {
    if (typeof f36 !== 'number' || !Number.isFinite(f36)) return undefined;
    if (!Number.isSafeInteger(f36)) return undefined;
    if (!(f36 >= 1)) return undefined;
    if (!(f36 <= 5)) return undefined;
  }
  const f37 = o2['clickClass'];
  if (f37 !== undefined) {
    if (!ONE_OF38.has(f37)) return undefined;
  }
  const f39 = o2['failureClass'];
  if (f39 !== undefined) {
    if (!ONE_OF40.has(f39)) return undefined;
  }
  const f41 = o2['permanent'];
  if (f41 !== undefined) {
    if (typeof f41 !== 'boolean') return undefined;
  }
  const f42 = o2['carrier'];
  if (f42 !== undefined) {
    if (typeof f42 !== 'string') return undefined;
    if (!PATTERN43.test(f42)) return undefined;
  }
  const f44 = o2['tenantId'];
  if (typeof f44 !== 'string') return undefined;
  if (f44.length < 1) return undefined;
  if (f44.length > 200) return undefined;
  if (!PATTERN4.test(f44)) return undefined;
  const f45 = o2['importId'];
  if (f45 !== undefined) {
    if (typeof f45 !== 'string') return undefined;
    if (!PATTERN46.test(f45)) return undefined;
  }
  o2['occurredAt'] = toUtcIso(f7);
  if (f32 !== undefined) o2['url'] = d34;
  refused = false;
  crossFieldRules(o2 as never, FLAG);
  if (refused) return undefined;
  return value as CanonicalEvent;
}

/** `value` itself, checked and normalized in place, when `handoverSchema` accepts it; else `undefined`. */
export function validateHandover(value: unknown): Handover | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const o48 = value as Record<string, unknown>;
  for (const k in o48) if (!KEYS47.has(k)) return undefined;
  const f49 = o48['control'];
  if (!(f49 === 'handover')) return undefined;
  const f50 = o48['tenantId'];
  if (typeof f50 !== 'string') return undefined;
  if (f50.length < 1) return undefined;
  if (f50.length > 200) return undefined;
  if (!PATTERN4.test(f50)) return undefined;
  const f51 = o48['messageId'];
  if (typeof f51 !== 'string') return undefined;
  if (f51.length < 1) return undefined;
  if (f51.length > 200) return undefined;
  if (!PATTERN4.test(f51)) return undefined;
  const f52 = o48['partition'];
  if (typeof f52 !== 'number' || !Number.isFinite(f52)) return undefined;
  if (!Number.isSafeInteger(f52)) return undefined;
  if (!(f52 >= 0)) return undefined;
  if (!(f52 <= 100000)) return undefined;
  return value as Handover;
}
