/**
 * One SMS through Infobip: the sender posts `sent` to /v1/events, Infobip posts delivery reports
 * (DELIVERED_TO_OPERATOR, then the final one with its price) echoing the campaign in
 * `callbackData`. Infobip's inbound messages are not a Tally webhook, so no replies here.
 */
import type { Expected } from '../actions.ts';
import type { CampaignPlan } from '../plans.ts';
import { INFOBIP_STATUS, infobipResult, type InfobipStatus } from '../providers/infobip.ts';
import {
  campaignRef,
  maybeRetry,
  newMessage,
  post,
  receiptTimes,
  sendReportAt,
  sentEvent,
  type Message,
  type SendContext,
} from './context.ts';
import { engage } from './engage.ts';

const MCC_MNC: Record<string, string> = { CH: '22801', DE: '26201', FR: '20801', GB: '23410', US: '310260' };
const ABSENT = {
  groupId: 1,
  groupName: 'HANDSET_ERRORS',
  id: 27,
  name: 'EC_ABSENT_SUBSCRIBER',
  description: 'Absent Subscriber',
  permanent: false,
};

function report(
  ctx: SendContext,
  m: Message,
  bulkId: string,
  status: InfobipStatus,
  at: number,
  arrive: number,
  failed: boolean,
): void {
  const final = status.id !== INFOBIP_STATUS.toOperator.id;
  const type = !final ? 'sent' : failed ? 'failed' : 'delivered';
  const expect: Expected = {
    type,
    at,
    channel: 'sms',
    campaignId: m.plan.id,
    recipient: m.person.address,
    messageId: m.messageId,
  };
  const result = infobipResult({
    bulkId,
    messageId: m.messageId,
    to: m.person.address.replace(/^\+/, ''),
    from: m.sender,
    sentAt: m.sentAt,
    doneAt: at,
    mccMnc: MCC_MNC[m.person.country] ?? '22801',
    callbackData: campaignRef(m),
    status,
    price:
      final && m.plan.price
        ? { pricePerMessage: m.plan.price.amount, currency: m.plan.price.currency }
        : undefined,
    ...(failed && status === INFOBIP_STATUS.undeliverable ? { error: ABSENT } : {}),
  });
  const action = {
    kind: 'webhook' as const,
    provider: 'infobip' as const,
    at: arrive,
    query: '',
    expect: [expect],
    body: { encoding: 'json' as const, json: { results: [result] } },
  };
  ctx.schedule(action);
  maybeRetry(ctx, action);
}

export function sendInfobip(ctx: SendContext, plan: CampaignPlan, at: number): void {
  const { rng } = ctx;
  const h = rng.hex(32);
  const m = newMessage(
    ctx,
    plan,
    at,
    `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`,
  );
  if (!m) return;
  const bulkId = `BULK-${plan.id}-${Math.floor(at / 60_000)}`;
  post(ctx, sendReportAt(ctx, m), [sentEvent(m)]);
  const op = at + rng.between(400, 1200);
  report(ctx, m, bulkId, INFOBIP_STATUS.toOperator, op, op, false);
  const r = receiptTimes(ctx, at, 2000, 8000);
  const delivered = rng.chance(plan.behaviour.delivery);
  const status = delivered
    ? INFOBIP_STATUS.toHandset
    : rng.pick([INFOBIP_STATUS.undeliverable, INFOBIP_STATUS.expired, INFOBIP_STATUS.rejected]);
  report(ctx, m, bulkId, status, r.at, r.arrive, !delivered);
  engage(ctx, m, delivered ? r.at : undefined, {});
}
