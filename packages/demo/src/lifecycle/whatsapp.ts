/**
 * One WhatsApp template message through the Cloud API: Meta reports `sent`, `delivered`, `read`
 * (or `failed`, 131050 meaning the person stopped marketing messages) with the campaign echoed in
 * `biz_opaque_callback_data`; people answer in conversations of a few messages, opt out with STOP
 * or WhatsApp's own preference, and some rate the conversation (a `survey_answered` the sender's
 * bot posts). The sender posts nothing about the send: Meta's statuses say it all.
 */
import type { Expected, WebhookAction } from '../actions.ts';
import type { Person } from '../people.ts';
import type { CampaignPlan } from '../plans.ts';
import { waEnvelope, waInbound, waPreference, waStatus, type WaStatus } from '../providers/whatsapp.ts';
import type { Rng } from '../rng.ts';
import {
  apiEvent,
  campaignRef,
  maybeRetry,
  newMessage,
  post,
  receiptTimes,
  type Message,
  type SendContext,
} from './context.ts';
import { engage } from './engage.ts';

const digits = (address: string) => address.replace(/^\+/, '');

/** A wamid shaped like Meta's: base64 of a record that embeds the recipient's number. */
export function wamid(rng: Rng, p: Person): string {
  const d = digits(p.address);
  const raw = Buffer.concat([
    Buffer.from([0x1c, 0x18, d.length]),
    Buffer.from(d),
    Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, 0x12]),
    Buffer.from(rng.hex(18).toUpperCase()),
    Buffer.from([0x00]),
  ]);
  return `wamid.${raw.toString('base64')}`;
}

interface WaError {
  code: number;
  title: string;
}

const ERRORS: (readonly [WaError, number])[] = [
  [{ code: 131026, title: 'Message undeliverable' }, 0.4], // not_capable
  [{ code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.' }, 0.25], // rate_limited
  [{ code: 131050, title: 'Unable to deliver the message: the recipient stopped marketing messages' }, 0.15], // blocked_or_opted_out
  [{ code: 131047, title: 'Re-engagement message' }, 0.1], // policy
  [{ code: 132001, title: 'Template does not exist' }, 0.04], // policy
  [{ code: 130429, title: 'Rate limit hit' }, 0.04], // rate_limited
  [{ code: 131000, title: 'Something went wrong' }, 0.02], // other
];

const CHAT = [
  'Is this still on?',
  'Which sizes do you have?',
  'Great, thanks',
  'Can I change my order?',
  'ok 👍',
  'When does it ship?',
];

function webhook(
  m: Message,
  at: number,
  field: 'messages' | 'user_preferences',
  value: Record<string, unknown>,
  expect: Expected[],
): WebhookAction {
  return {
    kind: 'webhook',
    provider: 'whatsapp',
    at,
    query: '',
    expect,
    body: { encoding: 'json', json: waEnvelope(digits(m.sender), field, value) },
  };
}

function expected(m: Message, type: Expected['type'], at: number, own: boolean): Expected {
  return {
    type,
    at,
    channel: 'whatsapp',
    campaignId: m.plan.id,
    recipient: m.person.address,
    ...(own ? { messageId: m.messageId } : {}),
  };
}

function status(
  ctx: SendContext,
  m: Message,
  s: WaStatus,
  at: number,
  arrive: number,
  conversationId: string,
  error?: { code: number; title: string },
) {
  const type = s === 'read' ? 'opened' : s;
  const expect = [expected(m, type, at, true)];
  if (error?.code === 131050) expect.push(expected(m, 'opted_out', at, true));
  const value = {
    statuses: [
      waStatus({
        wamid: m.messageId,
        status: s,
        at,
        recipient: digits(m.person.address),
        ref: campaignRef(m),
        conversationId,
        error,
      }),
    ],
  };
  const action = webhook(m, arrive, 'messages', value, expect);
  ctx.schedule(action);
  maybeRetry(ctx, action);
}

function inbound(
  ctx: SendContext,
  m: Message,
  at: number,
  text: string,
  context: boolean,
  type: Expected['type'] = 'replied',
): void {
  const id = `wamid.${Buffer.from(`in${ctx.rng.hex(30)}`).toString('base64')}`;
  const value = waInbound({
    id,
    from: digits(m.person.address),
    at,
    text,
    name: 'Demo User',
    context: context ? { from: digits(m.sender), id: m.messageId } : undefined,
  });
  const action = webhook(m, at, 'messages', value, [expected(m, type, at, type === 'replied' && context)]);
  ctx.schedule(action);
  maybeRetry(ctx, action);
}

function conversation(ctx: SendContext, m: Message, first: number, text: string): void {
  const { rng } = ctx;
  const n = rng.weighted([
    [1, 0.3],
    [2, 0.35],
    [3, 0.2],
    [4, 0.15],
  ] as const);
  let at = first;
  for (let i = 0; i < n; i++) {
    inbound(ctx, m, at, i === 0 ? text : rng.pick(CHAT), i === 0 || rng.chance(0.6));
    if (i < n - 1) at += rng.between(10_000, 120_000);
  }
  if (!rng.chance(m.plan.behaviour.survey)) return;
  const surveyAt = at + rng.between(20_000, 60_000);
  const score = rng.weighted([
    [1, 0.05],
    [2, 0.08],
    [3, 0.17],
    [4, 0.35],
    [5, 0.35],
  ] as const);
  post(ctx, surveyAt, [
    apiEvent(m, 'survey_answered', surveyAt, { campaignId: m.plan.id, score }, `${m.messageId}:survey`),
  ]);
}

function preference(ctx: SendContext, m: Message, at: number, value: 'stop' | 'resume'): void {
  const type = value === 'stop' ? 'opted_out' : 'opted_in';
  const expect = [
    { ...expected(m, type, at, false), campaignId: type === 'opted_out' ? m.plan.id : undefined },
  ];
  const action = webhook(
    m,
    at,
    'user_preferences',
    waPreference({ waId: digits(m.person.address), value, at }),
    expect,
  );
  ctx.schedule(action);
  maybeRetry(ctx, action);
}

export function sendWhatsapp(ctx: SendContext, plan: CampaignPlan, at: number): void {
  const { rng } = ctx;
  const m = newMessage(ctx, plan, at, (p) => wamid(rng, p));
  if (!m) return;
  const conv = rng.hex(32);
  const sentAt = at + rng.between(200, 800);
  status(ctx, m, 'sent', sentAt, sentAt, conv);
  if (!rng.chance(plan.behaviour.delivery)) {
    const error = rng.weighted(ERRORS);
    const failed = receiptTimes(ctx, at, 1000, 5000);
    status(ctx, m, 'failed', failed.at, failed.arrive, conv, error);
    if (error.code === 131050) ctx.audience.suppress('whatsapp', m.person, failed.at);
    engage(ctx, m, undefined, {});
    return;
  }
  const d = receiptTimes(ctx, at, 1000, 4000);
  const e = m.person.dormant ? 0 : m.segment.engagement;
  const readAt = rng.chance(Math.min(1, plan.behaviour.open * e))
    ? d.at + rng.between(2000, 60_000)
    : undefined;
  // Meta skips `delivered` when the message is read at once: read implies delivered.
  if (readAt === undefined || readAt - d.at > 5000 || rng.chance(0.5))
    status(ctx, m, 'delivered', d.at, d.arrive, conv);
  if (readAt !== undefined) status(ctx, m, 'read', readAt, readAt, conv);
  engage(
    ctx,
    m,
    d.at,
    {
      reply: (t, text) => conversation(ctx, m, t, text),
      optOut: (t) =>
        rng.chance(0.6) ? inbound(ctx, m, t, 'STOP', false, 'opted_out') : preference(ctx, m, t, 'stop'),
      optIn: (t) => preference(ctx, m, t, 'resume'),
    },
    readAt,
  );
}
