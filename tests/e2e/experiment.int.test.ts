/**
 * Issue 21 end to end: sends of two variants and a holdout posted through ingest, conversions,
 * opt-outs and a conflict; then GET /v1/campaigns/:id/experiment and /kpis answer exactly the
 * counts the reference model (@tally/model) gives for the same events, and the comparisons are
 * the always-valid ones of @tally/kpi over those counts. Bad input: a level outside (0.5, 0.999)
 * is a 400; one variant and no holdout is a 200 with no comparison and the reason. And the global
 * control group: /v1/value compares the targeted recipients in it with those outside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareHoldout,
  compareSendHours,
  compareVariants,
  DEFAULT_TUNE_AT,
  usualHour,
  type VariantArm,
} from '@tally/kpi';
import { computeModel, type ArrivedEvent, type CampaignModel } from '@tally/model';
import { startPipeline, type Pipeline } from './harness.ts';
import { experimentDataset, phone, type Ev } from './experiment-dataset.ts';

const X = (arm: string, figure: string) => `${arm}\u0000${figure}`;
const UNIT = 10_000;

/** The model's variant arm: counts from its send tuples, figures from its experiment record. */
function modelArm(c: CampaignModel, variant: string): VariantArm {
  const counts: Record<string, number> = {};
  for (const [tuple, statuses] of Object.entries(c.tuples)) {
    if (tuple.split('\u0000')[2] !== variant) continue;
    for (const [s, n] of Object.entries(statuses)) counts[s] = (counts[s] ?? 0) + (n ?? 0);
  }
  const x = c.experiment;
  const sum = x[X(`v:${variant}`, 'revenue:EUR')] ?? 0;
  const sq = x[X(`v:${variant}`, 'revenueSq:EUR')] ?? 0;
  return {
    variant,
    sent: counts.sent ?? 0,
    delivered: counts.delivered ?? 0,
    clicked: counts.clicked ?? 0,
    converted: counts.converted ?? 0,
    replied: counts.replied ?? 0,
    optedOut: x[X(`v:${variant}`, 'optedOut')] ?? 0,
    revenue: sum === 0 ? {} : { EUR: { sum: sum / UNIT, sumSq: sq / UNIT ** 2 } },
  };
}

describe('experiments through the pipeline (issue 21)', () => {
  let p: Pipeline;
  let key: string;
  let model: Record<string, CampaignModel>;
  const events = experimentDataset(Date.now());

  beforeAll(async () => {
    p = await startPipeline('experiment');
    const tenant = `acme${p.iso.id}`;
    key = await p.addTenant(tenant);
    for (let i = 0; i < events.length; i += 500)
      expect((await p.postEvents(key, events.slice(i, i + 500))).status).toBe(202);
    await p.settle();
    const arrived = events.map((e) => ({ ...e, tenantId: tenant, arrivalMs: Date.now() }) as ArrivedEvent);
    model = computeModel({ events: arrived }).tenants[tenant]?.campaigns ?? {};
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('the arms are the model’s counts, and the comparisons are @tally/kpi’s over them', async () => {
    const c = model.exp;
    expect(c).toBeDefined();
    if (!c) return;
    const res = await p.getJson(key, '/v1/campaigns/exp/experiment');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const b = res.body;
    const [a, bb] = [modelArm(c, 'A'), modelArm(c, 'B')];
    expect(b.control).toBe('A');
    expect(b.reason).toBeNull();
    for (const [got, want] of [
      [b.variants[0], a],
      [b.variants[1], bb],
    ]) {
      expect(got.variant).toBe(want.variant);
      expect(got.counts).toEqual({
        sent: want.sent,
        delivered: want.delivered,
        clicked: want.clicked,
        converted: want.converted,
        replied: want.replied,
        optedOut: want.optedOut,
      });
      expect(got.revenue.EUR?.total ?? 0).toBeCloseTo(want.revenue.EUR?.sum ?? 0, 8);
    }
    expect(a.clicked + bb.clicked).toBeGreaterThan(20);
    expect(bb.optedOut).toBeGreaterThan(0);
    const o = { level: 0.95, effect: 0.1, tuneAt: DEFAULT_TUNE_AT };
    expect(b.comparisons).toEqual(JSON.parse(JSON.stringify(compareVariants(a, bb, o))));
    expect(b.guardrails.map((g: { metric: string }) => g.metric)).toEqual(
      bb.optedOut / bb.delivered > a.optedOut / a.delivered ? ['optOutRate'] : [],
    );

    const h = b.holdout;
    const x = c.experiment;
    expect(h).toMatchObject({
      heldOut: x[X('h', 'heldOut')],
      conflicts: 1,
      converted: x[X('h', 'converted')],
      conversions: x[X('h', 'conversions')],
      messaged: { sent: c.counts.sent, converted: c.counts.converted },
    });
    expect(h.heldOut).toBe(120);
    expect(h.converted).toBeGreaterThan(0);
    expect(h.revenue.EUR).toBeCloseTo((x[X('h', 'revenue:EUR')] ?? 0) / UNIT, 8);
    const messagedSum = ['v:A', 'v:B'].reduce((s, arm) => s + (x[X(arm, 'revenue:EUR')] ?? 0), 0) / UNIT;
    const messagedSq =
      ['v:A', 'v:B'].reduce((s, arm) => s + (x[X(arm, 'revenueSq:EUR')] ?? 0), 0) / UNIT ** 2;
    const want = compareHoldout(
      {
        messaged: {
          sent: c.counts.sent,
          converted: c.counts.converted,
          revenue: { EUR: { sum: messagedSum, sumSq: messagedSq } },
        },
        heldOut: {
          recipients: x[X('h', 'heldOut')] ?? 0,
          converted: x[X('h', 'converted')] ?? 0,
          conversions: x[X('h', 'conversions')] ?? 0,
          revenue: {
            EUR: {
              sum: (x[X('h', 'revenue:EUR')] ?? 0) / UNIT,
              sumSq: (x[X('h', 'revenueSq:EUR')] ?? 0) / UNIT ** 2,
            },
          },
        },
        conflicts: 1,
      },
      o,
    );
    expect(h.comparisons.length).toBe(2);
    for (const [i, cmp] of want.comparisons.entries()) {
      expect(h.comparisons[i].difference.estimate).toBeCloseTo(cmp.difference.estimate, 9);
      expect(h.comparisons[i].difference.lower).toBeCloseTo(cmp.difference.lower, 9);
      expect(h.comparisons[i].verdict).toBe(cmp.verdict);
    }
    expect(h.incremental.conversions.estimate).toBeCloseTo(want.incremental.conversions?.estimate ?? NaN, 6);
  });

  it('/kpis carries the holdout arm’s counts; a filtered or windowed answer does not', async () => {
    const x = model.exp?.experiment ?? {};
    const res = await p.getJson(key, '/v1/campaigns/exp/kpis');
    expect(res.status).toBe(200);
    expect(res.body.holdout).toEqual({
      heldOut: x[X('h', 'heldOut')],
      conflicts: 1,
      converted: x[X('h', 'converted')],
      conversions: x[X('h', 'conversions')],
      conversionRate: (x[X('h', 'converted')] ?? 0) / (x[X('h', 'heldOut')] ?? 1),
      revenue: { EUR: (x[X('h', 'revenue:EUR')] ?? 0) / UNIT },
    });
    // the campaign's own conversions are the messaged ones only (control-arm ones are apart)
    expect(res.body.counts.conversions).toBe(model.exp?.counts.conversions);
    expect((await p.getJson(key, '/v1/campaigns/exp/kpis?variant=A')).body.holdout).toBeNull();
    expect((await p.getJson(key, '/v1/campaigns/exp/kpis?window=1h')).body.holdout).toBeNull();
    expect((await p.getJson(key, '/v1/campaigns/solo/kpis')).body.holdout).toBeNull();
  });

  it('send time: the best hour against the hour the campaign was sent at', async () => {
    const res = await p.getJson(key, '/v1/send-time?campaignId=exp&metric=ctr');
    expect(res.status).toBe(200);
    const sent = new Map<number, number>();
    for (const e of events) {
      if (e.type !== 'sent' || e.campaignId !== 'exp') continue;
      const d = new Date(String(e.occurredAt));
      const cell = d.getUTCDay() * 24 + d.getUTCHours();
      sent.set(cell, (sent.get(cell) ?? 0) + 1);
    }
    const actual = usualHour(sent) ?? -1;
    const cmp = res.body.comparison;
    expect(cmp.campaignId).toBe('exp');
    expect(cmp.actual.dayOfWeek * 24 + cmp.actual.hour).toBe(actual);
    const want = compareSendHours(res.body.cells, actual, res.body.best[0], {
      level: 0.95,
      effect: 0.1,
      metric: 'ctr',
    });
    expect({ ...cmp, campaignId: undefined, level: undefined }).toEqual(
      JSON.parse(JSON.stringify({ ...want, campaignId: undefined, level: undefined })),
    );
    expect((await p.getJson(key, '/v1/send-time?campaignId=nope')).status).toBe(404);
  });

  it('one variant and no holdout: 200, no comparison, and why', async () => {
    const res = await p.getJson(key, '/v1/campaigns/solo/experiment');
    expect(res.status).toBe(200);
    expect(res.body.comparisons).toEqual([]);
    expect(res.body.holdout).toBeNull();
    expect(res.body.reason).toMatch(/one variant and no holdout/);
    expect(res.body.variants.map((v: { variant: string }) => v.variant)).toEqual(['only']);
  });

  it('level outside (0.5, 0.999) is a 400 naming it; a metric, a level and a control are honoured', async () => {
    for (const level of ['0.5', '0.999', '0.3', '1', 'x']) {
      const res = await p.getJson(key, `/v1/campaigns/exp/experiment?level=${level}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('level');
    }
    const res = await p.getJson(key, '/v1/campaigns/exp/experiment?metric=ctr&level=0.9&control=B');
    expect(res.status).toBe(200);
    expect(res.body.level).toBe(0.9);
    expect(res.body.control).toBe('B');
    expect(res.body.comparisons.map((c: { metric: string; arm: string }) => [c.metric, c.arm])).toEqual([
      ['ctr', 'A'],
    ]);
    expect((await p.getJson(key, '/v1/campaigns/nope/experiment')).status).toBe(404);
  });
});

describe('the global control group on /v1/value (issue 21)', () => {
  let p: Pipeline;
  let key: string;
  const members: string[] = [];
  const others: string[] = [];

  beforeAll(async () => {
    p = await startPipeline('gcg');
    key = await p.addTenant(`gcg${p.iso.id}`);
    const put = await p.query.inject({
      method: 'PUT',
      url: '/v1/experiment-settings',
      headers: { authorization: `Bearer ${key}` },
      payload: { globalControl: { share: 0.25 } },
    });
    expect(put.statusCode).toBe(200);
    const addresses = Array.from({ length: 200 }, (_, i) => phone(3000 + i));
    const check = await p.ingest.inject({
      method: 'POST',
      url: '/v1/global-control/check',
      headers: { authorization: `Bearer ${key}` },
      payload: { channel: 'sms', addresses },
    });
    const flags = check.json<{ members: boolean[] }>().members;
    addresses.forEach((a, i) => (flags[i] ? members : others).push(a));
    const t0 = Date.now() - 3 * 3_600_000;
    const events: Ev[] = [];
    const at = (t: number) => new Date(t).toISOString();
    // members are held out of the campaign; the others are messaged. Every 4th member converts
    // anyway (25 €), every 2nd other (25 €): messaging adds 25 points of conversion.
    members.forEach((r, i) => {
      events.push({
        eventId: `g${i}`,
        type: 'held_out',
        occurredAt: at(t0),
        channel: 'sms',
        campaignId: 'wk',
        recipientId: r,
      });
      if (i % 4 === 0)
        events.push({
          eventId: `g${i}:v`,
          type: 'converted',
          occurredAt: at(t0 + 3_600_000),
          channel: 'sms',
          recipientId: r,
          value: { amount: 25, currency: 'EUR' },
        });
    });
    others.forEach((r, i) => {
      events.push({
        eventId: `o${i}`,
        type: 'sent',
        occurredAt: at(t0),
        channel: 'sms',
        campaignId: 'wk',
        messageId: `m${i}`,
        recipientId: r,
      });
      events.push({
        eventId: `o${i}:d`,
        type: 'delivered',
        occurredAt: at(t0 + 60_000),
        channel: 'sms',
        messageId: `m${i}`,
      });
      if (i % 2 === 0)
        events.push({
          eventId: `o${i}:v`,
          type: 'converted',
          occurredAt: at(t0 + 3_600_000),
          channel: 'sms',
          recipientId: r,
          value: { amount: 25, currency: 'EUR' },
        });
    });
    expect((await p.postEvents(key, events)).status).toBe(202);
    await p.settle();
    await p.aggregator.snapshot();
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('targeted recipients in the group against those outside it, and what messaging added', async () => {
    expect(members.length).toBeGreaterThan(20);
    const res = await p.getJson(key, '/v1/value');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const g = res.body.globalControl;
    const conv = (n: number, k: number) => Math.ceil(n / k);
    expect(g.share).toBe(0.25);
    expect(g.control).toEqual({
      recipients: members.length,
      converting: conv(members.length, 4),
      conversions: conv(members.length, 4),
      conversionRate: conv(members.length, 4) / members.length,
      revenuePerRecipient: { EUR: (25 * conv(members.length, 4)) / members.length },
    });
    expect(g.treated.recipients).toBe(others.length);
    expect(g.treated.converting).toBe(conv(others.length, 2));
    const lift = conv(others.length, 2) / others.length - conv(members.length, 4) / members.length;
    expect(g.incrementalConversions.estimate).toBeCloseTo(lift * others.length, 6);
    expect(g.incrementalRevenue.EUR.estimate).toBeCloseTo(25 * lift * others.length, 6);
    expect(g.comparisons.map((c: { metric: string }) => c.metric)).toEqual([
      'conversionRate',
      'revenuePerRecipient',
    ]);
    // the control group's conversions are no campaign's revenue; the messaged ones are
    expect(res.body.revenue).toEqual({ EUR: 25 * conv(others.length, 2) });
  });
});
