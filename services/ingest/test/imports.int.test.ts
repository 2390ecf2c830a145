/**
 * The import routes (issue 22) against real Postgres and Kafka, without an aggregator: a part's
 * valid lines are published marked with the import id and its invalid lines named; a part is
 * published once however often it is sent (concurrently too), and another body under its number is
 * 409 part_conflict; close waits for the aggregator (409 import_pending while nothing applied
 * them) unless forced; the wrong media type, too many lines, an empty part and another tenant's
 * import are clear 4xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addApiKey, createTenant } from '@tally/db';
import { eventually } from '@tally/testing';
import { startIngestHarness, stopIngestHarness, type IngestHarness } from './helpers.ts';

const AT = new Date(Date.now() - 20 * 86_400_000).toISOString();
const line = (i: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    eventId: `e${i}`,
    type: 'sent',
    occurredAt: AT,
    channel: 'sms',
    campaignId: 'c1',
    messageId: `m${i}`,
    recipientId: '+15005550006',
    ...extra,
  });

describe('the import routes', () => {
  let h: IngestHarness;
  let key: string;
  let otherKey: string;

  beforeAll(async () => {
    h = await startIngestHarness('imp', { IMPORT_PART_MAX_EVENTS: '5' }, { maxAgeMs: 21 * 86_400_000 });
    await createTenant(h.deps.pool, 'acme');
    await createTenant(h.deps.pool, 'globex');
    key = await addApiKey(h.deps.pool, 'acme');
    otherKey = await addApiKey(h.deps.pool, 'globex');
  });
  afterAll(() => stopIngestHarness(h));

  const put = (id: string, part: number | string, body: string, type = 'application/x-ndjson', k = key) =>
    h.app.inject({
      method: 'PUT',
      url: `/v1/imports/${id}/parts/${part}`,
      headers: { authorization: `Bearer ${k}`, 'content-type': type },
      payload: body,
    });
  const get = (id: string, k = key) =>
    h.app.inject({ method: 'GET', url: `/v1/imports/${id}`, headers: { authorization: `Bearer ${k}` } });

  it('publishes the valid lines marked with the import, names the invalid ones, and publishes a part once', async () => {
    const body = [line(1), '{not json', line(2, { type: 'nope' }), '', line(3)].join('\n');
    const answers = await Promise.all([put('h1', 0, body), put('h1', 0, body), put('h1', 0, body)]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    const first = answers.map((a) => a.json()).find((a) => !a.replayed);
    expect(first).toMatchObject({ part: 0, accepted: 2, rejected: 2, published: 2 });
    expect(first.issues.map((x: { line: number; path: string }) => [x.line, x.path])).toEqual([
      [2, '(line)'],
      [3, 'type'],
    ]);
    expect(answers.filter((a) => a.json().replayed)).toHaveLength(2);
    const again = await put('h1', 0, body);
    expect(again.json()).toMatchObject({ replayed: true, accepted: 2, published: 2 });
    // another body under a recorded part number is refused, not silently dropped
    const other = await put('h1', 0, [line(7), line(8)].join('\n'));
    expect([other.statusCode, other.json().error.code]).toEqual([409, 'part_conflict']);
    await eventually(
      () => Promise.resolve(h.reader.seen.filter((e) => e.tenantId === 'acme').length),
      (n) => n >= 2,
    );
    await new Promise((r) => setTimeout(r, 500));
    // concurrent uploads of one part take turns: the part is published once
    const seen = h.reader.seen.filter((e) => e.tenantId === 'acme');
    expect(seen.map((e) => e.eventId).sort()).toEqual(['e1', 'e3']);
    expect(new Set(seen.map((e) => e.importId))).toEqual(new Set(['h1']));
    expect((await get('h1')).json()).toMatchObject({
      state: 'open',
      parts: 1,
      accepted: 2,
      rejected: 2,
      published: 2,
    });
  });

  it('closes only once the aggregator applied what was published', async () => {
    const close = await h.app.inject({
      method: 'POST',
      url: '/v1/imports/h1/close',
      headers: { authorization: `Bearer ${key}` },
    });
    expect([close.statusCode, close.json().error.code]).toEqual([409, 'import_pending']);
    // What the aggregator writes (packages/counters keys.ts): then close goes through.
    await h.deps.redis?.hset(h.deps.keys.importProgress('acme', 'h1'), 'applied', 1, 'duplicate', 1);
    const closed = await h.app.inject({
      method: 'POST',
      url: '/v1/imports/h1/close',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(closed.json()).toMatchObject({ state: 'closed', done: true, applied: 1, duplicate: 1, late: 0 });
    expect((await put('h1', 1, line(9))).json().error.code).toBe('import_closed');
  });

  it('closes an import that cannot finish when forced', async () => {
    expect((await put('h3', 0, line(11))).statusCode).toBe(200);
    const close = (q = '') =>
      h.app.inject({
        method: 'POST',
        url: `/v1/imports/h3/close${q}`,
        headers: { authorization: `Bearer ${key}` },
      });
    expect((await close()).statusCode).toBe(409);
    expect((await close('?force=maybe')).statusCode).toBe(400);
    const forced = await close('?force=true');
    expect([forced.statusCode, forced.json().state, forced.json().done]).toEqual([200, 'closed', false]);
  });

  it('answers bad parts with a clear 4xx', async () => {
    expect((await put('h2', 0, line(1), 'application/json')).statusCode).toBe(415);
    const many = await put('h2', 0, [1, 2, 3, 4, 5, 6].map((i) => line(i)).join('\n'));
    expect([many.statusCode, many.json().error.code]).toEqual([413, 'payload_too_large']);
    expect((await put('h2', 0, '\n\n')).json().error.code).toBe('invalid_request');
    expect((await put('bad id', 0, line(1))).statusCode).toBe(400);
    expect((await put('h2', -1, line(1))).statusCode).toBe(400);
    const withTenant = await put('h2', 0, line(1, { tenantId: 'globex' }));
    expect(withTenant.json()).toMatchObject({ accepted: 0, rejected: 1 });
    const withImport = await put('h2', 1, line(2, { importId: 'other' }));
    expect(withImport.json()).toMatchObject({ accepted: 0, rejected: 1 });
  });

  it('keeps tenants apart', async () => {
    expect((await get('h1', otherKey)).statusCode).toBe(404);
    expect((await get('h1', 'tly_nope')).statusCode).toBe(401);
  });
});
