import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@tally/logging';
import { AppError } from './errors.ts';
import { createBaseApp } from './base-app.ts';
import { createRegistry } from './observability.ts';

describe('createBaseApp', () => {
  let app: Awaited<ReturnType<typeof createBaseApp>>;
  let ready = true;

  beforeAll(async () => {
    app = await createBaseApp({
      logger: createLogger({ service: 'test-http', level: 'silent' }),
      registry: createRegistry('test-http'),
      checks: { store: () => ready },
      title: 'test',
    });
    app.get('/ok', () => ({ ok: true }));
    app.get('/gone', () => {
      throw new AppError('not_found', 'no such thing');
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('echoes a well-formed x-request-id and makes one up otherwise, on every answer', async () => {
    const given = await app.inject({ url: '/ok', headers: { 'x-request-id': 'req-42.a_b' } });
    expect(given.headers['x-request-id']).toBe('req-42.a_b');
    const bad = await app.inject({ url: '/ok', headers: { 'x-request-id': 'no spaces allowed' } });
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const none = await app.inject({ url: '/nowhere' });
    expect(none.statusCode).toBe(404);
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const failed = await app.inject({ url: '/gone', headers: { 'x-request-id': 'r1' } });
    expect(failed.headers['x-request-id']).toBe('r1');
  });

  it('answers an AppError with its status and the error body', async () => {
    const res = await app.inject({ url: '/gone' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'no such thing' } });
  });

  it('answers a URL that does not decode in the error shape', async () => {
    const res = await app.inject({ url: '/ok/%zz' });
    expect([res.statusCode, res.json()]).toEqual([
      400,
      { error: { code: 'invalid_request', message: 'the URL is not validly percent-encoded' } },
    ]);
  });

  it('serves health, readiness from the checks, and per-route metrics', async () => {
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({
      status: 'ready',
      checks: { store: true },
    });
    ready = false;
    const down = await app.inject({ url: '/readyz' });
    expect([down.statusCode, down.json().status]).toEqual([503, 'not_ready']);
    ready = true;
    await app.inject({ url: '/ok' });
    const metrics = (await app.inject({ url: '/metrics' })).body;
    console.log(
      metrics
        .split('\n')
        .filter((l) => l.startsWith('http_'))
        .slice(0, 6)
        .join('\n'),
    );
    expect(metrics).toMatch(
      /http_requests_total\{method="GET",route="\/ok",status="200",service="test-http"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{service="test-http",method="GET",route="\/ok"\} [1-9]/,
    );
  });

  it('takes the client address from X-Forwarded-For only through TRUST_PROXY_HOPS proxies', async () => {
    const ipOf = async (trustProxyHops: number) => {
      const a = await createBaseApp({
        logger: createLogger({ service: 'test-http', level: 'silent' }),
        registry: createRegistry('test-http-proxy'),
        checks: {},
        title: 'test',
        trustProxyHops,
      });
      a.get('/ip', (request) => ({ ip: request.ip }));
      const res = await a.inject({
        url: '/ip',
        remoteAddress: '10.0.0.2',
        headers: { 'x-forwarded-for': '198.51.100.9, 203.0.113.5' },
      });
      await a.close();
      return res.json().ip;
    };
    expect(await ipOf(0)).toBe('10.0.0.2');
    expect(await ipOf(1)).toBe('203.0.113.5');
    expect(await ipOf(2)).toBe('198.51.100.9');
  });
});

describe('request logs', () => {
  const lines: Record<string, unknown>[] = [];
  let app: Awaited<ReturnType<typeof createBaseApp>>;

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        cb();
      },
    });
    app = await createBaseApp({
      logger: createLogger({ service: 'test-logs', level: 'info', destination }),
      registry: createRegistry('test-logs'),
      checks: {},
      title: 'test',
    });
    app.get('/ok', () => ({ ok: true }));
    app.get('/broken', () => {
      throw new Error('boom');
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('are one line per refusal or error, none for a success at info, with the route and status', async () => {
    lines.length = 0;
    expect((await app.inject({ url: '/ok?msisdn=447700900001' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/nowhere?x=1' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/broken' })).statusCode).toBe(500);
    const completed = lines.filter((l) => l.msg === 'request_completed');
    expect(completed.map((l) => [l.level, l.status, l.route, (l.req as { url: string }).url])).toEqual([
      ['info', 404, 'unmatched', '/nowhere'],
      ['warn', 500, '/broken', '/broken'],
    ]);
    expect(lines.some((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toBe(false);
    expect(lines.find((l) => l.msg === 'unhandled_error')).toBeDefined();
    expect(JSON.stringify(lines)).not.toContain('447700900001');
  });

  it('keep the counts and latencies per route in /metrics', async () => {
    await app.inject({ url: '/ok' });
    const lines = (await app.inject({ url: '/metrics' })).body.split('\n');
    const value = (name: string, ...labels: string[]) =>
      Number(
        lines
          .find((l) => l.startsWith(`${name}{`) && labels.every((x) => l.includes(x)))
          ?.split(' ')
          .pop(),
      );
    expect(value('http_requests_total', 'route="/ok"', 'status="200"')).toBeGreaterThan(0);
    expect(value('http_request_duration_seconds_count', 'route="/ok"')).toBeGreaterThan(0);
  });
});
