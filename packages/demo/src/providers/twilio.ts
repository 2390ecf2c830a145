/**
 * Twilio Programmable Messaging, as Twilio sends it (docs/providers.md): status callbacks and
 * inbound messages are form-encoded; X-Twilio-Signature is HMAC-SHA1 with the Auth Token over the
 * exact URL Twilio called followed by every parameter as name + value, sorted by name; base64.
 * Written from the provider's documentation, independently of ingest's verifier (the tests check
 * the two agree). Pure.
 */
import { createHmac } from 'node:crypto';

export const TWILIO_ACCOUNT_SID = `ACde${'0'.repeat(29)}1`;
export const TWILIO_SERVICE_SID = `MGde${'0'.repeat(29)}1`;

export type TwilioStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'read';

/** `YYMMDDhhmm` (UTC): the carrier done-date Twilio passes through on final statuses. */
function rawDlrDate(ms: number): string {
  return new Date(ms).toISOString().replace(/^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d).*$/, '$1$2$3$4$5');
}

export function twilioStatusParams(m: {
  sid: string;
  from: string;
  to: string;
  status: TwilioStatus;
  errorCode?: string | undefined;
  doneAt?: number | undefined;
}): [string, string][] {
  const p: [string, string][] = [
    ['AccountSid', TWILIO_ACCOUNT_SID],
    ['ApiVersion', '2010-04-01'],
    ['From', m.from],
    ['MessageSid', m.sid],
    ['MessageStatus', m.status],
    ['MessagingServiceSid', TWILIO_SERVICE_SID],
    ['SmsSid', m.sid],
    ['SmsStatus', m.status],
    ['To', m.to],
  ];
  if (m.errorCode !== undefined) p.push(['ErrorCode', m.errorCode]);
  if (m.doneAt !== undefined) p.push(['RawDlrDoneDate', rawDlrDate(m.doneAt)]);
  return p;
}

export function twilioInboundParams(m: {
  sid: string;
  from: string;
  to: string;
  body: string;
  fromCountry: string;
  optOutType?: 'STOP' | 'START' | 'HELP' | undefined;
}): [string, string][] {
  const p: [string, string][] = [
    ['AccountSid', TWILIO_ACCOUNT_SID],
    ['ApiVersion', '2010-04-01'],
    ['Body', m.body],
    ['From', m.from],
    ['FromCountry', m.fromCountry],
    ['MessageSid', m.sid],
    ['MessagingServiceSid', TWILIO_SERVICE_SID],
    ['NumMedia', '0'],
    ['NumSegments', '1'],
    ['SmsMessageSid', m.sid],
    ['SmsSid', m.sid],
    ['SmsStatus', 'received'],
    ['To', m.to],
    ['ToCountry', 'US'],
  ];
  if (m.optOutType !== undefined) p.push(['OptOutType', m.optOutType]);
  return p;
}

/** The status-callback URL's query: how a sender tells Twilio (and so Tally) the campaign. */
export function twilioCallbackQuery(ref: { campaign: string; segment: string; variant: string }): string {
  return `?${new URLSearchParams({ campaign: ref.campaign, segment: ref.segment, variant: ref.variant }).toString()}`;
}

/** X-Twilio-Signature for a form body posted to `url` (the full public URL, query included). */
export function signTwilio(authToken: string, url: string, params: [string, string][]): string {
  const sorted = [...params].sort(([a, av], [b, bv]) =>
    a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0,
  );
  let data = url;
  for (const [k, v] of sorted) data += k + v;
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}
