/**
 * The alert lifecycle on real Postgres with real HTTP receivers: a 5% opt-out spike over 1,000
 * deliveries fires once (one trigger on each of the webhook, Slack and PagerDuty receivers, the
 * webhook's signature verified), resolves once after the resolve period with the same dedup_key,
 * small samples never fire, a failing receiver gets its notification after retries, a hung one
 * delays no other, and a silence suppresses notifications but keeps the state.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, isolate, type Isolation } from '@tally/testing';
import { verifySignature } from '../src/index.ts';
import {
  addTenant,
  call,
  counts,
  FeedSource,
  sleep,
  startInstance,
  startReceiver,
  type Instance,
  type Receiver,
} from './alert-fixtures.ts';

const SECRET = 'whsec_lifecycle_test_secret_0123';
const spike = counts({ sent: 1000, delivered: 1000, optOuts: 50 });
const calm = counts({ sent: 1000, delivered: 1000, optOuts: 5 });

describe('alert lifecycle', () => {
  let iso: Isolation;
  let feed: FeedSource;
  let inst: Instance;
  let rx: Receiver;
  let key: string;
  let tenant = 0;

  beforeAll(async () => {
    iso = await isolate('alrt');
    feed = new FeedSource();
    inst = await startInstance(iso, feed);
    inst.deps.alerting.start();
  });
  afterEach(async () => {
    await rx?.close();
  });
  afterAll(async () => {
    await inst?.stop();
    await iso?.cleanup();
  });

  /** A fresh tenant with a 1 s resolve period and the three channels on a fresh receiver. */
  async function setup(respond?: Parameters<typeof startReceiver>[0]) {
    const id = `t${++tenant}`;
    key = await addTenant(iso, id);
    rx = await startReceiver(respond);
    const put = await call(inst, key, 'PUT', '/v1/alert-rules', { optOutSpike: { resolveAfterSeconds: 1 } });
    expect(put.status).toBe(200);
    for (const body of [
      { kind: 'webhook', name: 'hook', url: rx.url('/webhook'), secret: SECRET },
      { kind: 'slack', name: 'slack', url: rx.url('/slack') },
      { kind: 'pagerduty', name: 'pd', url: rx.url('/pd'), routingKey: 'R0UTINGKEY' },
    ]) {
      expect((await call(inst, key, 'POST', '/v1/notification-channels', body)).status).toBe(201);
    }
    return id;
  }

  it('fires once on a 5% spike over 1,000 and resolves once after the resolve period', async () => {
    const id = await setup();
    feed.set(id, { kind: 'campaign', campaignId: 'c1' }, spike);
    await eventually(
      () => Promise.resolve(['/webhook', '/slack', '/pd'].map((p) => rx.on(p).length)),
      (n) => n.every((x) => x >= 1),
      { timeoutMs: 10_000 },
    );
    await sleep(600); // six more evaluation ticks, still spiking: no second notification
    for (const p of ['/webhook', '/slack', '/pd']) expect(rx.on(p)).toHaveLength(1);

    const [hook] = rx.on('/webhook');
    expect(
      verifySignature(SECRET, hook?.headers['x-tally-signature'] as string, hook?.raw ?? '', new Date()),
    ).toBe(true);
    expect(
      verifySignature(
        'whsec_wrong_secret_000000000',
        hook?.headers['x-tally-signature'] as string,
        hook?.raw ?? '',
        new Date(),
      ),
    ).toBe(false);
    expect(hook?.json).toMatchObject({
      type: 'alert.fire',
      kind: 'fire',
      alert: { ruleType: 'optOutSpike', scope: { kind: 'campaign', id: 'c1' }, state: 'firing' },
    });
    expect(hook?.json.alert.numbers).toMatchObject({
      delivered: 1000,
      optOuts: 50,
      rate: 0.05,
      threshold: 0.02,
    });
    const dedupKey: string = hook?.json.alert.dedupKey;
    const [pdTrigger] = rx.on('/pd');
    expect(pdTrigger?.json).toMatchObject({
      routing_key: 'R0UTINGKEY',
      event_action: 'trigger',
      dedup_key: dedupKey,
      payload: { source: 'tally/campaign/c1', severity: 'critical' },
    });
    expect(rx.on('/slack')[0]?.json.text).toMatch(/^\[FIRING\] Opt-out spike on campaign c1/);

    const firing = await call(inst, key, 'GET', '/v1/alerts?state=firing');
    expect(firing.body.alerts).toHaveLength(1);

    const calmAt = Date.now();
    feed.set(id, { kind: 'campaign', campaignId: 'c1' }, calm);
    await eventually(
      () => Promise.resolve(['/webhook', '/slack', '/pd'].map((p) => rx.on(p).length)),
      (n) => n.every((x) => x >= 2),
      { timeoutMs: 10_000 },
    );
    await sleep(600);
    for (const p of ['/webhook', '/slack', '/pd']) {
      expect(rx.on(p)).toHaveLength(2);
      // not before the condition had been clear for the whole resolve period (1 s)
      expect((rx.on(p)[1]?.at ?? 0) - calmAt).toBeGreaterThanOrEqual(1000);
    }
    expect(rx.on('/pd')[1]?.json).toEqual({
      routing_key: 'R0UTINGKEY',
      event_action: 'resolve',
      dedup_key: dedupKey,
    });
    expect(rx.on('/webhook')[1]?.json).toMatchObject({
      kind: 'resolve',
      alert: { dedupKey, state: 'resolved' },
    });
    expect(rx.on('/slack')[1]?.json.text).toMatch(/^\[RESOLVED\]/);

    const resolved = await call(inst, key, 'GET', '/v1/alerts?state=resolved');
    expect(resolved.body.alerts).toHaveLength(1);
    expect(resolved.body.alerts[0]).toMatchObject({ dedupKey, state: 'resolved' });
    expect((await call(inst, key, 'GET', '/v1/alerts?state=firing')).body.alerts).toHaveLength(0);
  });

  it('never fires on 1% over 10,000 or 2 of 20 (a 5% spike beside them does)', async () => {
    const id = await setup();
    feed.set(
      id,
      { kind: 'campaign', campaignId: 'one-percent' },
      counts({ delivered: 10_000, optOuts: 100 }),
    );
    feed.set(id, { kind: 'campaign', campaignId: 'two-of-twenty' }, counts({ delivered: 20, optOuts: 2 }));
    feed.set(id, { kind: 'campaign', campaignId: 'control' }, spike);
    await eventually(
      () => Promise.resolve(rx.on('/webhook').length),
      (n) => n >= 1,
      { timeoutMs: 10_000 },
    );
    await sleep(500);
    const all = await call(inst, key, 'GET', '/v1/alerts');
    expect(all.body.alerts.map((a: any) => a.scope.id)).toEqual(['control']);
    expect(rx.on('/webhook').map((r) => r.json.alert.scope.id)).toEqual(['control']);
  });

  it('retries a receiver that fails 3 times and delivers once, recording the attempts', async () => {
    const id = await setup((path, n) => (path === '/webhook' && n <= 3 ? 500 : 200));
    feed.set(id, { kind: 'campaign', campaignId: 'flaky' }, spike);
    await eventually(
      () => Promise.resolve(rx.accepted('/webhook').length),
      (n) => n >= 1,
      { timeoutMs: 15_000 },
    );
    await sleep(500);
    expect(rx.accepted('/webhook')).toHaveLength(1);
    const attempts = rx.on('/webhook');
    expect(attempts.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    // one X-Tally-Delivery for the four requests: the delivery's UUID
    const ids = new Set(attempts.map((r) => r.headers['x-tally-delivery']));
    const { rows: keys } = await iso.db.pool.query(
      `SELECT d.delivery_key::text AS key FROM notification_deliveries d
         JOIN notification_channels c ON c.id = d.channel_id WHERE d.tenant_id = $1 AND c.kind = 'webhook'`,
      [id],
    );
    expect([...ids]).toEqual([keys[0]?.key]);
    expect(keys[0]?.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const { rows } = await iso.db.pool.query(
      `SELECT d.status, d.attempts, d.last_error, c.kind FROM notification_deliveries d
         JOIN notification_channels c ON c.id = d.channel_id WHERE d.tenant_id = $1 ORDER BY c.kind`,
      [id],
    );
    expect(rows).toEqual([
      { kind: 'pagerduty', status: 'delivered', attempts: 1, last_error: null },
      { kind: 'slack', status: 'delivered', attempts: 1, last_error: null },
      { kind: 'webhook', status: 'delivered', attempts: 4, last_error: null },
    ]);
  });

  it('a channel that hangs delays no other', async () => {
    const id = await setup((path) => (path === '/webhook' ? 'hang' : 200));
    feed.set(id, { kind: 'campaign', campaignId: 'slow' }, spike);
    await eventually(
      () => Promise.resolve(rx.on('/slack').length + rx.on('/pd').length),
      (n) => n >= 2,
      {
        timeoutMs: 10_000,
      },
    );
    const hung = rx.on('/webhook')[0];
    expect(hung).toBeDefined();
    const rows = await eventually(
      async () =>
        (
          await iso.db.pool.query<{ kind: string; status: string; delivered_at: Date | null }>(
            `SELECT c.kind, d.status, d.delivered_at FROM notification_deliveries d
               JOIN notification_channels c ON c.id = d.channel_id WHERE d.tenant_id = $1 ORDER BY c.kind`,
            [id],
          )
        ).rows,
      (r) => r.filter((x) => x.status === 'delivered').length === 2,
      { timeoutMs: 10_000 },
    );
    expect(rows.map((r) => [r.kind, r.status === 'delivered'])).toEqual([
      ['pagerduty', true],
      ['slack', true],
      ['webhook', false],
    ]);
    // Both were delivered before the hung webhook's 2 s timeout could have released anything.
    for (const r of rows.slice(0, 2))
      expect((r.delivered_at?.getTime() ?? Infinity) - (hung?.at ?? 0)).toBeLessThan(2000);
  });

  it('a silence suppresses notifications but the alert still fires', async () => {
    const id = await setup();
    const silence = await call(inst, key, 'POST', '/v1/silences', {
      scope: { kind: 'campaign', id: 'muted' },
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
      reason: 'planned blast',
    });
    expect(silence.status).toBe(201);
    feed.set(id, { kind: 'campaign', campaignId: 'muted' }, spike);
    feed.set(id, { kind: 'campaign', campaignId: 'loud' }, spike);
    await eventually(
      () => Promise.resolve(rx.on('/webhook').length),
      (n) => n >= 1,
      { timeoutMs: 10_000 },
    );
    await eventually(
      async () => (await call(inst, key, 'GET', '/v1/alerts?state=firing')).body.alerts.length,
      (n) => n === 2,
      { timeoutMs: 5000 },
    );
    await sleep(500);
    expect(rx.on('/webhook').map((r) => r.json.alert.scope.id)).toEqual(['loud']);
    const { rows } = await iso.db.pool.query(
      `SELECT a.scope_id, t.silence_id FROM alert_transitions t JOIN alerts a ON a.id = t.alert_id
        WHERE t.tenant_id = $1 ORDER BY a.scope_id`,
      [id],
    );
    expect(rows).toEqual([
      { scope_id: 'loud', silence_id: null },
      { scope_id: 'muted', silence_id: silence.body.silence.id },
    ]);
  });
});
