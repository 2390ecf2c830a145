/**
 * Issue 12: unknown API keys cost one Postgres query each, without limit. Now a flood of one bad
 * key costs one query, a client's failed lookups are limited (429 with Retry-After, no query),
 * bad keys never push known ones out of the cache, and a key added after it was refused works at
 * once (addApiKey notifies the listening resolvers) — else within API_KEY_NEGATIVE_CACHE_MS.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  addApiKey,
  AuthRateLimitedError,
  createApiKeyResolver,
  createTenant,
  hashApiKey,
  newApiKey,
  revokeApiKeys,
  type ApiKeyResolver,
} from '@tally/db';
import { eventually, isolate, type Isolation } from '@tally/testing';
import { startApi, type Api } from './api-fixture.ts';

describe('API key resolver on Postgres', () => {
  let iso: Isolation;
  let known: string;
  const resolvers: ApiKeyResolver[] = [];
  const resolver = (opts: Parameters<typeof createApiKeyResolver>[1]) => {
    const r = createApiKeyResolver(iso.db.pool, opts);
    resolvers.push(r);
    return r;
  };
  const queries = () => vi.spyOn(iso.db.pool, 'query');

  beforeAll(async () => {
    iso = await isolate('keys');
    await createTenant(iso.db.pool, 'acme');
    known = await addApiKey(iso.db.pool, 'acme');
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await Promise.all(resolvers.map((r) => r.close()));
    await iso.cleanup();
  });

  it('answers a flood of one unknown key with one query', async () => {
    const r = resolver({ failuresPerMinute: 100_000 });
    const spy = queries();
    const bad = newApiKey();
    const answers = await Promise.all(Array.from({ length: 200 }, () => r.resolve(bad, 'c1')));
    for (let i = 0; i < 200; i++) expect(await r.resolve(bad, 'c1')).toBeUndefined();
    expect(answers.every((a) => a === undefined)).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('limits a client trying many keys: perMinute lookups, then a wait without a query', async () => {
    const r = resolver({ failuresPerMinute: 30 });
    expect(await r.resolve(known, 'ip1')).toEqual({ id: 'acme', name: 'acme' });
    const spy = queries();
    const outcomes: (string | number)[] = [];
    for (let i = 0; i < 100; i++) {
      try {
        outcomes.push((await r.resolve(newApiKey(), 'ip1')) === undefined ? 'unknown' : 'known');
      } catch (err) {
        outcomes.push(err instanceof AuthRateLimitedError ? err.retryAfterMs : String(err));
      }
    }
    expect(outcomes.slice(0, 30)).toEqual(Array(30).fill('unknown'));
    // one failure refills every 2 s
    for (const wait of outcomes.slice(30)) expect(wait).toBeGreaterThan(0);
    for (const wait of outcomes.slice(30)) expect(wait).toBeLessThanOrEqual(2000);
    expect(spy).toHaveBeenCalledTimes(30);
    // the client's known (cached) key still works, and another client is not limited
    expect(await r.resolve(known, 'ip1')).toEqual({ id: 'acme', name: 'acme' });
    expect(await r.resolve(newApiKey(), 'ip2')).toBeUndefined();
    expect(spy).toHaveBeenCalledTimes(31);
  });

  it('keeps a key known before working for a limited client, even past its cache time', async () => {
    let now = 1_000_000;
    const r = resolver({ failuresPerMinute: 2, ttlMs: 1000, now: () => now });
    expect(await r.resolve(known, 'nat')).toEqual({ id: 'acme', name: 'acme' });
    for (let i = 0; i < 2; i++) await r.resolve(newApiKey(), 'nat');
    await expect(r.resolve(newApiKey(), 'nat')).rejects.toThrow(AuthRateLimitedError);
    now += 5000; // the known entry expired, the client is still limited
    const spy = queries();
    expect(await r.resolve(known, 'nat')).toEqual({ id: 'acme', name: 'acme' });
    expect(spy).not.toHaveBeenCalled();
    now += 60_000; // refilled: the key is looked up again
    expect(await r.resolve(known, 'nat')).toEqual({ id: 'acme', name: 'acme' });
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('never lets unknown keys push a known one out of the cache', async () => {
    const r = resolver({ maxEntries: 10, failuresPerMinute: 100_000 });
    await r.resolve(known);
    for (let i = 0; i < 100; i++) await r.resolve(newApiKey(), `client${i}`);
    const spy = queries();
    expect(await r.resolve(known)).toEqual({ id: 'acme', name: 'acme' });
    expect(spy).not.toHaveBeenCalled();
  });

  it('knows a key at once when it is added after being refused (LISTEN/NOTIFY)', async () => {
    const r = resolver({ negativeTtlMs: 60_000, listen: { connectionString: iso.db.url } });
    await r.ready();
    const key = newApiKey();
    expect(await r.resolve(key)).toBeUndefined();
    expect(await r.resolve(key)).toBeUndefined();
    const started = Date.now();
    await addApiKey(iso.db.pool, 'acme', { key });
    await eventually(
      () => r.resolve(key),
      (t) => t?.id === 'acme',
      { timeoutMs: 2000, intervalMs: 20 },
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('without the listener, knows it once the negative entry expired', async () => {
    const r = resolver({ negativeTtlMs: 300 });
    const key = newApiKey();
    expect(await r.resolve(key)).toBeUndefined();
    await addApiKey(iso.db.pool, 'acme', { key });
    expect(await r.resolve(key)).toBeUndefined();
    await new Promise((done) => setTimeout(done, 350));
    expect(await r.resolve(key)).toEqual({ id: 'acme', name: 'acme' });
  });

  const idOf = async (key: string) =>
    (
      await iso.db.pool.query<{ id: string }>('SELECT id::text FROM api_keys WHERE key_hash = $1', [
        hashApiKey(key),
      ])
    ).rows[0]?.id ?? '';

  it('forgets a revoked key at once (LISTEN/NOTIFY), though it was cached for a minute', async () => {
    const r = resolver({ ttlMs: 60_000, listen: { connectionString: iso.db.url } });
    await r.ready();
    const key = await addApiKey(iso.db.pool, 'acme');
    expect(await r.resolve(key)).toEqual({ id: 'acme', name: 'acme' });
    const started = Date.now();
    await revokeApiKeys(iso.db.pool, 'acme', [await idOf(key)], { actor: 'test' });
    await eventually(
      () => r.resolve(key),
      (t) => t === undefined,
      { timeoutMs: 2000, intervalMs: 20 },
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('without the listener, refuses a revoked key once its cache entry expired', async () => {
    const r = resolver({ ttlMs: 300 });
    const key = await addApiKey(iso.db.pool, 'acme');
    expect(await r.resolve(key)).toEqual({ id: 'acme', name: 'acme' });
    await revokeApiKeys(iso.db.pool, 'acme', [await idOf(key)], { actor: 'test' });
    expect(await r.resolve(key)).toEqual({ id: 'acme', name: 'acme' });
    await new Promise((done) => setTimeout(done, 350));
    expect(await r.resolve(key)).toBeUndefined();
  });

  it('keeps a key with a revocation to come no longer than until then, even unannounced and limited', async () => {
    const r = resolver({ ttlMs: 60_000, failuresPerMinute: 1 });
    const key = await addApiKey(iso.db.pool, 'acme');
    await revokeApiKeys(iso.db.pool, 'acme', [await idOf(key)], { actor: 'test', afterMs: 400 });
    expect(await r.resolve(key, 'ip9')).toEqual({ id: 'acme', name: 'acme' });
    await new Promise((done) => setTimeout(done, 450));
    // the client is limited (its failure budget spent), so only a key still valid may pass unchecked
    await r.resolve(newApiKey(), 'ip9');
    await expect(r.resolve(key, 'ip9')).rejects.toBeInstanceOf(AuthRateLimitedError);
    expect(await r.resolve(key)).toBeUndefined();
  });
});

describe('failed authentications over HTTP', () => {
  let api: Api;
  let key: string;

  beforeAll(async () => {
    api = await startApi({ AUTH_FAILURES_PER_MINUTE: '5' });
    key = await api.addTenant('acme');
  });
  afterAll(() => api.stop());

  const get = (authorization: string | undefined, remoteAddress: string, headers = {}) =>
    api.app.inject({
      url: '/v1/alerts',
      remoteAddress,
      headers: { ...headers, ...(authorization ? { authorization } : {}) },
    });

  it('answers 401 five times, then 429 with Retry-After to that client only', async () => {
    expect((await get(`Bearer ${key}`, '192.0.2.7')).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) {
      const res = await get(`Bearer ${newApiKey()}`, '192.0.2.7');
      expect([res.statusCode, res.json().error.code]).toEqual([401, 'unauthorized']);
    }
    const limited = await get(`Bearer ${newApiKey()}`, '192.0.2.7');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({
      error: { code: 'rate_limited', message: 'too many failed authentications; retry in 12 s' },
    });
    expect(limited.headers['retry-after']).toBe('12');
    // forged X-Forwarded-For changes nothing without TRUST_PROXY_HOPS
    const forged = await get(`Bearer ${newApiKey()}`, '192.0.2.7', { 'x-forwarded-for': '203.0.113.1' });
    expect(forged.statusCode).toBe(429);
    // the key this client used before still works; another client is not limited
    expect((await get(`Bearer ${key}`, '192.0.2.7')).statusCode).toBe(200);
    expect((await get(`Bearer ${newApiKey()}`, '192.0.2.8')).statusCode).toBe(401);
  });

  it('counts an IPv6 client by its /64', async () => {
    for (let i = 0; i < 5; i++)
      expect((await get(`Bearer ${newApiKey()}`, `2001:db8:1:2::${i + 1}`)).statusCode).toBe(401);
    expect((await get(`Bearer ${newApiKey()}`, '2001:db8:1:2:ffff::9')).statusCode).toBe(429);
    expect((await get(`Bearer ${newApiKey()}`, '2001:db8:1:3::1')).statusCode).toBe(401);
  });
});
