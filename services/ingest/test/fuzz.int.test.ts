/**
 * The ingest fuzz suite (issue 12): fast-check over every ingest route — POST /v1/events, the four
 * webhooks (signed with the test tenant's credentials, so random bodies reach the parsers and
 * normalizers, and with wrong or missing signatures), the WhatsApp handshake, POST /v1/links and
 * GET /c/:code, the import routes (issue 22), plus stray paths — with random and adversarial bodies, headers and parameters
 * (fuzz-arbitraries.ts). Every answer is below 500; every 4xx is SPEC §6's
 * `{ error: { code, message } }` (the one exception: the human 404 page of an unknown link, asked
 * for by a browser); every tracked link that was minted redirects to a header-safe Location;
 * every record that reached the topic is a valid canonical event; /healthz answers afterwards.
 *
 * `FUZZ_RUNS` (default 150 per route) runs longer; `FUZZ_SEED` replays a failure (fast-check
 * prints the seed and the counterexample's path when a property fails); `FUZZ_VERBOSE=1` prints
 * the answers' statuses per route, to see what the generators reach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addApiKey } from '@tally/db';
import { canonicalEventSchema, isStorableText } from '@tally/events';
import {
  addTenantWithCredentials,
  startIngestHarness,
  stopIngestHarness,
  type IngestHarness,
} from './helpers.ts';
import {
  eventsRequests,
  globalControlRequests,
  handshakeRequests,
  importsRequests,
  infobipRequests,
  linkCodes,
  linkRequests,
  strayRequests,
  twilioRequests,
  vonageRequests,
  whatsappRequests,
  type Req,
} from './fuzz-arbitraries.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/**
 * KNOWN GAP, not ingest's to fix: a path with an invalid percent-escape (`/c/%`, `/webhooks/twilio/%ff`)
 * or a path parameter over 100 characters is refused by Fastify's router before any hook or error
 * handler runs (400 / 414), with its own body `{ error: "Bad Request", code: "FST_ERR_…", … }`.
 * Only the Fastify constructor's `frameworkErrors` option can give these SPEC §6's shape, and that
 * lives in packages/http (createBaseApp). Remove this exception once createBaseApp sets it.
 */
const FRAMEWORK_ERRORS = new Set(['FST_ERR_BAD_URL', 'FST_ERR_MAX_PARAM_LENGTH', 'FST_ERR_ASYNC_CONSTRAINT']);
function isFastifyBadUrl(body: { error?: unknown; code?: unknown }): boolean {
  return typeof body.code === 'string' && FRAMEWORK_ERRORS.has(body.code) && body.error === 'Bad Request';
}

type Res = Awaited<ReturnType<IngestHarness['app']['inject']>>;

function describeExchange(req: Req, res: Res): string {
  return `${req.method} ${req.url.slice(0, 160)} [${req.headers['content-type'] ?? ''}] → ${res.statusCode} ${res.body.slice(0, 300)}`;
}

/** The answer is not a 5xx, and a 4xx is SPEC §6's error shape (or the unknown-link page). */
function checkAnswer(req: Req, res: Res): void {
  const where = describeExchange(req, res);
  expect(res.statusCode, where).toBeGreaterThanOrEqual(200);
  expect(res.statusCode, where).toBeLessThan(500);
  if (res.statusCode < 400) return;
  const type = String(res.headers['content-type'] ?? '');
  const accept = req.headers.accept ?? '';
  const wantsJson = accept.includes('application/json') && !accept.includes('text/html');
  if (req.url.startsWith('/c/') && res.statusCode === 404 && !wantsJson && type.startsWith('text/html')) {
    expect(res.body, where).toContain('Link not found');
    return;
  }
  expect(type, where).toContain('application/json');
  const body = res.json<{ error?: unknown; code?: unknown; message?: unknown }>();
  if (isFastifyBadUrl(body)) return;
  const { error } = body as { error?: { code?: unknown; message?: unknown } };
  expect(typeof error?.code, where).toBe('string');
  expect(typeof error?.message, where).toBe('string');
  expect(String(error?.code).length, where).toBeGreaterThan(0);
}

describe('ingest under fuzzing', () => {
  let h: IngestHarness;
  let key: string;
  const minted: string[] = [];
  const statuses = new Map<string, Map<number, number>>();
  const send = async (req: Req) => {
    const res = await h.app.inject(req);
    checkAnswer(req, res);
    const route = req.url.startsWith('/c/') ? '/c/:code' : (req.url.split('?')[0] ?? '').slice(0, 30);
    const m = statuses.get(route) ?? new Map<number, number>();
    m.set(res.statusCode, (m.get(res.statusCode) ?? 0) + 1);
    statuses.set(route, m);
    return res;
  };

  beforeAll(async () => {
    h = await startIngestHarness(
      'fuzz',
      { WEBHOOK_BODY_LIMIT_BYTES: String(512 * 1024) },
      // Fuzzed times reach back a year on purpose; these events are only read back, never counted.
      { allowFixedDates: 'fuzzed input, read back from the topic only' },
    );
    await addTenantWithCredentials(h.deps, 'acme');
    key = await addApiKey(h.deps.pool, 'acme');
    // the aggregator's epoch, so the suppression check reads (an empty list) rather than 503 rebuilding
    await h.deps.redis?.set(h.deps.keys.epoch(), '1');
  });
  afterAll(() => stopIngestHarness(h));

  const routes: [string, () => fc.Arbitrary<Req>][] = [
    ['POST /v1/events', () => eventsRequests(key)],
    ['POST /v1/global-control/check', () => globalControlRequests(key)],
    ['PUT /v1/imports/:id/parts/:n, GET /v1/imports/:id, POST …/close', () => importsRequests(key)],
    ['POST /v1/suppression/check', () => globalControlRequests(key, '/v1/suppression/check')],
    ['POST /webhooks/twilio (signed and not)', () => twilioRequests('acme')],
    ['POST /webhooks/whatsapp (signed and not)', () => whatsappRequests('acme')],
    ['GET /webhooks/whatsapp (handshake)', () => handshakeRequests('acme')],
    ['GET|POST /webhooks/vonage (sig, JWT, and wrong ones)', () => vonageRequests('acme')],
    ['POST /webhooks/infobip (secret and a wrong one)', () => infobipRequests('acme')],
    ['stray webhook paths, tenants and methods', () => strayRequests],
  ];

  it.each(routes)('%s: never 5xx, errors in the SPEC §6 shape', async (_name, arbitrary) => {
    await fc.assert(
      fc.asyncProperty(arbitrary(), async (req) => {
        await send(req);
      }),
      params,
    );
  });

  it('POST /v1/links and GET /c/:code: never 5xx, a minted link redirects to a valid Location', async () => {
    await fc.assert(
      fc.asyncProperty(
        linkRequests(key),
        fc.constantFrom('text/html', 'application/json', '*/*'),
        async (req, accept) => {
          const res = await send(req);
          if (res.statusCode !== 201) return;
          const { code } = res.json<{ code: string }>();
          minted.push(code);
          const click = await send({ method: 'GET', url: `/c/${code}`, headers: { accept } });
          expect(click.statusCode, describeExchange(req, click)).toBe(302);
          expect(String(click.headers.location), describeExchange(req, click)).toMatch(HEADER_SAFE);
        },
      ),
      params,
    );
    await fc.assert(
      fc.asyncProperty(
        linkCodes,
        fc.constantFrom('text/html', 'application/json', ''),
        async (code, accept) => {
          await send({ method: 'GET', url: `/c/${code}`, headers: accept ? { accept } : {} });
        },
      ),
      params,
    );
  });

  it('published only valid, storable canonical events, and still answers /healthz', async () => {
    // Give the last acknowledged records a moment to reach the reader.
    await new Promise((r) => setTimeout(r, 500));
    expect(h.reader.seen.length).toBeGreaterThan(0);
    for (const e of h.reader.seen) {
      const parsed = canonicalEventSchema.safeParse(e);
      expect(parsed.success, JSON.stringify(e).slice(0, 300)).toBe(true);
      for (const v of Object.values(e)) if (typeof v === 'string') expect(isStorableText(v)).toBe(true);
      expect(`${e.eventId} ${e.messageId ?? ''}`).not.toMatch(/wamid\.[A-Za-z0-9+/=_-]/i);
    }
    if (process.env.FUZZ_VERBOSE) {
      console.log([...statuses].map(([r, m]) => `${r} ${JSON.stringify([...m])}`).join('\n'));
    }
    const health = await h.app.inject({ method: 'GET', url: '/healthz' });
    expect([health.statusCode, health.json()]).toEqual([200, { status: 'ok' }]);
  });
});
