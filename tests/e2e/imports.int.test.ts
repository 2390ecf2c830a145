/**
 * Issue 22, "History a new tenant can bring": a fresh tenant's 60 days of history (a few thousand
 * events, relative to the run's clock) through ingest's import route with the CLI's client
 * (services/cli/src/import.ts), then the same file again under the same import id (every part
 * answered from its record, nothing published) and again under a second import id (all published
 * again: every event a duplicate). Every figure served equals the reference model computed from
 * what ingest published, with nothing late; the same history through /v1/events counts everything
 * older than the 7-day horizon late — until the same file is imported for that tenant, which takes
 * the late copies back and ends with the same figures.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedisClient } from '@tally/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeModel, type ArrivedEvent } from '@tally/model';
import { RedisKeys } from '@tally/counters';
import { TOPICS } from '@tally/events';
import { beforeRun, redisOfEnv } from '@tally/testing';
import { runImport, type ImportSummary } from '../../services/cli/src/import.ts';
import { scanKeys, servedTenant } from '../../services/aggregator/test/served.ts';
import { differences, published, waitAllApplied } from './demo-traffic.ts';
import { rng } from './generated-stream.ts';
import { startPipeline, type Pipeline } from './harness.ts';

const DAY = 86_400_000;
const HORIZON = 7 * DAY;

type Posted = Record<string, unknown> & { eventId: string; occurredAt: string };

/** The aggregator's default minute-bucket TTL (MINUTE_BUCKET_TTL_SECONDS): rolling windows only. */
const MINUTE_TTL_S = 26 * 3600;

/**
 * The model without the minute buckets Redis has expired: a minute bucket serves the rolling
 * windows (≤ 24 h) and lives MINUTE_TTL_S past its minute (keys.ts), so a 60-day history keeps
 * only its last day's minutes; every lifetime figure is compared whole.
 */
function withoutExpiredMinutes<T>(v: T, nowMs: number, inMinutes = false): T {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (inMinutes && /^\d+$/.test(k) && (Number(k) + 1) * 60 + MINUTE_TTL_S < nowMs / 1000) continue;
    out[k] = withoutExpiredMinutes(x, nowMs, /^minute/.test(k));
  }
  return out as T;
}

/** 60 days of SMS campaigns (a campaign a week), ending an hour before the run: ~3,200 events. */
function history(messages: number, seed: number): Posted[] {
  const rand = rng(seed);
  const end = beforeRun(60);
  const start = end - 60 * DAY;
  const out: Posted[] = [];
  for (let i = 0; i < messages; i++) {
    const t0 = start + Math.floor((i * (end - start - 3600_000)) / messages);
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    const messageId = `h${i}`;
    const recipientId = `+4477009${String(i % 400).padStart(5, '0')}`;
    const campaignId = `week${Math.floor((t0 - start) / (7 * DAY))}`;
    const base = { channel: 'sms', messageId, recipientId };
    out.push({
      ...base,
      eventId: `${messageId}-s`,
      type: 'sent',
      occurredAt: at(0),
      campaignId,
      cost: { amount: 0.05, currency: 'USD' },
    });
    if (rand() < 0.12) {
      out.push({ ...base, eventId: `${messageId}-f`, type: 'failed', occurredAt: at(5), errorCode: '30003' });
      continue;
    }
    out.push({ ...base, eventId: `${messageId}-d`, type: 'delivered', occurredAt: at(5) });
    if (rand() < 0.3)
      out.push({
        ...base,
        eventId: `${messageId}-k`,
        type: 'clicked',
        occurredAt: at(60),
        url: 'https://shop.example/',
      });
    if (rand() < 0.15)
      out.push({
        ...base,
        eventId: `${messageId}-v`,
        type: 'converted',
        occurredAt: at(3600),
        value: { amount: 12.5, currency: 'EUR' },
      });
    // Recipient-level: attributed through the recipient's reaches (state the import must keep).
    if (rand() < 0.1)
      out.push({
        eventId: `${messageId}-r`,
        type: 'replied',
        channel: 'sms',
        recipientId,
        occurredAt: at(120),
      });
    if (rand() < 0.03)
      out.push({
        eventId: `${messageId}-o`,
        type: 'opted_out',
        channel: 'sms',
        recipientId,
        occurredAt: at(300),
      });
  }
  return out;
}

/** The tenant's partition state in Redis: records per hash, and the hashes' bytes (MEMORY USAGE). */
async function stateSize(redis: RedisClient, prefix: string, topic: string) {
  const keys = new RedisKeys(prefix);
  const out = { recipients: 0, messages: 0, tombstones: 0, loose: 0, bytes: 0 };
  for (let n = 0; n < TOPICS.events.partitions; n++) {
    const pk = keys.partition(topic, n);
    for (const [name, key] of [
      ['recipients', pk.recipients],
      ['messages', pk.messages],
      ['tombstones', pk.tombstones],
      ['loose', pk.loose],
    ] as const) {
      out[name] += await redis.hlen(key);
      out.bytes += Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
    }
  }
  return out;
}

describe('a 60-day history through the import route (issue 22)', () => {
  let p: Pipeline;
  let redis: RedisClient;
  let url: string;
  let tenant: string;
  let liveTenant: string;
  let key: string;
  let liveKey: string;
  let file: string;
  const events = history(1000, 22);
  const runs: Record<string, ImportSummary> = {};
  const logs: string[] = [];
  let liveLate: Record<string, number> = {};
  const sizes: Record<string, Awaited<ReturnType<typeof stateSize>>> = {};
  const size = () => stateSize(redis, p.iso.redisPrefix, p.aggregatorDeps.topics.events);
  const sweeps = () => new Promise((r) => setTimeout(r, 2000));

  const importFile = (importId: string, close: boolean) =>
    runImport({ file, key, url, importId, partSize: 400, close, log: (l) => logs.push(l), waitMs: 120_000 });

  beforeAll(async () => {
    // Sweeps every 200 ms, settings re-read every 500 ms: retirement acts at once on what it may.
    p = await startPipeline(
      'imports',
      { SWEEP_INTERVAL_MS: '200', TENANT_SETTINGS_TTL_MS: '500' },
      { maxAgeMs: 61 * DAY },
    );
    redis = redisOfEnv(p.iso.env);
    tenant = `hist${p.iso.id}`;
    liveTenant = `live${p.iso.id}`;
    key = await p.addTenant(tenant);
    liveKey = await p.addTenant(liveTenant);
    await p.ingest.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(p.ingest.server.address() as AddressInfo).port}`;
    file = join(mkdtempSync(join(tmpdir(), 'tally-import-')), 'history.ndjson');
    writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    // The import, left open; the same history under a second id (a re-sent import); the first
    // import's file again under its id (every part recorded: nothing published), then both closed.
    runs.first = await importFile('first', false);
    await sweeps();
    sizes.open = await size();
    runs.again = await importFile('again', true);
    runs.replay = await importFile('first', true);
    await sweeps();
    sizes.closed = await size();
    // The same history as live traffic, for another fresh tenant: what it counted late, and then
    // the same file imported for it (the import takes the late copies back).
    for (let i = 0; i < events.length; i += 500) {
      const res = await p.postEvents(liveKey, events.slice(i, i + 500));
      expect(res.status).toBe(202);
    }
    await waitAllApplied(p.iso, redis, p.aggregatorDeps.topics.events, 120_000);
    liveLate = ((await p.getJson(liveKey, '/v1/attribution')).body as { late: Record<string, number> }).late;
    runs.rescue = await runImport({
      file,
      key: liveKey,
      url,
      importId: 'rescue',
      partSize: 1000,
      close: true,
      log: (l) => logs.push(l),
    });
    await waitAllApplied(p.iso, redis, p.aggregatorDeps.topics.events, 120_000);
  }, 300_000);

  afterAll(async () => {
    redis?.disconnect();
    await p?.stop();
  });

  it('publishes the file once per import id and answers a replayed part from its record', () => {
    expect(events.length).toBeGreaterThan(2500);
    expect(runs.first).toMatchObject({ accepted: events.length, rejected: 0, published: events.length });
    expect(runs.again).toMatchObject({
      published: events.length,
      applied: 0,
      duplicate: events.length,
      late: 0,
      state: 'closed',
    });
    expect(runs.replay).toMatchObject({
      published: events.length,
      applied: events.length,
      duplicate: 0,
      late: 0,
      state: 'closed',
    });
    expect(logs.filter((l) => l.includes('(already recorded)'))).toHaveLength(Math.ceil(events.length / 400));
  });

  it('keeps the whole history while the import is open, and retires it by the horizon once closed', () => {
    const newest = new Map<string, number>();
    for (const e of events) {
      const m = typeof e.messageId === 'string' ? e.messageId : '';
      if (m) newest.set(m, Math.max(newest.get(m) ?? 0, Date.parse(e.occurredAt)));
    }
    // Kept after the close: a message whose newest event is within max(windows) + H = 12 days.
    const young = [...newest.values()].filter((t) => Date.now() - t < 12 * DAY - 3600_000).length;
    const old = [...newest.values()].filter((t) => Date.now() - t > 12 * DAY + 3600_000).length;
    console.log(
      `[imports] state while open ${JSON.stringify(sizes.open)}, after close ${JSON.stringify(sizes.closed)}`,
    );
    expect(sizes.open).toMatchObject({ messages: 1000, tombstones: 0, recipients: 400 });
    expect(sizes.closed?.messages).toBeGreaterThanOrEqual(young);
    expect(sizes.closed?.messages).toBeLessThanOrEqual(1000 - old);
    expect(sizes.closed?.tombstones).toBe(1000 - (sizes.closed?.messages ?? 0));
    expect(sizes.closed?.bytes).toBeLessThan(sizes.open?.bytes ?? 0);
  });

  it('serves every figure the reference model computes, with nothing late', async () => {
    const all = await published(p.iso.env.KAFKA_BROKERS, p.aggregatorDeps.topics.events, p.iso.id);
    const mine = all.filter((e) => e.tenantId === tenant);
    expect(mine).toHaveLength(2 * events.length);
    expect(new Set(mine.map((e) => e.importId))).toEqual(new Set(['first', 'again']));
    const check = async (t: string, evs: ArrivedEvent[]) => {
      const now = Math.max(...evs.map((e) => e.arrivalMs));
      const want = withoutExpiredMinutes(computeModel({ events: evs, now }).tenants[t], Date.now());
      const keys = new RedisKeys(p.iso.redisPrefix);
      const got = await servedTenant(
        redis,
        keys,
        t,
        Object.keys(want?.senders ?? {}),
        { horizonMs: HORIZON, now },
        await scanKeys(redis, keys),
      );
      expect(differences(got, want), `served ≠ model for ${t}`).toEqual([]);
      return want;
    };
    const want = await check(tenant, mine);
    expect(Object.keys(want?.campaigns ?? {}).length).toBeGreaterThanOrEqual(8);
    expect(want?.late ?? {}).toEqual({});
    const sent = Object.values(want?.campaigns ?? {}).reduce((n, c) => n + (c.counts.sent ?? 0), 0);
    expect(sent).toBe(1000);
    // The same events through /v1/events: everything older than the horizon was late; imported
    // after that, the late copies are taken back and the tenant's figures are the history's.
    const live = all.filter((e) => e.tenantId === liveTenant);
    const older = live.filter((e) => !e.importId && e.arrivalMs - Date.parse(e.occurredAt) > HORIZON).length;
    expect(Object.values(liveLate).reduce((n, v) => n + v, 0)).toBe(older);
    expect(older).toBeGreaterThan(events.length * 0.8);
    expect(runs.rescue).toMatchObject({ published: events.length, late: 0, state: 'closed' });
    expect(runs.rescue?.applied).toBe(older);
    expect(runs.rescue?.duplicate).toBe(events.length - older);
    const liveWant = await check(liveTenant, live);
    expect(liveWant?.late ?? {}).toEqual({});
    expect(liveWant?.campaigns).toEqual(want?.campaigns);
  }, 120_000);

  it('serves the imported KPIs through the API; the live tenant was late until its import', async () => {
    const kpis = await p.getJson(key, '/v1/campaigns/week1/kpis');
    expect(kpis.status).toBe(200);
    expect(kpis.body.counts.sent).toBeGreaterThan(100);
    const attribution = await p.getJson(key, '/v1/attribution');
    expect(attribution.body.late).toEqual({});
    const liveAttribution = await p.getJson(liveKey, '/v1/attribution');
    expect(liveLate.sent).toBeGreaterThan(800);
    expect(liveAttribution.body.late).toEqual({});
    const progress = await p.ingest.inject({
      method: 'GET',
      url: '/v1/imports/first',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(progress.json()).toMatchObject({ state: 'closed', done: true, applied: events.length, late: 0 });
    const closed = await p.ingest.inject({
      method: 'PUT',
      url: '/v1/imports/first/parts/99',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      payload: JSON.stringify(events[0]),
    });
    expect([closed.statusCode, closed.json().error.code]).toEqual([409, 'import_closed']);
    const other = await p.ingest.inject({
      method: 'GET',
      url: '/v1/imports/first',
      headers: { authorization: `Bearer ${liveKey}` },
    });
    expect(other.statusCode).toBe(404);
  });
});
