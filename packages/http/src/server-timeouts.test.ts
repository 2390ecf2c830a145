/**
 * The server's limits on a raw socket: a client that stops in the middle of its headers or its
 * body, or trickles them, is answered 408 and closed within the configured timeout (plus the
 * connection-checking interval), not after Node's defaults (60 s + a 30 s check).
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@tally/logging';
import { createBaseApp, type ServerLimits } from './base-app.ts';
import { createRegistry } from './observability.ts';

const LIMITS: ServerLimits = {
  headersTimeoutMs: 400,
  requestTimeoutMs: 800,
  connectionTimeoutMs: 5000,
  keepAliveTimeoutMs: 1500,
};
/** Timeout + the checking interval (a quarter of the headers timeout) + scheduling slack. */
const bound = (timeoutMs: number) => timeoutMs + LIMITS.headersTimeoutMs / 4 + 400;

interface Outcome {
  ms: number;
  answer: string;
}

/** Opens a socket, writes `chunks` (one every `everyMs`), and resolves when the server closes it. */
function holdOpen(port: number, chunks: string[], everyMs = 0): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const timers: NodeJS.Timeout[] = [];
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      timers.forEach(clearTimeout);
      resolve({ ms: Date.now() - started, answer });
    });
    socket.on('connect', () => {
      chunks.forEach((c, i) =>
        timers.push(setTimeout(() => !socket.destroyed && socket.write(c), i * everyMs)),
      );
    });
    timers.push(setTimeout(() => reject(new Error('the server kept the connection for 4 s')), 4000));
  });
}

describe('server limits', () => {
  let app: Awaited<ReturnType<typeof createBaseApp>>;
  let port: number;

  beforeAll(async () => {
    app = await createBaseApp({
      logger: createLogger({ service: 'test-http', level: 'silent' }),
      registry: createRegistry('test-http'),
      checks: {},
      title: 'test',
      server: LIMITS,
    });
    app.post('/echo', (request) => ({ got: request.body }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(() => app.close());

  it('closes a connection whose headers never end, with a 408', async () => {
    const out = await holdOpen(port, ['GET /healthz HTTP/1.1\r\nHost: x\r\n']);
    expect(out.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(out.answer.split('\r\n\r\n')[1]).toBe(
      '{"error":{"code":"request_timeout","message":"the request was not received in time"}}',
    );
    expect(out.ms).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs - 50);
    expect(out.ms).toBeLessThan(bound(LIMITS.headersTimeoutMs));
  });

  it('closes a connection whose headers trickle in, byte by byte', async () => {
    const line = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(100);
    const out = await holdOpen(port, [...line], 50);
    expect(out.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(out.ms).toBeLessThan(bound(LIMITS.headersTimeoutMs));
  });

  it('closes a connection whose body stops short of its Content-Length, with a 408', async () => {
    const head =
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n';
    const out = await holdOpen(port, [head, '{"a":']);
    expect(out.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(out.ms).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs - 50);
    expect(out.ms).toBeLessThan(bound(LIMITS.requestTimeoutMs));
  });

  it('closes a connection whose body trickles in under the idle timeout', async () => {
    const head =
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n';
    const out = await holdOpen(port, [head, ...('{"a":"' + 'b'.repeat(80))], 50);
    expect(out.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(out.ms).toBeLessThan(bound(LIMITS.requestTimeoutMs));
  });

  it('answers a complete request and keeps the connection for the keep-alive timeout', async () => {
    const body = '{"a":1}';
    const out = await holdOpen(port, [
      `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    ]);
    expect(out.answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(out.answer).toContain('{"got":{"a":1}}');
    expect(out.ms).toBeGreaterThanOrEqual(LIMITS.keepAliveTimeoutMs - 100);
  });

  it('answers a request the parser refuses in the error shape', async () => {
    const out = await holdOpen(port, ['GET /healthz HTTP/1.1\r\nHost x\r\n\r\n']);
    expect(out.answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(out.answer.split('\r\n\r\n')[1]).toBe(
      '{"error":{"code":"invalid_request","message":"malformed HTTP request"}}',
    );
  });

  it('refuses limits where the headers may take longer than the whole request', async () => {
    await expect(
      createBaseApp({
        logger: createLogger({ service: 'test-http', level: 'silent' }),
        registry: createRegistry('test-http-2'),
        checks: {},
        title: 'test',
        server: { ...LIMITS, headersTimeoutMs: 2000, requestTimeoutMs: 1000 },
      }),
    ).rejects.toThrow(/headers timeout/);
  });
});
