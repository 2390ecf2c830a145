/**
 * The dashboard in Debian's Chromium against the real stack (issue 13): dataset.ts posted through
 * ingest, counted by the aggregator, served by query-api — which also serves the dashboard at `/`.
 * Every figure checked on screen is compared with the API's own answer, exactly (data-value) and as
 * text; sign-in, filters, sorting, paging, the window switch, CSV export and a live alert are
 * driven as a person would. Screenshots of each page go to .tally/artifacts/dashboard/.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { eventually } from '@tally/testing';
import { join } from 'node:path';
import { ARTIFACTS, LAPTOP, PHONE, launchBrowser } from './browser.ts';
import { spike } from './dataset.ts';
import { DEMO_KEY, useDashboard } from './fixture.ts';
import {
  apiKeyIn,
  hashBecomes,
  pct,
  raw,
  rowsBecome,
  signIn,
  tableValues,
  focused,
  tabTo,
  tile,
} from './screen.ts';

const ctx = useDashboard('dash');
const n = (x: number) => x.toLocaleString('en-US');
const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const poll = <T>(probe: () => Promise<T>) => expect.poll(probe, { timeout: 10_000, interval: 200 });

const TILES: [id: string, count: string, rate: string | null][] = [
  ['sent', 'sent', null],
  ['delivered', 'delivered', 'deliveryRate'],
  ['failed', 'failed', null],
  ['opened', 'opened', 'openRate'],
  ['clicked', 'clicked', 'ctr'],
  ['clickToOpen', 'clicked', 'clickToOpenRate'],
  ['replied', 'replied', 'replyRate'],
  ['converted', 'converted', 'conversionRate'],
  ['optOuts', 'optOuts', 'optOutRate'],
  ['uninstalls', 'uninstalls', 'uninstallRate'],
];

/** Every headline tile equals the /kpis answer `k`: the exact value and its text. */
async function tilesEqual(page: Page, k: any): Promise<void> {
  const expected = TILES.map(([id, count, rate]) => ({
    id,
    value: raw(rate ? k.rates[rate] : k.counts[count]),
    count: rate ? raw(k.counts[count]) : null,
  }));
  const shown = await eventually(
    () => Promise.all(TILES.map(async ([id]) => ({ id, ...(await tile(page, id)) }))),
    (s) => s.every((t, i) => t.value === expected[i]?.value && t.count === expected[i]?.count),
    { timeoutMs: 8000, intervalMs: 200 },
  );
  for (const [i, [, count, rate]] of TILES.entries())
    expect(shown[i]?.text).toBe(rate ? pct(k.rates[rate]) : k.counts[count].toLocaleString('en-US'));
}

describe('dashboard in the browser', () => {
  it('signs in with a pasted key or the offered demo key, keeps it out of URLs, and a 401 returns to sign-in', async () => {
    const page = await ctx.browser.newPage();
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto(`${ctx.base}/`);
    await page.getByRole('heading', { name: 'Sign in to Tally' }).waitFor();
    await ctx.browser.screenshot(page, 'sign-in');
    await page.getByLabel('Tenant API key').fill('tly_not_a_key_of_this_tenant_000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => page.getByTestId('sign-in-error').innerText()).toContain('not accepted');
    await page.getByLabel('Tenant API key').fill(DEMO_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('tally.apiKey'))).toBe(DEMO_KEY);
    expect(await page.evaluate(() => [localStorage.length, document.cookie])).toEqual([0, '']);
    await page.reload();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    // A key the API no longer accepts: the next refresh answers 401 and the page signs out.
    await page.evaluate(() => sessionStorage.setItem('tally.apiKey', 'tly_revoked_key_0000000000000000'));
    await page.getByRole('heading', { name: 'Sign in to Tally' }).waitFor();
    await poll(() => page.getByTestId('sign-in-error').innerText()).toContain('401');
    expect(await page.evaluate(() => sessionStorage.getItem('tally.apiKey'))).toBeNull();
    await page.getByTestId('use-demo-key').click();
    await page.locator('main h1').waitFor();
    expect(urls.length).toBeGreaterThan(3);
    expect(urls.filter(apiKeyIn)).toEqual([]);
    expect(apiKeyIn(page.url())).toBe(false);
    await page.close();
  });

  it('lists the campaigns exactly as /v1/campaigns answers, with sparklines', async () => {
    const page = await ctx.browser.newPage();
    await signIn(page, ctx.base);
    const api = await ctx.api('/v1/campaigns?sort=-firstEventAt&limit=25');
    const ids = api.campaigns.map((c: any) => c.campaignId);
    expect(ids).toHaveLength(12);
    await rowsBecome(page, 'campaigns-table', ids);
    const { cells } = await tableValues(page, 'campaigns-table');
    for (const c of api.campaigns) {
      const row = cells[c.campaignId] ?? {};
      expect(row.sent).toBe(String(c.counts.sent));
      expect(row['sent:text']).toBe(c.counts.sent.toLocaleString('en-US'));
      for (const r of ['deliveryRate', 'openRate', 'ctr', 'conversionRate', 'optOutRate']) {
        expect(row[r], `${c.campaignId} ${r}`).toBe(raw(c.rates[r]));
        // the CTR cell's second line: the preview/scanner fetches it leaves out
        const bots = r === 'ctr' && c.counts.botClicks > 0 ? `\n+${c.counts.botClicks} bot` : '';
        expect(row[`${r}:text`]).toBe(`${pct(c.rates[r])}${bots}`);
      }
      // an SMS campaign without opens: not reported, never 0 %
      if (c.channel === 'sms' && c.counts.opened === 0) expect(row['openRate:text']).toBe('not reported');
      expect(row.revenue).toBe(JSON.stringify(c.money.revenue));
    }
    const spring = api.campaigns.find((c: any) => c.campaignId === 'spring_sale');
    expect(spring.money.revenue).toEqual({ EUR: 80, USD: 140 });
    expect(cells.spring_sale?.['revenue:text']).toBe('EUR 80.00\nUSD 140.00');
    await page.locator('svg.spark').first().waitFor();
    await eventually(
      () => page.locator('svg.spark').count(),
      (n) => n === 12,
      { timeoutMs: 15_000 },
    );
    await ctx.browser.screenshot(page, 'campaigns-laptop');
    await page.setViewportSize(PHONE);
    await ctx.browser.screenshot(page, 'campaigns-phone');
    await page.close();
  });

  it("writes figures in the reader's locale: de-DE gets its decimal comma, percent spacing and money order", async () => {
    // a browser of its own in German (the others stay en-US, which the comparisons use)
    const german = await launchBrowser('de-DE');
    onTestFinished(() => german.close());
    const page = await german.newPage();
    await signIn(page, ctx.base);
    const api = await ctx.api('/v1/campaigns?sort=-firstEventAt&limit=25');
    await rowsBecome(
      page,
      'campaigns-table',
      api.campaigns.map((c: any) => c.campaignId),
    );
    const { cells } = await tableValues(page, 'campaigns-table');
    const nb = (s: string | undefined) => s?.replace(/\u00a0|\u202f/g, ' ');
    expect(nb(cells.spring_sale?.['revenue:text'])).toBe('80,00 EUR\n140,00 USD');
    const spring = api.campaigns.find((c: any) => c.campaignId === 'spring_sale');
    const de = (r: number) => `${(r * 100).toFixed(1).replace('.', ',')} %`;
    expect(nb(cells.spring_sale?.['deliveryRate:text'])).toBe(de(spring.rates.deliveryRate));
    // chart axes too (ui/chart-format.ts): the frequency chart's percent ticks read "10 %", not "10%"
    await page.evaluate(() => (location.hash = '#/audience'));
    const texts = await eventually(
      () => page.getByTestId('frequency').locator('svg text').allTextContents(),
      (t) => t.some((x) => x.endsWith('%')),
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    const ticks = texts.map((t) => nb(t) ?? '').filter((t) => t.endsWith('%'));
    expect(ticks.length).toBeGreaterThan(1);
    expect(ticks.filter((t) => !/^\d+(,\d)? %$/.test(t))).toEqual([]);
    await page.close();
  });

  it('sorts on the server by any column, filters by channel and date, and pages with the cursor', async () => {
    const page = await ctx.browser.newPage();
    await signIn(page, ctx.base);
    const order = async (q: string) =>
      (await ctx.api(`/v1/campaigns?${q}`)).campaigns.map((c: any) => c.campaignId);
    await page.locator('button[data-sort="ctr"]').click();
    await hashBecomes(page, 'sort=-ctr');
    await rowsBecome(page, 'campaigns-table', await order('sort=-ctr&limit=25'));
    expect(await page.locator('th[aria-sort="descending"]').innerText()).toContain('CTR');
    await page.locator('button[data-sort="ctr"]').click();
    await hashBecomes(page, 'sort=ctr');
    await rowsBecome(page, 'campaigns-table', await order('sort=ctr&limit=25'));

    // From the keyboard: focus a header, Enter sorts; focus survives the live refreshes.
    await page.locator('button[data-sort="sent"]').focus();
    await page.keyboard.press('Enter');
    await hashBecomes(page, 'sort=-sent');
    await rowsBecome(page, 'campaigns-table', await order('sort=-sent&limit=25'));
    await new Promise((r) => setTimeout(r, 2000));
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.sort)).toBe('sent');
    await page.keyboard.press('Enter');
    await hashBecomes(page, 'sort=sent');
    await page.locator('button[data-sort="ctr"]').click();
    await page.locator('button[data-sort="ctr"]').click();
    await hashBecomes(page, 'sort=ctr');

    await page.getByTestId('filter-channel').selectOption('sms');
    await hashBecomes(page, 'channel=sms');
    const sms = await order('channel=sms&sort=ctr&limit=25');
    expect(sms).toHaveLength(9);
    await rowsBecome(page, 'campaigns-table', sms);
    await page.getByTestId('filter-channel').selectOption('');

    await page.getByTestId('filter-from').fill('2099-01-01');
    await page.getByTestId('empty').filter({ hasText: 'No campaigns match' }).waitFor();
    await page.getByTestId('filter-from').fill('');
    await page.getByTestId('filter-until').fill(new Date().toISOString().slice(0, 10));
    await rowsBecome(page, 'campaigns-table', await order('sort=ctr&limit=25'));
    await page.getByTestId('filter-until').fill('');

    await page.getByTestId('page-size').selectOption('10');
    const first = await ctx.api('/v1/campaigns?sort=ctr&limit=10');
    await rowsBecome(
      page,
      'campaigns-table',
      first.campaigns.map((c: any) => c.campaignId),
    );
    const second = await ctx.api(`/v1/campaigns?sort=ctr&limit=10&cursor=${first.nextCursor}`);
    expect(second.campaigns).toHaveLength(2);
    await page.getByTestId('next-page').click();
    await rowsBecome(
      page,
      'campaigns-table',
      second.campaigns.map((c: any) => c.campaignId),
    );
    expect(await page.getByTestId('page-number').innerText()).toBe('Page 2');
    expect(await page.getByTestId('next-page').isDisabled()).toBe(true);
    await page.getByTestId('prev-page').click();
    await rowsBecome(
      page,
      'campaigns-table',
      first.campaigns.map((c: any) => c.campaignId),
    );
    await page.close();
  });

  it('shows a campaign exactly as the API does: tiles, money, two-way, window switch, send filter, series, breakdown, benchmark', async () => {
    const page = await ctx.browser.newPage();
    await signIn(page, ctx.base, '#/campaigns/spring_sale');
    const k = await ctx.api('/v1/campaigns/spring_sale/kpis');
    expect(k.counts).toMatchObject({
      sent: 60,
      delivered: 50,
      failed: 6,
      clicked: 22,
      botClicks: 3,
      converted: 9,
      optOuts: 1,
    });
    expect(k.rates.openRate).toBeNull();
    await tilesEqual(page, k);
    expect(await page.getByTestId('tile-opened').innerText()).toContain('SMS providers do not report opens');
    const bots = page.getByTestId('tile-clicked').getByTestId('bot-clicks');
    expect(await bots.getAttribute('data-value')).toBe('3');
    expect(await bots.innerText()).toBe('3 preview/scanner fetches not counted');
    for (const cur of ['EUR', 'USD']) {
      const row = page.getByTestId('money-table').locator(`tr[data-row="${cur}"]`);
      expect(await row.getByTestId('cost').getAttribute('data-value')).toBe(raw(k.money.cost[cur] ?? 0));
      expect(await row.getByTestId('revenue').getAttribute('data-value')).toBe(
        raw(k.money.revenue[cur] ?? 0),
      );
      expect(await row.getByTestId('roi').getAttribute('data-value')).toBe(raw(k.money.roi[cur] ?? null));
    }
    const usdCost = await page
      .getByTestId('money-table')
      .locator('tr[data-row="USD"]')
      .getByTestId('cost')
      .innerText();
    expect(usdCost.replace(/\u00a0/g, ' ')).toBe('USD 0.45');
    // every rate carries its sample: on hover and in the tile's accessible name
    const ctrSample = `${pct(k.rates.ctr)}: ${n(k.counts.clicked)} of ${n(k.counts.delivered)} delivered`;
    const ctrTile = page.getByTestId('tile-clicked');
    expect(await ctrTile.getAttribute('aria-label')).toMatch(new RegExp(`^Clicked: ${esc(ctrSample)}`));
    expect(await ctrTile.locator('.tile-value').getAttribute('title')).toMatch(
      new RegExp(`^${esc(ctrSample)}`),
    );
    expect(
      await page.getByTestId('tile-responseMedian').locator('.tile-value').getAttribute('data-value'),
    ).toBe(raw(k.responseTime.medianMs));
    expect(await page.getByTestId('freshness').innerText()).toContain(
      k.freshnessMs === 0 ? 'up to date' : 'catching up',
    );

    await page.getByTestId('series').scrollIntoViewIfNeeded();
    const sent = await ctx.api('/v1/campaigns/spring_sale/timeseries?metric=sent&bucket=1m');
    await poll(() => page.getByTestId('series-total').getAttribute('data-value')).toBe(String(sent.total));
    await page.getByTestId('series-metric').selectOption('clicked');
    const clicked = await ctx.api('/v1/campaigns/spring_sale/timeseries?metric=clicked&bucket=1m');
    expect(clicked.total).toBe(22);
    await poll(() => page.getByTestId('series-total').getAttribute('data-value')).toBe('22');

    await page.getByTestId('breakdown').scrollIntoViewIfNeeded();
    await page.getByTestId('breakdown-by').locator('button[data-value="country"]').click();
    const byCountry = await ctx.api('/v1/campaigns/spring_sale/breakdown?by=country');
    const bySent = [...byCountry.groups].sort(
      (a: any, b: any) => b.counts.sent - a.counts.sent || a.value.localeCompare(b.value),
    );
    await rowsBecome(
      page,
      'breakdown-table',
      bySent.map((g: any) => g.value),
    );
    const { cells } = await tableValues(page, 'breakdown-table');
    for (const g of byCountry.groups) {
      expect(cells[g.value]?.sent).toBe(String(g.counts.sent));
      expect(cells[g.value]?.ctr).toBe(raw(g.rates.ctr));
      const cell = page
        .getByTestId('breakdown-table')
        .locator(`tr[data-row="${g.value}"] td[data-col="ctr"]`);
      if (g.rates.ctr !== null)
        expect(await cell.getAttribute('aria-label')).toContain(
          `${n(g.counts.clicked)} of ${n(g.counts.delivered)} delivered`,
        );
      // a country of a handful of sends is a small sample, and marked as one
      if (g.counts.delivered < 20 && g.counts.clicked > 0)
        expect(await cell.locator('.small-sample').count()).toBe(1);
    }
    await page.getByTestId('breakdown-table').locator('button[data-sort="ctr"]').click();
    const byCtr = [...byCountry.groups].sort(
      (a: any, b: any) => b.rates.ctr - a.rates.ctr || a.value.localeCompare(b.value),
    );
    await rowsBecome(
      page,
      'breakdown-table',
      byCtr.map((g: any) => g.value),
    );

    await page.getByTestId('benchmark').scrollIntoViewIfNeeded();
    const bench = await ctx.api('/v1/campaigns/spring_sale/benchmark?previous=10');
    expect(bench.previous.map((p: any) => p.campaignId).sort()).toEqual([
      'autumn_sale',
      'summer_sale',
      'winter_sale',
    ]);
    const ctrRow = page.getByTestId('benchmark-table').locator('tr[data-row="ctr"]');
    await poll(() => ctrRow.getByTestId('median').getAttribute('data-value')).toBe(
      raw(bench.kpis.ctr.median),
    );
    expect(await ctrRow.getByTestId('value').getAttribute('data-value')).toBe(raw(bench.kpis.ctr.value));
    expect(await ctrRow.getByTestId('rank').getAttribute('data-value')).toBe(
      raw(bench.kpis.ctr.percentileRank),
    );
    expect(await ctrRow.getByTestId('sample').getAttribute('data-value')).toBe('3');
    expect(await ctrRow.getByTestId('value').getAttribute('aria-label')).toContain(
      `${n(bench.counts.clicked)} of ${n(bench.counts.delivered)} delivered`,
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    await ctx.browser.screenshot(page, 'campaign-laptop');
    await page.setViewportSize({ width: 1280, height: 1080 });
    await page.screenshot({ path: join(ARTIFACTS, 'readme.png') });
    await page.setViewportSize(LAPTOP);

    await page.getByTestId('window').locator('button[data-value="5m"]').click();
    await hashBecomes(page, 'window=5m');
    const w5 = await ctx.api('/v1/campaigns/spring_sale/kpis?window=5m');
    expect(w5.counts.clicked).toBe(4);
    await tilesEqual(page, w5);
    expect(await page.getByTestId('tile-responseMedian').innerText()).toContain('lifetime only');

    await page.getByTestId('kpi-segment').selectOption('vip');
    await hashBecomes(page, 'segment=vip');
    await tilesEqual(page, await ctx.api('/v1/campaigns/spring_sale/kpis?window=5m&segment=vip'));
    await page.getByTestId('money-filtered').waitFor();
    await page.setViewportSize(PHONE);
    await ctx.browser.screenshot(page, 'campaign-phone');
    // An unknown campaign: an error state that says what to do, not a blank page.
    await page.evaluate(() => (location.hash = '#/campaigns/no_such_campaign'));
    await poll(() => page.getByTestId('error').first().innerText()).toContain('Check the campaign id');
    await page.close();
  });

  it('says "not reported" for what a channel cannot report, never 0 (one table: @tally/kpi applicability)', async () => {
    const page = await ctx.browser.newPage();
    await signIn(page, ctx.base, '#/campaigns/app_update');
    const push = await ctx.api('/v1/campaigns/app_update/kpis');
    expect(push.notReported).toEqual({
      replyRate: 'a notification cannot be replied to',
      optOutRate: 'notifications are turned off in the app, not reported as opt-outs',
    });
    await tilesEqual(page, push);
    for (const id of ['replied', 'optOuts']) {
      const t = await tile(page, id);
      expect([t.text, await page.getByTestId(`tile-${id}`).getByTestId('count').innerText()]).toEqual([
        'not reported',
        'not reported',
      ]);
    }
    // push reports its uninstalls; SMS has none to report: no "Push uninstalls 0" there
    expect(await page.getByTestId('tile-pushUninstalls').getAttribute('data-testid')).toBe(
      'tile-pushUninstalls',
    );
    await page.evaluate(() => (location.hash = '#/campaigns/spring_sale'));
    await page.getByTestId('tile-responseMedian').waitFor();
    expect(await page.getByTestId('tile-pushUninstalls').count()).toBe(0);
    expect((await tile(page, 'uninstalls')).text).toBe('not reported');
    // money: only the parts that exist (EUR revenue without EUR cost)
    const eur = page.getByTestId('money-table').locator('tr[data-row="EUR"]');
    expect(await eur.getByTestId('cost').innerText()).toBe('no cost reported');
    expect(await eur.getByTestId('roi').innerText()).toBe('—');
    await page.close();
  });

  it('shows audience and timing as the API does, pages the silent list and exports it whole as CSV', async () => {
    const page = await ctx.browser.newPage();
    await signIn(page, ctx.base, '#/audience');
    const silent = await ctx.api('/v1/audience/silent-disengagement?days=30&minMessages=3&limit=20');
    expect(silent.count).toBe(120);
    const fig = (id: string) => page.getByTestId(id).locator('.tile-value').getAttribute('data-value');
    await poll(() => fig('silent-count')).toBe('120');
    expect(await fig('silent-share')).toBe(raw(silent.share));
    expect(await fig('silent-audience')).toBe(raw(silent.audience));
    expect(await page.getByTestId('silent-share').locator('.tile-value').innerText()).toBe(pct(silent.share));
    expect(
      await page.getByTestId('silent-share').locator('.tile-value span').getAttribute('title'),
    ).toContain(
      `${pct(silent.share)}: ${n(silent.count)} of ${n(silent.audience)} subscribed recipients reached`,
    );
    await rowsBecome(
      page,
      'silent-table',
      silent.recipients.map((r: any) => r.recipientId),
    );
    const next = await ctx.api(
      `/v1/audience/silent-disengagement?days=30&minMessages=3&limit=20&cursor=${silent.nextCursor}`,
    );
    await page.getByTestId('silent-next').click();
    await rowsBecome(
      page,
      'silent-table',
      next.recipients.map((r: any) => r.recipientId),
    );

    const all: any[] = [];
    let cursor: string | null = null;
    do {
      const pg: any = await ctx.api(
        `/v1/audience/silent-disengagement?days=30&minMessages=3&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      );
      all.push(...pg.recipients);
      cursor = pg.nextCursor;
    } while (cursor);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('silent-csv').click(),
    ]);
    expect(download.suggestedFilename()).toBe('silent-disengagement-30d-min3.csv');
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('recipientId,reachesInPeriod,lastReachAt,lastEngagedAt');
    expect(lines.slice(1)).toEqual(
      all.map((r) =>
        [r.recipientId, r.reachesInPeriod, r.lastReachAt ?? '', r.lastEngagedAt ?? ''].join(','),
      ),
    );
    expect(lines).toHaveLength(121);

    const freq = await ctx.api('/v1/audience/frequency?days=30');
    await page.getByTestId('frequency').scrollIntoViewIfNeeded();
    await rowsBecome(
      page,
      'frequency-table',
      freq.buckets.map((b: any) => b.bucket),
    );
    const f = await tableValues(page, 'frequency-table');
    for (const b of freq.buckets) {
      // each rate with its sample (ui/rate.ts), in the cell's accessible name
      if (b.optOutRate !== null)
        expect(
          await page
            .getByTestId('frequency-table')
            .locator(`tr[data-row="${b.bucket}"] td[data-col="optOutRate"]`)
            .getAttribute('aria-label'),
        ).toContain(`Opt-out ${pct(b.optOutRate)}: ${n(b.optOuts)} of ${n(b.recipients)} recipients`);
      expect(f.cells[b.bucket]?.recipients).toBe(String(b.recipients));
      expect(f.cells[b.bucket]?.optOutRate).toBe(raw(b.optOutRate));
      expect(f.cells[b.bucket]?.engagementRate).toBe(raw(b.engagementRate));
    }
    const value = await ctx.api('/v1/value');
    await poll(() => fig('value-revenue')).toBe(JSON.stringify(value.revenue));
    expect(await fig('value-repeat')).toBe(raw(value.repeatConversionRate));
    expect(await fig('value-per-reached')).toBe(JSON.stringify(value.revenuePerReachedRecipient));

    const st = await ctx.api('/v1/send-time?metric=ctr');
    await page.getByTestId('send-time').scrollIntoViewIfNeeded();
    await poll(() => page.getByTestId('send-time-best').locator('li[data-value]').count()).toBe(
      st.best.length,
    );
    expect(await page.getByTestId('send-time-best').locator('li').first().getAttribute('data-value')).toBe(
      raw(st.best[0].rate),
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    await ctx.browser.screenshot(page, 'audience-laptop');
    await page.setViewportSize(PHONE);
    await ctx.browser.screenshot(page, 'audience-phone');
    await page.close();
  });

  it('works from the keyboard alone on the campaigns list: Tab reaches the navigation and a campaign, Enter opens them', async () => {
    const page = await ctx.browser.newPage();
    await signIn(page, ctx.base);
    const ids = (await ctx.api('/v1/campaigns?sort=-firstEventAt&limit=25')).campaigns.map(
      (c: any) => c.campaignId,
    );
    await rowsBecome(page, 'campaigns-table', ids);
    // From the top of the page: the navigation comes first, with its focus ring, and Enter follows it.
    const toNav = await tabTo(page, 'nav[aria-label="Main"] a[href="#/alerts"]');
    expect(toNav.at(-1)).toMatchObject({ inNav: true, name: 'Alerts', ringShown: true });
    await page.keyboard.press('Enter');
    await hashBecomes(page, '#/alerts');
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    await tabTo(page, 'nav[aria-label="Main"] a[href="#/campaigns"]');
    await page.keyboard.press('Enter');
    await hashBecomes(page, '#/campaigns');
    await rowsBecome(page, 'campaigns-table', ids);
    // On through the filters and the sortable headers to the first campaign's link: Enter opens it.
    const toRow = await tabTo(page, '[data-testid="campaigns-table"] tbody tr a[href^="#/campaigns/"]');
    const link = toRow.at(-1);
    expect(link).toMatchObject({ tag: 'a', name: ids[0], href: `#/campaigns/${ids[0]}`, ringShown: true });
    expect(toRow.some((f) => f.name.startsWith('Sort by') || f.tag === 'button')).toBe(true);
    await page.keyboard.press('Enter');
    await hashBecomes(page, `#/campaigns/${ids[0]}`);
    await page.getByTestId('tile-sent').waitFor();
    // the same on a phone, where each campaign is a card
    await page.setViewportSize(PHONE);
    await page.goBack();
    await hashBecomes(page, '#/campaigns');
    await rowsBecome(page, 'campaigns-table', ids);
    await tabTo(page, '[data-testid="campaigns-table"] tbody tr a[href^="#/campaigns/"]');
    await page.keyboard.press('Enter');
    await hashBecomes(page, `#/campaigns/${ids[0]}`);
    await page.close();
  });

  it('stays cheap for the API: an idle tab sends at most 10 requests a minute, figures follow the stream, none while hidden', async () => {
    // Two idle tabs side by side for a minute: the campaigns list and a campaign page.
    const list = await ctx.browser.newPage();
    const one = await ctx.browser.newPage();
    await signIn(list, ctx.base);
    await signIn(one, ctx.base, '#/campaigns/promo_2');
    await rowsBecome(
      list,
      'campaigns-table',
      (await ctx.api('/v1/campaigns?sort=-firstEventAt&limit=25')).campaigns.map((c: any) => c.campaignId),
    );
    await one.getByTestId('tile-sent').waitFor();
    await new Promise((r) => setTimeout(r, 3000)); // first sparklines, breakdown filters
    const seen = { list: [] as string[], one: [] as string[] };
    list.on('request', (r) => seen.list.push(new URL(r.url()).pathname));
    one.on('request', (r) => seen.one.push(new URL(r.url()).pathname));
    await new Promise((r) => setTimeout(r, 60_000));
    console.log(
      `idle requests in 60 s: list ${seen.list.length} ${JSON.stringify(seen.list)}; campaign ${seen.one.length} ${JSON.stringify(seen.one)}`,
    );
    expect(seen.list.length).toBeLessThanOrEqual(10);
    expect(seen.one.length).toBeLessThanOrEqual(10);

    // One more message: both tabs show it from the figure stream, without waiting for a re-read.
    const before = (await ctx.api('/v1/campaigns/promo_2/kpis')).counts.sent;
    const t = Date.now();
    await ctx.post([
      {
        eventId: 'promo_2-live:s',
        type: 'sent',
        channel: 'sms',
        occurredAt: new Date().toISOString(),
        campaignId: 'promo_2',
        messageId: 'promo_2-live',
        recipientId: '+14155559999',
      },
    ]);
    const applied = Date.now() - t;
    const shown = await eventually(
      async () => [
        (await tile(one, 'sent')).value,
        (await tableValues(list, 'campaigns-table')).cells.promo_2?.sent,
      ],
      (v) => v[0] === String(before + 1) && v[1] === String(before + 1),
      { timeoutMs: 5000, intervalMs: 50 },
    );
    console.log(
      `a new message was on both screens ${Date.now() - t} ms after posting (${applied} ms to count it)`,
    );
    expect(shown).toEqual([String(before + 1), String(before + 1)]);
    await list.close();

    const hide = (state: 'hidden' | 'visible') =>
      one.evaluate((st) => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => st });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    await hide('hidden');
    await new Promise((r) => setTimeout(r, 2000));
    seen.one.length = 0;
    await new Promise((r) => setTimeout(r, 4000));
    expect(seen.one).toEqual([]);
    await hide('visible');
    await one.close();
  }, 120_000);

  it('shows a firing alert live, without a reload, when an opt-out spike arrives through ingest; rules and silences are edited', async () => {
    ctx.p.queryDeps.alerting.start();
    const page = await ctx.browser.newPage();
    await signIn(page, ctx.base, '#/alerts');
    await page.getByTestId('no-firing').waitFor();
    await poll(() => page.getByTestId('stream-state').innerText()).toContain('Live');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const { reach, outs } = spike('flash_sale', 1000, 50);
    await ctx.post(reach);
    await ctx.post(outs);
    await page.getByTestId('firing-table').locator('tbody tr').first().waitFor({ timeout: 15_000 });
    const firing = await ctx.api('/v1/alerts?state=firing');
    expect(firing.alerts.map((a: any) => [a.ruleType, a.scope])).toEqual([
      ['optOutSpike', { kind: 'campaign', id: 'flash_sale' }],
    ]);
    await rowsBecome(
      page,
      'firing-table',
      firing.alerts.map((a: any) => a.id),
    );
    expect(await page.getByTestId('alert-announce').innerText()).toBe(
      'Opt-out spike on campaign flash_sale fired.',
    );
    expect(await page.getByTestId('nav-firing').innerText()).toBe('1');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await ctx.browser.screenshot(page, 'alerts-laptop');
    // In words, not a data dump; no "last notified" where no channel exists; no Silence on resolved.
    const n = firing.alerts[0].numbers;
    expect(await page.getByTestId('firing-table').getByTestId('alert-fired').innerText()).toBe(
      `${n.optOuts.toLocaleString('en-US')} opt-outs of ${n.delivered.toLocaleString('en-US')} delivered (${pct(n.rate)}, lower bound ${pct(n.wilsonLower)}) over ${n.windowMinutes} min, above ${pct(n.threshold)}`,
    );
    expect((await ctx.api('/v1/notification-channels')).channels).toEqual([]);
    await page.getByTestId('no-channel-note').waitFor();
    expect(await page.getByTestId('firing-table').locator('td[data-col="lastNotifiedAt"]').count()).toBe(0);
    expect(await page.getByTestId('resolved-table').getByTestId('silence-alert').count()).toBe(0);
    // On a phone, on call: the firing alert's rate, threshold and Silence button are on screen.
    await page.setViewportSize(PHONE);
    await page.evaluate(() => window.scrollTo(0, 0));
    const card = page.getByTestId('firing-table').locator('tbody tr').first();
    for (const el of [
      card.getByTestId('alert-rate').first(),
      card.getByTestId('alert-threshold').first(),
      card.getByTestId('silence-alert'),
    ]) {
      const box = (await el.boundingBox()) ?? { x: -1, y: -1, width: 0, height: 0 };
      expect([box.x, box.y]).toEqual([expect.any(Number), expect.any(Number)]);
      expect(box.x >= 0 && box.y >= 0, 'top left on screen').toBe(true);
      expect(
        box.x + box.width <= PHONE.width && box.y + box.height <= PHONE.height,
        'bottom right on screen',
      ).toBe(true);
      // and drawn there: not clipped by a scrolling box nor covered by another element
      const hit = await el.evaluate((node) => {
        const r = node.getBoundingClientRect();
        const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return top !== null && (top === node || node.contains(top));
      });
      expect(hit, 'visible at its own centre').toBe(true);
    }
    await ctx.browser.screenshot(page, 'alerts-phone-firing');
    await page.setViewportSize(LAPTOP);

    await page.getByTestId('rule-optOutSpike.threshold').fill('3');
    await page.getByTestId('save-rules').click();
    await poll(() => page.getByTestId('rules-message').innerText()).toBe('Saved.');
    expect((await ctx.api('/v1/alert-rules')).rules.optOutSpike.threshold).toBe(0.03);
    // Keyboard only, on a fresh load: Tab reaches the firing alert's Silence button; Enter fills
    // the silence form and moves there; Tab to the form's Silence, Enter sends it (the request the
    // mouse would send). The navigation is reached from the keyboard below (Shift+Tab, Enter).
    await page.reload();
    await page.getByTestId('firing-table').locator('tbody tr').first().waitFor();
    const toSilence = await tabTo(page, '[data-testid="firing-table"] [data-testid="silence-alert"]');
    expect(toSilence.at(-1)).toMatchObject({
      name: 'Silence Opt-out spike on campaign flash_sale',
      ringShown: true,
    });
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatchObject({ testid: 'silence-id' });
    expect(await page.getByTestId('silence-id').inputValue()).toBe('flash_sale');
    const toSubmit = await tabTo(page, '[data-testid="silences"] form button[type="submit"]');
    expect(toSubmit.at(-1)?.name).toBe('Silence');
    const posted = page.waitForRequest(
      (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/v1/silences',
    );
    await page.keyboard.press('Enter');
    const request = await posted;
    expect(request.postDataJSON()).toMatchObject({ scope: { kind: 'campaign', id: 'flash_sale' } });
    expect((await request.response())?.status()).toBeLessThan(300);
    await page.getByTestId('silences-table').locator('tbody tr').waitFor();
    expect((await ctx.api('/v1/silences')).silences.map((s: any) => s.scope)).toEqual([
      { kind: 'campaign', id: 'flash_sale' },
    ]);
    await page.setViewportSize(PHONE);
    await ctx.browser.screenshot(page, 'alerts-phone');
    await page.setViewportSize(LAPTOP);
    // back up to the navigation from the keyboard, and Enter follows its link
    await tabTo(page, 'nav[aria-label="Main"] a[href="#/campaigns"]', 'Shift+Tab');
    await page.keyboard.press('Enter');
    await hashBecomes(page, '#/campaigns');
    await page.locator('tr[data-row="flash_sale"]').getByTestId('alert-badge').waitFor();
    await ctx.browser.screenshot(page, 'campaigns-with-alert');
    await page.close();
  });
});
