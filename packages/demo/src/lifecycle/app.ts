/**
 * Push and in-app messages: no provider posts per-message webhooks for them (docs/providers.md),
 * so the sender's backend and app SDK post every event to /v1/events — sends, deliveries, opens
 * (in-app impressions), uninstalls after a push, features adopted from an in-app message. Clicks
 * still go through tracked links.
 */
import type { CampaignPlan } from '../plans.ts';
import { apiEvent, newMessage, post, sendReportAt, sentEvent, type SendContext } from './context.ts';
import { engage } from './engage.ts';

const PUSH_ERRORS = ['UNREGISTERED', 'INVALID_ARGUMENT', 'QUOTA_EXCEEDED'];
const FEATURES = ['dark_mode', 'saved_carts', 'wishlist', 'one_tap_checkout'];

export function sendPush(ctx: SendContext, plan: CampaignPlan, at: number): void {
  const { rng } = ctx;
  const m = newMessage(ctx, plan, at, `push-${rng.hex(24)}`);
  if (!m) return;
  post(ctx, sendReportAt(ctx, m), [sentEvent(m)]);
  const own = { messageId: m.messageId };
  const dAt = at + rng.between(300, 3000);
  if (!rng.chance(plan.behaviour.delivery)) {
    post(ctx, dAt, [apiEvent(m, 'failed', dAt, { ...own, errorCode: rng.pick(PUSH_ERRORS) })]);
    engage(ctx, m, undefined, {});
    return;
  }
  post(ctx, dAt, [apiEvent(m, 'delivered', dAt, own)]);
  const e = m.person.dormant ? 0 : m.segment.engagement;
  const openAt = rng.chance(Math.min(1, plan.behaviour.open * e))
    ? dAt + rng.between(3000, 90_000)
    : undefined;
  if (openAt !== undefined) post(ctx, openAt, [apiEvent(m, 'opened', openAt, own)]);
  if (rng.chance(plan.behaviour.uninstall)) {
    const t = dAt + rng.between(5000, 45_000);
    post(ctx, t, [apiEvent(m, 'uninstalled', t, own)]);
    ctx.audience.suppress('push', m.person, t);
  }
  engage(ctx, m, dAt, {}, openAt);
}

export function sendInApp(ctx: SendContext, plan: CampaignPlan, at: number): void {
  const { rng } = ctx;
  const m = newMessage(ctx, plan, at, `iam-${rng.hex(24)}`);
  if (!m) return;
  post(ctx, sendReportAt(ctx, m), [sentEvent(m)]);
  // The SDK reports the message fetched to the device, then (maybe) shown.
  const own = { messageId: m.messageId };
  const dAt = at + rng.between(500, 5000);
  if (!rng.chance(plan.behaviour.delivery)) {
    engage(ctx, m, undefined, {});
    return;
  }
  post(ctx, dAt, [apiEvent(m, 'delivered', dAt, own)]);
  const e = m.person.dormant ? 0 : m.segment.engagement;
  const shownAt = rng.chance(Math.min(1, plan.behaviour.open * e))
    ? dAt + rng.between(1000, 30_000)
    : undefined;
  if (shownAt !== undefined) post(ctx, shownAt, [apiEvent(m, 'opened', shownAt, own)]);
  if (shownAt !== undefined && rng.chance(Math.min(1, plan.behaviour.adopt * m.variant.lift))) {
    const t = shownAt + rng.between(5000, 90_000);
    post(ctx, t, [apiEvent(m, 'feature_adopted', t, { ...own, feature: rng.pick(FEATURES) })]);
  }
  engage(ctx, m, dAt, {}, shownAt);
}
