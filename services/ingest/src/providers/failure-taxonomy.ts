/**
 * One failure taxonomy across providers (issue 20): every failed receipt gets a `failureClass` and
 * a `permanent` flag, and keeps its raw `errorCode`. This module is the whole mapping, as data:
 * a table of rows, read by one lookup. Pure. docs/providers.md shows the table with its sources.
 *
 * Row order matters only within a provider: the first row that matches wins (an exact code before
 * a prefix). A code no row names is `other`, never dropped; a row marked `unsure` is one whose
 * meaning the providers' documentation does not settle, so it says `other` too (and the docs say so).
 *
 * `permanent`: sending the same message again, unchanged, fails the same way (Infobip's definition,
 * taken for all): the recipient's number, capability, block or opt-out, the sender's registration.
 */
import type { FailureClass } from '@tally/events';

export type TaxonomyProvider = 'twilio' | 'whatsapp' | 'vonage' | 'vonage_messages' | 'infobip';

export interface TaxonomyRow {
  provider: TaxonomyProvider;
  /** The provider's code exactly (Twilio/Meta/Vonage code, Infobip error name), or a prefix. */
  code?: string;
  prefix?: string;
  /** Infobip: the error group (1 handset, 2 user, 3 operator) when no name matched. */
  infobipGroup?: number;
  /** Infobip: the row applies only when the error's own `permanent` flag is this. */
  infobipPermanent?: boolean;
  failureClass: FailureClass;
  /** Absent on Infobip rows: Infobip's own flag is kept. */
  permanent?: boolean;
  meaning: string;
  /** The documentation does not settle the meaning: classed `other`. */
  unsure?: true;
}

const T = (code: string, c: FailureClass, permanent: boolean, meaning: string): TaxonomyRow => ({
  provider: 'twilio',
  code,
  failureClass: c,
  permanent,
  meaning,
});
const W = (code: string, c: FailureClass, permanent: boolean, meaning: string): TaxonomyRow => ({
  provider: 'whatsapp',
  code,
  failureClass: c,
  permanent,
  meaning,
});
const V = (code: string, c: FailureClass, permanent: boolean, meaning: string): TaxonomyRow => ({
  provider: 'vonage',
  code,
  failureClass: c,
  permanent,
  meaning,
});
const I = (code: string, c: FailureClass, meaning: string): TaxonomyRow => ({
  provider: 'infobip',
  code,
  failureClass: c,
  meaning,
});

/** Sources: twilio.com/docs/api/errors/<code>; Meta's WhatsApp Cloud API error codes; Vonage's SMS
 * DLR `err-code` list (its Java SDK's DeliveryReceiptRequest); Infobip's error code reference. */
export const FAILURE_TAXONOMY: readonly TaxonomyRow[] = [
  // Twilio (ErrorCode of an undelivered/failed status callback)
  T('30003', 'unreachable', false, 'unreachable destination handset (off, no signal)'),
  T('30004', 'blocked_or_opted_out', true, 'message blocked (recipient blocklist, earlier STOP, DND)'),
  T('30005', 'invalid_number', true, 'unknown destination handset (unknown or inactive number)'),
  T('30006', 'not_capable', true, 'landline or unreachable carrier'),
  T('30007', 'carrier_filtered', false, 'message filtered (spam/policy) by Twilio or the carrier'),
  { ...T('30008', 'other', false, 'unknown error from the carrier'), unsure: true },
  T('21211', 'invalid_number', true, "invalid 'To' phone number"),
  T('21610', 'blocked_or_opted_out', true, 'the recipient replied STOP'),
  T('30034', 'registration', true, 'sent from an unregistered US A2P 10DLC number'),
  T('30022', 'rate_limited', false, 'US A2P 10DLC rate limit exceeded'),
  T('30450', 'rate_limited', false, 'SMS Pumping Protection blocked the destination for a while'),
  // Meta WhatsApp Cloud API (statuses[].errors[].code)
  W('131026', 'not_capable', true, 'undeliverable: not on WhatsApp, terms not accepted, or an old app'),
  W('131047', 'policy', false, 'more than 24 h since the user last wrote: only a template may be sent'),
  W(
    '131049',
    'rate_limited',
    false,
    'withheld to keep ecosystem engagement healthy (per-user marketing cap)',
  ),
  W('131050', 'blocked_or_opted_out', true, 'the user stopped marketing messages'),
  W('130429', 'rate_limited', false, 'throughput limit reached'),
  { ...W('130472', 'other', false, "the user's number is part of a Meta experiment"), unsure: true },
  {
    provider: 'whatsapp',
    prefix: '132',
    failureClass: 'policy',
    permanent: false,
    meaning: 'template errors (132000–132999: missing, paused, parameters wrong)',
  },
  // Vonage SMS API receipts (err-code); the status `expired` is classed before this table
  { ...V('1', 'other', false, 'unknown'), unsure: true },
  V('2', 'unreachable', false, 'absent subscriber, temporary'),
  V('3', 'unreachable', true, 'absent subscriber, permanent'),
  V('4', 'blocked_or_opted_out', true, 'call barred by user'),
  { ...V('5', 'other', false, 'portability error'), unsure: true },
  V('6', 'carrier_filtered', false, 'anti-spam rejection'),
  V('7', 'unreachable', false, 'handset busy'),
  { ...V('8', 'other', false, 'network error'), unsure: true },
  V('9', 'blocked_or_opted_out', true, 'illegal number: the recipient sent STOP'),
  { ...V('10', 'other', false, 'illegal message'), unsure: true },
  {
    ...V('11', 'other', false, 'unroutable: may mean the number or the route, the DLR does not say'),
    unsure: true,
  },
  V('12', 'unreachable', false, 'destination unreachable'),
  V('13', 'policy', true, 'subscriber age restriction'),
  V('14', 'carrier_filtered', true, 'number blocked by carrier'),
  { ...V('15', 'other', false, "recipient's prepaid account has insufficient funds"), unsure: true },
  { ...V('99', 'other', false, 'general error'), unsure: true },
  // Infobip: by error name first, then by error group and its `permanent` flag; group EXPIRED of
  // the status is classed `expired` before this table
  I('EC_UNKNOWN_SUBSCRIBER', 'invalid_number', 'the number is unknown to the network'),
  I('EC_ILLEGAL_SUBSCRIBER', 'invalid_number', 'the network refuses the subscriber'),
  I('EC_ABSENT_SUBSCRIBER', 'unreachable', 'handset off or out of coverage'),
  I('EC_ABSENT_SUBSCRIBER_SM', 'unreachable', 'handset not reachable for SMS'),
  I('EC_TELESERVICE_NOT_PROVISIONED', 'not_capable', 'the subscription has no SMS'),
  { ...I('EC_CALL_BARRED', 'other', 'barred: by the operator or the subscriber, not said'), unsure: true },
  {
    provider: 'infobip',
    infobipGroup: 1,
    infobipPermanent: true,
    failureClass: 'invalid_number',
    meaning: 'other handset errors marked permanent',
  },
  {
    provider: 'infobip',
    infobipGroup: 1,
    infobipPermanent: false,
    failureClass: 'unreachable',
    meaning: 'other handset errors, temporary (memory full, busy)',
  },
  {
    provider: 'infobip',
    infobipGroup: 2,
    failureClass: 'other',
    meaning: 'user errors: invalid destination, content blocked or a limit, the group mixes them',
    unsure: true,
  },
  {
    provider: 'infobip',
    infobipGroup: 3,
    failureClass: 'other',
    meaning: 'operator errors: network rejections of several kinds',
    unsure: true,
  },
];

export interface Classified {
  failureClass: FailureClass;
  permanent: boolean;
}

function rowFor(provider: TaxonomyProvider, code: string | undefined, group?: number, perm?: boolean) {
  return FAILURE_TAXONOMY.find((r) => {
    if (r.provider !== provider) return false;
    if (r.code !== undefined) return r.code === code;
    if (r.prefix !== undefined) return code !== undefined && code.startsWith(r.prefix);
    if (r.infobipGroup !== undefined) {
      if (r.infobipGroup !== group) return false;
      return r.infobipPermanent === undefined || r.infobipPermanent === perm;
    }
    return false;
  });
}

const OTHER: Classified = { failureClass: 'other', permanent: false };

/** Twilio, WhatsApp, Vonage (SMS API err-code, Messages API title): by the raw code. */
export function classifyCode(
  provider: Exclude<TaxonomyProvider, 'infobip'>,
  code: string | undefined,
): Classified {
  const row = rowFor(provider, code?.trim());
  return row ? { failureClass: row.failureClass, permanent: row.permanent ?? false } : OTHER;
}

/** A Vonage SMS API receipt: `expired` is its own class, else the err-code. */
export function classifyVonageSms(status: string, errCode: string | undefined): Classified {
  if (status === 'expired') return { failureClass: 'expired', permanent: false };
  return classifyCode('vonage', errCode);
}

/**
 * An Infobip report: status group EXPIRED (4) is `expired`; otherwise by the error's name, then
 * its group and `permanent` flag. `permanent` is always Infobip's own flag when it gives one.
 */
export function classifyInfobip(
  statusGroup: number | undefined,
  error: { groupId?: number; name?: string; permanent?: boolean } | undefined,
): Classified {
  const permanent = error?.permanent === true;
  if (statusGroup === 4) return { failureClass: 'expired', permanent };
  const row = rowFor('infobip', error?.name, error?.groupId, permanent);
  return { failureClass: row?.failureClass ?? 'other', permanent };
}
