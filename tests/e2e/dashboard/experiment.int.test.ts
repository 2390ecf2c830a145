/**
 * Issue 21 in the browser: the campaign page's Experiment panel shows the arms, each metric's
 * always-valid interval as a bar that crosses zero or not, the verdict in words and the holdout's
 * lift, exactly as GET /v1/campaigns/:id/experiment answers; the level switch re-asks at that
 * level; a campaign with nothing to compare says why; the Value page shows the lift against the
 * global control group as /v1/value answers it.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@tally/testing';
import { experimentDataset } from '../experiment-dataset.ts';
import { useDashboard } from './fixture.ts';
import { raw, rowsBecome, signIn, tableValues } from './screen.ts';

const ctx = useDashboard('dashx');

async function tileValue(page: Page, testid: string): Promise<string> {
  return page
    .getByTestId(testid)
    .evaluate((el) => el.querySelector<HTMLElement>('.tile-value')?.dataset.value ?? '');
}

describe('the Experiment panel and the lift (issue 21)', () => {
  beforeAll(async () => {
    await ctx.post(experimentDataset(Date.now()));
    const put = await ctx.p.query.inject({
      method: 'PUT',
      url: '/v1/experiment-settings',
      headers: { authorization: `Bearer ${ctx.key}` },
      payload: { globalControl: { share: 0.2 } },
    });
    expect(put.statusCode).toBe(200);
    await ctx.p.aggregator.snapshot();
  });

  it('shows the arms, the intervals against zero, the verdicts and the holdout as the API answers', async () => {
    const page = await ctx.browser.newPage();
    await signIn(page, ctx.base, '#/campaigns/exp');
    const panel = page.getByTestId('experiment');
    await panel.scrollIntoViewIfNeeded();
    const x = await ctx.api('/v1/campaigns/exp/experiment');
    await rowsBecome(page, 'experiment-arms', ['A', 'B'], 15_000);
    const arms = await tableValues(page, 'experiment-arms');
    for (const v of x.variants) {
      const row = arms.cells[v.variant] ?? {};
      expect(row.sent).toBe(raw(v.counts.sent));
      expect(row.delivered).toBe(raw(v.counts.delivered));
      expect(row.ctr).toBe(raw(v.rates.ctr));
      expect(row.optOutRate).toBe(raw(v.rates.optOutRate));
    }
    const names = x.comparisons.map((c: any) => `${c.metric}${c.currency ? `:${c.currency}` : ''}:${c.arm}`);
    await rowsBecome(page, 'experiment-comparisons', names);
    const shown = await tableValues(page, 'experiment-comparisons');
    for (const [i, c] of x.comparisons.entries()) {
      const row = shown.cells[names[i]] ?? {};
      expect(row.verdict).toBeDefined();
      expect(row['verdict:text']).toBe(c.verdict);
      expect(row.difference).toBe(
        JSON.stringify([c.difference.lower, c.difference.estimate, c.difference.upper]),
      );
    }
    // each bar is drawn in its verdict's colour class, and a "not yet" bar crosses zero
    const bars = await page
      .getByTestId('experiment-comparisons')
      .evaluate((t) =>
        [...t.querySelectorAll('tbody tr')].map((tr) => [
          (tr as HTMLElement).dataset.verdict,
          tr.querySelector('svg.iv')?.getAttribute('class'),
          Number(tr.querySelector('rect.iv-bar')?.getAttribute('x')),
          Number(tr.querySelector('rect.iv-bar')?.getAttribute('width')),
        ]),
      );
    for (const [verdict, cls, x0, width] of bars) {
      expect(cls).toContain(
        verdict === 'better' ? 'iv-better' : verdict === 'worse' ? 'iv-worse' : 'iv-open',
      );
      const crosses = (x0 as number) <= 50 && (x0 as number) + (width as number) >= 50;
      expect(crosses).toBe(verdict === 'not yet');
    }
    const sentences = await page.getByTestId('experiment-sentence').allInnerTexts();
    expect(sentences).toHaveLength(x.comparisons.length);
    for (const [i, c] of x.comparisons.entries()) {
      const s = sentences[i] ?? '';
      if (c.verdict === 'not yet') expect(s).toMatch(/^Not yet: /);
      else expect(s).toContain(` is ${c.verdict} than ${c.against}`);
      if (c.sampleNeeded?.more)
        expect(s).toContain(`about ${c.sampleNeeded.more.toLocaleString('en-US')} more`);
    }
    expect(await tileValue(page, 'holdout-held')).toBe(raw(x.holdout.heldOut));
    expect(await tileValue(page, 'holdout-rate')).toBe(raw(x.holdout.conversionRate));
    const inc = x.holdout.incremental.conversions;
    expect(await tileValue(page, 'incremental-conversions')).toBe(
      JSON.stringify([inc.lower, inc.estimate, inc.upper]),
    );
    await ctx.browser.screenshot(page, 'experiment-panel');

    await page.getByTestId('experiment-level').selectOption('0.99');
    await eventually(
      () => page.getByTestId('experiment-method').innerText(),
      (t) => t.startsWith('Always-valid 99% intervals'),
      { timeoutMs: 8000, intervalMs: 200 },
    );
    const at99 = await ctx.api('/v1/campaigns/exp/experiment?level=0.99');
    const wide = await tableValues(page, 'experiment-comparisons');
    const c0 = at99.comparisons[0];
    expect(wide.cells[names[0]]?.difference).toBe(
      JSON.stringify([c0.difference.lower, c0.difference.estimate, c0.difference.upper]),
    );
    await page.close();
  });

  it('a campaign with one variant and no holdout says why', async () => {
    const page = await ctx.browser.newPage();
    await signIn(page, ctx.base, '#/campaigns/solo');
    await page.getByTestId('experiment').scrollIntoViewIfNeeded();
    await eventually(
      () => page.getByTestId('experiment-reason').innerText(),
      (t) => t.includes('one variant and no holdout'),
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    expect(await page.getByTestId('experiment-comparisons').count()).toBe(0);
    await page.close();
  });

  it('the Value page shows the lift against the global control group as /v1/value answers', async () => {
    const page = await ctx.browser.newPage();
    await signIn(page, ctx.base, '#/audience');
    const v = await ctx.api('/v1/value');
    const g = v.globalControl;
    expect(g.share).toBe(0.2);
    await page.getByTestId('value').scrollIntoViewIfNeeded();
    await page.getByTestId('lift-control').waitFor({ timeout: 10_000 });
    expect(await tileValue(page, 'lift-control')).toBe(raw(g.control.conversionRate));
    expect(await tileValue(page, 'lift-treated')).toBe(raw(g.treated.conversionRate));
    const inc = g.incrementalConversions;
    expect(await tileValue(page, 'lift-conversions')).toBe(
      JSON.stringify([inc.lower, inc.estimate, inc.upper]),
    );
    expect(await page.getByTestId('lift-sentence').count()).toBe(g.comparisons.length);
    // the send-time map's best hour against the usual one, in words
    const st = await ctx.api('/v1/send-time?metric=ctr');
    const sentence = await eventually(
      () => page.getByTestId('send-time-comparison').innerText(),
      (t) => t.length > 0,
      { timeoutMs: 8000, intervalMs: 200 },
    );
    if (st.comparison.comparison === null) expect(sentence).toContain(st.comparison.reason);
    else expect(sentence).toMatch(st.comparison.comparison.verdict === 'not yet' ? /^Not yet: / : / than /);
    await ctx.browser.screenshot(page, 'value-lift');
    await page.close();
  });
});
