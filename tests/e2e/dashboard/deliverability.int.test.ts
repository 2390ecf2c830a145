/**
 * Issue 20 in the browser: the Deliverability page shows the totals, the failures by class and by
 * carrier, and the list-hygiene feed exactly as GET /v1/deliverability and GET /v1/hygiene answer
 * them, for failures posted with their class, carrier and country.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@tally/testing';
import { useDashboard } from './fixture.ts';
import { pct, raw, rowsBecome, signIn, tableValues } from './screen.ts';

const ctx = useDashboard('dashdlv');

describe('the Deliverability page (issue 20)', () => {
  beforeAll(async () => {
    const t0 = Date.now() - 10 * 60_000;
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    const events: Record<string, unknown>[] = [];
    const fail = (i: number, to: string, cls: string, permanent: boolean, carrier: string, code: string) => {
      const messageId = `DLV${i}`;
      events.push(
        {
          eventId: `s-${messageId}`,
          type: 'sent',
          occurredAt: at(i),
          channel: 'sms',
          provider: 'vonage',
          campaignId: 'dlv',
          messageId,
          recipientId: to,
        },
        {
          eventId: `f-${messageId}`,
          type: 'failed',
          occurredAt: at(i + 5),
          channel: 'sms',
          provider: 'vonage',
          campaignId: 'dlv',
          messageId,
          recipientId: to,
          errorCode: code,
          failureClass: cls,
          permanent,
          carrier,
        },
      );
    };
    fail(1, '+447700900101', 'invalid_number', true, '23410', '3');
    fail(2, '+447700900102', 'carrier_filtered', false, '23410', '6');
    fail(3, '+447700900103', 'carrier_filtered', false, '23415', '6');
    fail(4, '+33612345678', 'blocked_or_opted_out', true, '20801', '4');
    for (let i = 10; i < 16; i++)
      events.push(
        {
          eventId: `s-D${i}`,
          type: 'sent',
          occurredAt: at(i),
          channel: 'sms',
          provider: 'vonage',
          campaignId: 'dlv',
          messageId: `D${i}`,
          recipientId: `+4477009002${i}`,
        },
        {
          eventId: `d-D${i}`,
          type: 'delivered',
          occurredAt: at(i + 5),
          channel: 'sms',
          provider: 'vonage',
          campaignId: 'dlv',
          messageId: `D${i}`,
          recipientId: `+4477009002${i}`,
          carrier: '23410',
        },
      );
    await ctx.post(events);
  });

  it('shows the report and the hygiene list as the API answers them', async () => {
    const page = await ctx.browser.newPage();
    await signIn(page, ctx.base, '#/deliverability');
    const report = await ctx.api('/v1/deliverability?days=7');
    // the fixture's dataset fails too (unclassified: other); these four add their classes
    expect(report.byClass.map((c: { failureClass: string }) => c.failureClass)).toEqual(
      expect.arrayContaining(['invalid_number', 'carrier_filtered', 'blocked_or_opted_out']),
    );
    const classes = (report.byClass as { failureClass: string }[]).map((c) => c.failureClass);
    await rowsBecome(page, 'deliverability-classes', classes, 15_000);
    const shown = await tableValues(page, 'deliverability-classes');
    for (const c of report.byClass as {
      failureClass: string;
      failed: number;
      share: number;
      permanent: number;
    }[]) {
      expect(shown.cells[c.failureClass]?.failed).toBe(raw(c.failed));
      expect(shown.cells[c.failureClass]?.share).toBe(raw(c.share));
      expect(shown.cells[c.failureClass]?.permanent).toBe(raw(c.permanent));
    }
    const tiles = await page
      .getByTestId('deliverability-totals')
      .evaluate((el) => [...el.querySelectorAll<HTMLElement>('.tile-value')].map((v) => v.dataset.value));
    expect(tiles).toEqual([
      raw(report.totals.sent),
      raw(report.totals.deliveryRate),
      raw(report.totals.failed),
      raw(report.totals.permanentShare),
    ]);
    // every rate with its sample (ui/rate.ts): tiles on hover, table cells in their accessible name
    const n = (x: number) => x.toLocaleString('en-US');
    const t = report.totals;
    expect(
      await page.getByTestId('tile-delivery-rate').locator('.tile-value span').getAttribute('title'),
    ).toContain(`${pct(t.deliveryRate)}: ${n(t.delivered)} of ${n(t.sent)} sent`);
    expect(
      await page.getByTestId('tile-permanent-share').locator('.tile-value span').getAttribute('title'),
    ).toContain(`${pct(t.permanentShare)}: ${n(t.permanentFailures)} of ${n(t.failed)} failures`);
    for (const c of report.byClass as { failureClass: string; failed: number; share: number }[])
      expect(
        await page
          .getByTestId('deliverability-classes')
          .locator(`tr[data-row="${c.failureClass}"] td[data-col="share"]`)
          .getAttribute('aria-label'),
      ).toContain(`Share of failures ${pct(c.share)}: ${n(c.failed)} of ${n(t.failed)} failures`);
    const carriers = await tableValues(page, 'deliverability-carriers');
    for (const g of report.byCarrier as {
      value: string;
      sent: number;
      delivered: number;
      deliveryRate: number | null;
    }[])
      expect(
        await page
          .getByTestId('deliverability-carriers')
          .locator(`tr[data-row="${g.value}"] td[data-col="deliveryRate"]`)
          .getAttribute('aria-label'),
      ).toContain(
        g.deliveryRate === null
          ? 'not reported'
          : `Delivery rate ${pct(g.deliveryRate)}: ${n(g.delivered)} of ${n(g.sent)} sent`,
      );
    // no figure written by hand ("95 %"): in en-US a percent sign follows its number directly
    expect(await page.getByTestId('deliverability').innerText()).not.toMatch(/\d[\s\u00a0]%/);
    // the trend's days on the axis in the locale, with the year; its counts with separators
    const day = (d: string) =>
      new Date(`${d}T00:00:00Z`).toLocaleDateString('en-US', {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        timeZone: 'UTC',
      });
    const lastDay = day((report.trend as { date: string }[]).at(-1)?.date ?? '');
    const axis = await eventually(
      () => page.getByTestId('deliverability').locator('svg text').allTextContents(),
      (texts) => texts.includes(lastDay),
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    expect(axis.filter((x) => /^\d{4}-\d{2}-\d{2}$/.test(x))).toEqual([]);
    for (const g of report.byCarrier as { value: string; sent: number; failed: number }[]) {
      expect(carriers.cells[g.value]?.sent).toBe(raw(g.sent));
      expect(carriers.cells[g.value]?.failed).toBe(raw(g.failed));
    }
    const hygiene = await ctx.api('/v1/hygiene?days=30&limit=100');
    // the invalid number and the block are listed; one-off carrier filtering is not the list's
    const reasons = (hygiene.rows as { failureClass: string }[]).map((r) => r.failureClass);
    expect(reasons).toEqual(expect.arrayContaining(['invalid_number', 'blocked_or_opted_out']));
    expect(reasons).not.toContain('carrier_filtered');
    await rowsBecome(
      page,
      'hygiene-table',
      (hygiene.rows as { recipientId: string }[]).map((r) => r.recipientId),
      15_000,
    );
    const rows = await tableValues(page, 'hygiene-table');
    for (const r of hygiene.rows as { recipientId: string; failureClass: string; messageId: string }[]) {
      expect(rows.cells[r.recipientId]?.failureClass).toBe(r.failureClass);
      expect(rows.cells[r.recipientId]?.messageId).toBe(r.messageId);
    }
    await page.close();
  });

  it('shows the campaign breakdown by failure class with the raw codes under each class', async () => {
    const page = await ctx.browser.newPage();
    await signIn(page, ctx.base, '#/campaigns/dlv');
    await page.getByTestId('breakdown').scrollIntoViewIfNeeded();
    // the error-code dimension is gone: its codes are under their class
    expect(await page.getByTestId('breakdown-by').locator('button[data-value="error_code"]').count()).toBe(0);
    await page.getByTestId('breakdown-by').locator('button[data-value="failure_class"]').click();
    const api = await ctx.api('/v1/campaigns/dlv/breakdown?by=failure_class');
    const groups = api.groups as {
      value: string;
      counts: { failed: number };
      codes: { code: string; failed: number }[];
    }[];
    await rowsBecome(
      page,
      'breakdown-table',
      groups.map((g) => g.value),
      15_000,
    );
    const codes = await page
      .getByTestId('breakdown-table')
      .evaluate((t) =>
        Object.fromEntries(
          [...t.querySelectorAll('tbody tr')].map((tr) => [
            (tr as HTMLElement).dataset.row,
            tr.querySelector('[data-testid="class-codes"]')?.textContent ?? '',
          ]),
        ),
      );
    expect(codes).toEqual(
      Object.fromEntries(
        groups.map((g) => [g.value, g.codes.map((c) => `${c.code} (${c.failed})`).join(', ')]),
      ),
    );
    expect(codes.carrier_filtered).toBe('6 (2)');
    await page.close();
  });
});
