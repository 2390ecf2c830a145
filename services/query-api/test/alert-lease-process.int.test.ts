/**
 * The stalled leader of issue 12, with a real process: three replicas (a child process that leads
 * and two in-process standbys) on one database; the child is SIGSTOPped in the middle of
 * recording a transition and woken 5 s later. A standby takes over within the lease bound and
 * notifies the transition within the 5 s detection goal; the woken child's write is refused by
 * its fencing token and it stops leading; each transition is recorded and notified once.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, isolate, type Isolation } from '@tally/testing';
import {
  addTenant,
  call,
  counts,
  sleep,
  startInstance,
  startReceiver,
  type Instance,
  type Receiver,
} from './alert-fixtures.ts';
import { FileFeed, spawnReplica, type ReplicaProcess } from './alert-process.ts';

const TTL = 2000; // the defaults of ALERT_LEADER_LEASE_TTL_MS / ALERT_LEADER_RENEW_MS
const RENEW = 500;
const STOPPED_MS = 5000;
const c1 = { kind: 'campaign', campaignId: 'c1' } as const;

describe('a leader process stopped with SIGSTOP', () => {
  let iso: Isolation;
  let feed: FileFeed;
  let rx: Receiver;
  let child: ReplicaProcess | undefined;
  let standbys: Instance[] = [];

  beforeEach(async () => {
    iso = await isolate('sigstop');
    feed = new FileFeed(join(tmpdir(), `tally-alert-feed-${iso.id}.json`));
    rx = await startReceiver();
    const key = await addTenant(iso, 'acme');
    const admin = await startInstance(iso, feed);
    standbys = [admin, await startInstance(iso, feed)];
    await call(admin, key, 'PUT', '/v1/alert-rules', { optOutSpike: { resolveAfterSeconds: 0.5 } });
    const hook = {
      kind: 'webhook',
      name: 'hook',
      url: rx.url('/webhook'),
      secret: 'whsec_sigstop_test_secret_01',
    };
    expect((await call(admin, key, 'POST', '/v1/notification-channels', hook)).status).toBe(201);
  });
  afterEach(async () => {
    await child?.stop();
    for (const s of standbys) await s.stop();
    await rx?.close();
    rmSync(feed.path, { force: true });
    await iso?.cleanup();
  });

  const leaders = () => standbys.filter((s) => s.deps.alerting.leader.isLeader());
  const lease = async () =>
    (await iso.db.pool.query('SELECT holder, token::int AS token FROM leader_leases')).rows[0];

  it('is replaced within the lease bound and its stale write is refused when it wakes', async () => {
    child = spawnReplica(iso, { ALERT_FEED_FILE: feed.path, STALL_FENCED_WRITE_MS: '1500' });
    const acquired = await child.line((l) => l.msg === 'alert_leadership_acquired');
    for (const s of standbys) s.deps.alerting.start();
    await sleep(1000);
    expect(leaders()).toEqual([]);
    expect(await lease()).toEqual({ holder: acquired.holder, token: 1 });

    const crossed = performance.now();
    feed.set('acme', c1, counts({ delivered: 1000, optOuts: 50 }));
    await child.line((l) => l.msg === 'test_fenced_write_checkout', 5000);
    child.signal('SIGSTOP');
    const stopped = performance.now();

    await eventually(
      () => Promise.resolve(leaders().length),
      (n) => n === 1,
      { timeoutMs: 5000, intervalMs: 10 },
    );
    const takeoverMs = performance.now() - stopped;
    await eventually(
      () => Promise.resolve(rx.on('/webhook').length),
      (n) => n >= 1,
      {
        timeoutMs: 5000,
        intervalMs: 10,
      },
    );
    const latencyMs = performance.now() - crossed;
    console.info(
      `SIGSTOPped leader: taken over ${takeoverMs.toFixed(0)} ms after the stop; fire notified ${latencyMs.toFixed(0)} ms after the crossing`,
    );
    // its last renewal came at most RENEW before the stop, so the lease ran out TTL-RENEW…TTL after it
    expect(takeoverMs).toBeGreaterThanOrEqual(TTL - RENEW - 50);
    expect(takeoverMs).toBeLessThan(TTL + RENEW + 300);
    expect(latencyMs).toBeLessThan(5000);
    expect(await lease()).toEqual({ holder: leaders()[0]?.deps.alerting.leader.holderId, token: 2 });

    await sleep(Math.max(0, STOPPED_MS - (performance.now() - stopped)));
    child.signal('SIGCONT');
    const fenced = await child.line((l) => l.msg === 'alert_write_fenced', 5000);
    expect(fenced).toMatchObject({ token: 1, current_token: 2, tenant: 'acme' });
    await child.line((l) => l.msg === 'alert_leadership_lost', 5000);

    feed.set('acme', c1, counts({ delivered: 1000, optOuts: 5 }));
    await eventually(
      () => Promise.resolve(rx.on('/webhook').length),
      (n) => n >= 2,
      { timeoutMs: 5000 },
    );
    await sleep(500);
    expect(rx.on('/webhook').map((r) => r.json.kind)).toEqual(['fire', 'resolve']);
    const { rows } = await iso.db.pool.query(
      'SELECT kind, leader_token::int AS token FROM alert_transitions ORDER BY id',
    );
    expect(rows).toEqual([
      { kind: 'fire', token: 2 },
      { kind: 'resolve', token: 2 },
    ]);
    expect(await lease()).toMatchObject({ token: 2 });
    expect(child.lines.filter((l) => l.msg === 'alert_transition')).toEqual([]);
  });
});
