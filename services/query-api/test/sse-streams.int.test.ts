/**
 * Issue 12: SSE streams had no per-tenant cap. GET /v1/alerts/stream now admits at most
 * ALERT_STREAMS_PER_TENANT per tenant on a replica (429 too_many_streams beyond), a closed stream
 * frees its place, a stream outlives the server's request timeout, and shutdown ends every stream
 * with a closing comment.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@tally/testing';
import { startApi, type Api } from './api-fixture.ts';

interface Stream {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: () => string;
  ended: Promise<number>;
  close: () => void;
}

function openStream(port: number, key: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: '/v1/alerts/stream', headers: { authorization: `Bearer ${key}` } },
      (res) => {
        let text = '';
        const ended = new Promise<number>((done) => res.on('close', () => done(Date.now())));
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.once('data', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: () => text,
            ended,
            close: () => req.destroy(),
          }),
        );
      },
    );
    req.on('error', reject);
  });
}

describe('alert streams', () => {
  let api: Api;
  let port: number;
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    api = await startApi({
      ALERT_STREAMS_PER_TENANT: '2',
      HTTP_HEADERS_TIMEOUT_MS: '300',
      HTTP_REQUEST_TIMEOUT_MS: '600',
    });
    acme = await api.addTenant('acme');
    globex = await api.addTenant('globex');
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    port = (api.app.server.address() as AddressInfo).port;
  });
  afterAll(() => api.stop());

  it('caps streams per tenant, frees a place when one closes, and ends them all at shutdown', async () => {
    const a1 = await openStream(port, acme);
    const a2 = await openStream(port, acme);
    expect([a1.status, a2.status]).toEqual([200, 200]);
    expect(a1.text()).toContain(': subscribed');

    const refused = await openStream(port, acme);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('30');
    await refused.ended;
    expect(JSON.parse(refused.text())).toEqual({
      error: { code: 'too_many_streams', message: 'at most 2 alert streams per tenant at once' },
    });
    const g1 = await openStream(port, globex);
    expect(g1.status).toBe(200);
    expect([api.deps.streams.count('acme'), api.deps.streams.count('globex')]).toEqual([2, 1]);

    a2.close();
    await eventually(
      () => Promise.resolve(api.deps.streams.count('acme')),
      (n) => n === 1,
      { timeoutMs: 2000, intervalMs: 20 },
    );
    const a3 = await openStream(port, acme);
    expect(a3.status).toBe(200);

    // past the request timeout (600 ms, checked every 75 ms) the streams are still open
    let early = false;
    void Promise.race([a1.ended, a3.ended, g1.ended]).then(() => (early = true));
    await new Promise((r) => setTimeout(r, 1500));
    expect(early).toBe(false);

    const closing = Date.now();
    const stopped = api.stop();
    const ends = await Promise.all([a1.ended, a3.ended, g1.ended]);
    for (const at of ends) expect(at - closing).toBeLessThan(1000);
    for (const s of [a1, a3, g1]) expect(s.text()).toContain(': shutting down, reconnect');
    await stopped;
  });
});
