/**
 * What people do with a message once it arrived, the same on every channel: opt out (by chance,
 * or every n-th delivery of a spike), click the tracked link (minted before the send, followed
 * later), buy after the click (the sender posts `converted`), reply. How a reply or an opt-out
 * travels is the provider's: the lifecycle passes it in. Before any person, machines fetch the
 * link of an SMS or WhatsApp message seconds after its delivery: an iMessage-like or WhatsApp-like
 * link preview, now and then a URL scanner (a HEAD, then a GET) — ingest counts those apart.
 */
import type { Expected, FollowAgent } from '../actions.ts';
import type { Rng } from '../rng.ts';
import { apiEvent, post, type Message, type SendContext } from './context.ts';

export interface Inbound {
  reply?(at: number, text: string): void;
  optOut?(at: number): void;
  optIn?(at: number): void;
}

export const REPLIES = [
  'What time does the sale end?',
  'Is this available in blue?',
  'HELP',
  'Thanks!',
  'Can I pick it up in store?',
  'Does the code work online?',
];

function money(rng: Rng, m: Message) {
  const [lo, hi] = m.segment.name === 'loyal' ? [40, 160] : m.segment.name === 'lapsed' ? [15, 60] : [20, 90];
  return {
    amount: Math.round(rng.between(lo, hi) * 100) / 100,
    currency: m.person.country === 'US' ? 'USD' : 'EUR',
  };
}

/** Mints the message's tracked link (at its send) when it has one and it is wanted. */
function mint(ctx: SendContext, m: Message, followed: boolean): string | undefined {
  const url = m.plan.linkUrl;
  if (!url || (!followed && !ctx.knobs.mintAll)) return undefined;
  const ref = ctx.nextRef();
  ctx.schedule({
    kind: 'mint',
    at: m.sentAt,
    ref,
    followed,
    expect: [],
    link: {
      campaignId: m.plan.id,
      messageId: m.messageId,
      recipientId: m.person.address,
      channel: m.channel,
      url: `${url}?utm_campaign=${m.plan.id}&utm_content=${m.variant.name}`,
    },
  });
  return ref;
}

/** Share of delivered messages with a link that a machine fetches first, per channel. */
const PREVIEWS: Partial<Record<Message['channel'], [FollowAgent[], number][]>> = {
  sms: [
    [['imessage'], 0.2],
    [['scanner_head', 'scanner'], 0.04],
  ],
  whatsapp: [
    [['whatsapp'], 0.3],
    [['scanner_head', 'scanner'], 0.02],
  ],
};

interface Preview {
  agent: FollowAgent;
  at: number;
}

/**
 * The machines that fetch m's link, each 0.7–3.5 s after the one before, from the delivery on
 * (their own random stream: they add no draw to the rest of the timeline).
 */
function previewsOf(ctx: SendContext, m: Message, deliveredAt: number): Preview[] {
  if (!m.plan.linkUrl) return [];
  const rng = ctx.rng.fork(`preview:${m.messageId}`);
  const agents = (PREVIEWS[m.channel] ?? []).flatMap(([a, p]) => (rng.chance(p) ? a : []));
  let at = deliveredAt;
  return agents.map((agent) => ({ agent, at: (at += rng.between(700, 3500)) }));
}

/** Schedules the machines' follows; the last follow of the link (by time) lets the runner drop its code. */
function schedulePreviews(
  ctx: SendContext,
  m: Message,
  ref: string,
  previews: Preview[],
  lastAt: number,
): void {
  for (const { agent, at } of previews) {
    const clicked: Expected = {
      type: 'clicked',
      at,
      channel: m.channel,
      campaignId: m.plan.id,
      recipient: m.person.address,
      messageId: m.messageId,
      clickClass: 'bot',
    };
    ctx.schedule({ kind: 'follow', at, ref, agent, keep: at < lastAt, expect: [clicked] });
  }
}

/** The person's click (and maybe purchase); returns the click's time. */
function clickAndBuy(ctx: SendContext, m: Message, ref: string, after: number, previews: Preview[]): number {
  const { rng } = ctx;
  const clickAt = after + rng.between(4000, 45_000);
  const clicked: Expected = {
    type: 'clicked',
    at: clickAt,
    channel: m.channel,
    campaignId: m.plan.id,
    recipient: m.person.address,
    messageId: m.messageId,
  };
  const keep = previews.some((p) => p.at >= clickAt);
  ctx.schedule({ kind: 'follow', at: clickAt, ref, ...(keep ? { keep } : {}), expect: [clicked] });
  if (!rng.chance(Math.min(1, m.plan.behaviour.convert * m.variant.lift))) return clickAt;
  const at = clickAt + rng.between(10_000, 90_000);
  // Most conversions name only the buyer (attributed by the click); some name the message.
  const explicit = rng.chance(0.3) ? { campaignId: m.plan.id, messageId: m.messageId } : {};
  const id = `conv-${rng.hex(16)}`;
  post(ctx, at, [apiEvent(m, 'converted', at, { ...explicit, value: money(rng, m) }, id)]);
  return clickAt;
}

function optsOut(ctx: SendContext, m: Message): { spike: boolean } | undefined {
  const spike = m.plan.spike;
  const n = ctx.countDelivered(m.plan.id);
  if (spike && m.sentAt < spike.untilMs && n % spike.every === 0) return { spike: true };
  return ctx.rng.chance(m.plan.behaviour.optOut) ? { spike: false } : undefined;
}

/**
 * The engagement of `m`: `deliveredAt` undefined for a message that never arrived (only its link
 * is minted, when every message gets one); `seenAt` is when it was read, for channels that say.
 */
export function engage(
  ctx: SendContext,
  m: Message,
  deliveredAt: number | undefined,
  io: Inbound,
  seenAt?: number,
): void {
  const { rng } = ctx;
  const b = m.plan.behaviour;
  const e = m.person.dormant ? 0 : m.segment.engagement;
  // On channels that report opens, only an opened message is clicked.
  const canClick = deliveredAt !== undefined && (b.open === 0 || seenAt !== undefined);
  const clicks = canClick && rng.chance(Math.min(1, b.click * e * m.variant.lift));
  const opt = deliveredAt === undefined || !io.optOut ? undefined : optsOut(ctx, m);
  const previews = deliveredAt === undefined ? [] : previewsOf(ctx, m, deliveredAt);
  const ref = mint(ctx, m, (clicks && !opt) || previews.length > 0);
  if (deliveredAt === undefined) return;
  // machines fetch the link as the message arrives, whatever its person does next
  const previewsDone = (personAt = -Infinity) => {
    if (ref === undefined || previews.length === 0) return;
    schedulePreviews(ctx, m, ref, previews, Math.max(personAt, ...previews.map((p) => p.at)));
  };
  if (opt && io.optOut) {
    previewsDone();
    const at = deliveredAt + (opt.spike ? rng.between(3000, 12_000) : rng.between(5000, 60_000));
    io.optOut(at);
    const back = io.optIn && !opt.spike && rng.chance(0.25) ? at + rng.between(60_000, 300_000) : Infinity;
    ctx.audience.suppress(m.channel, m.person, at, back);
    if (io.optIn && back !== Infinity) io.optIn(back);
    return;
  }
  const after = seenAt ?? deliveredAt;
  previewsDone(ref !== undefined && clicks ? clickAndBuy(ctx, m, ref, after, previews) : undefined);
  if (io.reply && rng.chance(Math.min(1, b.reply * e)))
    io.reply(after + rng.between(8000, 120_000), rng.pick(REPLIES));
}
