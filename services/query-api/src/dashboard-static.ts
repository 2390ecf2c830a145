/**
 * The dashboard (services/dashboard, issue 13) served at `/` from its built files, on the same
 * origin as `/v1`. The build output is read into memory once, when the app is built: a fixed map of
 * paths, so nothing of a request's path ever reaches the file system. Hashed assets are cached for a
 * year, index.html never. Without a build, `/` answers 503 with the command that builds it, and the
 * API starts as usual.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const DASHBOARD_DIST = fileURLToPath(new URL('../../dashboard/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

// ECharts writes style attributes into its tooltips, hence 'unsafe-inline' for styles only.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
  immutable: boolean;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function loadDist(dir: string): Promise<Map<string, StaticFile> | null> {
  let paths: string[];
  try {
    paths = await listFiles(dir);
  } catch {
    return null;
  }
  const files = new Map<string, StaticFile>();
  for (const path of paths) {
    const url = '/' + relative(dir, path).split(sep).join('/');
    const body = await readFile(path);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    const type = TYPES[extname(path)] ?? 'application/octet-stream';
    files.set(url, { body, type, etag, immutable: url.startsWith('/assets/') });
  }
  return files.has('/index.html') ? files : null;
}

function send(reply: FastifyReply, file: StaticFile, ifNoneMatch: string | undefined): FastifyReply {
  reply
    .header('content-type', file.type)
    .header('etag', file.etag)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (file.type.startsWith('text/html')) reply.header('content-security-policy', CSP);
  if (ifNoneMatch === file.etag) return reply.status(304).send();
  return reply.send(file.body);
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Tally</title>
<body style="font:16px system-ui;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The dashboard is not built</h1>
<p>Build it with <code>pnpm --filter @tally/dashboard build</code> (or run <code>./tally up</code>,
which builds it), then restart query-api. The API is up: see <a href="/docs">/docs</a>.</p>`;

export async function dashboardStatic(app: FastifyInstance, dir: string = DASHBOARD_DIST): Promise<void> {
  const files = await loadDist(dir);
  const hide = { schema: { hide: true } };
  if (!files) {
    app.get('/', hide, (_request, reply) =>
      reply.status(503).header('content-type', 'text/html; charset=utf-8').send(NOT_BUILT),
    );
    return;
  }
  const index = files.get('/index.html');
  for (const [url, file] of files) {
    if (url === '/index.html') continue;
    app.get(url, hide, (request, reply) => send(reply, file, request.headers['if-none-match']));
  }
  if (index) {
    app.get('/', hide, (request, reply) => send(reply, index, request.headers['if-none-match']));
    app.get('/index.html', hide, (request, reply) => send(reply, index, request.headers['if-none-match']));
  }
}
