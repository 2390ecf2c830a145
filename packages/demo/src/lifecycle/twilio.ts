/**
 * One SMS through Twilio: the sender posts `sent` (with Twilio's price) to /v1/events, Twilio
 * calls the status callback (carrying the campaign in its query) with `sent`, then `delivered` or
 * `undelivered`; replies and STOPs arrive as inbound messages addressed to the sending number.
 */
import type { Expected, WebhookAction } from '../actions.ts';
import type { CampaignPlan } from '../plans.ts';
import {
  twilioCallbackQuery,
  twilioInboundParams,
  twilioStatusParams,
  type TwilioStatus,
} from '../providers/twilio.ts';
import { listPerson } from '../people.ts';
import {
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

/**
 * Why a Twilio SMS fails, with realistic shares of failures (issue 20): mostly unreachable
 * handsets, then unknown numbers, carrier filtering, landlines, and a few STOPs at the carrier,
 * unregistered 10DLC sends, rate limits and unknown carrier errors — every class Twilio can name.
 */
const ERRORS: readonly (readonly [string, number])[] = [
  ['30003', 0.42], // unreachable
  ['30005', 0.2], // invalid_number
  ['30007', 0.12], // carrier_filtered
  ['30006', 0.08], // not_capable
  ['21610', 0.05], // blocked_or_opted_out
  ['30034', 0.05], // registration
  ['30022', 0.04], // rate_limited
  ['30008', 0.04], // other
];

function status(m: Message, query: string, s: TwilioStatus, at: number, errorCode?: string): WebhookAction {
  const type = s === 'sent' ? 'sent' : s === 'delivered' ? 'delivered' : 'failed';
  const expect: Expected = {
    type,
    at,
    channel: 'sms',
    campaignId: m.plan.id,
    recipient: m.person.address,
    messageId: m.messageId,
  };
  return {
    kind: 'webhook',
    provider: 'twilio',
    at,
    query,
    expect: [expect],
    body: {
      encoding: 'form',
      params: twilioStatusParams({
        sid: m.messageId,
        from: m.sender,
        to: m.person.address,
        status: s,
        errorCode,
        doneAt: s === 'sent' ? undefined : at,
      }),
    },
  };
}

function inbound(
  ctx: SendContext,
  m: Message,
  at: number,
  body: string,
  optOutType?: 'STOP' | 'START' | 'HELP',
) {
  const type = optOutType === 'STOP' ? 'opted_out' : optOutType === 'START' ? 'opted_in' : 'replied';
  const action: WebhookAction = {
    kind: 'webhook',
    provider: 'twilio',
    at,
    query: '',
    expect: [
      {
        type,
        at,
        channel: 'sms',
        campaignId: type === 'opted_in' ? undefined : m.plan.id,
        recipient: m.person.address,
      },
    ],
    body: {
      encoding: 'form',
      params: twilioInboundParams({
        sid: `SM${ctx.rng.hex(32)}`,
        from: m.person.address,
        to: m.sender,
        body,
        fromCountry: m.person.country,
        optOutType,
      }),
    },
  };
  ctx.schedule(action);
  maybeRetry(ctx, action);
}

export function sendTwilio(ctx: SendContext, plan: CampaignPlan, at: number, seq: number): void {
  const { rng } = ctx;
  const list = plan.listBlock === undefined ? undefined : listPerson(plan.listBlock, seq);
  const m = newMessage(ctx, plan, at, `SM${rng.hex(32)}`, list);
  if (!m) return;
  post(ctx, sendReportAt(ctx, m), [sentEvent(m, plan.price)]);
  const query = twilioCallbackQuery({ campaign: plan.id, segment: m.segment.name, variant: m.variant.name });
  ctx.schedule(status(m, query, 'sent', at + rng.between(300, 900)));
  const delivered = rng.chance(plan.behaviour.delivery);
  // Twilio sends no event time: the receipt is counted when it arrives.
  const { arrive } = receiptTimes(ctx, at, 1500, 5000);
  const final = delivered
    ? status(m, query, 'delivered', arrive)
    : status(m, query, 'undelivered', arrive, rng.weighted(ERRORS));
  ctx.schedule(final);
  maybeRetry(ctx, final);
  engage(ctx, m, delivered ? arrive : undefined, {
    reply: (t, text) => inbound(ctx, m, t, text, text === 'HELP' ? 'HELP' : undefined),
    optOut: (t) => inbound(ctx, m, t, rng.pick(['STOP', 'Stop', 'unsubscribe', 'STOP ']), 'STOP'),
    optIn: (t) => inbound(ctx, m, t, 'START', 'START'),
  });
}
