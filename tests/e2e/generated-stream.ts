/**
 * A generated stream for the crash, data-loss and scale-out tests: messages over a few campaigns,
 * each with a random journey (sent, delivered or failed, a link preview's fetch, opened, clicked
 * once or twice, converted),
 * every event 1–3 times, shuffled within chunks so each message's events stay roughly in order.
 * The expected counts come from a model that shares no code with the aggregator.
 */
import type { CanonicalEvent } from '@tally/events';
import { emptyCounts, type Counts } from '@tally/kpi';

export interface Expected {
  counts: Counts;
  revenueUnits: number;
}

export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateStream(tenantId: string, messages: number, seed: number, t0 = Date.now() - 3600_000) {
  const rand = rng(seed);
  const expected = new Map<string, Expected>();
  const journeys: CanonicalEvent[][] = [];
  for (let i = 0; i < messages; i++) {
    const campaignId = `gen${i % 4}`;
    const exp = expected.get(campaignId) ?? { counts: emptyCounts(), revenueUnits: 0 };
    expected.set(campaignId, exp);
    const messageId = `msg${seed}-${i}`;
    const at = (s: number) => new Date(t0 + i * 10 + s * 1000).toISOString();
    const base = { tenantId, channel: 'sms' as const, messageId };
    const j: CanonicalEvent[] = [
      { ...base, eventId: `${messageId}-s`, type: 'sent', occurredAt: at(0), campaignId },
    ];
    exp.counts.sent += 1;
    const r = rand();
    if (r < 0.15) {
      j.push({ ...base, eventId: `${messageId}-f`, type: 'failed', occurredAt: at(1), errorCode: '30003' });
      exp.counts.failed += 1;
    } else if (r < 0.9) {
      j.push({ ...base, eventId: `${messageId}-d`, type: 'delivered', occurredAt: at(2) });
      exp.counts.delivered += 1;
      if (rand() < 0.2) {
        // a link preview fetches the link a second after delivery: a bot click, counted apart
        j.push({
          ...base,
          eventId: `${messageId}-b`,
          type: 'clicked',
          occurredAt: at(3),
          url: 'https://shop.example/',
          clickClass: 'bot',
        });
        exp.counts.botClicks += 1;
      }
      if (rand() < 0.4) {
        j.push({ ...base, eventId: `${messageId}-o`, type: 'opened', occurredAt: at(3) });
        exp.counts.opened += 1;
      }
      const clicks = rand() < 0.3 ? 1 + Math.floor(rand() * 2) : 0;
      for (let k = 0; k < clicks; k++)
        j.push({
          ...base,
          eventId: `${messageId}-k${k}`,
          type: 'clicked',
          occurredAt: at(4 + k),
          url: 'https://shop.example/',
        });
      if (clicks > 0) exp.counts.clicked += 1;
      exp.counts.clicks += clicks;
      // people's clicks 2–3 s after the delivery: within 10 s of it
      exp.counts.clicksWithin10s += clicks;
      if (clicks > 0 && rand() < 0.5) {
        j.push({
          ...base,
          eventId: `${messageId}-v`,
          type: 'converted',
          occurredAt: at(10),
          value: { amount: 12.5, currency: 'USD' },
        });
        exp.counts.converted += 1;
        exp.counts.conversions += 1;
        exp.revenueUnits += 125_000;
      }
    }
    journeys.push(j);
  }
  const events = journeys.flat().flatMap((e) => Array.from({ length: 1 + Math.floor(rand() * 3) }, () => e));
  // shuffle within windows of 50, so a receipt sometimes comes before its send
  for (let w = 0; w < events.length; w += 50) {
    for (let i = Math.min(events.length, w + 50) - 1; i > w; i--) {
      const k = w + Math.floor(rand() * (i - w + 1));
      [events[i], events[k]] = [events[k] as CanonicalEvent, events[i] as CanonicalEvent];
    }
  }
  return { events, expected };
}
