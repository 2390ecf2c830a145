/**
 * The benchmark dataset of api-campaigns.int.test.ts (tenant umbrella): seven SMS campaigns b0…b6
 * first sent 10 minutes apart (b0 70 minutes ago, b6 10 minutes ago), each with its own delivery
 * rate, and a WhatsApp campaign between them that an SMS benchmark must ignore.
 *   b0 10/10 (1.0)  b1 5/10 (0.5)  b2 9/10 (0.9)  b3 6/10 (0.6)  b4 8/10 (0.8)  b5 7/10 (0.7)
 *   b6 17/20 (0.85)  wa 1/10 (0.1, 35 minutes ago)
 */
import type { Ev } from './api-dataset.ts';

const CAMPAIGNS: [id: string, channel: string, minutesAgo: number, sent: number, delivered: number][] = [
  ['b0', 'sms', 70, 10, 10],
  ['b1', 'sms', 60, 10, 5],
  ['b2', 'sms', 50, 10, 9],
  ['b3', 'sms', 40, 10, 6],
  ['wa', 'whatsapp', 35, 10, 1],
  ['b4', 'sms', 30, 10, 8],
  ['b5', 'sms', 20, 10, 7],
  ['b6', 'sms', 10, 20, 17],
];

export function benchmarkDataset(now: number): Ev[] {
  const minute = Math.floor(now / 60_000) * 60_000;
  const events: Ev[] = [];
  for (const [id, channel, ago, sent, delivered] of CAMPAIGNS) {
    const at = (s: number) => new Date(minute - ago * 60_000 + s * 1000).toISOString();
    for (let i = 0; i < sent; i += 1) {
      const messageId = `${id}-${i}`;
      events.push({
        eventId: `${messageId}-s`,
        type: 'sent',
        channel,
        occurredAt: at(0),
        campaignId: id,
        messageId,
      });
      if (i < delivered)
        events.push({ eventId: `${messageId}-d`, type: 'delivered', channel, occurredAt: at(5), messageId });
    }
  }
  return events;
}

/**
 * b6 against the previous 5 SMS campaigns (b1…b5: 0.5 0.6 0.7 0.8 0.9, sorted) and the previous 6
 * (b0 too); percentile rank = 100 × (below + ½ equal) / n, quantiles by linear interpolation.
 */
export const BENCHMARK_EXPECTED = {
  previous5: {
    ids: ['b1', 'b2', 'b3', 'b4', 'b5'],
    value: 0.85,
    median: 0.7,
    p25: 0.6,
    p75: 0.8,
    delta: 0.15,
    rank: 80,
  },
  previous6: { median: 0.75, p25: 0.625, p75: 0.875, rank: (100 * 4) / 6 },
};
