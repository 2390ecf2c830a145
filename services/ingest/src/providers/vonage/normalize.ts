/**
 * Vonage callbacks → canonical events. Pure. Two APIs arrive on one endpoint:
 *
 * SMS API delivery receipt (form, JSON or GET query; has `status`):
 *
 * | status                      | event            | notes                                       |
 * | --------------------------- | ---------------- | ------------------------------------------- |
 * | accepted, buffered          | sent             | intermediate at Vonage, but the send left   |
 * | delivered                   | delivered        | cost = price in the account currency        |
 * | expired, failed, rejected   | failed           | errorCode = err-code, + class; cost = price |
 * | any status with err-code 9  | + opted_out      | recipient opted out                         |
 * | unknown, other              | (skip)           | 200, logged, counted                        |
 *
 * SMS API inbound (has `text`/`keyword`, no `status`): opt-out keyword → opted_out,
 * START/YES/UNSTOP → opted_in, else replied. Multi-part inbound: one event per concatenated
 * message (eventId keyed by `concat-ref`), parts after the first skipped.
 *
 * Messages API (JSON with `message_uuid`, JWT-signed):
 *
 * | status                      | event            | notes                                       |
 * | --------------------------- | ---------------- | ------------------------------------------- |
 * | submitted                   | sent             |                                             |
 * | delivered                   | delivered        | cost = usage{price, currency}               |
 * | read                        | opened           |                                             |
 * | rejected, undeliverable     | failed           | errorCode = error.title; cost = usage       |
 * | no status (inbound message) | opted_out / opted_in / replied (messageId = context.message_uuid) |
 *
 * Channels sms, mms, rcs → sms; whatsapp → whatsapp; others (messenger, viber) skipped.
 * Cost is put on the final receipt only, so a message's price is counted once.
 * Campaign: `client-ref` / `client_ref`. Time: `message-timestamp` (UTC), else `scts`, else
 * receipt; Messages API `timestamp`. eventId `vonage:<messageId>:<status>` (each part of a long
 * SMS has its own messageId), inbound `vonage:<messageId>:inbound`.
 */
import { roundAmount, type Channel, type EventType } from '@tally/events';
import { parseCampaignRef } from '../campaign-ref.ts';
import { classifyBody } from '../keywords.ts';
import { classifyCode, classifyVonageSms } from '../failure-taxonomy.ts';
import {
  compact,
  isRecord,
  PayloadError,
  str,
  type DraftEvent,
  type Normalized,
  normalizeSender,
  label,
  carrierOf,
} from '../types.ts';

const SMS_STATUS: Record<string, EventType> = {
  accepted: 'sent',
  buffered: 'sent',
  delivered: 'delivered',
  expired: 'failed',
  failed: 'failed',
  rejected: 'failed',
};
const SMS_FINAL = new Set(['delivered', 'expired', 'failed', 'rejected']);
const OPTED_OUT_ERR = '9';

const MESSAGES_STATUS: Record<string, EventType> = {
  submitted: 'sent',
  delivered: 'delivered',
  read: 'opened',
  rejected: 'failed',
  undeliverable: 'failed',
};
const MESSAGES_FINAL = new Set(['delivered', 'rejected', 'undeliverable']);

export function isMessagesApi(body: Record<string, unknown>): boolean {
  return typeof body.message_uuid === 'string';
}

/** `2026-11-26 14:32:05` (UTC) or `YYMMDDHHMM` → ISO. */
export function vonageTime(
  messageTimestamp: string | undefined,
  scts: string | undefined,
): string | undefined {
  const m = messageTimestamp && /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(messageTimestamp);
  if (m) {
    const d = new Date(`${m[1]}T${m[2]}Z`);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  const c = scts && /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(scts);
  if (c) {
    const d = new Date(`20${c[1]}-${c[2]}-${c[3]}T${c[4]}:${c[5]}:00Z`);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  return undefined;
}

function price(v: string | undefined, currency: string | undefined) {
  if (v === undefined || currency === undefined || !/^\d+(\.\d+)?$/.test(v)) return undefined;
  return { amount: roundAmount(Number(v)), currency };
}

export function normalizeVonageSms(
  p: Record<string, string>,
  accountCurrency: string,
  receivedAt: string,
): Normalized {
  const messageId = p.messageId ?? p['message-id'];
  if (!messageId) throw new PayloadError('messageId is missing');
  const occurredAt = vonageTime(p['message-timestamp'], p.scts) ?? receivedAt;
  const ref = parseCampaignRef(p['client-ref']);
  if (p.status === undefined) {
    if (p.text === undefined && p.keyword === undefined)
      throw new PayloadError('status (receipt) or text (inbound) is missing');
    if (p.concat === 'true' && p['concat-part'] !== undefined && p['concat-part'] !== '1') {
      return {
        events: [],
        skipped: [{ provider: 'vonage', status: 'inbound_part', reason: 'not_an_event' }],
      };
    }
    const intent = classifyBody(p.text ?? p.keyword);
    const id = p.concat === 'true' && p['concat-ref'] ? `concat-${p['concat-ref']}` : messageId;
    const type: EventType = intent === 'opt_out' ? 'opted_out' : intent === 'opt_in' ? 'opted_in' : 'replied';
    return {
      events: [
        compact({
          eventId: `vonage:${id}:inbound`,
          type,
          occurredAt,
          channel: 'sms' as const,
          provider: 'vonage' as const,
          recipient: p.msisdn,
          sender: normalizeSender(p.to),
        }),
      ],
      skipped: [],
    };
  }
  const status = p.status.toLowerCase();
  const type = SMS_STATUS[status];
  if (!type) return { events: [], skipped: [{ provider: 'vonage', status, reason: 'unknown_status' }] };
  const errCode = p['err-code'];
  const base = {
    occurredAt,
    channel: 'sms' as const,
    provider: 'vonage' as const,
    messageId,
    ...ref,
    recipient: p.msisdn,
    sender: normalizeSender(p.to),
    carrier: carrierOf(p['network-code']),
  };
  const events: DraftEvent[] = [
    compact({
      ...base,
      eventId: `vonage:${messageId}:${status}`,
      type,
      errorCode: type === 'failed' ? label(errCode, 100) : undefined,
      ...(type === 'failed' ? classifyVonageSms(status, errCode) : {}),
      cost: SMS_FINAL.has(status) ? price(p.price, accountCurrency) : undefined,
    }),
  ];
  if (errCode === OPTED_OUT_ERR) {
    events.push(compact({ ...base, eventId: `vonage:${messageId}:opted_out`, type: 'opted_out' as const }));
  }
  return { events, skipped: [] };
}

/** Messages API `to`/`from`: a number or id as a string (v1), or `{ type, number | id }` (v0.1). */
function address(v: unknown): string | undefined {
  return isRecord(v) ? (str(v.number) ?? str(v.id)) : str(v);
}

function messagesChannel(c: string | undefined): Channel | undefined {
  if (c === 'sms' || c === 'mms' || c === 'rcs') return 'sms';
  if (c === 'whatsapp') return 'whatsapp';
  return undefined;
}

function isoTime(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function normalizeVonageMessages(b: Record<string, unknown>, receivedAt: string): Normalized {
  const uuid = str(b.message_uuid);
  if (!uuid) throw new PayloadError('message_uuid is missing');
  const channel = messagesChannel(str(b.channel));
  if (!channel)
    return {
      events: [],
      skipped: [{ provider: 'vonage', status: `channel:${str(b.channel) ?? '?'}`, reason: 'not_an_event' }],
    };
  const occurredAt = isoTime(str(b.timestamp)) ?? receivedAt;
  const status = str(b.status)?.toLowerCase();
  if (status === undefined) {
    const text = str(b.text) ?? (isRecord(b.reply) ? str(b.reply.title) : undefined);
    const intent = classifyBody(text);
    const type: EventType = intent === 'opt_out' ? 'opted_out' : intent === 'opt_in' ? 'opted_in' : 'replied';
    const answered = isRecord(b.context) ? str(b.context.message_uuid) : undefined;
    return {
      events: [
        compact({
          eventId: `vonage:${uuid}:inbound`,
          type,
          occurredAt,
          channel,
          provider: 'vonage' as const,
          messageId: type === 'replied' ? answered : undefined,
          recipient: address(b.from),
          sender: normalizeSender(address(b.to)),
        }),
      ],
      skipped: [],
    };
  }
  const type = MESSAGES_STATUS[status];
  if (!type) return { events: [], skipped: [{ provider: 'vonage', status, reason: 'unknown_status' }] };
  const usage = isRecord(b.usage) ? b.usage : undefined;
  const error = isRecord(b.error) ? b.error : undefined;
  return {
    events: [
      compact({
        eventId: `vonage:${uuid}:${status}`,
        type,
        occurredAt,
        channel,
        provider: 'vonage' as const,
        messageId: uuid,
        ...parseCampaignRef(str(b.client_ref)),
        recipient: address(b.to),
        sender: normalizeSender(address(b.from)),
        errorCode: type === 'failed' && error ? label(str(error.title) ?? str(error.type), 100) : undefined,
        ...(type === 'failed' ? classifyCode('vonage_messages', error ? str(error.title) : undefined) : {}),
        cost: MESSAGES_FINAL.has(status) && usage ? price(str(usage.price), str(usage.currency)) : undefined,
      }),
    ],
    skipped: [],
  };
}
