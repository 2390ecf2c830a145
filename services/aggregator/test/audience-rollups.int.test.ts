/**
 * The audience rollups on Postgres (audience-rollups.ts): rewriting rows adds nothing, rows stored
 * before the rollups existed are rolled in to the same answers, and folding old days together
 * changes no answer while the rows a read scans shrink.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@tally/db';
import { AUDIENCE_PERIODS } from '@tally/kpi';
import { frequency, recipientValue, silentDisengagement } from '@tally/query-api';
import { isolate, type Isolation } from '@tally/testing';
import {
  compactRollups,
  rollIn,
  ROLLUP_KEEP_DAYS,
  storeAudienceRows,
  type AudienceRow,
} from '../src/audience-rollups.ts';

const DAY = 86_400_000;
const NOW = Date.now();
const TODAY = Math.floor(NOW / DAY);

/** A row in the spelling of counters' audienceRow: reaches on `days` ago, optional engagement. */
function row(
  tenant: string,
  recipient: string,
  daysAgo: number[],
  extra: Record<string, string> = {},
): AudienceRow {
  const counts = new Map<number, number>();
  for (const d of daysAgo) counts.set(TODAY - d, (counts.get(TODAY - d) ?? 0) + 1);
  const rd = [...counts]
    .sort((a, b) => a[0] - b[0])
    .map(([d, n]) => `${d}:${n}`)
    .join(';');
  return { tenant, recipient, row: { 'rd:sms': rd, ...extra } };
}

function dataset(tenant: string): AudienceRow[] {
  const out: AudienceRow[] = [];
  for (let i = 0; i < 60; i++) {
    const days = [i % 97, (i * 7) % 150, (i * 13) % 200].filter((d, k, a) => a.indexOf(d) === k);
    const extra: Record<string, string> = {};
    if (i % 5 === 0) extra.le = String((TODAY - (i % 40)) * DAY + 1000);
    if (i % 9 === 0) extra.lrp = String((TODAY - (i % 20)) * DAY);
    if (i % 11 === 0) Object.assign(extra, { sub: 'out', subAt: String((TODAY - (i % 30)) * DAY) });
    if (i % 4 === 0) Object.assign(extra, { 'cv:sms': String(1 + (i % 3)), 'cr:sms:USD': String(1000 * i) });
    out.push(row(tenant, `r${String(i).padStart(3, '0')}`, days, extra));
  }
  return out;
}

async function answers(iso: Isolation, tenant: string) {
  const out: unknown[] = [];
  for (const days of AUDIENCE_PERIODS) {
    const s = await silentDisengagement(iso.db.pool, {
      tenant,
      nowMs: NOW,
      days,
      minMessages: 1,
      channel: null,
      after: null,
      limit: 100,
    });
    const { next: _, ...rest } = s;
    out.push(rest, (await frequency(iso.db.pool, tenant, NOW, days)).rows);
  }
  out.push(await recipientValue(iso.db.pool, tenant, 'all'));
  return out;
}

const rollupRows = async (iso: Isolation, tenant: string) =>
  Number(
    (await iso.db.pool.query('SELECT count(*) FROM audience_rollup WHERE tenant_id = $1', [tenant])).rows[0]
      .count,
  );

describe('audience rollups on Postgres', () => {
  let iso: Isolation;
  beforeAll(async () => {
    iso = await isolate('arol');
  });
  afterAll(async () => {
    await iso.cleanup();
  });

  it('rewriting the same rows adds nothing; old rows roll in to the same answers', async () => {
    await withTransaction(iso.db.pool, (c) => storeAudienceRows(c, dataset('ta')));
    const want = await answers(iso, 'ta');
    expect(JSON.stringify(want)).toContain('"count"');
    const rows = await rollupRows(iso, 'ta');
    await withTransaction(iso.db.pool, (c) => storeAudienceRows(c, dataset('ta')));
    expect(await answers(iso, 'ta')).toEqual(want);
    expect(await rollupRows(iso, 'ta')).toBe(rows);

    // Rows as a release before the rollups stored them: JSON only, not rolled.
    for (const r of dataset('tb'))
      await iso.db.pool.query(
        'INSERT INTO recipient_state(tenant_id, recipient_id, state) VALUES ($1, $2, $3)',
        ['tb', r.recipient, JSON.stringify(r.row)],
      );
    expect((await answers(iso, 'tb'))[0]).toMatchObject({ count: 0, audience: 0 });
    let n = 0;
    for (let page; (page = await withTransaction(iso.db.pool, (c) => rollIn(c, 7))) > 0;) n += page;
    expect(n).toBe(60);
    const rolled = await answers(iso, 'tb');
    expect(JSON.stringify(rolled).replaceAll('tb', 'ta')).toEqual(JSON.stringify(want));
    // A later write over a rolled-in row counts its old version out, as for any other row.
    await withTransaction(iso.db.pool, (c) => storeAudienceRows(c, dataset('tb')));
    expect(await answers(iso, 'tb')).toEqual(rolled);
  });

  it('folding the days no read asks about changes no answer and shrinks the rollup', async () => {
    await withTransaction(iso.db.pool, (c) => storeAudienceRows(c, dataset('tc')));
    const want = await answers(iso, 'tc');
    const before = await rollupRows(iso, 'tc');
    const folded = await withTransaction(iso.db.pool, (c) => compactRollups(c, TODAY - ROLLUP_KEEP_DAYS));
    expect(folded).toBeGreaterThan(0);
    expect(await rollupRows(iso, 'tc')).toBeLessThan(before);
    expect(await answers(iso, 'tc')).toEqual(want);
    const { rows } = await iso.db.pool.query(
      'SELECT min(day) AS d FROM audience_rollup WHERE tenant_id = $1',
      ['tc'],
    );
    expect(rows[0].d).toBe(TODAY - ROLLUP_KEEP_DAYS);
  });
});
