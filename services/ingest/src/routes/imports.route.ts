/**
 * Imports (issue 22, docs/api.md "Imports"): a tenant's history in bulk, exact and idempotent like
 * `POST /v1/events`, but judged late by the tenant's backfill window (90 days by default) instead of
 * its horizon.
 *
 *   PUT  /v1/imports/:importId/parts/:part   NDJSON of the events /v1/events accepts, one per line.
 *        Valid lines are finished exactly as /v1/events does (finalize.ts), marked with the import
 *        id and published (200 after Kafka acked); invalid ones are counted and named by line. A part
 *        already recorded is answered as it was and publishes nothing (`replayed: true`), so a
 *        retried upload is harmless (concurrent uploads of one part take turns on a lock); another
 *        body under a recorded number is 409 `part_conflict`. A crash between the ack and the
 *        record republishes the part, which the aggregator counts as duplicates.
 *   POST /v1/imports/:importId/close         ends the import once the aggregator applied everything
 *        it published (409 `import_pending` until then, unless `?force=true`); the tenant's normal
 *        horizon then resumes.
 *   GET  /v1/imports/:importId               progress: ingest's counts and the aggregator's.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  describeIssues,
  importIdSchema,
  inboundEventSchema,
  isStorableText,
  type CanonicalEvent,
} from '@tally/events';
import { withTransaction } from '@tally/db';
import { AppError, bearerAuth, errorResponseSchema as errorSchema, tenantOf } from '@tally/http';
import type { IngestDeps } from '../deps.ts';
import { finalizeEvent } from '../finalize.ts';
import { publishOr503 } from '../publish/publish-or-503.ts';
import {
  closeImport,
  importTotals,
  openShared,
  recordedPart,
  recordPart,
  type ImportTotals,
  type LineIssue,
} from '../imports/store.ts';

export const NDJSON = 'application/x-ndjson';
/** Line issues an answer names at most (the counts are complete). */
const MAX_ISSUES = 100;

const params = z.strictObject({ importId: importIdSchema });
const closeQuery = z.strictObject({ force: z.enum(['true', 'false']).optional() });
const partParams = z.strictObject({
  importId: importIdSchema,
  part: z.coerce.number().int().min(0).max(1_000_000_000),
});
const issueSchema = z.object({ line: z.number().int(), path: z.string(), message: z.string() });
const partAnswer = z.object({
  importId: z.string(),
  part: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  published: z.number().int(),
  replayed: z.boolean().describe('true: this part was recorded before; nothing was published now'),
  issues: z.array(issueSchema),
});
const progress = z.object({
  importId: z.string(),
  state: z.enum(['open', 'closed']),
  parts: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  published: z.number().int(),
  applied: z.number().int().nullable().describe('events the aggregator counted (null: Redis not configured)'),
  duplicate: z.number().int().nullable(),
  late: z.number().int().nullable(),
  done: z.boolean().describe('the aggregator applied every published event'),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
});
type Progress = z.infer<typeof progress>;

/** A line issue as storable text (it is kept in Postgres jsonb: no NUL, no lone surrogate), ≤ 200 chars. */
function storableIssue(line: number, x: { path: string; message: string }): LineIssue {
  const clean = (v: string) =>
    [...v.toWellFormed()]
      .map((ch) => (isStorableText(ch) ? ch : '?'))
      .join('')
      .slice(0, 200);
  return { line, path: clean(x.path), message: clean(x.message) };
}

/** The part's lines as finished canonical events of the import, and the lines refused. */
export function parseLines(
  deps: IngestDeps,
  tenantId: string,
  importId: string,
  text: string,
  receivedAt: Date,
): { events: CanonicalEvent[]; issues: LineIssue[]; lines: number } {
  const events: CanonicalEvent[] = [];
  const issues: LineIssue[] = [];
  const raw = text.split('\n');
  let lines = 0;
  raw.forEach((l, i) => {
    if (l.trim() === '') return;
    lines += 1;
    const line = i + 1;
    let json: unknown;
    try {
      json = JSON.parse(l);
    } catch {
      issues.push({ line, path: '(line)', message: 'not valid JSON' });
      return;
    }
    const parsed = inboundEventSchema.safeParse(json);
    if (!parsed.success) {
      for (const x of describeIssues(parsed.error)) issues.push(storableIssue(line, x));
      return;
    }
    const { recipientId, ...rest } = parsed.data;
    const draft = { ...rest, recipient: recipientId, provider: rest.provider ?? ('api' as const), importId };
    const r = finalizeEvent(tenantId, draft, deps.pseudonymizer, receivedAt);
    if (r.ok) events.push(r.event);
    else for (const x of r.issues) issues.push(storableIssue(line, x));
  });
  return { events, issues, lines };
}

async function readProgress(
  deps: IngestDeps,
  tenant: string,
  id: string,
  t: ImportTotals,
): Promise<Progress> {
  let applied: number | null = null;
  let duplicate: number | null = null;
  let late: number | null = null;
  if (deps.redis) {
    const h = await deps.redis.hgetall(deps.keys.importProgress(tenant, id));
    applied = Number(h.applied ?? 0);
    duplicate = Number(h.duplicate ?? 0);
    late = Number(h.late ?? 0);
  }
  const done = applied !== null && applied + (duplicate ?? 0) + (late ?? 0) >= t.published;
  return { importId: id, ...t, applied, duplicate, late, done };
}

export async function importsRoute(app: FastifyInstance, deps: IngestDeps): Promise<void> {
  await app.register((scope, _opts, done) => {
    // NDJSON only: any other media type is 415 (a JSON body is not an import part).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      NDJSON,
      { parseAs: 'string', bodyLimit: deps.config.IMPORT_BODY_LIMIT_BYTES },
      (_request, body, next) => next(null, body),
    );
    const r = scope.withTypeProvider<ZodTypeProvider>();
    r.put(
      '/v1/imports/:importId/parts/:part',
      {
        onRequest: bearerAuth(deps.apiKeys),
        schema: {
          summary: 'Upload one part of an import (NDJSON of canonical events)',
          description:
            `Content-Type ${NDJSON}; at most IMPORT_PART_MAX_EVENTS lines (default 10,000). Each line is an ` +
            'event as POST /v1/events takes it. A part already recorded is answered as it was, publishing nothing.',
          security: [{ apiKey: [] }],
          params: partParams,
          body: z.string(),
          response: {
            200: partAnswer,
            400: errorSchema,
            401: errorSchema,
            409: errorSchema,
            413: errorSchema,
            415: errorSchema,
            503: errorSchema,
          },
        },
      },
      async (request) => {
        const tenant = tenantOf(request).id;
        const { importId, part } = request.params;
        const parsed = parseLines(deps, tenant, importId, request.body, deps.now());
        if (parsed.lines === 0) throw new AppError('invalid_request', 'the part has no events');
        if (parsed.lines > deps.config.IMPORT_PART_MAX_EVENTS)
          throw new AppError(
            'payload_too_large',
            `a part holds at most ${deps.config.IMPORT_PART_MAX_EVENTS} events (got ${parsed.lines})`,
          );
        return withTransaction(deps.pool, async (c) => {
          if ((await openShared(c, tenant, importId)) === 'closed')
            throw new AppError('import_closed', `import ${importId} is closed: open a new one`);
          const digest = createHash('sha256').update(request.body).digest('hex');
          const known = await recordedPart(c, tenant, importId, part);
          if (known && known.digest !== digest)
            throw new AppError(
              'part_conflict',
              `part ${part} of import ${importId} was recorded with another body: a retry sends the same ` +
                'bytes; new events go in a new part number or a new import',
            );
          if (known) {
            const { digest: _, ...answer } = known;
            return { importId, ...answer, replayed: true };
          }
          await publishOr503(deps, parsed.events, 'import');
          const answer = {
            part,
            accepted: parsed.events.length,
            rejected: parsed.lines - parsed.events.length,
            published: parsed.events.length,
            issues: parsed.issues.slice(0, MAX_ISSUES),
          };
          await recordPart(c, tenant, importId, answer, digest);
          return { importId, ...answer, replayed: false };
        });
      },
    );
    r.post(
      '/v1/imports/:importId/close',
      {
        onRequest: bearerAuth(deps.apiKeys),
        schema: {
          summary: 'Close an import once the aggregator applied it (the normal horizon resumes)',
          security: [{ apiKey: [] }],
          description:
            'Refused with 409 import_pending until GET says done. `force=true` closes anyway (an import ' +
            'whose events can never all be applied, e.g. one dead-lettered): events not applied yet are ' +
            'then judged by the horizon, and may be counted late.',
          params,
          querystring: closeQuery,
          response: { 200: progress, 400: errorSchema, 401: errorSchema, 404: errorSchema, 409: errorSchema },
        },
      },
      async (request) => {
        const tenant = tenantOf(request).id;
        const { importId } = request.params;
        const force = request.query.force === 'true';
        return withTransaction(deps.pool, async (c) => {
          const t = await importTotals(c, tenant, importId, true);
          if (!t) throw new AppError('not_found', `no import ${importId}`);
          const p = await readProgress(deps, tenant, importId, t);
          // Without the aggregator's Redis configured, ingest cannot see its progress: the sender's call.
          if (t.state === 'open' && p.applied !== null && !p.done && !force)
            throw new AppError(
              'import_pending',
              `the aggregator has applied ${(p.applied ?? 0) + (p.duplicate ?? 0) + (p.late ?? 0)} of ` +
                `${t.published} published events: retry when GET /v1/imports/${importId} says done`,
              p,
            );
          if (force && t.state === 'open' && !p.done)
            request.log.warn({ tenant, importId, published: t.published }, 'import_closed_before_done');
          await closeImport(c, tenant, importId);
          const closed = await importTotals(c, tenant, importId);
          return closed ? { ...p, state: closed.state, closedAt: closed.closedAt } : p;
        });
      },
    );
    r.get(
      '/v1/imports/:importId',
      {
        onRequest: bearerAuth(deps.apiKeys),
        schema: {
          summary: "An import's progress: ingest's counts and what the aggregator applied",
          security: [{ apiKey: [] }],
          params,
          response: { 200: progress, 401: errorSchema, 404: errorSchema },
        },
      },
      async (request) => {
        const tenant = tenantOf(request).id;
        const { importId } = request.params;
        const t = await importTotals(deps.pool, tenant, importId);
        if (!t) throw new AppError('not_found', `no import ${importId}`);
        return readProgress(deps, tenant, importId, t);
      },
    );
    done();
  });
}
