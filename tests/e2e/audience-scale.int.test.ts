/**
 * Issue 22: every audience route at 100,000 recipients, through the real pipeline (ingest →
 * Kafka → aggregator → snapshot → query-api), against the reference model (@tally/model).
 *
 * The dataset (audience-scale-dataset.ts) is generated relative to the run's clock: 100,000
 * recipients over the last ~60 days, SMS and WhatsApp sends, deliveries, a fifth clicked, replies,
 * opt-outs and opt-ins, conversions with revenue in two currencies — posted through
 * `POST /v1/events` on a tenant whose late-data horizon (tenant_attribution) accepts that history.
 * Once the aggregator has caught up, a snapshot holds every recipient's row and the rollups.
 *
 * The model is quadratic in places over a tenant's events, so it is not run on the tenant's
 * ~350,000 events at once: no event of the dataset names another recipient's message or recipient,
 * so each recipient's answer depends on its own events only, and the model is run on groups of
 * recipients (computeAudience on each group's events) and the per-recipient maps merged. The
 * recipients' ids are ingest's pseudonyms (its own pseudonymizer), as the routes list them.
 *
 * Checked: silent disengagement for every period of AUDIENCE_PERIODS, on every channel and on all,
 * for two minMessages (count, audience, share, weekly trend, first page), and the whole silent list
 * walked by cursor for one setting; frequency buckets for every period; /v1/value on all and per
 * channel (revenue, reached, converting and repeat recipients, their revenue).
 * AUDIENCE_SCALE_RECIPIENTS sets another size (for a quick run while working on it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '@tally/events';
import { AUDIENCE_PERIODS, fromMoneyUnits, frequencyTable } from '@tally/kpi';
import {
  computeAudience,
  frequencyAnswer,
  silentAnswer,
  valueAnswer,
  type ArrivedEvent,
  type AudienceRecipient,
} from '@tally/model';
import { startPipeline, type Pipeline } from './harness.ts';
import { SCALE_HISTORY_MS, scaleRecipient, type Ev } from './audience-scale-dataset.ts';

const DAY = 86_400_000;
const N = Number(process.env.AUDIENCE_SCALE_RECIPIENTS ?? 100_000);
/** Recipients per model run: small enough that the model's quadratic scans stay cheap. */
const GROUP = 250;
const POST_BATCH = 1000;
const POSTS_IN_FLIGHT = 4;
const CHANNELS: Channel[] = ['sms', 'whatsapp'];
const HORIZON_S = 200 * 86_400;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe(`audience routes at ${N} recipients against the model (issue 22)`, () => {
  let p: Pipeline;
  let key: string;
  let tenant: string;
  const people = new Map<string, AudienceRecipient>();
  let events = 0;

  const ok = async (url: string) => {
    const res = await p.getJson(key, url);
    expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    const started = Date.now();
    p = await startPipeline(
      'audscale',
      // Rows are computed and snapshotted once the load is in, not over and over while it arrives.
      { AUDIENCE_FLUSH_MS: '20000', SNAPSHOT_INTERVAL_MS: '60000', LOG_LEVEL: 'warn' },
      { maxAgeMs: SCALE_HISTORY_MS },
    );
    tenant = `aud${p.iso.id}`;
    key = await p.addTenant(tenant);
    await p.iso.db.pool.query('INSERT INTO tenant_attribution(tenant_id, horizon_s) VALUES ($1, $2)', [
      tenant,
      HORIZON_S,
    ]);
    const ready = Date.now();
    const today = Math.floor(Date.now() / DAY);
    const posted: Ev[] = [];
    for (let i = 0; i < N; i++) posted.push(...scaleRecipient(today, i));
    posted.sort((a, b) => String(a.occurredAt).localeCompare(String(b.occurredAt)));
    events = posted.length;
    const batches: Ev[][] = [];
    for (let i = 0; i < posted.length; i += POST_BATCH) batches.push(posted.slice(i, i + POST_BATCH));
    let next = 0;
    const poster = async () => {
      while (next < batches.length) {
        const batch = batches[next++] as Ev[];
        const res = await p.postEvents(key, batch);
        expect(res.status, JSON.stringify(res.body)).toBe(202);
      }
    };
    await Promise.all(Array.from({ length: POSTS_IN_FLIGHT }, poster));
    const postedAt = Date.now();
    // The load is applied well after it is posted on a busy machine: wait as long as the hook may.
    await p.settle(480_000);
    const appliedAt = Date.now();
    await p.aggregator.snapshot();
    const snapshotAt = Date.now();
    const rows = await p.iso.db.pool.query(
      'SELECT count(*)::int AS n FROM recipient_state WHERE tenant_id = $1',
      [tenant],
    );
    expect(rows.rows[0].n).toBe(N);
    modelOf(tenant, today, posted.length);
    console.info(
      `audience-scale: ${N} recipients, ${events} events; pipeline ready in ${ready - started} ms, ` +
        `posted ${postedAt - ready} ms later, ` +
        `applied ${appliedAt - postedAt} ms later, snapshot ${snapshotAt - appliedAt} ms, model ${Date.now() - snapshotAt} ms`,
    );
  }, 900_000);

  /** The model's recipients, a group at a time (see the module doc), with ingest's pseudonyms. */
  function modelOf(tenantId: string, today: number, total: number): void {
    const now = Date.now();
    const windows = { [tenantId]: { horizonMs: HORIZON_S * 1000 } };
    let seen = 0;
    for (let from = 0; from < N; from += GROUP) {
      const group: ArrivedEvent[] = [];
      for (let i = from; i < Math.min(N, from + GROUP); i++)
        for (const e of scaleRecipient(today, i)) group.push(canonical(tenantId, e, now));
      seen += group.length;
      const recipients = computeAudience({ events: group, windows, now }).get(tenantId);
      for (const [id, r] of recipients ?? []) people.set(id, r);
    }
    expect(seen).toBe(total);
    expect(people.size).toBe(N);
  }

  function canonical(tenantId: string, e: Ev, now: number): ArrivedEvent {
    const out = { ...e, tenantId, arrivalMs: now } as unknown as ArrivedEvent;
    if (typeof e.recipientId === 'string') {
      const r = p.ingestDeps.pseudonymizer.recipient(tenantId, e.recipientId, e.channel as Channel);
      out.recipientId = r?.recipientId;
    }
    return out;
  }

  afterAll(async () => {
    await p?.stop();
  });

  const today = () => Math.floor(Date.now() / DAY);
  const listed = (list: ReturnType<typeof silentAnswer>['list']) =>
    list.map((r) => ({ ...r, lastReachAt: iso(r.lastReachAt), lastEngagedAt: iso(r.lastEngagedAt) }));

  it('silent disengagement: every period, channel and two minMessages (summary, trend, first page)', async () => {
    for (const days of AUDIENCE_PERIODS)
      for (const channel of [null, ...CHANNELS])
        for (const minMessages of [1, 3]) {
          const q = `days=${days}&minMessages=${minMessages}&limit=100${channel ? `&channel=${channel}` : ''}`;
          const b = await ok(`/v1/audience/silent-disengagement?${q}`);
          const want = silentAnswer(people, today(), days, minMessages, channel);
          expect(
            {
              count: b.count,
              audience: b.audience,
              share: b.share,
              trend: b.trend.map((w: any) => ({ reached: w.reached, silentSince: w.silentSince })),
              page: b.recipients,
            },
            q,
          ).toEqual({
            count: want.count,
            audience: want.audience,
            share: want.audience === 0 ? null : want.count / want.audience,
            trend: want.trend,
            page: listed(want.list.slice(0, 100)),
          });
          if (days === 30 && channel === null && minMessages === 1)
            expect(want.count).toBeGreaterThan(N / 10);
        }
  }, 300_000);

  it('silent disengagement: the whole list, page by page, for days=14&minMessages=2', async () => {
    const want = silentAnswer(people, today(), 14, 2, null);
    const got: unknown[] = [];
    let cursor: string | null = null;
    do {
      const b: any = await ok(
        `/v1/audience/silent-disengagement?days=14&minMessages=2&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      );
      got.push(...b.recipients);
      cursor = b.nextCursor;
    } while (cursor !== null);
    expect(want.list.length).toBeGreaterThan(N / 50);
    expect(got).toEqual(listed(want.list));
  }, 300_000);

  it('frequency: every period', async () => {
    for (const days of AUDIENCE_PERIODS) {
      const b = await ok(`/v1/audience/frequency?days=${days}`);
      expect(b.buckets, `days=${days}`).toEqual(frequencyTable(frequencyAnswer(people, today(), days)));
    }
  });

  it('value: on all channels and on each', async () => {
    for (const channel of [null, ...CHANNELS]) {
      const b = await ok(`/v1/value${channel ? `?channel=${channel}` : ''}`);
      const want = valueAnswer(people, channel);
      const revenue = Object.fromEntries(
        Object.entries(want.revenue).map(([c, u]) => [c, fromMoneyUnits(u)]),
      );
      expect(
        {
          revenue: b.revenue,
          reachedRecipients: b.reachedRecipients,
          convertingRecipients: b.convertingRecipients,
          repeatConverters: b.repeatConverters,
          convertingRecipientRevenue: b.convertingRecipientRevenue,
        },
        `channel=${channel}`,
      ).toEqual({
        // Every conversion is on a message, so the campaigns' revenue is the recipients'.
        revenue,
        reachedRecipients: want.reached,
        convertingRecipients: want.converting,
        repeatConverters: want.repeat,
        convertingRecipientRevenue: revenue,
      });
      if (channel === null) expect(want.repeat).toBeGreaterThan(0);
    }
  });
});
