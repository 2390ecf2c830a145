/**
 * The audience rollups on Postgres (audience-rollups.ts): rewriting rows adds nothing, rows stored
 * before the rollups existed are rolled in to the same answers, and folding old days together
 * changes no answer while the rows a read scans shrink.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@tally/db';
import { AUDIENCE_PERIODS } from '@tally/kpi';
import {
  frequency,
  globalControlFromRollups,
  globalControlSides,
  recipientValue,
  silentDisengagement,
} from '@tally/query-api';
import { isolate, type Isolation } from '@tally/testing';
import {
  compactRollups,
  controlRollIn,
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
  for (let i = 0; i < 400; i++) {
    const days = [i % 97, (i * 7) % 150, (i * 13) % 200].filter((d, k, a) => a.indexOf(d) === k);
    const extra: Record<string, string> = {};
    if (i % 5 === 0) extra.le = String((TODAY - (i % 40)) * DAY + 1000);
    if (i % 9 === 0) extra.lrp = String((TODAY - (i % 20)) * DAY);
    if (i % 11 === 0) Object.assign(extra, { sub: 'out', subAt: String((TODAY - (i % 30)) * DAY) });
    if (i % 4 === 0) Object.assign(extra, { 'cv:sms': String(1 + (i % 3)), 'cr:sms:USD': String(1000 * i) });
    if (i % 3 === 0) Object.assign(extra, { ta: String(1 + (i % 4)), 'tr:USD': String(700 * i + 1) });
    if (i % 7 === 0) Object.assign(extra, { 'tr:EUR': String(33 * i + 5), ta: '1' });
    if (i % 8 === 0) extra.ho = '1';
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
    expect(n).toBe(400);
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

  it('the global control group sides from the rollups equal those read from every row, before and after the salt', async () => {
    const salt = 'pepper';
    await iso.db.pool.query("INSERT INTO tenants(id, name) VALUES ('td', 'td'), ('te', 'te')");
    await iso.db.pool.query(
      'INSERT INTO tenant_experiment_settings(tenant_id, global_control_share, global_control_salt) VALUES ($1, 0.1, $2)',
      ['td', salt],
    );
    await withTransaction(iso.db.pool, (c) => storeAudienceRows(c, dataset('td')));
    // te's rows are written before its salt exists: the rollups cannot answer until they roll in.
    await withTransaction(iso.db.pool, (c) => storeAudienceRows(c, dataset('te')));
    await iso.db.pool.query(
      'INSERT INTO tenant_experiment_settings(tenant_id, global_control_share, global_control_salt) VALUES ($1, 0.1, $2)',
      ['te', salt],
    );
    expect(await globalControlFromRollups(iso.db.pool, 'te', 0.1, null)).toBeNull();
    let n = 0;
    for (let page; (page = await withTransaction(iso.db.pool, (c) => controlRollIn(c, 150))) > 0;) n += page;
    expect(n).toBe(400);
    const sides = [];
    for (const tenant of ['td', 'te'])
      for (const share of [0.001, 0.05, 0.1234, 0.25, 0.5])
        for (const channel of [null, 'sms', 'push']) {
          const want = await globalControlSides(
            iso.db.pool,
            tenant,
            salt,
            share,
            channel ? [channel] : ['sms', 'whatsapp', 'push', 'in_app'],
          );
          const got = await globalControlFromRollups(iso.db.pool, tenant, share, channel);
          expect(got, `${tenant} ${share} ${channel}`).toEqual(want);
          sides.push(got);
        }
    // The dataset is large enough for both sides to hold recipients and revenue on most shares.
    expect(
      sides.filter((x) => x && x.control.recipients > 0 && x.control.revenue.USD).length,
    ).toBeGreaterThan(15);
  });
});
