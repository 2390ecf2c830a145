/**
 * Meta WhatsApp Cloud API notifications → canonical events. Pure. One POST may carry up to 1000
 * updates across `entry[].changes[]`; each status, inbound message and preference is one event.
 *
 * | update                                  | event                         | notes                          |
 * | --------------------------------------- | ----------------------------- | ------------------------------ |
 * | status sent                             | sent                          |                                |
 * | status delivered                        | delivered                     |                                |
 * | status read, played                     | opened                        | read implies delivered         |
 * | status failed                           | failed                        | errorCode = errors[0].code     |
 * | status failed with error 131050         | failed + opted_out            | user stopped marketing messages|
 * | other status                            | (skip)                        | 200, logged, counted           |
 * | message, text/button = opt-out keyword  | opted_out                     |                                |
 * | message, text/button = START/YES/UNSTOP | opted_in                      |                                |
 * | any other inbound message               | replied                       | messageId = context.id         |
 * | user_preferences value stop / resume    | opted_out / opted_in          | marketing_messages             |
 * | other fields (account updates, …)       | (skip)                        |                                |
 *
 * Campaign: `biz_opaque_callback_data` (bare id or campaign=…&segment=…&variant=…). Time: the
 * update's `timestamp` (Unix seconds). eventId: `wa:<wamid>:<status>`, inbound
 * `wa:<wamid>:inbound`, preferences `wa:pref:<recipient>:<value>:<timestamp>`. Recipient:
 * `recipient_id` / `from` / `wa_id`, or the business-scoped `user_id` when no phone is given.
 */
import type { EventType } from '@tally/events';
import { classifyCode } from '../failure-taxonomy.ts';
import { parseCampaignRef } from '../campaign-ref.ts';
import { classifyBody } from '../keywords.ts';
import {
  compact,
  isRecord,
  PayloadError,
  RECIPIENT_TOKEN,
  str,
  unixSeconds,
  type DraftEvent,
  type Normalized,
  normalizeSender,
  label,
} from '../types.ts';

const STATUS_EVENT: Record<string, EventType> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'opened',
  played: 'opened',
  failed: 'failed',
};
/** The user stopped marketing messages: a failed send that is also an opt-out. */
const MARKETING_OPT_OUT_CODE = '131050';

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function normalizeWhatsapp(body: unknown): Normalized {
  if (!isRecord(body) || body.object !== 'whatsapp_business_account') {
    throw new PayloadError('object must be "whatsapp_business_account"');
  }
  if (!Array.isArray(body.entry)) throw new PayloadError('entry must be an array');
  const out: Normalized = { events: [], skipped: [] };
  body.entry.forEach((entry, ei) => {
    if (!isRecord(entry) || !Array.isArray(entry.changes))
      throw new PayloadError(`entry.${ei}.changes must be an array`);
    entry.changes.forEach((change, ci) => {
      const where = `entry.${ei}.changes.${ci}`;
      if (!isRecord(change) || !isRecord(change.value))
        throw new PayloadError(`${where}.value must be an object`);
      const value = change.value;
      const sender = isRecord(value.metadata)
        ? normalizeSender(str(value.metadata.display_phone_number))
        : undefined;
      if (change.field === 'messages') {
        arr(value.statuses).forEach((s, i) => statusEvents(s, `${where}.value.statuses.${i}`, sender, out));
        arr(value.messages).forEach((m, i) =>
          out.events.push(inboundEvent(m, `${where}.value.messages.${i}`, sender)),
        );
      } else if (change.field === 'user_preferences') {
        arr(value.user_preferences).forEach((p, i) =>
          preference(p, `${where}.value.user_preferences.${i}`, sender, out),
        );
      } else {
        out.skipped.push({
          provider: 'whatsapp',
          status: `field:${str(change.field) ?? '?'}`,
          reason: 'not_an_event',
        });
      }
    });
  });
  return out;
}

function need(v: string | undefined, path: string): string {
  if (v === undefined) throw new PayloadError(`${path} is missing or invalid`);
  return v;
}

function statusEvents(s: unknown, path: string, sender: string | undefined, out: Normalized): void {
  if (!isRecord(s)) throw new PayloadError(`${path} must be an object`);
  const wamid = need(str(s.id), `${path}.id`);
  const status = need(str(s.status), `${path}.status`).toLowerCase();
  const occurredAt = need(unixSeconds(s.timestamp), `${path}.timestamp`);
  const type = STATUS_EVENT[status];
  if (!type) {
    out.skipped.push({ provider: 'whatsapp', status, reason: 'unknown_status' });
    return;
  }
  const firstError = arr(s.errors)[0];
  const errorCode = type === 'failed' && isRecord(firstError) ? label(str(firstError.code), 100) : undefined;
  const base = {
    occurredAt,
    channel: 'whatsapp' as const,
    provider: 'whatsapp' as const,
    messageId: wamid,
    ...parseCampaignRef(str(s.biz_opaque_callback_data)),
    recipient: str(s.recipient_id) ?? str(s.user_id),
    sender,
  };
  const failure = type === 'failed' ? classifyCode('whatsapp', errorCode) : {};
  out.events.push(compact({ ...base, eventId: `wa:${wamid}:${status}`, type, errorCode, ...failure }));
  if (errorCode === MARKETING_OPT_OUT_CODE) {
    out.events.push(compact({ ...base, eventId: `wa:${wamid}:opted_out`, type: 'opted_out' as const }));
  }
}

function inboundText(m: Record<string, unknown>): string | undefined {
  if (isRecord(m.text)) return str(m.text.body);
  if (isRecord(m.button)) return str(m.button.text) ?? str(m.button.payload);
  if (isRecord(m.interactive)) {
    const reply = m.interactive.button_reply ?? m.interactive.list_reply;
    if (isRecord(reply)) return str(reply.title) ?? str(reply.id);
  }
  return undefined;
}

function inboundEvent(m: unknown, path: string, sender: string | undefined): DraftEvent {
  if (!isRecord(m)) throw new PayloadError(`${path} must be an object`);
  const id = need(str(m.id), `${path}.id`);
  const occurredAt = need(unixSeconds(m.timestamp), `${path}.timestamp`);
  const intent = classifyBody(inboundText(m));
  const type: EventType = intent === 'opt_out' ? 'opted_out' : intent === 'opt_in' ? 'opted_in' : 'replied';
  const answered = isRecord(m.context) ? str(m.context.id) : undefined;
  return compact({
    eventId: `wa:${id}:inbound`,
    type,
    occurredAt,
    channel: 'whatsapp' as const,
    provider: 'whatsapp' as const,
    messageId: type === 'replied' ? answered : undefined,
    recipient: str(m.from) ?? str(m.user_id),
    sender,
  });
}

function preference(p: unknown, path: string, sender: string | undefined, out: Normalized): void {
  if (!isRecord(p)) throw new PayloadError(`${path} must be an object`);
  const value = need(str(p.value), `${path}.value`).toLowerCase();
  const occurredAt = need(unixSeconds(p.timestamp), `${path}.timestamp`);
  const recipient = need(str(p.wa_id) ?? str(p.user_id), `${path}.wa_id`);
  const type: EventType | undefined =
    value === 'stop' ? 'opted_out' : value === 'resume' ? 'opted_in' : undefined;
  if (!type) {
    out.skipped.push({ provider: 'whatsapp', status: `preference:${value}`, reason: 'unknown_status' });
    return;
  }
  const ts = Date.parse(occurredAt) / 1000;
  out.events.push(
    compact({
      eventId: `wa:pref:${RECIPIENT_TOKEN}:${value}:${ts}`,
      type,
      occurredAt,
      channel: 'whatsapp' as const,
      provider: 'whatsapp' as const,
      recipient,
      sender,
    }),
  );
}
