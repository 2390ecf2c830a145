/**
 * The audience and value dataset of api-insights.int.test.ts (tenant initech), with its exact
 * answers. Every event is at noon UTC (or a few hours after) k whole days ago, k ≥ 1, so the
 * periods of the audience routes (the last `days` UTC days, today included) hold exactly the
 * days-ago 0..days−1. Recipients (SMS unless noted), and the days their messages were sent:
 *   s1  1,1,2,2,3,3,4,4,5,5,6,6 (12)       never engaged
 *   s2  1,1,2,2,3,3,10,10,11,11 (10)       replied day 2; 3 conversions (USD 10, 20, 30)
 *   s3  2,2,3,3,20 (5)                     clicked day 3; 1 conversion (EUR 8)
 *   s4  1,2,3 (3)                          opted out day 1 (attributed through its last reach)
 *   s5  40,45 (2)                          never engaged
 *   s6  whatsapp 5, sms 5 (2)              replied on WhatsApp day 5; converted on the WhatsApp
 *                                          campaign without a message (USD 4)
 *   s7  8,9,10,11,12 (5)                   never engaged
 *   s8  26,1,2,3 (4)                       clicked the day-26 message on day 25
 */
import type { Ev } from './api-dataset.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

const SENDS: Record<string, number[]> = {
  s1: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6],
  s2: [1, 1, 2, 2, 3, 3, 10, 10, 11, 11],
  s3: [2, 2, 3, 3, 20],
  s4: [1, 2, 3],
  s5: [40, 45],
  s6: [5],
  s7: [8, 9, 10, 11, 12],
  s8: [26, 1, 2, 3],
};

export function audienceDataset(now: number) {
  const today = Math.floor(now / DAY);
  const at = (daysAgo: number, hours = 0) =>
    new Date((today - daysAgo) * DAY + 12 * HOUR + hours * HOUR).toISOString();
  const events: Ev[] = [];
  const msg = (r: string, i: number) => `${r}-${i}`;
  for (const [r, days] of Object.entries(SENDS)) {
    days.forEach((d, i) =>
      events.push({
        eventId: `${msg(r, i)}-s`,
        type: 'sent',
        channel: 'sms',
        occurredAt: at(d),
        campaignId: `d${d}`,
        messageId: msg(r, i),
        recipientId: r,
      }),
    );
  }
  const ev = (eventId: string, type: string, channel: string, occurredAt: string, extra: Ev): Ev => ({
    eventId,
    type,
    channel,
    occurredAt,
    ...extra,
  });
  events.push(
    ev('s6-wa-s', 'sent', 'whatsapp', at(5), { campaignId: 'wa5', messageId: 's6-wa', recipientId: 's6' }),
    ev('s6-wa-r', 'replied', 'whatsapp', at(5, 1), { messageId: 's6-wa' }),
    // s2: a reply to a day-2 message, three conversions on its day-1 and day-2 messages
    ev('s2-r', 'replied', 'sms', at(2, 1), { messageId: msg('s2', 2) }),
    ev('s2-c1', 'converted', 'sms', at(1, 2), {
      messageId: msg('s2', 0),
      value: { amount: 10, currency: 'USD' },
    }),
    ev('s2-c2', 'converted', 'sms', at(1, 3), {
      messageId: msg('s2', 1),
      value: { amount: 20, currency: 'USD' },
    }),
    ev('s2-c3', 'converted', 'sms', at(2, 2), {
      messageId: msg('s2', 2),
      value: { amount: 30, currency: 'USD' },
    }),
    // s3: clicked a day-3 message, converted on it
    ev('s3-k', 'clicked', 'sms', at(3, 1), { messageId: msg('s3', 2), url: 'https://shop.example/s3' }),
    ev('s3-c', 'converted', 'sms', at(3, 2), {
      messageId: msg('s3', 2),
      value: { amount: 8, currency: 'EUR' },
    }),
    // s6: a conversion naming the campaign and recipient, no message
    ev('s6-c', 'converted', 'whatsapp', at(5, 2), {
      campaignId: 'wa5',
      recipientId: 's6',
      value: { amount: 4, currency: 'USD' },
    }),
    // s8: clicked its day-26 message on day 25
    ev('s8-k', 'clicked', 'sms', at(25), { messageId: msg('s8', 0), url: 'https://shop.example/s8' }),
  );
  // posted once the reaches are applied: attributed through s4's last SMS reach (day 1)
  const later: Ev[] = [ev('s4-o', 'opted_out', 'sms', at(1, 2), { recipientId: 's4' })];
  return { events, later };
}

/** Exact answers; a frequency row is [recipients, optOuts, clickers, repliers, engaged]. */
export const AUDIENCE_EXPECTED = {
  silent: [
    { q: 'days=7&minMessages=1', count: 2, audience: 5 },
    { q: 'days=7&minMessages=4', count: 1, audience: 5 },
    { q: 'days=7&minMessages=12', count: 1, audience: 5 },
    { q: 'days=7&minMessages=13', count: 0, audience: 5 },
    { q: 'days=30&minMessages=1', count: 2, audience: 6 },
    { q: 'days=30&minMessages=5', count: 2, audience: 6 },
    { q: 'days=30&minMessages=6', count: 1, audience: 6 },
    { q: 'days=30&minMessages=1&channel=whatsapp', count: 0, audience: 1 },
    { q: 'days=60&minMessages=2', count: 3, audience: 7 },
  ],
  /** days=30, minMessages=5: s1 and s7, by their reaches in the period */
  silentReaches: [5, 12],
  /** days=14: [reached, silentSince] for the week of days-ago 13..7, then 6..0 */
  trend14: [
    [2, 1],
    [5, 2],
  ],
  frequency: {
    7: {
      '1': [0, 0, 0, 0, 0],
      '2': [1, 0, 0, 1, 1],
      '3': [2, 1, 0, 0, 0],
      '4-5': [1, 0, 1, 0, 1],
      '6-10': [1, 0, 0, 1, 1],
      '11+': [1, 0, 0, 0, 0],
    },
    30: {
      '1': [0, 0, 0, 0, 0],
      '2': [1, 0, 0, 1, 1],
      '3': [1, 1, 0, 0, 0],
      '4-5': [3, 0, 2, 0, 2],
      '6-10': [1, 0, 0, 1, 1],
      '11+': [1, 0, 0, 0, 0],
    },
  },
  value: {
    all: {
      reachedRecipients: 8,
      convertingRecipients: 3,
      repeatConverters: 1,
      repeatConversionRate: 1 / 3,
      revenue: { USD: 64, EUR: 8 },
      revenuePerConvertingRecipient: { USD: 64 / 3, EUR: 8 / 3 },
    },
    whatsapp: {
      reachedRecipients: 1,
      convertingRecipients: 1,
      repeatConverters: 0,
      repeatConversionRate: 0,
      revenue: { USD: 4 },
      revenuePerConvertingRecipient: { USD: 4 },
    },
  },
};
