/**
 * Issue 12: every string a request carries is bounded and storable, and every time parameter lies
 * in 2000-01-01 … 2100-01-01 — a NUL, an unpaired surrogate, a 3,000-character id or a time in 1900
 * is a 400 `invalid_request` naming the field, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSeries } from '../src/series.ts';
import { startApi, type Api } from './api-fixture.ts';

const NUL = '\u0000';
const LONE_SURROGATE = '\ud800';
const LONG = 'x'.repeat(3000);
/** A URL for a test title: runs of one character shortened. */
const short = (s: string) => s.replace(/(.)\1{20,}/g, (m, c: string) => `${c}×${m.length}`);

describe('input limits', () => {
  let api: Api;
  let key: string;

  beforeAll(async () => {
    api = await startApi();
    key = await api.addTenant('acme');
    await api.seedCampaign('acme', 'k1');
  });
  afterAll(() => api.stop());

  async function expect400(method: 'GET' | 'POST', url: string, field: string, payload?: unknown) {
    const res = await api.call(key, method, url, payload);
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({
      status: 400,
      code: 'invalid_request',
    });
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    expect(res.body.error.message).toContain(field);
  }

  const silence = (scopeId: string, reason?: string) => ({
    scope: { kind: 'campaign', id: scopeId },
    endsAt: '2099-01-01T00:00:00Z',
    ...(reason === undefined ? {} : { reason }),
  });

  it.each([
    ['a NUL', NUL],
    ['an unpaired surrogate', `a${LONE_SURROGATE}b`],
    ['3,000 characters', LONG],
    ['an empty string', ''],
  ])('refuses a silence scope id with %s', async (_what, id) => {
    await expect400('POST', '/v1/silences', 'body.scope.id', silence(id));
  });

  it.each([
    ['a NUL', `quiet${NUL}`],
    ['an unpaired surrogate', LONE_SURROGATE],
    ['501 characters', 'r'.repeat(501)],
  ])('refuses a silence reason with %s', async (_what, reason) => {
    await expect400('POST', '/v1/silences', 'body.reason', silence('k1', reason));
  });

  it('still creates a silence whose fields are storable', async () => {
    const res = await api.call(key, 'POST', '/v1/silences', silence('k1', 'maintenance — ünïcode ok'));
    expect(res.status).toBe(201);
    expect(res.body.silence.scope).toEqual({ kind: 'campaign', id: 'k1' });
  });

  it.each([
    ['name', { kind: 'slack', name: `ops${NUL}`, url: 'http://127.0.0.1:9/hook' }],
    ['name', { kind: 'slack', name: 'n'.repeat(201), url: 'http://127.0.0.1:9/hook' }],
    ['name', { kind: 'webhook', name: `a${LONE_SURROGATE}`, url: 'http://127.0.0.1:9/hook' }],
    [
      'secret',
      { kind: 'webhook', name: 'ops', url: 'http://127.0.0.1:9/h', secret: `${'s'.repeat(20)}${NUL}` },
    ],
    ['routingKey', { kind: 'pagerduty', name: 'pd', routingKey: `R${LONE_SURROGATE}` }],
  ])('refuses a notification channel whose %s is not storable', async (field, body) => {
    await expect400('POST', '/v1/notification-channels', `body.${field}`, body);
  });

  // (a query string cannot carry an unpaired surrogate: invalid UTF-8 decodes to U+FFFD)
  it.each(
    [
      ['/v1/campaigns/k1/kpis?segment=%00', 'querystring.segment'],
      ['/v1/campaigns/k1/kpis?variant=a%01b', 'querystring.variant'],
      [`/v1/campaigns/k1/kpis?segment=${'s'.repeat(201)}`, 'querystring.segment'],
      ['/v1/campaigns?cursor=%00', 'querystring.cursor'],
      ['/v1/campaigns?cursor=not%20a%20cursor', 'querystring.cursor'],
      [`/v1/campaigns?cursor=${'A'.repeat(2001)}`, 'querystring.cursor'],
      ['/v1/audience/silent-disengagement?cursor=%01abc', 'querystring.cursor'],
      [`/v1/campaigns/${LONG}/kpis`, 'params.id'],
      [`/v1/campaigns/${LONG}/timeseries?metric=sent`, 'params.id'],
      ['/v1/campaigns/a%00b/breakdown?by=channel', 'params.id'],
    ].map(([url = '', field = '']) => ({ url, field, label: short(url) })),
  )('refuses GET $label naming $field', async ({ url, field }) => {
    await expect400('GET', url, field);
  });

  describe('time parameters', () => {
    it.each([
      ['from=1900-01-01T00:00:00Z&to=1900-01-01T01:00:00Z', 'querystring.from'],
      ['from=1999-12-31T23:59:59Z', 'querystring.from'],
      ['to=2100-01-01T00:00:01Z', 'querystring.to'],
      ['from=+275760-09-13T00:00:00Z', 'querystring.from'],
      ['from=yesterday', 'querystring.from'],
      ['from=0', 'querystring.from'],
      ['from=2026-01-01T00:00:00', 'querystring.from'],
    ])('timeseries refuses %s', async (q, field) => {
      await expect400('GET', `/v1/campaigns/k1/timeseries?metric=sent&${q}`, field);
    });

    it('campaigns refuses a time outside the range', async () => {
      await expect400('GET', '/v1/campaigns?to=1900-01-01T00:00:00Z', 'querystring.to');
    });

    it('reads the first hour of 2000 from the Postgres rollups', async () => {
      await api.iso.db.pool.query(
        `INSERT INTO campaign_minute_counts(tenant_id, campaign_id, minute, metric, value)
         VALUES ('acme', 'k1', '2000-01-01T00:30:00Z', 'sent', 7), ('acme', 'k1', '2000-01-01T01:05:00Z', 'sent', 2)`,
      );
      const res = await api.call(
        key,
        'GET',
        '/v1/campaigns/k1/timeseries?metric=sent&bucket=1h&from=2000-01-01T00:00:00Z&to=2000-01-01',
      );
      expect(res.status).toBe(200);
      expect(res.body.points).toEqual([{ t: '2000-01-01T00:00:00.000Z', value: 7 }]);
    });

    it('the Postgres read is safe for minutes far outside 32-bit arithmetic', async () => {
      for (const year of [1900, 2040, 2099]) {
        const fromMinute = Date.UTC(year, 0, 1) / 60_000;
        const series = await readSeries(api.deps, {
          tenant: 'acme',
          campaign: 'k1',
          metrics: ['sent'],
          fromMinute,
          toMinute: fromMinute + 60,
          bucket: '1m',
          nowMs: Date.UTC(2100, 0, 1),
        });
        expect(series).toEqual(new Map());
      }
    });
  });
});
