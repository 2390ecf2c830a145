/**
 * Tracked links against real Postgres and Kafka: minting needs a tenant key and an http(s) target;
 * /c/:code redirects and publishes a `clicked` event per click (a unique eventId each time) with the
 * link's campaign, message and pseudonymized recipient; an unknown code is a 404 page, never a redirect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addApiKey, createTenant } from '@tally/db';
import { eventually } from '@tally/testing';
import { startIngestHarness, stopIngestHarness, type IngestHarness } from './helpers.ts';

describe('tracked links', () => {
  let iso: IngestHarness['iso'];
  let deps: IngestHarness['deps'];
  let app: IngestHarness['app'];
  let reader: IngestHarness['reader'];
  let key: string;
  const mint = (payload: Record<string, unknown>, auth = `Bearer ${key}`) =>
    app.inject({ method: 'POST', url: '/v1/links', headers: { authorization: auth }, payload });

  beforeAll(async () => {
    ({ iso, deps, app, reader } = await startIngestHarness('lnk'));
    await createTenant(deps.pool, 'acme');
    key = await addApiKey(deps.pool, 'acme');
  });
  afterAll(() => stopIngestHarness({ iso, deps, app, reader }));

  it('mints a short code and redirects every click, publishing one clicked event per click', async () => {
    const res = await mint({
      campaignId: 'spring',
      messageId: 'SM1',
      recipientId: '+15005550009',
      url: 'https://shop.example/a?x=1',
    });
    expect(res.statusCode).toBe(201);
    const { code, shortUrl } = res.json();
    expect(code).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(shortUrl).toBe(`https://tally.example.com/c/${code}`);
    const { rows } = await deps.pool.query('SELECT recipient_id FROM tracked_links WHERE code = $1', [code]);
    expect(rows[0].recipient_id).toMatch(/^r_/);

    for (let i = 0; i < 2; i++) {
      const click = await app.inject({ method: 'GET', url: `/c/${code}` });
      expect(click.statusCode).toBe(302);
      expect(click.headers.location).toBe('https://shop.example/a?x=1');
    }
    const clicks = await eventually(
      () => Promise.resolve(reader.seen.filter((e) => e.type === 'clicked')),
      (l) => l.length === 2,
    );
    expect(new Set(clicks.map((c) => c.eventId)).size).toBe(2);
    expect(clicks[0]).toMatchObject({
      tenantId: 'acme',
      campaignId: 'spring',
      messageId: 'SM1',
      channel: 'sms',
      url: 'https://shop.example/a?x=1',
      recipientId: rows[0].recipient_id,
    });
  });

  it('answers an unknown or malformed code with a 404 page, never a redirect', async () => {
    for (const url of ['/c/AAAAAAAAAAAA', '/c/x', '/c/..%2F..%2Fetc']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.headers.location).toBeUndefined();
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('Link not found');
    }
  });

  it('refuses non-http targets, missing fields and a missing key', async () => {
    for (const url of ['javascript:alert(1)', 'ftp://x.example/f', 'data:text/html,hi', 'not a url']) {
      expect((await mint({ campaignId: 'c', url })).statusCode).toBe(400);
    }
    expect((await mint({ url: 'https://x.example' })).statusCode).toBe(400);
    expect((await mint({ campaignId: 'c', url: 'https://x.example' }, 'Bearer nope')).statusCode).toBe(401);
  });
});
