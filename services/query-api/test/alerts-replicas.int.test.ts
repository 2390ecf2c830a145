/**
 * Three query-api instances on one database, all running the evaluator and sender loops: every
 * transition is still notified exactly once. When the active evaluator stops it ends its lease
 * and a standby takes over within a renew period; when its lease connection is killed it
 * reconnects and keeps the lease (a dropped connection is not a lost lease), with no second leader.
 * Stalled leaders: alert-lease.int.test.ts and alert-lease-process.int.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, isolate, type Isolation } from '@tally/testing';
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

const spike = counts({ delivered: 1000, optOuts: 50 });
const calm = counts({ delivered: 1000, optOuts: 5 });
const c1 = { kind: 'campaign', campaignId: 'c1' } as const;

describe('three evaluator replicas', () => {
  let iso: Isolation;
  let feed: FeedSource;
  let replicas: Instance[] = [];
  let rx: Receiver;
  let key: string;

  beforeEach(async () => {
    iso = await isolate('repl');
    feed = new FeedSource();
    rx = await startReceiver();
    replicas = [
      await startInstance(iso, feed),
      await startInstance(iso, feed),
      await startInstance(iso, feed),
    ];
    const [a, b] = replicas as [Instance, Instance, Instance];
    key = await addTenant(iso, 'acme');
    await call(a, key, 'PUT', '/v1/alert-rules', { optOutSpike: { resolveAfterSeconds: 0.5 } });
    for (const body of [
      { kind: 'webhook', name: 'hook', url: rx.url('/webhook'), secret: 'whsec_replica_test_secret_01' },
      { kind: 'pagerduty', name: 'pd', url: rx.url('/pd'), routingKey: 'RK' },
    ]) {
      expect((await call(b, key, 'POST', '/v1/notification-channels', body)).status).toBe(201);
    }
    for (const r of replicas) r.deps.alerting.start();
    await eventually(
      () => Promise.resolve(leaders().length),
      (n) => n === 1,
      { timeoutMs: 5000 },
    );
  });
  afterEach(async () => {
    for (const r of replicas) await r.stop();
    await rx?.close();
    await iso?.cleanup();
  });

  const leaders = () => replicas.filter((i) => i.deps.alerting.leader.isLeader());
  const leaderAndStandby = (): [Instance, Instance] => {
    const [leader] = leaders();
    const standby = replicas.find((r) => r !== leader);
    if (!leader || !standby) throw new Error('no leader');
    return [leader, standby];
  };
  const kinds = (path: string) => rx.on(path).map((r) => r.json.event_action ?? r.json.kind);
  const notified = (n: number) =>
    eventually(
      () => Promise.resolve(rx.on('/webhook').length + rx.on('/pd').length),
      (m) => m >= n,
      { timeoutMs: 10_000 },
    );
  /** Stops the leader; returns how long until another replica leads. */
  const stopLeader = async () => {
    const [leader] = leaderAndStandby();
    await leader.stop();
    const stoppedAt = Date.now();
    await eventually(
      () => Promise.resolve(replicas.filter((r) => r !== leader && r.deps.alerting.leader.isLeader()).length),
      (n) => n === 1,
      { timeoutMs: 5000, intervalMs: 10 },
    );
    return Date.now() - stoppedAt;
  };

  it('notify each transition once; a stopped leader is replaced within a renew period, twice', async () => {
    feed.set('acme', c1, spike);
    await notified(2);
    await sleep(500);
    expect(kinds('/webhook')).toEqual(['fire']);
    expect(kinds('/pd')).toEqual(['trigger']);

    expect(await stopLeader()).toBeLessThan(1000); // released: the next try (every 500 ms) takes it
    feed.set('acme', c1, calm);
    await notified(4);
    expect(await stopLeader()).toBeLessThan(1000);
    feed.set('acme', c1, spike);
    await notified(6);
    await sleep(500);
    expect(kinds('/webhook')).toEqual(['fire', 'resolve', 'fire']);
    expect(kinds('/pd')).toEqual(['trigger', 'resolve', 'trigger']);
    const { rows } = await iso.db.pool.query(
      'SELECT kind, leader_token::int AS token FROM alert_transitions ORDER BY id',
    );
    expect(rows).toEqual([
      { kind: 'fire', token: 1 },
      { kind: 'resolve', token: 2 },
      { kind: 'fire', token: 3 },
    ]);
    // the metrics of the three replicas: two fires and one resolve recorded in all
    const metric = async (inst: Instance, kind: string) => {
      const m = await inst.deps.registry.getSingleMetric('tally_alert_transitions_total')?.get();
      return (m?.values ?? []).filter((v) => v.labels.kind === kind).reduce((n, v) => n + v.value, 0);
    };
    const total = async (kind: string) =>
      (await Promise.all(replicas.map((r) => metric(r, kind)))).reduce((a, b) => a + b, 0);
    expect([await total('fire'), await total('resolve')]).toEqual([2, 1]);
  });

  it('a leader whose lease connection dies reconnects and keeps its lease; no second leader', async () => {
    const [leader] = leaderAndStandby();
    const lease = async () =>
      (await iso.db.pool.query('SELECT holder, token::int AS token FROM leader_leases')).rows;
    const before = await lease();
    expect(before).toEqual([{ holder: leader.deps.alerting.leader.holderId, token: 1 }]);
    const killed = await iso.db.pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tally-alert-leader'",
    );
    expect(killed.rowCount).toBe(3); // every replica's lease connection
    // for two TTLs (the default 2 s), sampled every 50 ms: never two leaders, never a new token
    const seen = new Set<string>();
    for (const until = Date.now() + 4000; Date.now() < until; await sleep(50)) {
      seen.add(replicas.map((i) => i.deps.alerting.leader.isLeader()).join());
    }
    expect(seen).toEqual(new Set([replicas.map((i) => i === leader).join()]));
    expect(await lease()).toEqual(before);

    feed.set('acme', c1, spike);
    await eventually(
      () => Promise.resolve(rx.on('/webhook').length),
      (n) => n >= 1,
      { timeoutMs: 10_000 },
    );
    await sleep(500);
    expect(kinds('/webhook')).toEqual(['fire']);
    expect(kinds('/pd')).toEqual(['trigger']);
    expect(leaders()).toEqual([leader]);
  });
});
