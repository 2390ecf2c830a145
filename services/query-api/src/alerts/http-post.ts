/**
 * One POST with a hard timeout, connecting only to public addresses unless allowed (url-guard).
 * Resolves with the status code; rejects on network errors and timeouts. The response body is
 * read (so the socket is freed) but capped and never logged.
 */
import http from 'node:http';
import https from 'node:https';
import { assertPublicUrl, guardedLookup } from './url-guard.ts';

export interface PostResult {
  status: number;
}

export async function postJson(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allowPrivate: boolean },
): Promise<PostResult> {
  await assertPublicUrl(rawUrl, opts.allowPrivate);
  const url = new URL(rawUrl);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'tally-alerts/0.1',
        },
        ...(opts.allowPrivate ? {} : { lookup: guardedLookup }),
        signal: AbortSignal.timeout(opts.timeoutMs),
      },
      (res) => {
        let seen = 0;
        res.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > 64 * 1024) res.destroy();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('close', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    req.on('error', (err) =>
      reject(err.name === 'AbortError' ? new Error(`timed out after ${opts.timeoutMs} ms`) : err),
    );
    req.end(body);
  });
}
