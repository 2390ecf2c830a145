/**
 * The outbox under faults, on real Postgres and real sockets: X-Tally-Delivery is a UUID fixed
 * per delivery (the same on retries, different across databases); a claim that lapsed cannot be
 * settled by the sender that made it; and a replica that cannot reach a channel for a local reason
 * (it cannot resolve the host, its connections are refused, the SSRF guard refuses the address it
 * sees) gives the delivery back without spending an attempt, so another replica delivers it once
 * and `attempts` counts only the requests the receiver saw.
 */
import type { LookupFunction } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@tally/logging';
import { eventually, isolate, type Isolation } from '@tally/testing';
import { channelSealer } from '../src/alerts/channel-secrets.ts';
import { claimDue, markDelivered, markFailedAttempt } from '../src/alerts/outbox.ts';
import { createSender, type Sender, type SenderOptions } from '../src/alerts/sender.ts';
import { recordFire } from '../src/alerts/transitions.ts';
import {
  addTenant,
  call,
  counts,
  FeedSource,
  sleep,
  startInstance,
  startReceiver,
  underLease,
  type Instance,
  type Receiver,
} from './alert-fixtures.ts';

const logger = createLogger({ service: 'test-deliveries', level: 'silent' });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const HOST = 'receiver.tally.test';

/** A resolver that answers `address` for every name (one replica's view of DNS). */
const resolvesTo =
  (address: string): LookupFunction =>
  (_host, options, callback) =>
    setImmediate(() => {
      if (options.all) callback(null, [{ address, family: 4 }]);
      else callback(null, address, 4);
    });
const cannotResolve: LookupFunction = (host, _options, callback) =>
  setImmediate(() =>
    callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), '', 4),
  );

interface Row {
  path: string;
  status: string;
  attempts: number;
  local_refusals: number;
  last_local_refusal: string | null;
  last_error: string | null;
  delivery_key: string;
}

describe('notification deliveries', () => {
  let iso: Isolation;
  let key: string;
  let rx: Receiver;
  const senders: Sender[] = [];
  const instances: Instance[] = [];

  beforeEach(async () => {
    iso = await isolate('deliv');
    key = await addTenant(iso, 'acme');
  });
  afterEach(async () => {
    await Promise.all(senders.splice(0).map((s) => s.drain()));
    for (const i of instances.splice(0)) await i.stop();
    await rx?.close();
    await iso?.cleanup();
  });

  const sender = (lookup: LookupFunction, over: Partial<SenderOptions> = {}) => {
    const s = createSender({
      pool: iso.db.pool,
      sealer: channelSealer(iso.env.CREDENTIALS_KEY ?? ''),
      logger,
      intervalMs: 50,
      timeoutMs: 2000,
      maxAttempts: 12,
      retryBaseMs: 100,
      retryMaxMs: 1000,
      concurrency: 4,
      allowPrivate: true,
      localBackoffBaseMs: 1000,
      localBackoffMaxMs: 5000,
      maxLocalRefusals: 100,
      lookup,
      ...over,
    });
    senders.push(s);
    return s;
  };
  /** Webhook channels on the receiver under HOST (so each sender's resolver decides where it goes). */
  const channels = async (...paths: string[]) => {
    const { port } = new URL(rx.url('/'));
    for (const p of paths) {
      await iso.db.pool.query(
        "INSERT INTO notification_channels(tenant_id, kind, name, url) VALUES ('acme', 'webhook', $1, $2)",
        [p, `http://${HOST}:${port}${p}`],
      );
    }
  };
  const fire = (db = iso) =>
    underLease(db, (fence) =>
      recordFire(db.db.pool, fence, {
        tenantId: 'acme',
        ruleType: 'optOutSpike',
        scope: { kind: 'campaign', campaignId: 'c1' },
        numbers: {},
        at: new Date(),
        autoPause: false,
      }),
    );
  const rows = async (): Promise<Row[]> =>
    (
      await iso.db.pool.query<Row>(
        `SELECT c.name AS path, d.status, d.attempts, d.local_refusals, d.last_local_refusal, d.last_error,
                d.delivery_key::text
           FROM notification_deliveries d JOIN notification_channels c ON c.id = d.channel_id ORDER BY c.name`,
      )
    ).rows;
  const settled = () =>
    eventually(rows, (rs) => rs.every((r) => r.status !== 'sending'), { timeoutMs: 5000 });

  it('gives a delivery back when it cannot resolve the host; another replica delivers it once', async () => {
    rx = await startReceiver();
    await channels('/hook');
    await fire();
    const blind = sender(cannotResolve);
    expect(await blind.pump()).toBe(1);
    const [refused] = await settled();
    expect(refused).toMatchObject({
      status: 'pending',
      attempts: 0,
      local_refusals: 1,
      last_error: null,
      last_local_refusal: `dns: getaddrinfo ENOTFOUND ${HOST}`,
    });
    expect(await blind.pump()).toBe(0); // it leaves the channel to the others for a while
    expect(await sender(resolvesTo('127.0.0.1')).pump()).toBe(1);
    const [done] = await eventually(rows, (rs) => rs[0]?.status === 'delivered', { timeoutMs: 5000 });
    expect(done).toMatchObject({ attempts: 1, local_refusals: 1 });
    expect(rx.received).toHaveLength(1);
    // X-Tally-Delivery: the delivery's UUID, also in the signed body
    expect(done?.delivery_key).toMatch(UUID);
    expect(rx.received[0]?.headers['x-tally-delivery']).toBe(done?.delivery_key);
    expect(rx.received[0]?.json.deliveryId).toBe(done?.delivery_key);
  });

  it('racing replicas: refused connections spend no attempt, a 500 does', async () => {
    rx = await startReceiver((path, n) => (path === '/b' && n === 1 ? 500 : 200));
    await channels('/a', '/b', '/c');
    await fire();
    const walledOff = sender(resolvesTo('127.0.0.2')); // nothing listens there: ECONNREFUSED
    walledOff.start();
    await eventually(rows, (rs) => rs.every((r) => r.local_refusals >= 1), { timeoutMs: 5000 });
    sender(resolvesTo('127.0.0.1')).start();
    const done = await eventually(rows, (rs) => rs.every((r) => r.status === 'delivered'), {
      timeoutMs: 10_000,
    });
    await sleep(300);
    expect(['/a', '/b', '/c'].map((p) => rx.accepted(p).length)).toEqual([1, 1, 1]);
    expect(done.map((r) => [r.path, r.attempts])).toEqual([
      ['/a', 1],
      ['/b', 2],
      ['/c', 1],
    ]);
    // attempts are exactly the requests each receiver path saw
    expect(done.map((r) => rx.on(r.path).length)).toEqual(done.map((r) => r.attempts));
    for (const r of done)
      expect(r.last_local_refusal).toMatch(/^connection_refused: connect ECONNREFUSED 127\.0\.0\.2:/);
  });

  it('counts local refusals as attempts once a delivery has had maxLocalRefusals of them', async () => {
    rx = await startReceiver();
    await channels('/hook');
    await fire();
    const blind = sender(cannotResolve, { localBackoffBaseMs: 1, localBackoffMaxMs: 1, maxLocalRefusals: 2 });
    for (let i = 0; i < 3; i++) {
      await sleep(20);
      expect(await blind.pump()).toBe(1);
      await settled();
    }
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, local_refusals: 2 });
    expect(row?.last_error).toBe(`getaddrinfo ENOTFOUND ${HOST} (local refusals exhausted: 2)`);
  });

  it('the replica whose SSRF guard refuses the address leaves the delivery to one that allows it', async () => {
    rx = await startReceiver();
    const feed = new FeedSource();
    const strict = await startInstance(iso, feed, { ALERTS_ALLOW_PRIVATE_URLS: 'false' });
    const open = await startInstance(iso, feed);
    instances.push(strict, open);
    const hook = {
      kind: 'webhook',
      name: 'hook',
      url: rx.url('/hook'),
      secret: 'whsec_guard_test_secret_0001',
    };
    expect((await call(open, key, 'POST', '/v1/notification-channels', hook)).status).toBe(201);
    strict.deps.alerting.start(); // it leads, records the fire, and its sender claims first
    feed.set('acme', { kind: 'campaign', campaignId: 'c1' }, counts({ delivered: 1000, optOuts: 50 }));
    await eventually(rows, (rs) => (rs[0]?.local_refusals ?? 0) >= 1, { timeoutMs: 5000 });
    expect(rx.received).toHaveLength(0);
    open.deps.alerting.start();
    const [done] = await eventually(rows, (rs) => rs[0]?.status === 'delivered', { timeoutMs: 5000 });
    await sleep(300);
    expect(rx.received).toHaveLength(1);
    expect(done?.attempts).toBe(1);
    expect(done?.last_local_refusal).toMatch(/^url_guard: /);
    const metric = await strict.deps.registry.getSingleMetric('tally_notification_deliveries_total')?.get();
    const refusals = (metric?.values ?? []).filter((v) => v.labels.outcome === 'local_refusal');
    expect(refusals.reduce((n, v) => n + v.value, 0)).toBe(done?.local_refusals);
  });

  it('settles a claim only for the sender that made it', async () => {
    rx = await startReceiver();
    await channels('/hook');
    await fire();
    const [first] = await claimDue(iso.db.pool, { limit: 1, leaseMs: 60_000, skipChannels: [] });
    if (!first) throw new Error('nothing claimed');
    // its claim lapses (a stalled sender) and another replica claims the row
    await iso.db.pool.query('UPDATE notification_deliveries SET next_attempt_at = now()');
    const [second] = await claimDue(iso.db.pool, { limit: 1, leaseMs: 60_000, skipChannels: [] });
    expect(second?.claim_token).toBe('2');
    expect(second?.delivery_key).toBe(first.delivery_key);
    expect(await markFailedAttempt(iso.db.pool, first, { final: true, error: 'late', delayMs: 0 })).toBe(
      false,
    );
    expect(await markDelivered(iso.db.pool, first)).toBe(false);
    expect(await rows()).toMatchObject([{ status: 'sending', attempts: 2, last_error: null }]);
    if (second) expect(await markDelivered(iso.db.pool, second)).toBe(true);
    expect(await rows()).toMatchObject([{ status: 'delivered', attempts: 2 }]);
  });

  it('gives each delivery a UUID that no other database repeats (the old ids did: "1" in both)', async () => {
    rx = await startReceiver();
    const other = await isolate('deliv2');
    try {
      await addTenant(other, 'acme');
      const keys: { id: string; key: string }[] = [];
      for (const db of [iso, other]) {
        await db.db.pool.query(
          "INSERT INTO notification_channels(tenant_id, kind, name, url) VALUES ('acme', 'slack', 's', 'http://127.0.0.1:9/s')",
        );
        await fire(db);
        const { rows: r } = await db.db.pool.query<{ id: string; key: string }>(
          'SELECT id::text, delivery_key::text AS key FROM notification_deliveries',
        );
        keys.push(...r);
      }
      expect(keys.map((k) => k.id)).toEqual(['1', '1']);
      expect(keys.every((k) => UUID.test(k.key))).toBe(true);
      expect(new Set(keys.map((k) => k.key)).size).toBe(2);
    } finally {
      await other.cleanup();
    }
  });
});
