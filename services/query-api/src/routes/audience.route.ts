/**
 * GET /v1/audience/silent-disengagement?days=30&minMessages=3&channel= — recipients still
 * subscribed, reached at least minMessages times in the last `days` days (on the channel, or on
 * any), with no open, click or reply since the period began: count, share of the subscribed
 * audience reached in the period, a weekly trend, and a paged list of pseudonymous ids.
 * GET /v1/audience/frequency?days=7|30 — recipients by messages received in the period (1, 2, 3,
 * 4–5, 6–10, 11+) with the opt-out, click, reply and engagement (open/click/reply) rate of each
 * group and its size. A period is the last `days` whole UTC days, today included; both read the
 * Postgres copy of recipient state (audience-store.ts), as of the aggregator's last snapshot.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { CHANNELS } from '@tally/events';
import { tenantOf } from '@tally/http';
import { audiencePeriod, DAY_MS, FREQUENCY_BUCKETS, frequencyTable, ratio } from '@tally/kpi';
import { frequencyRows, silentPage, silentSummary, silentTrend } from '../audience-store.ts';
import { badParam } from '../bad-param.ts';
import type { QueryApiDeps } from '../deps.ts';
import { heavy } from '../heavy-reads.ts';
import { errorSchema } from '../schemas.ts';
import { tenantAuth } from '../tenant-auth.ts';
import { cursorParam } from '../text-limits.ts';

function decodeAfter(cursor: string | undefined): string | null {
  if (cursor === undefined) return null;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[\w-]{1,200}$/.test(id)) throw badParam('cursor', 'not a cursor this API issued');
  return id;
}

export function audienceRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/audience/silent-disengagement',
    {
      onRequest: tenantAuth(deps),
      schema: {
        summary: 'Subscribed recipients reached repeatedly with no open, click or reply',
        security: [{ apiKey: [] }],
        querystring: z.object({
          days: z.coerce.number().int().min(1).max(90).default(30),
          minMessages: z.coerce.number().int().min(1).max(10_000).default(3),
          channel: z.enum(CHANNELS).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(50),
          cursor: cursorParam(400).optional(),
        }),
        response: {
          200: z.object({
            days: z.number().int(),
            minMessages: z.number().int(),
            channel: z.string().nullable(),
            from: z.string().describe('first instant of the period (UTC midnight)'),
            count: z.number().int(),
            audience: z.number().int().describe('subscribed recipients reached in the period'),
            share: z.number().nullable().describe('count / audience'),
            trend: z.array(
              z.object({
                weekStart: z.string(),
                reached: z.number().int(),
                silentSince: z
                  .number()
                  .int()
                  .describe('of those reached that week: no engagement since it began'),
              }),
            ),
            recipients: z.array(
              z.object({
                recipientId: z.string().describe('pseudonymous (HMAC) id'),
                reachesInPeriod: z.number().int(),
                lastReachAt: z.string().nullable(),
                lastEngagedAt: z.string().nullable(),
              }),
            ),
            nextCursor: z.string().nullable(),
            asOf: z.string(),
          }),
          ...Object.fromEntries([400, 401, 429, 503].map((s) => [s, errorSchema])),
        },
      },
    },
    heavy(deps, async (request) => {
      const tenant = tenantOf(request);
      const { days, minMessages, channel, limit, cursor } = request.query;
      const now = Date.now();
      const period = audiencePeriod(now, days);
      const q = { tenant: tenant.id, ...period, minMessages, channel: channel ?? null };
      const after = decodeAfter(cursor);
      const [summary, rows, trend] = await Promise.all([
        silentSummary(deps.heavy.pool, q),
        silentPage(deps.heavy.pool, q, after, limit + 1),
        silentTrend(deps.heavy.pool, q, period.weekStarts),
      ]);
      const recipients = rows.slice(0, limit);
      const last = recipients[recipients.length - 1];
      return {
        days,
        minMessages,
        channel: channel ?? null,
        count: summary.silent,
        audience: summary.audience,
        share: ratio(summary.silent, summary.audience),
        from: new Date(period.sinceMs).toISOString(),
        trend: period.weekStarts.map((day, i) => ({
          weekStart: new Date(day * DAY_MS).toISOString(),
          ...(trend[i] ?? { reached: 0, silentSince: 0 }),
        })),
        recipients,
        nextCursor: rows.length > limit && last ? Buffer.from(last.recipientId).toString('base64url') : null,
        asOf: new Date(now).toISOString(),
      };
    }),
  );

  const rate = z.number().nullable();
  r.get(
    '/v1/audience/frequency',
    {
      onRequest: tenantAuth(deps),
      schema: {
        summary: 'Opt-out, click, reply and engagement rates by messages received in the period',
        security: [{ apiKey: [] }],
        querystring: z.object({ days: z.enum(['7', '30']).default('30') }),
        response: {
          200: z.object({
            days: z.number().int(),
            from: z.string().describe('first instant of the period (UTC midnight)'),
            buckets: z.array(
              z.object({
                bucket: z.enum(FREQUENCY_BUCKETS),
                recipients: z.number().int().describe('sample size'),
                optOuts: z.number().int(),
                optOutRate: rate,
                clickers: z.number().int(),
                clickRate: rate,
                repliers: z.number().int(),
                replyRate: rate,
                engaged: z.number().int(),
                engagementRate: rate.describe('opened, clicked or replied in the period'),
              }),
            ),
            asOf: z.string(),
          }),
          ...Object.fromEntries([400, 401, 429, 503].map((s) => [s, errorSchema])),
        },
      },
    },
    heavy(deps, async (request) => {
      const tenant = tenantOf(request);
      const days = Number(request.query.days);
      const now = Date.now();
      const period = audiencePeriod(now, days);
      const rows = await frequencyRows(deps.heavy.pool, { tenant: tenant.id, ...period });
      return {
        days,
        from: new Date(period.sinceMs).toISOString(),
        buckets: frequencyTable(rows),
        asOf: new Date(now).toISOString(),
      };
    }),
  );
}
