/**
 * A keep-alive HTTP client over node:http (no redirects followed: a tracked link's 302 is the
 * answer, not a hop to the shop). The one place the generator does network I/O.
 */
import http from 'node:http';
import https from 'node:https';
import type { HttpRequest } from './wire.ts';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

export interface HttpClient {
  send(req: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

export function createHttpClient(
  baseUrl: string,
  opts: { maxSockets: number; timeoutMs: number },
): HttpClient {
  const base = new URL(baseUrl);
  const mod = base.protocol === 'https:' ? https : http;
  const agent = new mod.Agent({ keepAlive: true, maxSockets: opts.maxSockets });
  const prefix = base.pathname.replace(/\/+$/, '');
  return {
    send(req) {
      const started = performance.now();
      return new Promise((resolve, reject) => {
        const headers: Record<string, string | number> = { ...req.headers };
        if (req.body) headers['content-length'] = req.body.length;
        const r = mod.request(
          {
            agent,
            protocol: base.protocol,
            hostname: base.hostname,
            port: base.port,
            method: req.method,
            path: prefix + req.path,
            headers,
            timeout: opts.timeoutMs,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks).toString('utf8'),
                ms: performance.now() - started,
              }),
            );
            res.on('error', reject);
          },
        );
        r.on('timeout', () => r.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
        r.on('error', reject);
        r.end(req.body);
      });
    },
    close: () => agent.destroy(),
  };
}
