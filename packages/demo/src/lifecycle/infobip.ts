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
const error = (groupId: number, id: number, name: string, permanent: boolean) => ({
  groupId,
  groupName: ['OK', 'HANDSET_ERRORS', 'USER_ERRORS', 'OPERATOR_ERRORS'][groupId] ?? 'OK',
  id,
  name,
  description: name,
  permanent,
});
/** Why an Infobip SMS fails (error group and name), with realistic shares (issue 20). */
const ERRORS: readonly (readonly [ReturnType<typeof error>, number])[] = [
  [error(1, 27, 'EC_ABSENT_SUBSCRIBER', false), 0.45], // unreachable
  [error(1, 6, 'EC_ABSENT_SUBSCRIBER_SM', false), 0.1], // unreachable
  [error(1, 1, 'EC_UNKNOWN_SUBSCRIBER', true), 0.25], // invalid_number
  [error(1, 11, 'EC_TELESERVICE_NOT_PROVISIONED', true), 0.08], // not_capable
  [error(3, 4033, 'EC_OPERATOR_REJECTED', false), 0.12], // other (operator errors mix kinds)
];

function report(
  ctx: SendContext,
  m: Message,
  bulkId: string,
  status: InfobipStatus,
  at: number,
  arrive: number,
  failed: boolean,
  failure?: ReturnType<typeof error>,
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
    ...(failed && failure ? { error: failure } : {}),
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
  // a tenth of failures run out their validity (status group EXPIRED: class expired)
  const status = delivered
    ? INFOBIP_STATUS.toHandset
    : rng.chance(0.1)
      ? INFOBIP_STATUS.expired
      : rng.pick([INFOBIP_STATUS.undeliverable, INFOBIP_STATUS.rejected]);
  report(ctx, m, bulkId, status, r.at, r.arrive, !delivered, delivered ? undefined : rng.weighted(ERRORS));
  engage(ctx, m, delivered ? r.at : undefined, {});
}
