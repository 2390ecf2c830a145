/**
 * Issue 22's `audience` scenario: the audience routes at a platform's scale, through the real
 * pipeline. For each size N (quick: 20,000 recipients; full: BENCH_AUDIENCE_POINTS or 100,000,
 * 300,000 and 1,000,000), in a database, topic and Redis prefix of its own, with the aggregator,
 * ingest and query-api as their own processes:
 *  - load: N recipients brought as a history import (ingest's PUT /v1/imports/:id/parts/:n, the
 *    backfill path), each one SMS sent on one of the last 89 days and delivered; a fifth clicked,
 *    a tenth replied, one in twenty opted out (the issue's shape). Imported events are late only
 *    beyond the tenant's backfill limit (90 days by default), so all of it counts; the import is
 *    closed once the aggregator applied it;
 *  - settled: every offset applied and a snapshot holding every recipient (the frequency answer
 *    over 90 days counts N), then one more snapshot;
 *  - cost of keeping the answers current: the aggregator's process CPU (its /metrics) from before
 *    the first event to the settled snapshot, per event posted;
 *  - Postgres bytes per recipient: pg_total_relation_size of recipient_state + audience_rollup +
 *    value_rollup + control_rollup (the run's own database, one tenant) / N;
 *  - read latency, p50 and p99 over REQUESTS sequential requests each: the silent-disengagement
 *    summary and first page (days=30, minMessages=1, 50 rows), frequency (days=30), /v1/value, and
 *    the send-time heat map.
 * Then how each figure grows with N (the exponent k of figure ∝ N^k, fitted over the measured
 * points) and, labelled as such, the figure at 10M recipients extrapolated from the largest point
 * along that power law (k not below 0) — 10M does not fit the machine in a benchmark run's time.
 */
import { createPool } from '@tally/db';
import { benchEnv, dropBenchDatabase, startAll, type BenchEnv, type Running } from '../lib/processes.ts';
import type { Figure } from '../lib/report.ts';
import { summarize } from '../lib/stats.ts';
import { benchTenant } from '../lib/tenant.ts';
import { metric } from './aggregator.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const TENANT = 'bench';
const BATCH = 1000;
const IN_FLIGHT = 4;
const REQUESTS = 50;
const TARGET = 10_000_000;

type Ev = Record<string, unknown>;

/** Recipient i's events (see the module doc): every time at most 21 h after a midnight ≥ 1 day ago. */
function recipientEvents(today: number, i: number): Ev[] {
  const raw = `aud-${i}`;
  const daysAgo = 1 + ((i * 7919) % 89);
  const t = (today - daysAgo) * DAY + ((i * 104_729) % (18 * 60)) * 60_000;
  const messageId = `${raw}-m`;
  const at = (ms: number) => new Date(ms).toISOString();
  const own = (type: string, ms: number, extra: Ev = {}): Ev => ({
    eventId: `${messageId}-${type}`,
    type,
    channel: 'sms',
    occurredAt: at(ms),
    messageId,
    ...extra,
  });
  const out: Ev[] = [
    own('sent', t, { recipientId: raw, campaignId: `day-${today - daysAgo}` }),
    own('delivered', t + 30_000),
  ];
  if (i % 5 === 0) out.push(own('clicked', t + HOUR, { url: `https://shop.example/${i}` }));
  if (i % 10 === 3) out.push(own('replied', t + 2 * HOUR));
  if (i % 20 === 7)
    out.push({
      eventId: `${raw}-out`,
      type: 'opted_out',
      channel: 'sms',
      occurredAt: at(t + 3 * HOUR),
      recipientId: raw,
    });
  return out;
}

interface Point {
  n: number;
  events: number;
  loadS: number;
  cpuUsPerEvent: number;
  bytesPerRecipient: number;
  latency: Record<string, { p50: number; p99: number }>;
}

const ROUTES: [string, string][] = [
  [
    'silent-disengagement summary + first page',
    '/v1/audience/silent-disengagement?days=30&minMessages=1&limit=50',
  ],
  ['frequency', '/v1/audience/frequency?days=30'],
  ['/v1/value', '/v1/value'],
  ['send-time heat map', '/v1/send-time'],
];

/** One part of the tenant's history import (PUT /v1/imports/:id/parts/:n, NDJSON). */
async function putPart(
  port: number,
  key: string,
  importId: string,
  part: number,
  events: Ev[],
): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/imports/${importId}/parts/${part}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
    body: events.map((e) => JSON.stringify(e)).join('\n'),
  });
  if (!res.ok) throw new Error(`audience: ingest answered ${res.status}: ${await res.text()}`);
}

/**
 * Brings every recipient's 89 days as a history import (issue 22's backfill path, docs/api.md
 * "Imports"), IN_FLIGHT parts at a time; returns the events sent.
 */
async function load(port: number, key: string, n: number, importId: string): Promise<number> {
  const today = Math.floor(Date.now() / DAY);
  let next = 0;
  let part = 0;
  let events = 0;
  const worker = async () => {
    for (;;) {
      const batch: Ev[] = [];
      // a recipient has at most 5 events
      while (batch.length <= BATCH - 5 && next < n) batch.push(...recipientEvents(today, next++));
      if (batch.length === 0) return;
      events += batch.length;
      await putPart(port, key, importId, (part += 1), batch);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return events;
}

/** Closes the import once the aggregator applied it (409 import_pending until then). */
async function closeImport(port: number, key: string, importId: string): Promise<void> {
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/v1/imports/${importId}/close`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
    });
    if (res.ok) return;
    if (res.status !== 409)
      throw new Error(`audience: closing the import answered ${res.status}: ${await res.text()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function getJson(port: number, key: string, path: string): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) throw new Error(`audience: ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Until the frequency answer over 90 days counts all n recipients, then one more snapshot. */
async function settled(api: Running, aggregator: Running, key: string, n: number): Promise<void> {
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    // A read that finds the database busy while the load is applied (503) is asked again.
    const res = await fetch(`http://127.0.0.1:${api.port}/v1/audience/frequency?days=90`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const f = res.ok ? ((await res.json()) as { buckets: { recipients: number }[] }) : { buckets: [] };
    const counted = f.buckets.reduce((s, b) => s + b.recipients, 0);
    if (counted === n) break;
    if (Date.now() > deadline) throw new Error(`audience: ${counted} of ${n} recipients in the rollups`);
    await new Promise((r) => setTimeout(r, 500));
  }
  // The rows were all there at the last snapshot; the next one holds every later change too.
  const snapshots = await metric(aggregator.port, 'aggregator_snapshots_total');
  while ((await metric(aggregator.port, 'aggregator_snapshots_total')) < snapshots + 2)
    await new Promise((r) => setTimeout(r, 200));
}

async function audienceBytes(env: BenchEnv): Promise<number> {
  const pool = createPool({ connectionString: env.DATABASE_URL, max: 1 });
  try {
    const { rows } = await pool.query<{ bytes: string }>(
      `SELECT pg_total_relation_size('recipient_state') + pg_total_relation_size('audience_rollup')
            + pg_total_relation_size('value_rollup') + pg_total_relation_size('control_rollup') AS bytes`,
    );
    return Number(rows[0]?.bytes ?? 0);
  } finally {
    await pool.end();
  }
}

async function latencies(port: number, key: string): Promise<Point['latency']> {
  const out: Point['latency'] = {};
  for (const [name, path] of ROUTES) {
    await getJson(port, key, path); // warm
    const ms: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const t0 = performance.now();
      await getJson(port, key, path);
      ms.push(performance.now() - t0);
    }
    const s = summarize(ms);
    out[name] = { p50: s.p50, p99: s.p99 };
  }
  return out;
}

async function measure(n: number): Promise<Point> {
  const env = { ...(await benchEnv('aud')), SNAPSHOT_INTERVAL_MS: '5000' };
  const key = await benchTenant(env, TENANT);
  const [aggregator, ingest, api] = (await startAll([
    { script: 'services/aggregator/dist/main.js', env },
    { script: 'services/ingest/dist/main.js', env },
    { script: 'services/query-api/dist/main.js', env },
  ])) as [Running, Running, Running];
  try {
    const cpu0 = await metric(aggregator.port, 'process_cpu_seconds_total');
    const t0 = performance.now();
    const importId = `history-${n}`;
    const events = await load(ingest.port, key, n, importId);
    await closeImport(ingest.port, key, importId);
    await settled(api, aggregator, key, n);
    const loadS = (performance.now() - t0) / 1000;
    const cpu = (await metric(aggregator.port, 'process_cpu_seconds_total')) - cpu0;
    await ingest.stop();
    const bytes = await audienceBytes(env);
    const latency = await latencies(api.port, key);
    const point = {
      n,
      events,
      loadS,
      cpuUsPerEvent: (cpu * 1e6) / events,
      bytesPerRecipient: bytes / n,
      latency,
    };
    process.stderr.write(`[bench] audience ${n}: ${JSON.stringify(point)}\n`);
    return point;
  } finally {
    await Promise.all([api.stop(), ingest.stop(), aggregator.stop()]);
    await dropBenchDatabase(env);
  }
}

const count = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);

/**
 * The figure at TARGET along figure ∝ N^k, k the least-squares slope of log figure on log N over
 * the measured points (not below 0: a read that got faster with N is carried flat), and k.
 */
function extrapolate(points: { n: number; v: number }[]): { v: number; k: number } | undefined {
  const xs = points.filter((p) => p.v > 0).map((p) => ({ x: Math.log(p.n), y: Math.log(p.v) }));
  const last = points[points.length - 1];
  if (xs.length < 2 || !last || last.v <= 0) return undefined;
  const mx = xs.reduce((s, p) => s + p.x, 0) / xs.length;
  const my = xs.reduce((s, p) => s + p.y, 0) / xs.length;
  const sxy = xs.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = xs.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const k = Math.max(0, sxy / sxx);
  return { v: last.v * (TARGET / last.n) ** k, k };
}

function series(
  points: Point[],
  name: string,
  unit: string,
  of: (p: Point) => number,
  goal?: number,
): Figure[] {
  const scenario = `audience: ${name}`;
  const first = points[0];
  const out: Figure[] = points.map((p) => ({
    scenario,
    metric: `${count(p.n)} recipients (measured)`,
    value: of(p),
    unit,
    ...(first && p !== first ? { baseline: of(first), ratio: of(p) / of(first) } : {}),
    ...(first && p !== first ? { note: `baseline: ${count(first.n)} recipients` } : {}),
  }));
  const x = extrapolate(points.map((p) => ({ n: p.n, v: of(p) })));
  if (x)
    out.push({
      scenario,
      metric: `${count(TARGET)} recipients (EXTRAPOLATED, not measured: ∝ N^${x.k.toFixed(2)} fitted over the measured points)`,
      value: x.v,
      unit,
      ...(goal === undefined ? {} : { goal: `<= ${goal} ${unit}`, met: x.v <= goal }),
    });
  return out;
}

export async function audience(mode: 'quick' | 'full', notes: string[]): Promise<Figure[]> {
  const sizes =
    mode === 'quick'
      ? [20_000]
      : (process.env.BENCH_AUDIENCE_POINTS ?? '100000,300000,1000000').split(',').map(Number);
  const points: Point[] = [];
  for (const n of sizes) points.push(await measure(n));
  notes.push(
    `audience: N recipients brought through ingest as a history import (one SMS each, sent and delivered over the last 89 days; a fifth clicked, a tenth replied, one in twenty opted out), measured at ${sizes.map(count).join(', ')}. Latencies: ${REQUESTS} sequential requests per route after one warm-up, on the settled state. CPU per event: the aggregator process (its process_cpu_seconds_total) from before the first event to the snapshot holding every recipient, over the events posted — applying, keeping the audience rows and rollups and snapshotting them. Bytes per recipient: recipient_state + audience_rollup + value_rollup + control_rollup, tables and indexes. Rows marked EXTRAPOLATED are not measured: the largest point carried to 10M along the power law fitted over the measured points (exponent shown; p99 of 50 requests is noisy on a shared machine, so a fitted exponent below 0 is read as flat).`,
  );
  return [
    ...series(points, 'load to settled snapshot', 's', (p) => p.loadS),
    ...series(
      points,
      'aggregator process CPU per event (apply + audience rows + snapshot)',
      'µs',
      (p) => p.cpuUsPerEvent,
    ),
    ...series(
      points,
      'Postgres bytes per recipient (recipient_state + audience_rollup + value_rollup + control_rollup)',
      'B',
      (p) => p.bytesPerRecipient,
    ),
    ...series(
      points,
      'Postgres total for the tenant (recipient_state + audience_rollup + value_rollup + control_rollup)',
      'GiB',
      (p) => (p.bytesPerRecipient * p.n) / 2 ** 30,
    ),
    ...ROUTES.flatMap(([name]) => [
      ...series(points, `${name} p50`, 'ms', (p) => p.latency[name]?.p50 ?? Number.NaN),
      ...series(points, `${name} p99`, 'ms', (p) => p.latency[name]?.p99 ?? Number.NaN, 300),
    ]),
  ];
}
