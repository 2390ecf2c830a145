/**
 * The audience answers query-api serves (its audience-answers.ts over the rollups and the silent
 * index the snapshotter keeps) against the reference model's (@tally/model audience.ts), for
 * every period, scope and a few minMessages, the silent list read page by page.
 */
import { expect } from 'vitest';
import type { Pool } from '@tally/db';
import { ALL_SCOPE, AUDIENCE_PERIODS, fromMoneyUnits } from '@tally/kpi';
import { frequencyAnswer, silentAnswer, valueAnswer, type AudienceRecipient } from '@tally/model';
import { frequency, recipientValue, silentDisengagement } from '@tally/query-api';

const DAY = 86_400_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function expectAudience(
  pool: Pool,
  tenant: string,
  people: ReadonlyMap<string, AudienceRecipient>,
  now: number,
  context: string,
): Promise<void> {
  const today = Math.floor(now / DAY);
  const channels = [
    ...new Set([...people.values()].flatMap((r) => [...r.reachedChannels, ...r.reaches.keys()])),
  ].sort();
  for (const days of AUDIENCE_PERIODS) {
    for (const channel of [null, ...channels])
      for (const minMessages of [1, 2]) {
        const want = silentAnswer(people, today, days, minMessages, channel);
        const list: unknown[] = [];
        let after = null;
        let got;
        do {
          got = await silentDisengagement(pool, {
            tenant,
            nowMs: now,
            days,
            minMessages,
            channel,
            after,
            limit: 2,
          });
          list.push(...got.recipients);
          after = got.next;
        } while (after !== null);
        const where = `${tenant} days=${days} channel=${channel} min=${minMessages} | ${context}`;
        expect(
          {
            count: got.count,
            audience: got.audience,
            trend: got.trend.map(({ reached, silentSince }) => ({ reached, silentSince })),
            list,
          },
          where,
        ).toEqual({
          count: want.count,
          audience: want.audience,
          trend: want.trend,
          list: want.list.map((r) => ({
            ...r,
            lastReachAt: iso(r.lastReachAt),
            lastEngagedAt: iso(r.lastEngagedAt),
          })),
        });
      }
    const f = await frequency(pool, tenant, now, days);
    expect(f.rows, `${tenant} frequency days=${days} | ${context}`).toEqual(
      frequencyAnswer(people, today, days),
    );
  }
  for (const channel of [null, ...channels]) {
    const want = valueAnswer(people, channel);
    const got = await recipientValue(pool, tenant, channel ?? ALL_SCOPE);
    expect(got, `${tenant} value channel=${channel} | ${context}`).toEqual({
      ...want,
      revenue: Object.fromEntries(Object.entries(want.revenue).map(([c, u]) => [c, fromMoneyUnits(u)])),
    });
  }
}
