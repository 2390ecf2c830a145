import { describe, expect, it } from 'vitest';
import type { TransitionView } from './alerts-store.ts';
import { renderNotification, summary } from './render.ts';
import { verifySignature } from './signature.ts';

const now = new Date('2026-11-26T12:00:00Z');
const numbers = {
  delivered: 1000,
  optOuts: 50,
  rate: 0.05,
  wilsonLower: 0.0381302623,
  threshold: 0.02,
  windowMinutes: 15,
};
const t = (kind: TransitionView['kind']): TransitionView => ({
  transitionId: '7',
  kind,
  at: now.toISOString(),
  silenceId: null,
  alert: {
    id: 'a1',
    ruleType: 'optOutSpike',
    scope: { kind: 'campaign', id: 'black-friday' },
    state: kind === 'resolve' ? 'resolved' : 'firing',
    firedAt: now.toISOString(),
    resolvedAt: null,
    lastNotifiedAt: now.toISOString(),
    clearSince: null,
    numbers,
    lastNumbers: numbers,
    dedupKey: 'tally-a1',
  },
});

describe('renderNotification', () => {
  it('summarises with the numbers', () => {
    expect(summary(t('fire'))).toBe(
      '[FIRING] Opt-out spike on campaign black-friday: opt-out rate 5.00% (50/1000 delivered, 95% lower bound 3.81%) over 15 min',
    );
  });

  it('signs webhooks so that the documented verification accepts them', () => {
    const channel = {
      id: 'c',
      kind: 'webhook' as const,
      url: 'https://x.example/h',
      secret: 'whsec_abcdefghijklmnop',
    };
    const r = renderNotification(channel, t('fire'), 'd1', now);
    expect(JSON.parse(r.body)).toMatchObject({
      type: 'alert.fire',
      deliveryId: 'd1',
      alert: { dedupKey: 'tally-a1' },
    });
    expect(verifySignature('whsec_abcdefghijklmnop', r.headers['x-tally-signature'], r.body, now)).toBe(true);
    expect(r.headers['x-tally-delivery']).toBe('d1');
  });

  it('speaks Slack incoming-webhook JSON', () => {
    const r = renderNotification(
      { id: 'c', kind: 'slack', url: 'https://hooks.example/x', secret: null },
      t('fire'),
      'd',
      now,
    );
    const body = JSON.parse(r.body);
    expect(body.text).toContain('[FIRING]');
    expect(body.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
  });

  it.each([
    { kind: 'fire' as const, action: 'trigger' },
    { kind: 'renotify' as const, action: 'trigger' },
    { kind: 'resolve' as const, action: 'resolve' },
  ])('speaks PagerDuty Events v2: $kind → $action with the dedup key', ({ kind, action }) => {
    const channel = {
      id: 'c',
      kind: 'pagerduty' as const,
      url: 'https://pd.example/v2/enqueue',
      secret: 'R0UTING',
    };
    const body = JSON.parse(renderNotification(channel, t(kind), 'd', now).body);
    expect(body).toMatchObject({ routing_key: 'R0UTING', event_action: action, dedup_key: 'tally-a1' });
    if (action === 'trigger') {
      expect(body.payload).toMatchObject({ source: 'tally/campaign/black-friday', severity: 'critical' });
      expect(body.payload.summary).toContain('Opt-out spike');
    }
  });
});
