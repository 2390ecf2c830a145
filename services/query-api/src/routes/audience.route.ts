/**
 * GET /v1/audience/silent-disengagement?days=30&minMessages=3&channel= — recipients still
 * subscribed, reached at least minMessages times in the last `days` days (on the channel, or on
 * any), with no open, click or reply since the period began: count, share of the subscribed
 * audience reached in the period, a weekly trend (each week's own 7 days, the first one also
 * before the period when `days` is not a multiple of 7), and a paged list of pseudonymous ids,
 * longest silent first.
 * GET /v1/audience/frequency?days=30 — recipients by messages received in the period (1, 2, 3,
 * 4–5, 6–10, 11+) with the opt-out, click, reply and engagement (open/click/reply) rate of each
 * group and its size. A period is the last `days` whole UTC days, today included, `days` one of
 * AUDIENCE_PERIODS (7, 14, 30, 60, 90); both read the rollups and recipient rows the aggregator's
 * snapshots keep (audience-store.ts), as of its last snapshot.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { CHANNELS } from '@tally/events';
import { tenantOf } from '@tally/http';
import { AUDIENCE_PERIODS, FREQUENCY_BUCKETS, isAudiencePeriod, type AudiencePeriodDays } from '@tally/kpi';
import { frequency, silentDisengagement } from '../audience-answers.ts';
import type { SilentCursor } from '../audience-store.ts';
import { badParam } from '../bad-param.ts';
import type { QueryApiDeps } from '../deps.ts';
import { heavy } from '../heavy-reads.ts';
import { errorSchema } from '../schemas.ts';
import { tenantAuth } from '../tenant-auth.ts';
import { cursorParam } from '../text-limits.ts';

/** A page cursor: base64url of "<last engagement ms> <recipient id>" of the page's last row. */
function decodeAfter(cursor: string | undefined): SilentCursor | null {
  if (cursor === undefined) return null;
  const m = /^(-1|\d{1,15}) ([\w-]{1,200})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw badParam('cursor', 'not a cursor this API issued');
  return { lastEngagedAt: Number(m[1]), recipientId: m[2] as string };
}

const encodeAfter = (r: SilentCursor) =>
  Buffer.from(`${r.lastEngagedAt} ${r.recipientId}`).toString('base64url');

/** A period the rollups answer exactly (kpi AUDIENCE_PERIODS); any other is a 400 that names them. */
const PERIOD_TEXT = AUDIENCE_PERIODS.join(', ');
const periodDays = (fallback: AudiencePeriodDays) =>
  z.coerce
    .number()
    .int()
    .refine(isAudiencePeriod, {
      message: `must be one of ${PERIOD_TEXT}: audience answers are kept for these periods only`,
    })
    .default(fallback);

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
          days: periodDays(30),
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
      const { next, ...answer } = await silentDisengagement(deps.heavy.pool, {
        tenant: tenant.id,
        nowMs: now,
        days,
        minMessages,
        channel: channel ?? null,
        after: decodeAfter(cursor),
        limit,
      });
      return {
        days,
        minMessages,
        channel: channel ?? null,
        ...answer,
        nextCursor: next ? encodeAfter(next) : null,
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
        querystring: z.object({ days: periodDays(30) }),
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
      const days = request.query.days;
      const now = Date.now();
      const { from, buckets } = await frequency(deps.heavy.pool, tenant.id, now, days);
      return {
        days,
        from,
        buckets,
        asOf: new Date(now).toISOString(),
      };
    }),
  );
}
