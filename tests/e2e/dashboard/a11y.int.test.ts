/**
 * Every page of the dashboard checked by axe-core (@axe-core/playwright) at a laptop and a phone
 * size: no serious or critical violation. The screenshots of every page at both sizes are written
 * to .tally/artifacts/dashboard/ (page-<name>-<size>.png).
 */
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PHONE } from './browser.ts';
import { useDashboard } from './fixture.ts';
import { signIn } from './screen.ts';

const ctx = useDashboard('a11y');
const PAGES: [name: string, hash: string, ready: string][] = [
  ['campaigns', '#/campaigns', 'campaigns-table'],
  ['campaign', '#/campaigns/spring_sale', 'tile-sent'],
  ['alerts', '#/alerts', 'rules'],
  ['audience', '#/audience', 'silent'],
  ['deliverability', '#/deliverability', 'deliverability-totals'],
];
const LAPTOP_768 = { width: 1366, height: 768 };

/** A written PNG's width in pixels (its IHDR chunk). */
async function pngWidth(path: string): Promise<number> {
  return (await readFile(path)).readUInt32BE(16);
}

async function serious(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('dashboard accessibility', () => {
  it('the sign-in page has no serious or critical axe violation', async () => {
    const page = await ctx.browser.newPage(LAPTOP_768);
    await page.goto(`${ctx.base}/`);
    await page.getByRole('heading', { name: 'Sign in to Tally' }).waitFor();
    expect(await serious(page)).toEqual([]);
    await ctx.browser.screenshot(page, 'page-sign-in-laptop');
    await page.setViewportSize(PHONE);
    expect(await serious(page)).toEqual([]);
    await ctx.browser.screenshot(page, 'page-sign-in-phone');
    await page.close();
  });

  it.each(PAGES)(
    '%s has no serious or critical axe violation, at 1366×768 and 390×844',
    async (name, hash, ready) => {
      const page = await ctx.browser.newPage(LAPTOP_768);
      await signIn(page, ctx.base, hash);
      await page.getByTestId(ready).first().waitFor();
      await new Promise((r) => setTimeout(r, 1500)); // charts and sections drawn
      expect(await serious(page)).toEqual([]);
      expect(await pngWidth(await ctx.browser.screenshot(page, `page-${name}-laptop`))).toBe(
        LAPTOP_768.width,
      );
      await page.setViewportSize(PHONE);
      await new Promise((r) => setTimeout(r, 500));
      expect(await serious(page)).toEqual([]);
      // the artefact is written, at the phone's width (nothing wider than the screen)
      expect(await pngWidth(await ctx.browser.screenshot(page, `page-${name}-phone`))).toBe(PHONE.width);
      await page.close();
    },
  );
});
