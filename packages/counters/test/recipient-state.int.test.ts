/**
 * What the apply script keeps per recipient for the audience and value routes: messages received
 * per UTC day and channel (`rd:<channel>`, pruned to the recipient TTL), the last reply (`lrp`),
 * and attributed conversions with their revenue (`cv:<channel>`, `cr:<channel>:<CUR>`) — each
 * exactly once under duplicates, parking and the campaign-only path.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { CanonicalEvent } from '@tally/events';
import { testServices } from '@tally/testing';
import { useApplyHarness, type Ev } from './apply-harness.ts';

const redis = new Redis(testServices().redisUrl);
afterAll(() => redis.disconnect());

const DAY = 86_400_000;
const TODAY = Math.floor(Date.now() / DAY);
const noon = (daysAgo: number, hours = 0) =>
  new Date((TODAY - daysAgo) * DAY + (12 + hours) * 3_600_000).toISOString();

describe('recipient state of the apply script', () => {
  const { keys, apply } = useApplyHarness(redis, 'rcpt');
  const state = () => redis.hgetall(keys().recipient('t', 'r1'));
  const send = (id: string, daysAgo: number, extra: Partial<CanonicalEvent> = {}): Ev => ({
    eventId: `${id}-s`,
    type: 'sent',
    occurredAt: noon(daysAgo),
    campaignId: 'c',
    messageId: id,
    recipientId: 'r1',
    ...extra,
  });

  it('counts messages per day and channel once each, whatever the duplicates and receipts', async () => {
    await apply([send('m1', 3), send('m2', 3), send('m3', 1), send('w1', 1, { channel: 'whatsapp' })]);
    await apply([
      send('m1', 3),
      { eventId: 'm1-d', type: 'delivered', occurredAt: noon(3, 1), messageId: 'm1' },
      { eventId: 'm3-d', type: 'delivered', occurredAt: noon(1, 1), messageId: 'm3' },
    ]);
    const s = await state();
    expect(s['rd:sms']).toBe(`${TODAY - 3}:2;${TODAY - 1}:1`);
    expect(s['rd:whatsapp']).toBe(`${TODAY - 1}:1`);
    expect(s.n).toBe('4');
  });

  it('drops days older than the recipient TTL, counted back from the newest day kept', async () => {
    await apply([send('m1', 10), send('m2', 5)], { recipientTtlSeconds: 6 * 86_400 });
    // 6 days of TTL keep 7 days: the newest (5 days ago) and the 6 before it
    expect((await state())['rd:sms']).toBe(`${TODAY - 10}:1;${TODAY - 5}:1`);
    await apply([send('m3', 2)], { recipientTtlSeconds: 6 * 86_400 });
    expect((await state())['rd:sms']).toBe(`${TODAY - 5}:1;${TODAY - 2}:1`);
  });

  it('keeps the last reply apart from the last engagement', async () => {
    await apply([send('m1', 3), send('m2', 2)]);
    await apply([
      { eventId: 'r', type: 'replied', occurredAt: noon(3, 2), messageId: 'm1' },
      { eventId: 'k', type: 'clicked', occurredAt: noon(2, 2), messageId: 'm2', url: 'https://x.example/' },
    ]);
    const s = await state();
    expect(s.lrp).toBe(String(Date.parse(noon(3, 2))));
    expect(s.le).toBe(String(Date.parse(noon(2, 2))));
  });

  it('counts conversions and revenue per channel once, on messages, parked messages and campaigns', async () => {
    const usd = (amount: number) => ({ amount, currency: 'USD' });
    await apply([send('m1', 2)]);
    const conv: Ev = {
      eventId: 'c1',
      type: 'converted',
      occurredAt: noon(2, 1),
      messageId: 'm1',
      value: usd(10),
    };
    await apply([conv, conv]);
    // a conversion on a message whose campaign is not known yet is parked, then moves with it
    await apply([
      {
        eventId: 'c2',
        type: 'converted',
        occurredAt: noon(1, 1),
        messageId: 'm2',
        value: { amount: 2.5, currency: 'EUR' },
      },
    ]);
    expect((await state())['cv:sms']).toBe('1');
    await apply([send('m2', 1)]);
    // a conversion naming campaign and recipient only, on another channel, and its duplicate
    const direct: Ev = {
      eventId: 'c3',
      type: 'converted',
      channel: 'push',
      occurredAt: noon(1, 2),
      campaignId: 'p',
      recipientId: 'r1',
      value: usd(4),
    };
    await apply([direct]);
    await apply([direct]);
    const s = await state();
    expect([s['cv:sms'], s['cr:sms:USD'], s['cr:sms:EUR']]).toEqual(['2', '100000', '25000']);
    expect([s['cv:push'], s['cr:push:USD']]).toEqual(['1', '40000']);
  });
});
