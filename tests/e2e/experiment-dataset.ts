/**
 * The experiment test's events (issue 21), dated relative to the run: campaign `exp` sends two
 * variants that truly differ (B clicks and converts about twice as often as A) to 600 recipients
 * and holds 120 others out; some held-out recipients convert anyway (the control arm), one
 * recipient is held out and messaged (a conflict); campaign `solo` has one variant and no
 * holdout. Seeded, so the same run every time.
 */
const MIN = 60_000;
const HOUR = 60 * MIN;

export type Ev = Record<string, unknown>;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const phone = (i: number) => `+1500555${String(i).padStart(4, '0')}`;

export function experimentDataset(now: number): Ev[] {
  const random = rng(21);
  const t0 = now - 6 * HOUR;
  const out: Ev[] = [];
  const at = (t: number) => new Date(t).toISOString();
  const ev = (id: string, type: string, t: number, extra: Ev): void => {
    out.push({ eventId: id, type, occurredAt: at(t), channel: 'sms', ...extra });
  };
  for (let i = 0; i < 600; i += 1) {
    const variant = i % 2 === 0 ? 'A' : 'B';
    const m = `exp-${i}`;
    const r = phone(i);
    const t = t0 + i * 10_000;
    ev(`${m}:s`, 'sent', t, { campaignId: 'exp', messageId: m, recipientId: r, variant });
    if (random() < 0.05) {
      ev(`${m}:f`, 'failed', t + MIN, { messageId: m, errorCode: '30003' });
      continue;
    }
    ev(`${m}:d`, 'delivered', t + MIN, { messageId: m });
    const clicks = random() < (variant === 'A' ? 0.06 : 0.14);
    if (clicks) ev(`${m}:c`, 'clicked', t + 5 * MIN, { messageId: m, recipientId: r });
    if (random() < (variant === 'A' ? 0.04 : 0.09))
      ev(`${m}:v`, 'converted', t + 20 * MIN, {
        recipientId: r,
        value: { amount: Math.round(10 + random() * 90), currency: 'EUR' },
      });
    if (random() < (variant === 'A' ? 0.01 : 0.03))
      ev(`${m}:o`, 'opted_out', t + 30 * MIN, { recipientId: r });
  }
  for (let i = 600; i < 720; i += 1) {
    const r = phone(i);
    const t = t0 + (i - 600) * 10_000;
    ev(`h-${i}`, 'held_out', t, { campaignId: 'exp', recipientId: r });
    if (random() < 0.03)
      ev(`h-${i}:v`, 'converted', t + 2 * HOUR, { recipientId: r, value: { amount: 25, currency: 'EUR' } });
  }
  // held out and messaged by the same campaign: counted once, messaged, under conflicts
  ev('conflict:h', 'held_out', t0, { campaignId: 'exp', recipientId: phone(0) });
  for (let i = 800; i < 820; i += 1) {
    const m = `solo-${i}`;
    ev(`${m}:s`, 'sent', t0 + i * 1000, {
      campaignId: 'solo',
      messageId: m,
      recipientId: phone(i),
      variant: 'only',
    });
    ev(`${m}:d`, 'delivered', t0 + i * 1000 + MIN, { messageId: m });
  }
  return out;
}
