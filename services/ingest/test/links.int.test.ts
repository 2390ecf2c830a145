/**
 * Tracked links against real Postgres and Kafka: minting needs a tenant key and an http(s) target;
 * /c/:code redirects and publishes a `clicked` event per click (a unique eventId each time) with the
 * link's campaign, message and pseudonymized recipient and the request's class (a link preview, a
 * HEAD or a prefetch is a bot, and still redirected); an unknown code is a 404 page, never a redirect.
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

  it('redirects a link preview, a HEAD and a prefetch like a person, and marks their clicks bot', async () => {
    const res = await mint({ campaignId: 'preview', messageId: 'SM9', url: 'https://shop.example/p' });
    const { code } = res.json();
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
    const imessage =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0';
    const requests = [
      { method: 'GET' as const, headers: { 'user-agent': imessage } },
      { method: 'HEAD' as const, headers: { 'user-agent': iphone } },
      { method: 'GET' as const, headers: { 'user-agent': iphone, 'sec-purpose': 'prefetch' } },
      { method: 'GET' as const, headers: { 'user-agent': iphone } },
    ];
    const before = new Set(reader.seen.map((e) => e.eventId));
    for (const r of requests) {
      const click = await app.inject({ ...r, url: `/c/${code}` });
      expect([r.method, click.statusCode, click.headers.location]).toEqual([
        r.method,
        302,
        'https://shop.example/p',
      ]);
    }
    const clicks = await eventually(
      () =>
        Promise.resolve(
          reader.seen.filter(
            (e) => !before.has(e.eventId) && e.type === 'clicked' && e.campaignId === 'preview',
          ),
        ),
      (l) => l.length === 4,
    );
    expect(clicks.map((c) => c.clickClass).sort()).toEqual(['bot', 'bot', 'bot', 'human']);
    const metrics = await deps.registry.getSingleMetricAsString('ingest_link_requests_total');
    for (const reason of ['known_bot', 'head', 'prefetch'])
      expect(metrics).toMatch(new RegExp(`class="bot",reason="${reason}"[^}]*} [1-9]`));
    expect(metrics).toMatch(/class="human",reason=""[^}]*} [1-9]/);
  });

  it('answers an unknown or malformed code with a 404 page (JSON for a client asking for it), never a redirect', async () => {
    for (const url of ['/c/AAAAAAAAAAAA', '/c/x', '/c/..%2F..%2Fetc']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.headers.location).toBeUndefined();
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('Link not found');
    }
    const api = await app.inject({
      method: 'GET',
      url: '/c/AAAAAAAAAAAA',
      headers: { accept: 'application/json' },
    });
    expect([api.statusCode, api.headers.location, api.json()]).toEqual([
      404,
      undefined,
      { error: { code: 'not_found', message: 'unknown or expired link' } },
    ]);
    const browser = await app.inject({
      method: 'GET',
      url: '/c/AAAAAAAAAAAA',
      headers: { accept: 'text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8' },
    });
    expect(browser.headers['content-type']).toContain('text/html');
  });

  it('refuses non-http targets, missing fields and a missing key', async () => {
    for (const url of ['javascript:alert(1)', 'ftp://x.example/f', 'data:text/html,hi', 'not a url']) {
      expect((await mint({ campaignId: 'c', url })).statusCode).toBe(400);
    }
    expect((await mint({ url: 'https://x.example' })).statusCode).toBe(400);
    expect((await mint({ campaignId: 'c', url: 'https://x.example' }, 'Bearer nope')).statusCode).toBe(401);
  });

  const clickOf = async (code: string) => {
    const before = new Set(reader.seen.map((e) => e.eventId));
    const res = await app.inject({ method: 'GET', url: `/c/${code}` });
    const event =
      res.statusCode === 302
        ? (
            await eventually(
              () =>
                Promise.resolve(reader.seen.filter((e) => !before.has(e.eventId) && e.type === 'clicked')),
              (l) => l.length === 1,
            )
          )[0]
        : undefined;
    return { res, event };
  };

  it.each([
    ['a non-ASCII host', 'https://例え.jp/', 'https://xn--r8jz45g.jp/'],
    [
      'U+202E in the path',
      'https://shop.example/a\u202Eb?q=é#top',
      'https://shop.example/a%E2%80%AEb?q=%C3%A9#top',
    ],
  ])('redirects a link minted with %s to a valid Location', async (_name, url, location) => {
    const res = await mint({ campaignId: 'intl', url });
    expect(res.statusCode).toBe(201);
    expect(res.json().url).toBe(location);
    const { res: click, event } = await clickOf(res.json().code);
    expect([click.statusCode, click.headers.location]).toEqual([302, location]);
    expect(event?.url).toBe(location);
  });

  it('redirects a link stored before targets were normalized, and never 500s for one it cannot', async () => {
    const insert = (code: string, url: string) =>
      deps.pool.query(
        `INSERT INTO tracked_links(code, tenant_id, campaign_id, channel, url) VALUES ($1, 'acme', 'old', 'sms', $2)`,
        [code, url],
      );
    await insert('legacyAAAAA1', 'https://例え.jp/ü');
    await insert('legacyAAAAA2', 'not a url at all');
    const ok = await clickOf('legacyAAAAA1');
    expect([ok.res.statusCode, ok.res.headers.location]).toEqual([302, 'https://xn--r8jz45g.jp/%C3%BC']);
    const bad = await app.inject({ method: 'GET', url: '/c/legacyAAAAA2' });
    expect([bad.statusCode, bad.headers.location]).toEqual([404, undefined]);
  });

  it('refuses with a 400 naming url what cannot be made a valid URL', async () => {
    for (const url of [
      'https://x.example/a\u0000b',
      'https://x.example/\ud800',
      'https://:80/',
      `https://x.example/${'例'.repeat(700)}`,
      'https://exa mple.com/',
    ]) {
      const res = await mint({ campaignId: 'c', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(['body.url']);
    }
  });

  it('normalizes the recipient like every other source, and pseudonymizes a wamid message id', async () => {
    const wamid = 'wamid.HBgLNDQ3NzAwOTAwMDAxFQIAERgSQ0I2QjM5REFBODkyQTExOEU1AA==';
    const res = await mint({
      campaignId: 'wa_promo',
      channel: 'whatsapp',
      messageId: wamid,
      recipientId: '447700900001',
      url: 'https://shop.example/wa',
    });
    expect(res.statusCode).toBe(201);
    const { event } = await clickOf(res.json().code);
    const who = deps.pseudonymizer.recipient('acme', '+44 7700 900001', 'sms');
    expect(event).toMatchObject({
      channel: 'whatsapp',
      recipientId: who?.recipientId,
      messageId: deps.pseudonymizer.ids('acme', wamid),
    });
    expect(JSON.stringify(event)).not.toMatch(/wamid\.|447700900001/);
    expect(reader.keys.get(event?.eventId ?? '')).toBe(`acme r ${who?.recipientId}`);
    const blank = await mint({ campaignId: 'c', recipientId: '  ', url: 'https://x.example' });
    expect(blank.json().error.details).toEqual([{ path: 'body.recipientId', message: 'must not be blank' }]);
  });
});
