/**
 * The evaluator lease on real Postgres: one holder at a time with a token that grows on every
 * acquisition, writes under an old token refused, a stalled transaction cut off, and three
 * replicas around a leader that stalls mid-pass (it stops renewing, as a SIGSTOPped process does:
 * alert-lease-process.int.test.ts does it to a real process) — replaced within the lease bound,
 * each transition recorded and notified once, and the stalled pass's writes refused when it wakes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@tally/logging';
import { eventually, isolate, type Isolation } from '@tally/testing';
import { createEvaluator, type TickResult } from '../src/alerts/evaluator.ts';
import { FencedError, fencedTransaction } from '../src/alerts/fence.ts';
import { createLeader, type Fence, type Leader } from '../src/alerts/leader.ts';
import type { AlertCountsSource, AlertScope } from '../src/alerts/source.ts';
import { recordFire } from '../src/alerts/transitions.ts';
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

const logger = createLogger({ service: 'test-lease', level: 'silent' });
const spike = counts({ delivered: 1000, optOuts: 50 });
const calm = counts({ delivered: 1000, optOuts: 5 });
const TTL = 2000; // the defaults of ALERT_LEADER_LEASE_TTL_MS / ALERT_LEADER_RENEW_MS
const RENEW = 500;

/** Another replica's view of a feed, whose reads wait while held (a pass stalled mid-way). */
class GatedSource implements AlertCountsSource {
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  waiting = 0;
  constructor(private readonly inner: AlertCountsSource) {}
  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.gate = undefined;
    this.open?.();
  }
  async windowCounts(tenantId: string, scope: AlertScope, minutes: number, end: Date) {
    if (this.gate) {
      this.waiting++;
      await this.gate;
    }
    return this.inner.windowCounts(tenantId, scope, minutes, end);
  }
  listActiveScopes(tenantId: string | undefined, now: Date) {
    return this.inner.listActiveScopes(tenantId, now);
  }
  baselineOptOutRate(tenantId: string, now: Date) {
    return this.inner.baselineOptOutRate(tenantId, now);
  }
}

describe('evaluator lease', () => {
  let iso: Isolation;
  const leaders: Leader[] = [];
  const lease = (ttlMs = TTL, renewMs = RENEW) => {
    const l = createLeader({ connectionString: iso.db.url, logger, ttlMs, renewMs });
    leaders.push(l);
    return l;
  };
  const row = async () =>
    (await iso.db.pool.query('SELECT holder, token::int AS token FROM leader_leases')).rows[0];

  beforeEach(async () => {
    iso = await isolate('lease');
    await addTenant(iso, 'acme');
  });
  afterEach(async () => {
    await Promise.all(leaders.splice(0).map((l) => l.release()));
    await iso?.cleanup();
  });

  it('has one holder at a time; renewals keep the token, each acquisition adds one', async () => {
    const [a, b, c] = [lease(), lease(), lease()];
    const first = await Promise.all([a, b, c].map((l) => l.acquire()));
    expect(first.filter((f) => f !== null)).toEqual([{ lease: 'alert_evaluator', token: 1, holdMs: 1000 }]);
    const holder = [a, b, c].find((l) => l.isLeader());
    expect(holder).toBeDefined();
    expect(await row()).toEqual({ holder: holder?.holderId, token: 1 });
    // renewing (the holder) and trying (the others) three times in 1.5 s changes nothing
    for (let i = 0; i < 3; i++) {
      await sleep(RENEW);
      await Promise.all([a, b, c].map((l) => l.acquire()));
    }
    expect([a, b, c].filter((l) => l.isLeader())).toEqual([holder]);
    expect(await row()).toEqual({ holder: holder?.holderId, token: 1 });
    // given back: the next to try takes it at once, with the next token
    await holder?.release();
    const next = [a, b, c].filter((l) => l !== holder);
    const second = await Promise.all(next.map((l) => l.acquire()));
    expect(second.filter((f) => f !== null).map((f) => f?.token)).toEqual([2]);
  });

  it('refuses a write under an old token and writes nothing; the old holder knows it lost', async () => {
    const a = lease(1000, 300);
    const b = lease(1000, 300);
    const stale = await a.acquire();
    expect(stale?.token).toBe(1);
    expect(await b.acquire()).toBeNull();
    await sleep(1100); // a stops renewing (stalled): its lease runs out, on its clock too
    expect(a.current()).toBeNull();
    const fresh = await b.acquire();
    expect(fresh?.token).toBe(2);
    const fire = (fence: Fence | null, campaignId: string) =>
      recordFire(iso.db.pool, fence ?? { lease: 'alert_evaluator', token: 0, holdMs: 500 }, {
        tenantId: 'acme',
        ruleType: 'optOutSpike',
        scope: { kind: 'campaign', campaignId },
        numbers: {},
        at: new Date(),
        autoPause: false,
      });
    const refused = await fire(stale, 'stale').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(FencedError);
    expect((refused as FencedError).currentToken).toBe(2);
    expect((await fire(fresh, 'fresh'))?.alert.scope.id).toBe('fresh');
    const { rows } = await iso.db.pool.query(
      'SELECT a.scope_id, t.leader_token::int AS token FROM alerts a JOIN alert_transitions t ON t.alert_id = a.id',
    );
    expect(rows).toEqual([{ scope_id: 'fresh', token: 2 }]);
    // the old holder's renewal fails and it stays a follower (b's lease is valid)
    expect(await a.acquire()).toBeNull();
  });

  it('cuts off a fenced transaction that stalls, so it cannot hold the next leader back', async () => {
    const a = lease(1000, 300); // holdMs 500
    const b = lease(1000, 300);
    const fence = await a.acquire();
    if (!fence) throw new Error('no lease');
    const started = Date.now();
    const stalled = fencedTransaction(iso.db.pool, fence, async (client) => {
      await client.query("INSERT INTO alert_rules(tenant_id, rules) VALUES ('acme', '{}')");
      await sleep(3000); // stalled with the lease row locked FOR SHARE
      await client.query('SELECT 1');
    }).catch((err: unknown) => err);
    const taken = await eventually(
      () => b.acquire(),
      (f) => f !== null,
      { timeoutMs: 5000, intervalMs: 50 },
    );
    const takeoverMs = Date.now() - started;
    expect(taken?.token).toBe(2);
    expect(takeoverMs).toBeGreaterThanOrEqual(950);
    expect(takeoverMs).toBeLessThan(1500); // the lease's 1 s, not the 3 s stall
    expect(await stalled).toBeInstanceOf(Error); // Postgres ended the session after 500 ms idle
    const { rows } = await iso.db.pool.query('SELECT count(*)::int AS n FROM alert_rules');
    expect(rows[0].n).toBe(0);
  });
});

describe('three replicas and a leader that stalls mid-pass', () => {
  let iso: Isolation;
  let feed: FeedSource;
  let gated: GatedSource;
  let rx: Receiver;
  let standbys: Instance[] = [];
  let stalled: Leader;

  beforeEach(async () => {
    iso = await isolate('stall');
    feed = new FeedSource();
    gated = new GatedSource(feed);
    rx = await startReceiver();
    standbys = [await startInstance(iso, feed), await startInstance(iso, feed)];
    const key = await addTenant(iso, 'acme');
    await call(standbys[0] as Instance, key, 'PUT', '/v1/alert-rules', {
      optOutSpike: { resolveAfterSeconds: 0.5 },
    });
    const hook = {
      kind: 'webhook',
      name: 'hook',
      url: rx.url('/webhook'),
      secret: 'whsec_stall_test_secret_0001',
    };
    expect((await call(standbys[0] as Instance, key, 'POST', '/v1/notification-channels', hook)).status).toBe(
      201,
    );
    stalled = createLeader({ connectionString: iso.db.url, logger, ttlMs: TTL, renewMs: RENEW });
  });
  afterEach(async () => {
    gated.release();
    for (const s of standbys) await s.stop();
    await stalled.release();
    await rx?.close();
    await iso?.cleanup();
  });

  const leaders = () => standbys.filter((s) => s.deps.alerting.leader.isLeader());

  it('is replaced within the lease bound; one fire, one resolve; its stale writes are refused', async () => {
    const before = performance.now();
    const fence = await stalled.acquire(); // its last renewal: from here on it runs nothing
    const stallStarted = (before + performance.now()) / 2;
    expect(fence?.token).toBe(1);
    for (const s of standbys) s.deps.alerting.start();

    // Two passes of the stalled replica already past their lease check, waiting on their reads:
    // one with its real lease, one as if its clock check had passed just before the stall.
    gated.hold();
    feed.set('acme', { kind: 'campaign', campaignId: 'c1' }, spike);
    const staleClock: Leader = { ...stalled, current: () => fence, isLeader: () => true };
    const ticks: Promise<TickResult>[] = [stalled, staleClock].map((leader) =>
      createEvaluator({ pool: iso.db.pool, source: gated, leader, logger }).tick(new Date()),
    );
    await eventually(
      () => Promise.resolve(gated.waiting),
      (n) => n >= 2,
      { timeoutMs: 2000, intervalMs: 10 },
    );
    expect(leaders()).toEqual([]);

    await eventually(
      () => Promise.resolve(leaders().length),
      (n) => n === 1,
      { timeoutMs: 5000, intervalMs: 10 },
    );
    const takeoverMs = performance.now() - stallStarted;
    await eventually(
      () => Promise.resolve(rx.on('/webhook').length),
      (n) => n >= 1,
      {
        timeoutMs: 5000,
        intervalMs: 10,
      },
    );
    const notifiedMs = performance.now() - stallStarted;
    console.info(
      `stalled leader: taken over after ${takeoverMs.toFixed(0)} ms, fire notified after ${notifiedMs.toFixed(0)} ms`,
    );
    expect(takeoverMs).toBeGreaterThanOrEqual(TTL - 50); // never before the lease ran out
    expect(takeoverMs).toBeLessThan(TTL + RENEW + 300);
    expect(notifiedMs).toBeLessThan(5000);

    // it wakes: one pass notices its lease is gone, the other is refused by Postgres
    gated.release();
    const [own, stale] = await Promise.all(ticks);
    expect(own).toEqual({ leader: false, transitions: [], abandoned: 'lease_lost' });
    expect(stale).toEqual({ leader: false, transitions: [], abandoned: 'fenced' });
    expect(stalled.isLeader()).toBe(false);

    feed.set('acme', { kind: 'campaign', campaignId: 'c1' }, calm);
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
    expect(leaders()).toHaveLength(1);
  });
});
