/** Reading the dashboard's screen in the tests: what a cell or tile shows, and its exact value. */
import type { Page } from 'playwright-core';
import { eventually } from '@tally/testing';
import { DEMO_KEY } from './fixture.ts';

/** The test's own rendering of a rate (independent of the dashboard's format.ts). */
export const pct = (r: number | null) => (r === null ? 'not reported' : `${(r * 100).toFixed(1)}%`);
export const raw = (v: number | string | boolean | null | undefined) =>
  v === null || v === undefined ? 'null' : String(v);

export async function signIn(page: Page, base: string, hash = '#/campaigns'): Promise<void> {
  await page.goto(`${base}/${hash}`);
  await page.getByTestId('use-demo-key').click();
  await page.locator('main h1').first().waitFor();
  if (!page.url().endsWith(hash)) await page.evaluate((h) => (location.hash = h), hash);
}

export function apiKeyIn(text: string): boolean {
  return text.includes(DEMO_KEY) || text.includes(encodeURIComponent(DEMO_KEY));
}

/** Rows of a table as { row id → { column → data-value } }. */
export async function tableValues(
  page: Page,
  testid: string,
): Promise<{ ids: string[]; cells: Record<string, Record<string, string>> }> {
  return page.getByTestId(testid).evaluate((table) => {
    const ids: string[] = [];
    const cells: Record<string, Record<string, string>> = {};
    for (const tr of table.querySelectorAll('tbody tr')) {
      const id = (tr as HTMLElement).dataset.row ?? '';
      ids.push(id);
      cells[id] = {};
      for (const td of tr.querySelectorAll('td')) {
        const col = (td as HTMLElement).dataset.col ?? (td as HTMLElement).dataset.testid;
        if (col) cells[id][col] = (td as HTMLElement).dataset.value ?? '';
        if (col) cells[id][`${col}:text`] = (td as HTMLElement).innerText.replace(/\u00a0/g, ' ').trim();
      }
    }
    return { ids, cells };
  });
}

/** The row ids of a table once they equal `expected` (the page refreshes by itself). */
export async function rowsBecome(
  page: Page,
  testid: string,
  expected: string[],
  timeoutMs = 8000,
): Promise<void> {
  await eventually(
    async () => (await tableValues(page, testid)).ids,
    (ids) => JSON.stringify(ids) === JSON.stringify(expected),
    { timeoutMs, intervalMs: 200 },
  );
}

export async function tile(
  page: Page,
  id: string,
): Promise<{ value: string; text: string; count: string | null }> {
  const t = page.getByTestId(`tile-${id}`);
  return t.evaluate((el) => {
    const v = el.querySelector<HTMLElement>('.tile-value');
    const c = el.querySelector<HTMLElement>('[data-testid="count"]');
    return {
      value: v?.dataset.value ?? '',
      text: v?.innerText.replace(/\u00a0/g, ' ').trim() ?? '',
      count: c?.dataset.value ?? null,
    };
  });
}

export async function hashBecomes(page: Page, part: string): Promise<void> {
  await page.waitForFunction((p) => location.hash.includes(p), part, { timeout: 5000 });
}

/** What has the focus: its tag, text or label, and test id (for a keyboard path's record). */
export interface Focused {
  tag: string;
  name: string;
  testid: string | null;
  href: string | null;
  /** Inside the page's main navigation. */
  inNav: boolean;
  /** The focus ring is drawn (:focus-visible with an outline). */
  ringShown: boolean;
}

export function focused(page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      name: (el.getAttribute('aria-label') ?? el.innerText ?? '').trim(),
      testid: el.dataset.testid ?? null,
      href: el.getAttribute('href'),
      inNav: el.closest('nav[aria-label="Main"]') !== null,
      ringShown:
        el.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    };
  });
}

/**
 * Presses `key` (Tab, or Shift+Tab) and nothing else until the focused element matches `selector`;
 * returns every element the focus passed through, the match last. Fails after `max` presses.
 */
export async function tabTo(page: Page, selector: string, key = 'Tab', max = 200): Promise<Focused[]> {
  const path: Focused[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    if (f) path.push(f);
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return path;
  }
  throw new Error(
    `${key} never reached ${selector} in ${max} presses; it went through ${path.map((f) => f.name || f.tag).join(' → ')}`,
  );
}
