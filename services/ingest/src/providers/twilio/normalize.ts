/**
 * Twilio callbacks → canonical events. Pure. One request is either a status callback (it has
 * `MessageStatus`, other than received/receiving) or an inbound message (SMS, or WhatsApp via
 * Twilio when `From` is `whatsapp:…`).
 *
 * Status callback mapping (MessageStatus → event):
 *
 * | Twilio status                                      | event       | notes                          |
 * | -------------------------------------------------- | ----------- | ------------------------------ |
 * | sent                                               | sent        |                                |
 * | delivered                                          | delivered   |                                |
 * | undelivered, failed                                | failed      | errorCode = ErrorCode, + class |
 * | read                                               | opened      | WhatsApp / RCS read receipts   |
 * | accepted, scheduled, queued, sending, canceled,    | (skip)      | intermediate: 200, counted     |
 * |   partially_delivered, receiving, received         |             |                                |
 * | anything else                                      | (skip)      | unknown: 200, logged, counted  |
 *
 * Inbound: OptOutType STOP / keyword (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE,
 * OPTOUT, "opt out") → opted_out; OptOutType START / START, YES, UNSTOP → opted_in; HELP and
 * anything else → replied, with messageId = OriginalRepliedMessageSid when Twilio names the
 * answered message.
 *
 * Campaign: query `campaign`, `segment`, `variant` of the status-callback URL. Time: Twilio sends
 * no event time, so the receipt time is used. eventId: `twilio:<MessageSid>:<status>`, inbound
 * `twilio:<MessageSid>:inbound`. Recipient: `To` of a status callback, `From` of an inbound message;
 * sender: the other one.
 */
import { classifyBody } from '../keywords.ts';
import { refFromParams } from '../campaign-ref.ts';
import { compact, PayloadError, type DraftEvent, type Normalized, normalizeSender, label } from '../types.ts';
import type { EventType } from '@tally/events';
import { classifyCode } from '../failure-taxonomy.ts';

const STATUS_EVENT: Record<string, EventType> = {
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
  read: 'opened',
};
const INTERMEDIATE = new Set([
  'accepted',
  'scheduled',
  'queued',
  'sending',
  'canceled',
  'partially_delivered',
  'receiving',
  'received',
]);

export function twilioChannel(p: Record<string, string>): 'sms' | 'whatsapp' {
  const prefixed =
    (p.From ?? '').toLowerCase().startsWith('whatsapp:') ||
    (p.To ?? '').toLowerCase().startsWith('whatsapp:');
  return p.ChannelPrefix?.toLowerCase() === 'whatsapp' || prefixed ? 'whatsapp' : 'sms';
}

export function isTwilioInbound(p: Record<string, string>): boolean {
  const status = (p.MessageStatus ?? p.SmsStatus ?? '').toLowerCase();
  return status === 'received' || status === 'receiving' || (!p.MessageStatus && p.Body !== undefined);
}

export function normalizeTwilio(
  params: Record<string, string>,
  callbackQuery: URLSearchParams,
  receivedAt: string,
): Normalized {
  const sid = params.MessageSid ?? params.SmsSid ?? params.SmsMessageSid;
  if (!sid) throw new PayloadError('MessageSid is missing');
  const channel = twilioChannel(params);
  if (isTwilioInbound(params)) return { events: [inbound(params, sid, channel, receivedAt)], skipped: [] };

  const status = (params.MessageStatus ?? params.SmsStatus ?? '').toLowerCase();
  if (!status) throw new PayloadError('MessageStatus is missing');
  const type = STATUS_EVENT[status];
  if (!type) {
    const reason = INTERMEDIATE.has(status) ? 'intermediate' : 'unknown_status';
    return { events: [], skipped: [{ provider: 'twilio', status, reason }] };
  }
  const event: DraftEvent = compact({
    eventId: `twilio:${sid}:${status}`,
    type,
    occurredAt: receivedAt,
    channel,
    provider: 'twilio' as const,
    messageId: sid,
    ...refFromParams(callbackQuery),
    recipient: params.To,
    sender: normalizeSender(params.From),
    errorCode: type === 'failed' ? label(params.ErrorCode, 100) : undefined,
    ...(type === 'failed' ? classifyCode('twilio', params.ErrorCode) : {}),
  });
  return { events: [event], skipped: [] };
}

function inbound(
  p: Record<string, string>,
  sid: string,
  channel: 'sms' | 'whatsapp',
  at: string,
): DraftEvent {
  const optOutType = p.OptOutType?.toUpperCase();
  const intent =
    optOutType === 'STOP'
      ? 'opt_out'
      : optOutType === 'START'
        ? 'opt_in'
        : optOutType === 'HELP'
          ? 'help'
          : classifyBody(p.Body);
  const type: EventType = intent === 'opt_out' ? 'opted_out' : intent === 'opt_in' ? 'opted_in' : 'replied';
  return compact({
    eventId: `twilio:${sid}:inbound`,
    type,
    occurredAt: at,
    channel,
    provider: 'twilio' as const,
    messageId: type === 'replied' ? p.OriginalRepliedMessageSid : undefined,
    recipient: p.From,
    sender: normalizeSender(p.To),
  });
}
