/**
 * Issue 2's end-to-end proof: a scripted two-campaign, two-channel stream posted through
 * POST /v1/events — with duplicates and reordered statuses — ends with exact KPIs in query-api.
 * Issue 19's: one tracked link fetched by a link preview, a HEAD and a phone browser counts one
 * person's click and two bot fetches, the CTR from the person's; money keys every currency in all
 * four maps; an SMS campaign without opens does not report open rates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopicAdmin } from '@tally/kafka';
import { beforeRun, eventually } from '@tally/testing';
import { startPipeline, type Pipeline } from './harness.ts';

const T0 = beforeRun(30);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const usd = (amount: number) => ({ amount, currency: 'USD' });

type Ev = Record<string, unknown>;
const sms = (eventId: string, type: string, messageId: string, s: number, extra: Ev = {}): Ev => ({
  eventId,
  type,
  messageId,
  occurredAt: at(s),
  channel: 'sms',
  ...extra,
});
const wa = (eventId: string, type: string, messageId: string, s: number, extra: Ev = {}): Ev => ({
  ...sms(eventId, type, messageId, s, extra),
  channel: 'whatsapp',
});
const spring = { campaignId: 'spring', cost: usd(0.0075) };

// Campaign "spring" (SMS): six messages.
//  m1 sent → delivered → clicked twice (one click event posted twice) → converted ($10)
//  m2 delivered arrives before its sent (the receipt names no campaign: held, then counted)
//  m3 sent → failed;  m4 sent → failed → delivered (late delivery: delivered, not failed)
//  m5 sent, posted three times;  m6 sent → delivered, recipient opts out twice (counts once)
const springEvents: Ev[] = [
  sms('s1', 'sent', 'm1', 0, spring),
  sms('d1', 'delivered', 'm1', 5),
  sms('k1a', 'clicked', 'm1', 60, { url: 'https://shop.example/a' }),
  sms('k1b', 'clicked', 'm1', 90, { url: 'https://shop.example/b' }),
  sms('v1', 'converted', 'm1', 300, { value: usd(10) }),
  sms('d2', 'delivered', 'm2', 6),
  sms('s2', 'sent', 'm2', 1, spring),
  sms('s3', 'sent', 'm3', 2, spring),
  sms('f3', 'failed', 'm3', 8, { errorCode: '30003' }),
  sms('s4', 'sent', 'm4', 3, spring),
  sms('f4', 'failed', 'm4', 9, { errorCode: '30008' }),
  sms('d4', 'delivered', 'm4', 12),
  sms('s5', 'sent', 'm5', 4, spring),
  sms('s6', 'sent', 'm6', 4, spring),
  sms('d6', 'delivered', 'm6', 7),
  sms('o6a', 'opted_out', 'm6', 100, { campaignId: 'spring', recipientId: '+1 500 555 0006' }),
  sms('o6b', 'opted_out', 'm6', 160, { campaignId: 'spring', recipientId: '+15005550006' }),
];

// Campaign "wa_launch" (WhatsApp): four messages.
//  w1 sent → read (no delivered receipt: read implies delivered)
//  w2 read arrives first, then sent and delivered, each twice;  w3 sent → delivered;  w4 sent
const wa1 = { campaignId: 'wa_launch' };
const waEvents: Ev[] = [
  wa('ws1', 'sent', 'w1', 0, wa1),
  wa('wo1', 'opened', 'w1', 30),
  wa('wo2', 'opened', 'w2', 40, wa1),
  wa('ws2', 'sent', 'w2', 1, wa1),
  wa('wd2', 'delivered', 'w2', 20),
  wa('ws3', 'sent', 'w3', 2, wa1),
  wa('wd3', 'delivered', 'w3', 21),
  wa('ws4', 'sent', 'w4', 3, wa1),
];

// Campaign "links" (SMS): one message with a tracked link, a USD send cost and an EUR purchase.
const linksEvents: Ev[] = [
  sms('ls1', 'sent', 'L1', 10, {
    campaignId: 'links',
    recipientId: '+15005550010',
    segment: 'vip',
    cost: usd(0.01),
  }),
  sms('ld1', 'delivered', 'L1', 20),
  sms('lv1', 'converted', 'L1', 400, { campaignId: 'links', value: { amount: 20, currency: 'EUR' } }),
];
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
const IMESSAGE_PREVIEW =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0';

// Posted in four requests; duplicates within and across requests, reordered statuses.
const batches: Ev[][] = [
  [springEvents[5], springEvents[11], waEvents[2], waEvents[1], springEvents[2]].map((e) => e as Ev),
  [
    ...springEvents.slice(0, 5),
    springEvents[2],
    ...waEvents.slice(3, 5),
    springEvents[12],
    springEvents[12],
  ].map((e) => e as Ev),
  [...springEvents.slice(6, 11), springEvents[15], waEvents[0], waEvents[3], waEvents[4]].map((e) => e as Ev),
  [...springEvents.slice(12), waEvents[5], waEvents[6], waEvents[7], springEvents[1]].map((e) => e as Ev),
];

describe('pipeline: POST /v1/events → Kafka → aggregator → Redis → query-api', () => {
  let p: Pipeline;
  let keyA: string;
  let keyB: string;

  beforeAll(async () => {
    p = await startPipeline('pipe');
    keyA = await p.addTenant(`acme${p.iso.id}`);
    keyB = await p.addTenant(`globex${p.iso.id}`);
    for (const batch of [...batches, linksEvents]) {
      const res = await p.postEvents(keyA, batch);
      expect(res).toEqual({ status: 202, body: { accepted: batch.length } });
    }
    // One link, three fetches: a link preview, a HEAD, then the person on their phone.
    const minted = await p.ingest.inject({
      method: 'POST',
      url: '/v1/links',
      headers: { authorization: `Bearer ${keyA}` },
      payload: {
        campaignId: 'links',
        messageId: 'L1',
        recipientId: '+15005550010',
        url: 'https://shop.example/l',
      },
    });
    expect(minted.statusCode).toBe(201);
    for (const [method, ua] of [
      ['GET', IMESSAGE_PREVIEW],
      ['HEAD', IPHONE],
      ['GET', IPHONE],
    ] as const) {
      const res = await p.ingest.inject({
        method,
        url: `/c/${minted.json().code}`,
        headers: { 'user-agent': ua },
      });
      expect([method, res.statusCode, res.headers.location]).toEqual([method, 302, 'https://shop.example/l']);
    }
    await p.settle();
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('counts the SMS campaign exactly', async () => {
    const res = await eventually(
      () => p.getJson(keyA, '/v1/campaigns/spring/kpis?window=all'),
      (r) => r.status === 200 && r.body.counts.sent === 6,
    );
    expect(res.body).toMatchObject({
      campaignId: 'spring',
      channel: 'sms',
      window: 'all',
      counts: {
        sent: 6,
        delivered: 4,
        failed: 1,
        opened: 0,
        clicked: 1,
        clicks: 2,
        botClicks: 0,
        clicksWithin10s: 0,
        replied: 0,
        converted: 1,
        conversions: 1,
        optOuts: 1,
        uninstalls: 0,
      },
      rates: {
        deliveryRate: 4 / 6,
        // SMS without any opened event: not reported, never 0 %
        openRate: null,
        ctr: 1 / 4,
        clickToOpenRate: null,
        conversionRate: 1 / 4,
        optOutRate: 1 / 4,
        replyRate: 0,
        // only push reports uninstalls (@tally/kpi applicability)
        uninstallRate: null,
      },
    });
    expect(res.body.notReported).toEqual({
      openRate: 'SMS providers do not report opens',
      clickToOpenRate: 'SMS providers do not report opens',
      uninstallRate: 'only push reports app uninstalls',
    });
    expect(res.body.money.cost).toEqual({ USD: 0.045 });
    expect(res.body.money.revenue).toEqual({ USD: 10 });
    expect(res.body.money.costPerConversion).toEqual({ USD: 0.045 });
    expect(res.body.money.roi.USD).toBeCloseTo((10 - 0.045) / 0.045, 9);
    expect(Date.parse(res.body.asOf)).not.toBeNaN();
  });

  it('counts the WhatsApp campaign exactly: a read implies delivered and sent', async () => {
    const res = await p.getJson(keyA, '/v1/campaigns/wa_launch/kpis');
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({
      sent: 4,
      delivered: 3,
      failed: 0,
      opened: 2,
      clicked: 0,
      clicks: 0,
      botClicks: 0,
      clicksWithin10s: 0,
      replied: 0,
      converted: 0,
      conversions: 0,
      optOuts: 0,
      uninstalls: 0,
    });
    expect(res.body.rates).toMatchObject({ deliveryRate: 3 / 4, openRate: 2 / 3, ctr: 0 });
    expect(res.body.notReported).toEqual({ uninstallRate: 'only push reports app uninstalls' });
    expect(res.body.money).toEqual({ cost: {}, revenue: {}, costPerConversion: {}, roi: {} });
  });

  it('counts a link preview and a HEAD apart from the person’s click: clicks 1, botClicks 2', async () => {
    const res = await eventually(
      () => p.getJson(keyA, '/v1/campaigns/links/kpis'),
      (r) => r.status === 200 && r.body.counts.clicks + r.body.counts.botClicks === 3,
    );
    expect(res.body.counts).toMatchObject({ sent: 1, delivered: 1, clicked: 1, clicks: 1, botClicks: 2 });
    expect(res.body.rates.ctr).toBe(1);
    // the same per send tuple (breakdown) and per minute (time series)
    const vip = (await p.getJson(keyA, '/v1/campaigns/links/breakdown?by=segment')).body.groups;
    expect(vip.map((g: any) => [g.value, g.counts.clicks, g.counts.botClicks, g.rates.ctr])).toEqual([
      ['vip', 1, 2, 1],
    ]);
    const series = await p.getJson(keyA, '/v1/campaigns/links/timeseries?metric=botClicks&bucket=1m');
    expect(series.body.total).toBe(2);
  });

  it('keys every currency with a cost or a revenue in all four money maps', async () => {
    const res = await p.getJson(keyA, '/v1/campaigns/links/kpis');
    expect(res.body.money).toEqual({
      cost: { EUR: 0, USD: 0.01 },
      revenue: { EUR: 20, USD: 0 },
      costPerConversion: { EUR: 0, USD: 0.01 },
      roi: { EUR: null, USD: -1 },
    });
    const list = await p.getJson(keyA, '/v1/campaigns?sort=campaignId');
    const row = list.body.campaigns.find((c: any) => c.campaignId === 'links');
    expect(row.money).toEqual(res.body.money);
    expect(row.rates.openRate).toBeNull();
    expect(row.notReported.openRate).toBe('SMS providers do not report opens');
  });

  it('lists the tenant campaigns with headline KPIs', async () => {
    const res = await p.getJson(keyA, '/v1/campaigns');
    expect(res.status).toBe(200);
    expect(
      res.body.campaigns.map((c: { campaignId: string; counts: { sent: number } }) => [
        c.campaignId,
        c.counts.sent,
      ]),
    ).toEqual([
      ['spring', 6],
      ['wa_launch', 4],
      ['links', 1],
    ]);
    const whatsappOnly = await p.getJson(keyA, '/v1/campaigns?channel=whatsapp');
    expect(whatsappOnly.body.campaigns.map((c: { campaignId: string }) => c.campaignId)).toEqual([
      'wa_launch',
    ]);
  });

  it("hides one tenant's campaigns from another: 404, same as unknown", async () => {
    const other = await p.getJson(keyB, '/v1/campaigns/spring/kpis');
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ error: { code: 'not_found', message: 'no campaign spring' } });
    expect((await p.getJson(keyB, '/v1/campaigns')).body).toEqual({ campaigns: [], nextCursor: null });
    expect((await p.getJson(keyA, '/v1/campaigns/nope/kpis')).status).toBe(404);
  });

  it('refuses a missing or unknown key with 401', async () => {
    expect((await p.getJson('tly_unknown', '/v1/campaigns')).status).toBe(401);
    const res = await p.ingest.inject({ method: 'POST', url: '/v1/events', payload: { events: [] } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('snapshots the counters to Postgres with the offsets they include', async () => {
    await p.aggregator.snapshot();
    const { rows } = await p.iso.db.pool.query<{ campaign_id: string; counts: Record<string, number> }>(
      'SELECT campaign_id, counts FROM campaign_counters ORDER BY campaign_id',
    );
    expect(rows.map((r) => [r.campaign_id, r.counts.sent, r.counts.delivered])).toEqual([
      ['links', 1, 1],
      ['spring', 6, 4],
      ['wa_launch', 4, 3],
    ]);
    const offsets = await p.iso.db.pool.query<{ total: string }>(
      'SELECT sum(next_offset)::text AS total FROM consumer_offsets',
    );
    // Every record of the topic is in: what was posted, plus what the aggregator forwarded to a
    // recipient's partition (receipts without a recipient, docs/semantics.md).
    const admin = createTopicAdmin(p.aggregatorDeps.kafka);
    const high = (await admin.watermarks(p.aggregatorDeps.topics.events)).reduce((n, w) => n + w.high, 0);
    await admin.close();
    const posted = batches.reduce((n, b) => n + b.length, 0) + linksEvents.length + 3;
    expect(high).toBeGreaterThanOrEqual(posted);
    expect(offsets.rows[0]?.total).toBe(String(high));
  });
});
