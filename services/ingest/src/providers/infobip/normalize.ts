/**
 * Infobip delivery and seen reports → canonical events. Pure. A POST carries `results[]`.
 *
 * | report                                            | event      | notes                             |
 * | ------------------------------------------------- | ---------- | --------------------------------- |
 * | status group PENDING (1)                          | (skip)     | intermediate: 200, counted        |
 * | group DELIVERED (3), DELIVERED_TO_OPERATOR (id 2) | sent       | not yet on the handset            |
 * | group DELIVERED (3), any other id (5 = HANDSET)   | delivered  | cost = price                      |
 * | groups UNDELIVERABLE (2), EXPIRED (4), REJECTED (5) | failed   | errorCode = error name (or status name), class from group + error name; cost |
 * | unknown group                                     | (skip)     | 200, logged, counted              |
 * | seen report (`seenAt`, no status)                 | opened     | WhatsApp / Viber seen             |
 *
 * Channel: `channel` field when given (WHATSAPP → whatsapp), else a seen report is WhatsApp and a
 * status report SMS (the endpoint may be given `?channel=whatsapp`). Campaign: `callbackData`.
 * Time: `doneAt` (status), `seenAt` (seen), else `sentAt`. eventId:
 * `infobip:<messageId>:<status id>`, seen `infobip:<messageId>:seen`. Cost on final reports only,
 * so a message's price is counted once.
 */
import { roundAmount, type Channel, type EventType } from '@tally/events';
import { parseCampaignRef } from '../campaign-ref.ts';
import { classifyInfobip } from '../failure-taxonomy.ts';
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

const GROUP = { PENDING: 1, UNDELIVERABLE: 2, DELIVERED: 3, EXPIRED: 4, REJECTED: 5 } as const;
const DELIVERED_TO_OPERATOR = 2;

/** `2026-11-26T14:30:09.000+0000` → ISO (the offset without a colon is what Infobip sends). */
export function infobipTime(v: unknown): string | undefined {
  const s = str(v);
  if (!s) return undefined;
  const fixed = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const d = new Date(fixed);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function channelOf(r: Record<string, unknown>, fallback: Channel): Channel {
  const c = str(r.channel)?.toLowerCase();
  if (c === 'whatsapp') return 'whatsapp';
  if (c === 'sms') return 'sms';
  return fallback;
}

function cost(r: Record<string, unknown>) {
  const p = isRecord(r.price) ? r.price : undefined;
  const amount = p?.pricePerMessage;
  const currency = str(p?.currency);
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || !currency) return undefined;
  return { amount: roundAmount(amount), currency };
}

export function normalizeInfobip(body: unknown, channelHint: Channel | undefined): Normalized {
  if (!isRecord(body) || !Array.isArray(body.results)) throw new PayloadError('results must be an array');
  const out: Normalized = { events: [], skipped: [] };
  body.results.forEach((r, i) => {
    const path = `results.${i}`;
    if (!isRecord(r)) throw new PayloadError(`${path} must be an object`);
    const messageId = str(r.messageId);
    if (!messageId) throw new PayloadError(`${path}.messageId is missing`);
    const base = {
      provider: 'infobip' as const,
      messageId,
      ...parseCampaignRef(str(r.callbackData)),
      recipient: str(r.to),
      sender: normalizeSender(str(r.from)),
    };
    if (!isRecord(r.status)) {
      const seenAt = infobipTime(r.seenAt);
      if (!seenAt)
        throw new PayloadError(`${path}.status (delivery report) or ${path}.seenAt (seen report) is missing`);
      out.events.push(
        compact({
          ...base,
          eventId: `infobip:${messageId}:seen`,
          type: 'opened' as const,
          occurredAt: seenAt,
          channel: channelOf(r, channelHint ?? 'whatsapp'),
        }),
      );
      return;
    }
    const groupId = typeof r.status.groupId === 'number' ? r.status.groupId : undefined;
    const statusId = typeof r.status.id === 'number' ? r.status.id : undefined;
    const name = str(r.status.name) ?? String(statusId ?? '?');
    const occurredAt = infobipTime(r.doneAt) ?? infobipTime(r.sentAt);
    if (!occurredAt) throw new PayloadError(`${path}.doneAt is missing or invalid`);
    let type: EventType | undefined;
    if (groupId === GROUP.DELIVERED) type = statusId === DELIVERED_TO_OPERATOR ? 'sent' : 'delivered';
    else if (groupId === GROUP.UNDELIVERABLE || groupId === GROUP.EXPIRED || groupId === GROUP.REJECTED)
      type = 'failed';
    if (!type) {
      out.skipped.push({
        provider: 'infobip',
        status: name,
        reason: groupId === GROUP.PENDING ? 'intermediate' : 'unknown_status',
      });
      return;
    }
    const error = isRecord(r.error) ? r.error : undefined;
    const errorName = error && error.id !== 0 ? str(error.name) : undefined;
    const failure =
      type === 'failed'
        ? classifyInfobip(groupId, {
            groupId: typeof error?.groupId === 'number' ? error.groupId : undefined,
            name: str(error?.name),
            permanent: error?.permanent === true,
          })
        : {};
    const event: DraftEvent = compact({
      ...base,
      eventId: `infobip:${messageId}:${statusId ?? name}`,
      type,
      occurredAt,
      channel: channelOf(r, channelHint ?? 'sms'),
      errorCode: type === 'failed' ? label(errorName ?? name, 100) : undefined,
      ...failure,
      carrier: carrierOf(r.mccMnc),
      cost: type === 'sent' ? undefined : cost(r),
    });
    out.events.push(event);
  });
  return out;
}
