/**
 * The transactional transitions on real Postgres: evaluators racing on the same alert record each
 * transition once (the lock makes such races rare; these make them certain), with one outbox row
 * per channel and none while silenced. The writes are fenced by a lease the test holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@tally/logging';
import { isolate, recentInstant, type Isolation } from '@tally/testing';
import { createEvaluator } from '../src/alerts/evaluator.ts';
import { recordFire, recordRenotify, recordResolve } from '../src/alerts/transitions.ts';
import { addTenant, counts, FeedSource, holdLease } from './alert-fixtures.ts';

const numbers = { delivered: 1000, optOuts: 50 };

describe('alert transitions', () => {
  let iso: Isolation;
  let lease: Awaited<ReturnType<typeof holdLease>>;
  beforeAll(async () => {
    iso = await isolate('trans');
    lease = await holdLease(iso);
    await addTenant(iso, 'acme');
    await iso.db.pool.query(
      `INSERT INTO notification_channels(tenant_id, kind, name, url, secret) VALUES
        ('acme', 'webhook', 'a', 'http://127.0.0.1:9/a', 'whsec_0123456789abcdef'),
        ('acme', 'slack', 'b', 'http://127.0.0.1:9/b', NULL),
        ('acme', 'pause_webhook', 'p', 'http://127.0.0.1:9/p', 'whsec_0123456789abcdef')`,
    );
  });
  afterAll(async () => {
    await lease?.release();
    await iso?.cleanup();
  });

  const deliveries = async (transitionId: string) =>
    (
      await iso.db.pool.query(
        'SELECT count(*)::int AS n FROM notification_deliveries WHERE transition_id = $1',
        [transitionId],
      )
    ).rows[0].n;

  it('records a fire, a renotify and a resolve once each when five writers race', async () => {
    const at = new Date(recentInstant(10, 1));
    const scope = { kind: 'campaign', campaignId: 'race' } as const;
    const fires = await Promise.all(
      Array.from({ length: 5 }, () =>
        recordFire(iso.db.pool, lease.fence, {
          tenantId: 'acme',
          ruleType: 'optOutSpike',
          scope,
          numbers,
          at,
          autoPause: false,
        }),
      ),
    );
    const fired = fires.filter((f) => f !== null);
    expect(fired).toHaveLength(1);
    const alertId = fired[0]?.alert.id ?? '';
    // webhook and slack; the pause webhook only when an autoPause rule fires
    expect(await deliveries(fired[0]?.transitionId ?? '')).toBe(2);

    const later = new Date(at.getTime() + 4 * 3600_000);
    const renotified = await Promise.all(
      Array.from({ length: 5 }, () =>
        recordRenotify(iso.db.pool, lease.fence, { alertId, previousNotifiedAt: at, numbers, at: later }),
      ),
    );
    expect(renotified.filter((r) => r !== null)).toHaveLength(1);

    const resolves = await Promise.all(
      Array.from({ length: 5 }, () =>
        recordResolve(iso.db.pool, lease.fence, { alertId, numbers, at: later }),
      ),
    );
    expect(resolves.filter((r) => r !== null)).toHaveLength(1);
    const { rows } = await iso.db.pool.query(
      'SELECT kind FROM alert_transitions WHERE alert_id = $1 ORDER BY id',
      [alertId],
    );
    expect(rows.map((r) => r.kind)).toEqual(['fire', 'renotify', 'resolve']);
  });

  it('calls pause webhooks when an autoPause rule fires', async () => {
    const t = await recordFire(iso.db.pool, lease.fence, {
      tenantId: 'acme',
      ruleType: 'deliveryDrop',
      scope: { kind: 'sender', sender: 'MYBRAND' },
      numbers,
      at: new Date(),
      autoPause: true,
    });
    expect(await deliveries(t?.transitionId ?? '')).toBe(3);
  });

  it('two evaluators ticking at the same instant record each transition once', async () => {
    const feed = new FeedSource();
    const logger = createLogger({ service: 'test', level: 'silent' });
    const evaluators = [1, 2].map(() =>
      createEvaluator({ pool: iso.db.pool, source: feed, leader: lease, logger }),
    );
    const scope = { kind: 'campaign', campaignId: 'twins' } as const;
    const t0 = recentInstant(11, 1);
    const tickBoth = async (ms: number) => {
      const results = await Promise.all(evaluators.map((e) => e.tick(new Date(t0 + ms))));
      return results.flatMap((r) =>
        r.transitions.filter((t) => t.alert.scope.id === 'twins').map((t) => t.kind),
      );
    };
    feed.set('acme', scope, counts({ delivered: 1000, optOuts: 50 }));
    expect(await tickBoth(0)).toEqual(['fire']);
    expect(await tickBoth(1000)).toEqual([]);
    feed.set('acme', scope, counts({ delivered: 1000, optOuts: 1 }));
    expect(await tickBoth(2000)).toEqual([]); // clear since 2 s; the default resolve period is 10 min
    expect(await tickBoth(2000 + 599_000)).toEqual([]);
    expect(await tickBoth(2000 + 600_000)).toEqual(['resolve']);
    expect(await tickBoth(2000 + 601_000)).toEqual([]);
  });
});
