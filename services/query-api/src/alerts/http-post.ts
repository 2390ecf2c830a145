/**
 * One POST with a hard timeout, connecting only to public addresses unless allowed (url-guard).
 * Resolves with the status code; rejects with a PostError that says whether a connection to the
 * receiver was made (failure.ts tells local refusals from remote failures by it). The response
 * body is read (so the socket is freed) but capped and never logged.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { assertPublicUrl, guardedLookup } from './url-guard.ts';

export interface PostResult {
  status: number;
}

/** A failed request; `cause` is the underlying error, `connected` whether TCP got through. */
export class PostError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly connected: boolean,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'PostError';
  }
}

export interface PostOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** Name resolution when private URLs are allowed (default: the system's). */
  lookup?: LookupFunction;
}

export async function postJson(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  opts: PostOptions,
): Promise<PostResult> {
  try {
    await assertPublicUrl(rawUrl, opts.allowPrivate);
  } catch (err) {
    throw new PostError(err, false);
  }
  const url = new URL(rawUrl);
  const client = url.protocol === 'https:' ? https : http;
  const lookup = opts.allowPrivate ? opts.lookup : guardedLookup;
  let connected = false;
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
        ...(lookup ? { lookup } : {}),
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
        res.on('error', (err) => reject(new PostError(err, true)));
      },
    );
    req.on('socket', (socket) => {
      // kept alive from an earlier request, or a new one: connected once its 'connect' fires
      if (req.reusedSocket) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    req.on('error', (err) => {
      const cause =
        err.name === 'AbortError'
          ? Object.assign(new Error(`timed out after ${String(opts.timeoutMs)} ms`), { name: 'AbortError' })
          : err;
      reject(new PostError(cause, connected));
    });
    req.end(body);
  });
}
