/**
 * The scripted dataset of api.int.test.ts, with its exact answers. T0 = 20 minutes before the
 * test started (floored to the minute). Tenant acme: k1 (sms, 4 messages at T0), k2 (sms, 2 at
 * T0+2m), k3 (whatsapp, 1 at T0+4m); recipients r1 (3 reaches, clicked), r2 (2 reaches), r3 (1,
 * failed), r4 (1, then opted out). Tenant globex has a k1 of its own (1 message to its r1).
 */
export type Ev = Record<string, unknown>;

export function apiDataset(now: number) {
  const T0 = Math.floor(now / 60_000) * 60_000 - 20 * 60_000;
  const at = (s: number) => new Date(T0 + s * 1000).toISOString();
  const ev = (eventId: string, type: string, channel: string, s: number, extra: Ev = {}): Ev => ({
    eventId,
    type,
    channel,
    occurredAt: at(s),
    ...extra,
  });
  const k1 = (id: string, m: string, r: string, segment: string, variant: string) =>
    ev(id, 'sent', 'sms', 0, { campaignId: 'k1', messageId: m, recipientId: r, segment, variant });
  const acme: Ev[] = [
    k1('a1', 'm1', 'r1', 'vip', 'A'),
    ev('a1d', 'delivered', 'sms', 5, { messageId: 'm1' }),
    // the click lands 18 minutes later: in the live Redis minutes when the test reads at T0+20m
    ev('a1k', 'clicked', 'sms', 18 * 60, { messageId: 'm1', url: 'https://shop.example/a' }),
    k1('a2', 'm2', 'r2', 'vip', 'B'),
    ev('a2d', 'delivered', 'sms', 5, { messageId: 'm2' }),
    k1('a3', 'm3', 'r3', 'regular', 'A'),
    ev('a3f', 'failed', 'sms', 8, { messageId: 'm3', errorCode: '30003' }),
    k1('a4', 'm4', 'r4', 'regular', 'A'),
    ev('a4d', 'delivered', 'sms', 5, { messageId: 'm4' }),
    ev('b1', 'sent', 'sms', 120, { campaignId: 'k2', messageId: 'n1', recipientId: 'r1' }),
    ev('b1d', 'delivered', 'sms', 125, { messageId: 'n1' }),
    ev('b2', 'sent', 'sms', 120, { campaignId: 'k2', messageId: 'n2', recipientId: 'r2' }),
    ev('b2d', 'delivered', 'sms', 126, { messageId: 'n2' }),
    ev('c1', 'sent', 'whatsapp', 240, { campaignId: 'k3', messageId: 'w1', recipientId: 'r1' }),
  ];
  // posted once the reaches are applied: r4's opt-out is attributed through its last SMS reach (k1)
  const acmeLater: Ev[] = [
    ev('a4o', 'opted_out', 'sms', 60, { recipientId: 'r4' }),
    ev('a1c', 'converted', 'sms', 30, { messageId: 'm1', value: { amount: 12, currency: 'USD' } }),
    ev('b1c', 'converted', 'sms', 130, { messageId: 'n1', value: { amount: 5, currency: 'EUR' } }),
  ];
  const globex: Ev[] = [ev('g1', 'sent', 'sms', 0, { campaignId: 'k1', messageId: 'm1', recipientId: 'r1' })];
  return { T0, acme, acmeLater, globex };
}

export const API_EXPECTED = {
  k1: { sent: 4, delivered: 3, failed: 1, clicked: 1, clicks: 1 },
  k1Vip: { sent: 2, delivered: 2, failed: 0, clicked: 1 },
  k1RegularA: { sent: 2, delivered: 1, failed: 1, clicked: 0 },
  k2: { sent: 2, delivered: 2 },
  k3: { sent: 1, delivered: 0 },
  /** sort=-deliveryRate: k2 (1), k1 (0.75), k3 (0) */
  byDeliveryRateDesc: ['k2', 'k1', 'k3'],
};
