/**
 * One SMS through the Vonage SMS API: the sender posts `sent` to /v1/events, Vonage posts signed
 * delivery receipts (JSON; the price in the account currency on the final one; err-code 9 when the
 * person had opted out), and inbound SMS (form) for replies and STOPs to the virtual number.
 */
import type { Expected, WebhookAction, WebhookBody } from '../actions.ts';
import type { CampaignPlan } from '../plans.ts';
import { vonageDlr, vonageInbound } from '../providers/vonage.ts';
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

const NETWORK: Record<string, string> = { GB: '23410', DE: '26201', FR: '20801', CH: '22801', US: '310260' };
const digits = (address: string) => address.replace(/^\+/, '');
type DlrStatus = Parameters<typeof vonageDlr>[0]['status'];
/** Why a Vonage SMS fails (err-code), with realistic shares: every class the SMS API can name. */
const ERRORS: readonly (readonly [string, number])[] = [
  ['2', 0.4], // unreachable (absent, temporary)
  ['12', 0.1], // unreachable
  ['3', 0.1], // unreachable, permanent
  ['6', 0.15], // carrier_filtered
  ['14', 0.05], // carrier_filtered (blocked by carrier)
  ['4', 0.05], // blocked_or_opted_out (barred by the user)
  ['13', 0.03], // policy (age restriction)
  ['11', 0.07], // other (unroutable: unsure)
  ['99', 0.05], // other
];
const FILTERING_ERRORS: readonly (readonly [string, number])[] = [['6', 0.7], ...ERRORS];

function uuid(ctx: SendContext): string {
  const h = ctx.rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

function webhook(at: number, body: WebhookBody, expect: Expected[]): WebhookAction {
  return { kind: 'webhook', provider: 'vonage', at, query: '', body, expect };
}

function dlr(
  ctx: SendContext,
  m: Message,
  status: DlrStatus,
  at: number,
  arrive: number,
  errCode = '0',
): void {
  const final = status !== 'accepted' && status !== 'buffered';
  const type = status === 'delivered' ? 'delivered' : final ? 'failed' : 'sent';
  const own = {
    channel: 'sms' as const,
    campaignId: m.plan.id,
    recipient: m.person.address,
    messageId: m.messageId,
  };
  const expect: Expected[] = [{ type, at, ...own }];
  if (errCode === '9') expect.push({ type: 'opted_out', at, ...own });
  const price =
    final && status !== 'rejected' && m.plan.price ? m.plan.price.amount.toFixed(8) : '0.00000000';
  const params = vonageDlr({
    msisdn: digits(m.person.address),
    to: m.sender,
    networkCode: NETWORK[m.person.country] ?? '23410',
    messageId: m.messageId,
    price,
    status,
    errCode,
    clientRef: campaignRef(m),
    at,
    pushedAt: arrive,
    nonce: uuid(ctx),
  });
  const action = webhook(arrive, { encoding: 'json', json: params }, expect);
  ctx.schedule(action);
  maybeRetry(ctx, action);
}

function inbound(ctx: SendContext, m: Message, at: number, text: string): void {
  const type = text === 'STOP' ? 'opted_out' : text === 'START' ? 'opted_in' : 'replied';
  const params = vonageInbound({
    msisdn: digits(m.person.address),
    to: m.sender,
    messageId: ctx.rng.hex(16).toUpperCase(),
    text,
    at,
    nonce: uuid(ctx),
  });
  const expect: Expected = {
    type,
    at,
    channel: 'sms',
    campaignId: type === 'opted_in' ? undefined : m.plan.id,
    recipient: m.person.address,
  };
  const action = webhook(at, { encoding: 'form', params: Object.entries(params) }, [expect]);
  ctx.schedule(action);
  maybeRetry(ctx, action);
}

export function sendVonage(ctx: SendContext, plan: CampaignPlan, at: number): void {
  const { rng } = ctx;
  const m = newMessage(ctx, plan, at, rng.hex(16).toUpperCase());
  if (!m) return;
  post(ctx, sendReportAt(ctx, m), [sentEvent(m)]);
  if (rng.chance(0.5)) {
    const t = at + rng.between(500, 1500);
    dlr(ctx, m, 'accepted', t, t);
  }
  const r = receiptTimes(ctx, at, 2000, 7000);
  const delivered = rng.chance(plan.behaviour.delivery);
  if (delivered) dlr(ctx, m, 'delivered', r.at, r.arrive);
  else {
    const optedOut = rng.chance(0.05);
    // French numbers go through a carrier that filters (anti-spam, err-code 6) far more often
    const filtering = m.person.country === 'FR';
    const errCode = optedOut ? '9' : rng.weighted(filtering ? FILTERING_ERRORS : ERRORS);
    const status = rng.chance(0.08) ? ('expired' as const) : rng.pick(['failed', 'rejected'] as const);
    dlr(ctx, m, status, r.at, r.arrive, errCode);
    if (optedOut) ctx.audience.suppress('sms', m.person, r.at);
  }
  engage(ctx, m, delivered ? r.at : undefined, {
    reply: (t, text) => inbound(ctx, m, t, text),
    optOut: (t) => inbound(ctx, m, t, 'STOP'),
    optIn: (t) => inbound(ctx, m, t, 'START'),
  });
}
