/**
 * Issue 12: 40 concurrent audience requests on a small pool gave 29 × 500 (`timeout exceeded when
 * trying to connect`) and took up to 9 s. Heavy reads now take turns (heavy-reads.ts): every
 * answer is a 200 or a 503 `overloaded` with Retry-After, none a 500, and the slowest comes within
 * the wait deadline plus the statement timeout. A cancelled statement and an exhausted main pool
 * are 503s too. Issue 24: 40 identical concurrent reads gave 20 × 503; identical reads in flight
 * now share one computation, so they all answer 200 (and the counter shows one computation),
 * while 40 different reads still meet the limits. Issue 22: one tenant's heavy reads in a loop
 * took every turn, so another tenant's reads waited behind them or were refused; a tenant now holds
 * at most HEAVY_READ_TENANT_CONCURRENCY turns and freed turns go to the tenants in rotation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceDeltas, parseRollupKey, type AudienceFacts } from '@tally/kpi';
import { startApi, type Api } from './api-fixture.ts';

const DAY_MS = 86_400_000;
const RECIPIENTS = 60_000;

/**
 * Recipients of `tenant` reached on sms today (3) and yesterday (2), never engaged: silent, all of
 * them. The rows and the rollups are written as the snapshotter writes them (typed columns,
 * rolled; one recipient's rollup deltas times RECIPIENTS), so the reads cost what they cost live.
 */
async function seedAudience(api: Api, tenant: string): Promise<void> {
  const today = Math.floor(Date.now() / DAY_MS);
  await api.iso.db.pool.query(
    `INSERT INTO recipient_state(tenant_id, recipient_id, state, last_reach_day, rolled)
     SELECT $1, 'r' || lpad(g::text, 6, '0'),
            jsonb_build_object('rd:sms', $2::int || ':3;' || ($2::int - 1) || ':2',
                               'lr:sms', ($3::bigint - g) || '|k1|m' || g, 'sub', 'in'),
            $2::int, true
       FROM generate_series(1, $4::int) g`,
    [tenant, today, Date.now(), RECIPIENTS],
  );
  const facts: AudienceFacts = {
    reaches: { sms: { [today]: 3, [today - 1]: 2 } },
    reachedChannels: ['sms'],
    lastEngagedAt: null,
    lastClickAt: null,
    lastReplyAt: null,
    subscribed: true,
    optedOutAt: null,
    conversions: {},
    revenue: {},
    allConversions: 0,
    allRevenue: {},
    holds: 0,
  };
  const rows = [...audienceDeltas(null, facts)].map(([k, n]) => ({
    ...parseRollupKey(k),
    n: n * RECIPIENTS,
  }));
  await api.iso.db.pool.query(
    `INSERT INTO audience_rollup(tenant_id, period, scope, day, reaches, flags, n)
     SELECT $1, r.period, r.scope, r.day, r.reaches, r.flags, r.n
       FROM jsonb_to_recordset($2::jsonb) AS r(period int, scope text, day int, reaches int, flags int, n bigint)`,
    [tenant, JSON.stringify(rows)],
  );
}

const LIMITS = {
  PG_POOL_MAX: '2',
  PG_CONNECT_TIMEOUT_MS: '1000',
  HEAVY_READ_CONCURRENCY: '2',
  HEAVY_READ_QUEUE: '6',
  HEAVY_READ_WAIT_MS: '1000',
  HEAVY_STATEMENT_TIMEOUT_MS: '3000',
};
const SLACK_MS = 1500;

interface Answer {
  status: number;
  ms: number;
  retryAfter: unknown;
  body: any;
}

async function burst(
  api: Api,
  key: string,
  n: number,
  url: string | ((i: number) => string),
): Promise<Answer[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const started = Date.now();
      const res = await api.call(key, 'GET', typeof url === 'string' ? url : url(i));
      return {
        status: res.status,
        ms: Date.now() - started,
        retryAfter: res.headers['retry-after'],
        body: res.body,
      };
    }),
  );
}

describe('heavy reads under load', () => {
  let api: Api;
  let key: string;

  beforeAll(async () => {
    api = await startApi(LIMITS);
    key = await api.addTenant('acme');
    await seedAudience(api, 'acme');
  }, 120_000);
  afterAll(() => api.stop());

  /** The value of one series of a counter in /metrics (0 when absent). */
  const counter = async (name: string, labels: string) => {
    const text = (await api.app.inject({ method: 'GET', url: '/metrics' })).body;
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return Number(line?.split(' ').pop() ?? 0);
  };
  const SILENT = '/v1/audience/silent-disengagement';

  it('answers 40 concurrent identical audience reads all 200, from one computation', async () => {
    const series = `route="${SILENT}",result=`;
    const computed = await counter('query_api_heavy_reads_total', `${series}"computed"`);
    const shared = await counter('query_api_heavy_reads_total', `${series}"shared"`);
    const answers = await burst(api, key, 40, `${SILENT}?days=30&limit=10`);
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 40 }, () => 200));
    for (const a of answers) expect(a.body).toMatchObject({ count: RECIPIENTS, recipients: { length: 10 } });
    expect((await counter('query_api_heavy_reads_total', `${series}"computed"`)) - computed).toBe(1);
    expect((await counter('query_api_heavy_reads_total', `${series}"shared"`)) - shared).toBe(39);
    // the same query spelled otherwise (defaults, order) is the same read; nothing is kept after it
    const again = await burst(api, key, 2, (i) =>
      i === 0 ? `${SILENT}?limit=10` : `${SILENT}?limit=10&days=30&minMessages=3`,
    );
    expect(again.map((a) => a.status)).toEqual([200, 200]);
    expect((await counter('query_api_heavy_reads_total', `${series}"computed"`)) - computed).toBe(2);
  });

  it('answers 40 concurrent different audience reads with 200 or 503 overloaded, none 500, all in time', async () => {
    const answers = await burst(api, key, 40, (i) => `${SILENT}?days=30&limit=${i + 1}`);
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(statuses).toContain(200);
    expect(statuses).toContain(503);
    for (const a of answers.filter((x) => x.status === 503)) {
      expect(a.body).toEqual({ error: { code: 'overloaded', message: expect.any(String) } });
      expect(a.retryAfter).toBe('1');
    }
    for (const a of answers.filter((x) => x.status === 200))
      expect(a.body).toMatchObject({ count: RECIPIENTS });
    expect(await counter('query_api_heavy_reads_refused_total', 'reason="queue_full"')).toBeGreaterThan(0);
    const slowest = Math.max(...answers.map((a) => a.ms));
    expect(slowest).toBeLessThan(
      Number(LIMITS.HEAVY_READ_WAIT_MS) + Number(LIMITS.HEAVY_STATEMENT_TIMEOUT_MS) + SLACK_MS,
    );
    // and nothing is left holding a turn: the next request is served
    expect(api.deps.heavy.pool.waitingCount).toBe(0);
    const after = await api.call(key, 'GET', '/v1/audience/frequency?days=7');
    expect(after.status).toBe(200);
    expect(after.body.buckets.find((b: any) => b.bucket === '4-5')?.recipients).toBe(RECIPIENTS);
  });

  it('keeps the routes that are not heavy answering meanwhile', async () => {
    const heavyBurst = burst(api, key, 20, (i) => `${SILENT}?days=30&limit=${i + 1}`);
    const light = await api.call(key, 'GET', '/v1/alerts');
    expect(light.status).toBe(200);
    await heavyBurst;
  });
});

describe('statement timeout and an exhausted pool', () => {
  let api: Api;
  let key: string;

  beforeAll(async () => {
    api = await startApi({
      ...LIMITS,
      HEAVY_STATEMENT_TIMEOUT_MS: '1',
      PG_POOL_MAX: '1',
      PG_CONNECT_TIMEOUT_MS: '300',
    });
    key = await api.addTenant('acme');
    await seedAudience(api, 'acme');
  }, 120_000);
  afterAll(() => api.stop());

  it('answers a statement Postgres cancelled with 503 overloaded', async () => {
    const res = await api.call(key, 'GET', '/v1/audience/frequency?days=30');
    expect([res.status, res.body.error.code, res.headers['retry-after']]).toEqual([503, 'overloaded', '1']);
  });

  it('answers 503 overloaded, not 500, when no pool connection comes in time', async () => {
    // the key is cached by the previous request; every connection of the main pool is taken
    const held = await api.deps.pool.connect();
    try {
      const started = Date.now();
      const res = await api.call(key, 'GET', '/v1/alerts');
      expect([res.status, res.body.error.code, res.headers['retry-after']]).toEqual([503, 'overloaded', '1']);
      expect(Date.now() - started).toBeLessThan(300 + SLACK_MS);
    } finally {
      held.release();
    }
    expect((await api.call(key, 'GET', '/v1/alerts')).status).toBe(200);
  });
});

describe('one tenant does not take the heavy reads of another (issue 22)', () => {
  let api: Api;

  beforeAll(async () => {
    // 2 turns, one tenant holds at most 1; each tenant's queue 6
    api = await startApi({ HEAVY_READ_CONCURRENCY: '2', HEAVY_READ_QUEUE: '6', HEAVY_READ_WAIT_MS: '10000' });
  }, 120_000);
  afterAll(() => api.stop());

  // Reads through the service's own heavy-read turns and pool: the loud tenant's each hold their
  // turn 400 ms in Postgres (pg_sleep: no CPU, so the machine's load does not blur the figure);
  // the quiet tenant's are a trivial query, so their time is the wait for a turn and little else.
  const LOUD_MS = 400;
  const loudRead = () =>
    api.deps.heavy.run('loud', () => api.deps.heavy.pool.query(`SELECT pg_sleep(${LOUD_MS / 1000})`));
  async function quietReads(n: number): Promise<number> {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      const { rows } = await api.deps.heavy.run('quiet', () => api.deps.heavy.pool.query('SELECT 1 AS one'));
      expect(rows).toEqual([{ one: 1 }]);
      ms.push(performance.now() - started);
    }
    ms.sort((a, b) => a - b);
    return ms[Math.floor(n / 2)] ?? 0;
  }

  it("keeps the quiet tenant's reads at their normal latency while the loud one loops", async () => {
    await quietReads(3); // warm the pool
    const alone = await quietReads(9);
    // the loud tenant: 6 loops, its turn always busy and its queue full, as a dashboard of many tabs
    let stop = false;
    let loudDone = 0;
    const loops = Array.from({ length: 6 }, async () => {
      while (!stop) {
        await loudRead();
        loudDone += 1;
      }
    });
    let busy: number;
    try {
      await new Promise((r) => setTimeout(r, 100));
      busy = await quietReads(9);
    } finally {
      stop = true;
      await Promise.all(loops);
    }
    expect(loudDone).toBeGreaterThan(0);
    console.log(
      `quiet tenant's median heavy read: alone ${alone.toFixed(1)} ms, beside the loud loop ${busy.toFixed(1)} ms; a loud read holds its turn ${LOUD_MS} ms`,
    );
    // stated bound, as a ratio to the loud tenant's read: with one shared limiter the quiet read
    // waited for a loud turn to end (≥ 1 × LOUD_MS, the test fails); with a share per tenant, not at all
    expect(busy / LOUD_MS).toBeLessThan(0.5);
  }, 120_000);
});
