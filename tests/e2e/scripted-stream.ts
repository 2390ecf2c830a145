/**
 * A scripted stream that covers every KPI of SPEC §5 and every attribution rule of §4, with the
 * exact answers it must produce. Times are relative to T0 = 30 minutes before the test started
 * (floored to the minute), so rolling windows have something to count. Two phases: sends and
 * receipts first, then what is attributed through recipient state (replies, opt-outs, conversions
 * without a reference…), which by definition needs the reaches to be known.
 */
import { emptyCounts } from '@tally/kpi';

export type Ev = Record<string, unknown>;

export function scriptedStream(now: number) {
  const T0 = Math.floor(now / 60_000) * 60_000 - 30 * 60_000;
  const at = (s: number) => new Date(T0 + s * 1000).toISOString();
  const usd = (amount: number) => ({ amount, currency: 'USD' });
  const ev = (eventId: string, type: string, channel: string, s: number, extra: Ev = {}): Ev => ({
    eventId,
    type,
    channel,
    occurredAt: at(s),
    ...extra,
  });
  const sms = { campaignId: 'c_sms', cost: usd(0.01), sender: 'ACME' };
  const send = (id: string, m: string, r: string, s: number, extra: Ev) =>
    ev(id, 'sent', 'sms', s, { ...sms, messageId: m, recipientId: r, ...extra });
  const wa = { campaignId: 'c_wa' };

  const phase1: Ev[] = [
    // c_sms: six messages (m2 has two sends, one message: its cost counts once, SPEC §5)
    send('s1', 'm1', 'r1', 0, { segment: 'vip', variant: 'A', country: 'US' }),
    ev('d1', 'delivered', 'sms', 10, { messageId: 'm1' }),
    send('s2a', 'm2', 'r2', 1, { segment: 'regular', variant: 'B', country: 'GB' }),
    send('s2b', 'm2', 'r2', 1, { segment: 'regular', variant: 'B', country: 'GB' }),
    ev('d2', 'delivered', 'sms', 5, { messageId: 'm2' }),
    ev('k2', 'clicked', 'sms', 100, { messageId: 'm2', url: 'https://shop.example/x' }),
    send('s3', 'm3', 'r3', 2, { segment: 'vip', variant: 'B', country: 'US' }),
    ev('f3', 'failed', 'sms', 8, { messageId: 'm3', errorCode: '30003' }),
    ev('d4', 'delivered', 'sms', 9, { messageId: 'm4' }), // before its send: parked, then counted
    send('s4', 'm4', 'r4', 3, { segment: 'regular', variant: 'A', country: 'US' }),
    send('s5', 'm5', 'r5', 4, {}),
    ev('d5', 'delivered', 'sms', 6, { messageId: 'm5' }),
    send('s6', 'm6', 'r6', 5, {}),
    ev('dg', 'delivered', 'sms', 7, { messageId: 'ghost' }), // its send never comes
    // c_wa: w1 sent → delivered → read; w2 read before its send, no delivered receipt
    ev('ws1', 'sent', 'whatsapp', 0, { ...wa, messageId: 'w1', recipientId: 'r7' }),
    ev('wd1', 'delivered', 'whatsapp', 2, { messageId: 'w1' }),
    ev('wr1', 'opened', 'whatsapp', 30, { messageId: 'w1' }),
    ev('wr2', 'opened', 'whatsapp', 40, { messageId: 'w2' }),
    ev('ws2', 'sent', 'whatsapp', 1, { ...wa, messageId: 'w2', recipientId: 'r8' }),
    // c_app: two impressions (a1, a2), a3 never opened
    ev('as1', 'sent', 'in_app', 0, { campaignId: 'c_app', messageId: 'a1', recipientId: 'r9' }),
    ev('ao1', 'opened', 'in_app', 10, { messageId: 'a1' }),
    ev('as2', 'sent', 'in_app', 0, { campaignId: 'c_app', messageId: 'a2', recipientId: 'r10' }),
    ev('ao2', 'opened', 'in_app', 11, { messageId: 'a2' }),
    ev('as3', 'sent', 'in_app', 0, { campaignId: 'c_app', messageId: 'a3', recipientId: 'r11' }),
    // c_push: one delivered push
    ev('ps1', 'sent', 'push', 0, { campaignId: 'c_push', messageId: 'p1', recipientId: 'r12' }),
    ev('pd1', 'delivered', 'push', 3, { messageId: 'p1' }),
    // c_old: 30 hours ago — lifetime only, past every minute bucket's TTL
    ev('os1', 'sent', 'sms', -30 * 3600 + 1800, { campaignId: 'c_old', messageId: 'o1', recipientId: 'r13' }),
    ev('od1', 'delivered', 'sms', -30 * 3600 + 1810, { messageId: 'o1' }),
  ];

  const phase2: Ev[] = [
    ev('d6', 'delivered', 'sms', 15, { messageId: 'm6' }), // a late receipt
    ev('rp1', 'replied', 'sms', 70, { recipientId: 'r1' }), // → last reach on sms: m1
    ev('cv2', 'converted', 'sms', 200, { recipientId: 'r2', value: usd(20) }), // → last click: m2
    ev('cv4', 'converted', 'sms', 1200, { recipientId: 'r4', value: { amount: 5, currency: 'EUR' } }), // → last delivery: m4
    ev('cv1', 'converted', 'sms', 1300, { messageId: 'm1', value: usd(3) }), // explicit message
    ev('cvp', 'converted', 'push', 250, { recipientId: 'r2', campaignId: 'c_push', value: usd(7) }), // explicit campaign wins
    ev('oo5', 'opted_out', 'sms', 28 * 60, { recipientId: 'r5' }), // → c_sms, inside the 5m window
    ev('oo5b', 'opted_out', 'sms', 28 * 60 + 5, { recipientId: 'r5' }), // same recipient: once
    // r6b was reached 4 days ago only: an opt-out now is beyond 72 h, so it has no candidate
    ev('os6', 'sent', 'sms', -4 * 86_400, { campaignId: 'c_older', messageId: 'o6', recipientId: 'r6b' }),
    ev('oo6', 'opted_out', 'sms', 60, { recipientId: 'r6b' }),
    ev('rpx', 'replied', 'sms', 80, { recipientId: 'rX' }), // nobody reached rX: unattributed
    ev('rp7s', 'replied', 'sms', 90, { recipientId: 'r7' }), // r7 was reached on WhatsApp only
    ev('sv1', 'survey_answered', 'sms', 400, { messageId: 'm1', score: 4 }),
    ev('sv2', 'survey_answered', 'sms', 410, { recipientId: 'r2', score: 5 }), // → last reach: m2
    // c_wa conversation: w1 replies at +60, +120, +300 s (context id); r8 replies once (last reach)
    ev('wi1', 'replied', 'whatsapp', 60, { messageId: 'w1' }),
    ev('wi2', 'replied', 'whatsapp', 120, { messageId: 'w1' }),
    ev('wi3', 'replied', 'whatsapp', 300, { messageId: 'w1' }),
    ev('wi4', 'replied', 'whatsapp', 100, { recipientId: 'r8' }),
    // c_app: r9 adopts twice (explicit campaign, then through last reach): one adopter
    ev('fa1', 'feature_adopted', 'in_app', 60, {
      campaignId: 'c_app',
      recipientId: 'r9',
      feature: 'dark_mode',
    }),
    ev('fa2', 'feature_adopted', 'in_app', 90, { recipientId: 'r9', feature: 'dark_mode' }),
    // c_push: uninstall → last reach on push
    ev('un12', 'uninstalled', 'push', 500, { recipientId: 'r12' }),
  ];

  return { T0, phase1, phase2 };
}

const zero = emptyCounts();

export const EXPECTED = {
  c_sms: {
    counts: {
      ...zero,
      sent: 6,
      delivered: 5,
      failed: 1,
      clicked: 1,
      clicks: 1,
      replied: 1,
      converted: 3,
      conversions: 3,
      optOuts: 1,
    },
    // every currency with a cost or a revenue is a key of all four money maps (SPEC §5)
    cost: { USD: 0.06, EUR: 0 },
    revenue: { USD: 23, EUR: 5 },
    satisfaction: { count: 2, mean: 4.5 },
    responseTimeMs: [60_000],
  },
  c_wa: {
    counts: { ...zero, sent: 2, delivered: 2, opened: 2, replied: 2 },
    engagementDuration: { count: 2, meanMs: 120_000 },
    responseTimeMs: [58_000, 60_000],
  },
  c_app: {
    counts: { ...zero, sent: 3, delivered: 2, opened: 2 },
    featureAdoption: { adopters: 1, openers: 2, rate: 0.5 },
  },
  c_push: {
    counts: { ...zero, sent: 1, delivered: 1, conversions: 1, uninstalls: 1 },
    revenue: { USD: 7 },
  },
  c_old: { counts: { ...zero, sent: 1, delivered: 1 } },
  // Nothing is final yet: every unattributable event is within its horizon (docs/semantics.md §7).
  attribution: { pending: { replied: 2, opted_out: 1, message: 1 }, unattributed: {}, late: {} },
};

/** Each event 1–3 times, shuffled (seeded, so a failure can be replayed). */
export function duplicateAndShuffle(events: Ev[], seed: number): Ev[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: Ev[] = [];
  for (const e of events) for (let i = 0, n = 1 + Math.floor(rand() * 3); i < n; i++) out.push(e);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as Ev, out[i] as Ev];
  }
  return out;
}
