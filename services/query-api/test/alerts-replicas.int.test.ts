/**
 * Two query-api instances on one database, both running the evaluator and sender loops: every
 * transition is still notified exactly once. When the active evaluator stops it ends its lease
 * and the other takes over within a renew period; when its lease connection is killed it
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

describe('two evaluator replicas', () => {
  let iso: Isolation;
  let feed: FeedSource;
  let a: Instance;
  let b: Instance;
  let rx: Receiver;
  let key: string;

  beforeEach(async () => {
    iso = await isolate('repl');
    feed = new FeedSource();
    rx = await startReceiver();
    a = await startInstance(iso, feed);
    b = await startInstance(iso, feed);
    key = await addTenant(iso, 'acme');
    await call(a, key, 'PUT', '/v1/alert-rules', { optOutSpike: { resolveAfterSeconds: 0.5 } });
    for (const body of [
      { kind: 'webhook', name: 'hook', url: rx.url('/webhook'), secret: 'whsec_replica_test_secret_01' },
      { kind: 'pagerduty', name: 'pd', url: rx.url('/pd'), routingKey: 'RK' },
    ]) {
      expect((await call(b, key, 'POST', '/v1/notification-channels', body)).status).toBe(201);
    }
    a.deps.alerting.start();
    b.deps.alerting.start();
    await eventually(
      () => Promise.resolve([a, b].filter((i) => i.deps.alerting.leader.isLeader()).length),
      (n) => n === 1,
      { timeoutMs: 5000 },
    );
  });
  afterEach(async () => {
    await a?.stop();
    await b?.stop();
    await rx?.close();
    await iso?.cleanup();
  });

  const leaderAndStandby = (): [Instance, Instance] => (a.deps.alerting.leader.isLeader() ? [a, b] : [b, a]);
  const kinds = (path: string) => rx.on(path).map((r) => r.json.event_action ?? r.json.kind);

  it('notify each transition once; a stopped leader is replaced within seconds', async () => {
    feed.set('acme', c1, spike);
    await eventually(
      () => Promise.resolve(rx.on('/webhook').length + rx.on('/pd').length),
      (n) => n >= 2,
      { timeoutMs: 10_000 },
    );
    await sleep(500);
    expect(kinds('/webhook')).toEqual(['fire']);
    expect(kinds('/pd')).toEqual(['trigger']);

    const [leader, standby] = leaderAndStandby();
    await leader.stop();
    const stoppedAt = Date.now();
    await eventually(() => Promise.resolve(standby.deps.alerting.leader.isLeader()), Boolean, {
      timeoutMs: 5000,
    });
    expect(Date.now() - stoppedAt).toBeLessThan(3000);

    feed.set('acme', c1, calm);
    await eventually(
      () => Promise.resolve(rx.on('/webhook').length + rx.on('/pd').length),
      (n) => n >= 4,
      { timeoutMs: 10_000 },
    );
    await sleep(500);
    expect(kinds('/webhook')).toEqual(['fire', 'resolve']);
    expect(kinds('/pd')).toEqual(['trigger', 'resolve']);
    const { rows } = await iso.db.pool.query('SELECT kind FROM alert_transitions ORDER BY id');
    expect(rows.map((r) => r.kind)).toEqual(['fire', 'resolve']);
    // the metrics of both replicas: one fire and one resolve recorded in all
    const metric = async (inst: Instance, kind: string) => {
      const m = await inst.deps.registry.getSingleMetric('tally_alert_transitions_total')?.get();
      return (m?.values ?? []).filter((v) => v.labels.kind === kind).reduce((n, v) => n + v.value, 0);
    };
    expect((await metric(leader, 'fire')) + (await metric(standby, 'fire'))).toBe(1);
    expect(await metric(standby, 'resolve')).toBe(1);
  });

  it('a leader whose lease connection dies reconnects and keeps its lease; no second leader', async () => {
    const [leader, standby] = leaderAndStandby();
    const lease = async () =>
      (await iso.db.pool.query('SELECT holder, token::int AS token FROM leader_leases')).rows;
    const before = await lease();
    expect(before).toEqual([{ holder: leader.deps.alerting.leader.holderId, token: 1 }]);
    const killed = await iso.db.pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tally-alert-leader'",
    );
    expect(killed.rowCount).toBe(2); // the leader's and the standby's lease connections
    // for two TTLs (the default 2 s), sampled every 50 ms: never two leaders, never a new token
    const seen = new Set<string>();
    for (const until = Date.now() + 4000; Date.now() < until; await sleep(50)) {
      seen.add([a, b].map((i) => i.deps.alerting.leader.isLeader()).join());
    }
    expect(seen).toEqual(new Set([[a, b].map((i) => i === leader).join()]));
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
    expect(standby.deps.alerting.leader.isLeader()).toBe(false);
  });
});
