/**
 * What each channel kind receives for a transition (pure; `now` only stamps the signature).
 * - webhook: the transition as JSON, signed (X-Tally-Signature, see signature.ts);
 * - pause_webhook: a pause request for the campaign or sender, signed the same way;
 * - slack: incoming-webhook JSON, `text` plus Block Kit `blocks`;
 * - pagerduty: Events API v2, `event_action` trigger (fire, renotify) or resolve, with the
 *   alert's dedup_key so PagerDuty folds all of them into one incident.
 */
import type { AlertNumbers } from '@tally/kpi';
import type { TransitionView } from './alerts-store.ts';
import { signatureHeader } from './signature.ts';

export const CHANNEL_KINDS = ['webhook', 'slack', 'pagerduty', 'pause_webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export interface SendableChannel {
  id: string;
  kind: ChannelKind;
  url: string;
  secret: string | null;
}

export interface RenderedRequest {
  body: string;
  headers: Record<string, string>;
}

const RULE_TITLES = {
  optOutSpike: 'Opt-out spike',
  deliveryDrop: 'Delivery drop',
  failureSpike: 'Failure spike',
};

const pct = (v: AlertNumbers[string] | undefined) =>
  typeof v === 'number' ? `${(v * 100).toFixed(2)}%` : 'n/a';

/** " on carrier 23410, country GB" for a rule narrowed by a filter (issue 20); "" otherwise. */
function narrowed(n: AlertNumbers): string {
  const parts = [
    typeof n.carrier === 'string' ? `carrier ${n.carrier}` : '',
    typeof n.country === 'string' ? `country ${n.country}` : '',
  ].filter(Boolean);
  return parts.length ? ` on ${parts.join(', ')}` : '';
}

function detail(t: TransitionView): string {
  const n = t.kind === 'fire' ? t.alert.numbers : t.alert.lastNumbers;
  if (t.alert.ruleType === 'failureSpike' && 'failed' in n)
    return `${typeof n.failureClass === 'string' ? `${n.failureClass} failures` : 'failures'}${narrowed(n)} on ${pct(n.share)} of ${String(n.sent)} sends (95% lower bound ${pct(n.wilsonLower)}) over ${String(n.windowMinutes)} min`;
  if (t.alert.ruleType === 'deliveryDrop' && 'wilsonUpper' in n)
    return `delivery rate${narrowed(n)} ${pct(n.rate)} (${String(n.delivered)}/${String(n.sent)} sent, 95% upper bound ${pct(n.wilsonUpper)}, floor ${pct(n.floor)}) over ${String(n.windowMinutes)} min ending ${String(n.receiptGraceMinutes ?? 0)} min ago`;
  switch (t.alert.ruleType) {
    case 'optOutSpike':
      return `opt-out rate ${pct(n.rate)} (${String(n.optOuts)}/${String(n.delivered)} delivered, 95% lower bound ${pct(n.wilsonLower)}) over ${String(n.windowMinutes)} min`;
    case 'deliveryDrop':
      return `delivery rate ${pct(n.rate)} (${String(n.delivered)}/${String(n.sent)} sent, floor ${pct(n.floor)}) over ${String(n.windowMinutes)} min ending ${String(n.receiptGraceMinutes ?? 0)} min ago`;
    case 'failureSpike':
      return `error ${String(n.errorCode)} on ${pct(n.share)} of ${String(n.sent)} sends over ${String(n.windowMinutes)} min`;
  }
}

export function summary(t: TransitionView): string {
  const state = t.kind === 'resolve' ? 'RESOLVED' : t.kind === 'renotify' ? 'STILL FIRING' : 'FIRING';
  const a = t.alert;
  return `[${state}] ${RULE_TITLES[a.ruleType]} on ${a.scope.kind} ${a.scope.id}: ${detail(t)}`;
}

function signed(channel: SendableChannel, payload: unknown, deliveryId: string, now: Date): RenderedRequest {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-tally-delivery': deliveryId,
  };
  if (channel.secret) headers['x-tally-signature'] = signatureHeader(channel.secret, body, now);
  return { body, headers };
}

export function renderNotification(
  channel: SendableChannel,
  t: TransitionView,
  deliveryId: string,
  now: Date,
): RenderedRequest {
  const json = (payload: unknown): RenderedRequest => ({
    body: JSON.stringify(payload),
    headers: { 'content-type': 'application/json' },
  });
  switch (channel.kind) {
    case 'webhook':
      return signed(
        channel,
        { type: `alert.${t.kind}`, deliveryId, summary: summary(t), ...t },
        deliveryId,
        now,
      );
    case 'pause_webhook':
      return signed(
        channel,
        { type: 'pause.requested', deliveryId, scope: t.alert.scope, reason: summary(t), alert: t.alert },
        deliveryId,
        now,
      );
    case 'slack': {
      const text = summary(t);
      return json({
        text,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } },
          {
            type: 'context',
            elements: [{ type: 'mrkdwn', text: `alert ${t.alert.id} · fired ${t.alert.firedAt} · ${t.at}` }],
          },
        ],
      });
    }
    case 'pagerduty':
      return json(
        t.kind === 'resolve'
          ? { routing_key: channel.secret, event_action: 'resolve', dedup_key: t.alert.dedupKey }
          : {
              routing_key: channel.secret,
              event_action: 'trigger',
              dedup_key: t.alert.dedupKey,
              payload: {
                summary: summary(t).slice(0, 1024),
                source: `tally/${t.alert.scope.kind}/${t.alert.scope.id}`,
                severity: t.alert.ruleType === 'optOutSpike' ? 'critical' : 'error',
                timestamp: t.at,
                component: t.alert.scope.id,
                class: t.alert.ruleType,
                custom_details: t.alert.lastNumbers,
              },
            },
      );
  }
}
