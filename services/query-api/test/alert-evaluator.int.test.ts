/**
 * The evaluator against real Postgres with a controlled clock: each rule type end to end
 * (counts → decision → recorded transition), re-notification every 4 h, baseline mode, sender
 * scopes, and a disabled rule's firing alert still resolving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES, type AlertRules } from '@tally/kpi';
import { createLogger } from '@tally/logging';
import { isolate, recentInstant, type Isolation } from '@tally/testing';
import { createEvaluator, type Evaluator } from '../src/alerts/evaluator.ts';
import { putAlertRules } from '../src/alerts/rules-store.ts';
import { addTenant, counts, FeedSource, holdLease } from './alert-fixtures.ts';

/** The evaluator's clock starts at 08:00 UTC yesterday (whole hours keep the windows aligned). */
const t0 = recentInstant(8, 1);
const H = 3600_000;

describe('alert evaluator', () => {
  let iso: Isolation;
  let feed: FeedSource;
  let evaluator: Evaluator;
  let lease: Awaited<ReturnType<typeof holdLease>>;
  let n = 0;

  beforeAll(async () => {
    iso = await isolate('aeval');
    feed = new FeedSource();
    lease = await holdLease(iso);
    evaluator = createEvaluator({
      pool: iso.db.pool,
      source: feed,
      leader: lease,
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
  });
  afterAll(async () => {
    await lease?.release();
    await iso?.cleanup();
  });

  async function tenantWith(over: (r: AlertRules) => AlertRules = (r) => r) {
    const id = `ev${++n}`;
    await addTenant(iso, id);
    await putAlertRules(iso.db.pool, id, over(structuredClone(DEFAULT_ALERT_RULES)));
    return id;
  }
  /** One evaluation at t0 + ms; the transitions of this tenant's scopes (named `<tenant>-…`). */
  const tick = async (tenantId: string, ms: number) =>
    (await evaluator.tick(new Date(t0 + ms))).transitions
      .filter((t) => t.alert.scope.id.startsWith(`${tenantId}-`))
      .map(
        (t) =>
          `${t.kind}:${t.alert.ruleType}:${t.alert.scope.kind}:${t.alert.scope.id.slice(tenantId.length + 1)}`,
      );

  it('re-notifies a firing alert every 4 h, and not in between', async () => {
    const id = await tenantWith();
    feed.set(id, { kind: 'campaign', campaignId: `${id}-long` }, counts({ delivered: 1000, optOuts: 50 }));
    expect(await tick(id, 0)).toEqual(['fire:optOutSpike:campaign:long']);
    expect(await tick(id, 4 * H - 1000)).toEqual([]);
    expect(await tick(id, 4 * H)).toEqual(['renotify:optOutSpike:campaign:long']);
    expect(await tick(id, 4 * H + 1000)).toEqual([]);
    expect(await tick(id, 8 * H)).toEqual(['renotify:optOutSpike:campaign:long']);
  });

  it('fires in baseline mode on 3 × the tenant 7-day rate', async () => {
    const id = await tenantWith((r) => ({
      ...r,
      optOutSpike: { ...r.optOutSpike, absolute: false, baseline: true },
    }));
    feed.setBaseline(id, 0.002);
    // 1.5%: under the 2% absolute threshold, but its lower bound 0.91% is over 3 × 0.2%
    feed.set(id, { kind: 'campaign', campaignId: `${id}-b` }, counts({ delivered: 1000, optOuts: 15 }));
    expect(await tick(id, 0)).toEqual(['fire:optOutSpike:campaign:b']);
    const { rows } = await iso.db.pool.query('SELECT numbers FROM alerts WHERE tenant_id = $1', [id]);
    expect(rows[0]?.numbers).toMatchObject({ mode: 'baseline', baselineRate: 0.002, baselineLimit: 0.006 });
  });

  it('watches senders when the rule says so, and only then', async () => {
    const quiet = await tenantWith();
    const watching = await tenantWith((r) => ({
      ...r,
      optOutSpike: { ...r.optOutSpike, scopes: ['sender'] },
    }));
    for (const id of [quiet, watching]) {
      feed.set(id, { kind: 'sender', sender: `${id}-BRAND` }, counts({ delivered: 1000, optOuts: 50 }));
    }
    const all = (await evaluator.tick(new Date(t0))).transitions.map((t) => `${t.kind}:${t.alert.scope.id}`);
    expect(all.filter((t) => t.includes(`:${quiet}-`))).toEqual([]);
    expect(all.filter((t) => t.includes(`:${watching}-`))).toEqual([`fire:${watching}-BRAND`]);
  });

  it('fires deliveryDrop and failureSpike once enabled', async () => {
    const id = await tenantWith((r) => ({
      ...r,
      deliveryDrop: { ...r.deliveryDrop, enabled: true },
      failureSpike: { ...r.failureSpike, enabled: true },
    }));
    feed.set(
      id,
      { kind: 'campaign', campaignId: `${id}-bad` },
      counts({ sent: 1000, delivered: 700, failed: 300, failedByErrorCode: { '30007': 250, '30003': 50 } }),
    );
    expect((await tick(id, 0)).sort()).toEqual([
      'fire:deliveryDrop:campaign:bad',
      'fire:failureSpike:campaign:bad',
    ]);
    const { rows } = await iso.db.pool.query(
      "SELECT numbers FROM alerts WHERE tenant_id = $1 AND rule_type = 'failureSpike'",
      [id],
    );
    expect(rows[0]?.numbers).toMatchObject({ errorCode: '30007', share: 0.25 });
  });

  it('reads deliveryDrop over a window ending receiptGraceMinutes ago: a burst awaiting receipts is no drop', async () => {
    // The newest 2 minutes hold a burst of sends whose receipts have not arrived; before them, 98%
    const burst = (end: Date) =>
      end.getTime() > t0 - 120_000
        ? counts({ sent: 1500, delivered: 990 })
        : counts({ sent: 1000, delivered: 980 });
    const graced = await tenantWith((r) => ({ ...r, deliveryDrop: { ...r.deliveryDrop, enabled: true } }));
    feed.set(graced, { kind: 'campaign', campaignId: `${graced}-burst` }, burst);
    expect(await tick(graced, 0)).toEqual([]);
    const none = await tenantWith((r) => ({
      ...r,
      deliveryDrop: { ...r.deliveryDrop, enabled: true, receiptGraceMinutes: 0 },
    }));
    feed.set(none, { kind: 'campaign', campaignId: `${none}-burst` }, burst);
    expect(await tick(none, 0)).toEqual(['fire:deliveryDrop:campaign:burst']);
    // a real drop shows in the graced window too
    feed.set(
      graced,
      { kind: 'campaign', campaignId: `${graced}-burst` },
      counts({ sent: 1000, delivered: 600 }),
    );
    expect(await tick(graced, 1000)).toEqual(['fire:deliveryDrop:campaign:burst']);
    const { rows } = await iso.db.pool.query(
      "SELECT numbers FROM alerts WHERE tenant_id = $1 AND rule_type = 'deliveryDrop'",
      [graced],
    );
    expect(rows[0]?.numbers).toMatchObject({ rate: 0.6, receiptGraceMinutes: 2 });
  });

  it('still resolves an alert whose rule was disabled while it fired', async () => {
    const id = await tenantWith();
    feed.set(id, { kind: 'campaign', campaignId: `${id}-x` }, counts({ delivered: 1000, optOuts: 50 }));
    expect(await tick(id, 0)).toEqual(['fire:optOutSpike:campaign:x']);
    await putAlertRules(iso.db.pool, id, {
      ...DEFAULT_ALERT_RULES,
      optOutSpike: { ...DEFAULT_ALERT_RULES.optOutSpike, enabled: false },
    });
    feed.set(id, { kind: 'campaign', campaignId: `${id}-x` }, counts({ delivered: 1000, optOuts: 0 }));
    expect(await tick(id, 1000)).toEqual([]);
    expect(await tick(id, 1000 + 600_000)).toEqual(['resolve:optOutSpike:campaign:x']);
  });
});
