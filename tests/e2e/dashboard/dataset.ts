/**
 * The dashboard tests' traffic, posted through ingest's /v1/events: every tile, table and chart of
 * the dashboard has something to show. T0 = 40 minutes before the test (floored to the minute).
 *   spring_sale   sms       60 messages: segments vip/regular, variants A/B, 3 countries, 2 senders,
 *                           50 delivered, 6 failed (2 error codes), clicks, conversions in USD and
 *                           EUR, replies, 1 opt-out, cost USD 0.0075 a send; a few events in the
 *                           last 3 minutes, so the 5m window is not empty
 *   autumn_sale, summer_sale, winter_sale  sms, earlier: the previous campaigns of the benchmark
 *   welcome_wa    whatsapp  40 messages: reads, clicks, two-message conversations, surveys, EUR cost
 *   app_update    push      30 messages: opens and 2 uninstalls
 *   onboarding    in_app    20 messages: impressions and 7 feature adoptions
 *   nudge_1..3    sms       the same 120 recipients three times, never engaged: silent disengagement
 *   promo_1..2    sms       small, for paging
 * Campaign ids are the API's; the expected figures are the API's answers (the tests compare the
 * screen with them), the dataset only has to make them non-trivial.
 */
export type Ev = Record<string, unknown>;

const MIN = 60_000;

export function dashboardDataset(now: number) {
  const T0 = Math.floor(now / MIN) * MIN - 40 * MIN;
  const at = (ms: number) => new Date(ms).toISOString();
  const events: Ev[] = [];
  const later: Ev[] = [];
  const phone = (i: number) => `+1415555${String(1000 + i).padStart(4, '0')}`;

  const campaign = (
    id: string,
    channel: string,
    n: number,
    start: number,
    shape: (i: number, m: string, t: number) => Ev[],
    extra: (i: number) => Ev = () => ({}),
  ) => {
    for (let i = 0; i < n; i++) {
      const m = `${id}-m${i}`;
      const t = start + Math.floor(i / 4) * MIN;
      events.push({
        eventId: `${m}:s`,
        type: 'sent',
        channel,
        occurredAt: at(t),
        campaignId: id,
        messageId: m,
        recipientId: phone(i),
        ...extra(i),
      });
      events.push(...shape(i, m, t));
    }
  };
  const e = (id: string, type: string, channel: string, t: number, rest: Ev): Ev => ({
    eventId: id,
    type,
    channel,
    occurredAt: at(t),
    ...rest,
  });

  campaign(
    'spring_sale',
    'sms',
    60,
    T0,
    (i, m, t) => {
      const out: Ev[] = [];
      if (i < 50) out.push(e(`${m}:d`, 'delivered', 'sms', t + 5_000, { messageId: m }));
      else if (i < 56)
        out.push(
          e(`${m}:f`, 'failed', 'sms', t + 8_000, { messageId: m, errorCode: i % 2 ? '30003' : '30005' }),
        );
      if (i < 18)
        out.push(
          e(`${m}:k`, 'clicked', 'sms', t + 90_000, { messageId: m, url: 'https://shop.example/spring' }),
        );
      if (i < 8) {
        const value = i % 2 ? { amount: 25, currency: 'USD' } : { amount: 20, currency: 'EUR' };
        out.push(e(`${m}:c`, 'converted', 'sms', t + 300_000, { messageId: m, value }));
      }
      if (i >= 20 && i < 23) out.push(e(`${m}:r`, 'replied', 'sms', t + 60_000 * (i - 18), { messageId: m }));
      // link previews a second after delivery: counted apart from people's clicks (botClicks)
      if (i >= 40 && i < 43)
        out.push(
          e(`${m}:b`, 'clicked', 'sms', t + 6_000, {
            messageId: m,
            url: 'https://shop.example/spring',
            clickClass: 'bot',
          }),
        );
      return out;
    },
    (i) => ({
      segment: i % 3 === 0 ? 'vip' : 'regular',
      variant: i % 2 ? 'B' : 'A',
      country: ['US', 'GB', 'DE'][i % 3],
      sender: i % 4 === 0 ? '+15005550006' : '+15005550007',
      cost: { amount: 0.0075, currency: 'USD' },
    }),
  );
  // The last minutes of spring_sale: late clicks and one more conversion (the 5m window).
  for (let i = 30; i < 34; i++)
    later.push(
      e(`spring_sale-m${i}:k`, 'clicked', 'sms', now - 2 * MIN, {
        messageId: `spring_sale-m${i}`,
        url: 'https://shop.example/spring',
      }),
    );
  later.push(
    e('spring_sale-m30:c', 'converted', 'sms', now - MIN, {
      messageId: 'spring_sale-m30',
      value: { amount: 40, currency: 'USD' },
    }),
    e('spring_sale-m40:o', 'opted_out', 'sms', now - MIN, {
      messageId: 'spring_sale-m40',
      campaignId: 'spring_sale',
      recipientId: phone(40),
    }),
  );

  const previous = (id: string, minutesBefore: number, delivered: number, clicked: number) =>
    campaign(id, 'sms', 20, T0 - minutesBefore * MIN, (i, m, t) => [
      ...(i < delivered ? [e(`${m}:d`, 'delivered', 'sms', t + 5_000, { messageId: m })] : []),
      ...(i < clicked
        ? [e(`${m}:k`, 'clicked', 'sms', t + 60_000, { messageId: m, url: 'https://shop.example/x' })]
        : []),
    ]);
  previous('winter_sale', 300, 18, 2);
  previous('autumn_sale', 240, 19, 4);
  previous('summer_sale', 180, 17, 5);

  campaign('welcome_wa', 'whatsapp', 40, T0 + 2 * MIN, (i, m, t) => [
    ...(i < 38
      ? [
          e(`${m}:d`, 'delivered', 'whatsapp', t + 3_000, {
            messageId: m,
            cost: { amount: 0.05, currency: 'EUR' },
          }),
        ]
      : []),
    ...(i < 30 ? [e(`${m}:o`, 'opened', 'whatsapp', t + 30_000, { messageId: m })] : []),
    ...(i < 10
      ? [e(`${m}:k`, 'clicked', 'whatsapp', t + 60_000, { messageId: m, url: 'https://shop.example/hi' })]
      : []),
    ...(i < 8
      ? [
          e(`${m}:r1`, 'replied', 'whatsapp', t + 45_000 + i * 10_000, { messageId: m }),
          e(`${m}:r2`, 'replied', 'whatsapp', t + 200_000 + i * 20_000, { messageId: m }),
        ]
      : []),
    ...(i < 5
      ? [e(`${m}:q`, 'survey_answered', 'whatsapp', t + 400_000, { messageId: m, score: 3 + (i % 3) })]
      : []),
  ]);

  campaign('app_update', 'push', 30, T0 + 4 * MIN, (i, m, t) => [
    ...(i < 28 ? [e(`${m}:d`, 'delivered', 'push', t + 2_000, { messageId: m })] : []),
    ...(i < 12 ? [e(`${m}:o`, 'opened', 'push', t + 120_000, { messageId: m })] : []),
    ...(i < 2
      ? [e(`${m}:u`, 'uninstalled', 'push', t + 600_000, { messageId: m, recipientId: phone(i) })]
      : []),
  ]);

  campaign('onboarding', 'in_app', 20, T0 + 6 * MIN, (i, m, t) => [
    e(`${m}:d`, 'delivered', 'in_app', t + 1_000, { messageId: m }),
    ...(i < 18 ? [e(`${m}:o`, 'opened', 'in_app', t + 10_000, { messageId: m })] : []),
    ...(i < 7
      ? [e(`${m}:a`, 'feature_adopted', 'in_app', t + 200_000, { messageId: m, feature: 'dark_mode' })]
      : []),
  ]);

  for (const k of [1, 2, 3]) {
    const id = `nudge_${k}`;
    for (let i = 0; i < 120; i++) {
      const m = `${id}-m${i}`;
      const t = T0 + (10 + k) * MIN;
      events.push(
        e(`${m}:s`, 'sent', 'sms', t, {
          campaignId: id,
          messageId: m,
          recipientId: `+1628555${String(2000 + i)}`,
        }),
      );
      events.push(e(`${m}:d`, 'delivered', 'sms', t + 4_000, { messageId: m }));
    }
  }
  campaign('promo_1', 'sms', 3, T0 + 20 * MIN, (i, m, t) => [
    e(`${m}:d`, 'delivered', 'sms', t + 4_000, { messageId: m }),
  ]);
  campaign('promo_2', 'sms', 2, T0 + 21 * MIN, () => []);
  return { T0, events, later };
}

export const CAMPAIGN_IDS = [
  'spring_sale',
  'winter_sale',
  'autumn_sale',
  'summer_sale',
  'welcome_wa',
  'app_update',
  'onboarding',
  'nudge_1',
  'nudge_2',
  'nudge_3',
  'promo_1',
  'promo_2',
];

/**
 * Sends and deliveries of `n` SMS of a campaign, and opt-outs of the first `optOuts` recipients:
 * the opt-out spike of the alert test (the alerts pipeline test's traffic).
 */
export function spike(campaign: string, n: number, optOuts: number) {
  const now = new Date().toISOString();
  const reach: Ev[] = [];
  const outs: Ev[] = [];
  for (let i = 0; i < n; i++) {
    const messageId = `${campaign}-m${i}`;
    const recipientId = `+1646555${String(i).padStart(4, '0')}`;
    reach.push({
      eventId: `${messageId}:s`,
      type: 'sent',
      occurredAt: now,
      channel: 'sms',
      campaignId: campaign,
      messageId,
      recipientId,
    });
    reach.push({ eventId: `${messageId}:d`, type: 'delivered', occurredAt: now, channel: 'sms', messageId });
    if (i < optOuts)
      outs.push({
        eventId: `${messageId}:o`,
        type: 'opted_out',
        occurredAt: now,
        channel: 'sms',
        campaignId: campaign,
        messageId,
        recipientId,
      });
  }
  return { reach, outs };
}
