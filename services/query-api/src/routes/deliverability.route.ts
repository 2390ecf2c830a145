/**
 * Why delivery is low (issue 20):
 * - GET /v1/deliverability?days=&channel=&provider=&minSent= — the tenant's delivery across
 *   campaigns for the last `days` UTC days: delivery rate, failures by class, carrier, country and
 *   provider with counts, the daily trend of each class, the permanent share (list quality), and
 *   the worst carriers and countries among those with at least `minSent` sends (Wilson 95 %).
 * - GET /v1/hygiene?days=&unreachableRepeat=&limit=&cursor= — the list-hygiene feed: recipients
 *   whose failures say to stop sending to them (@tally/counters hygieneList), paged; and
 *   GET /v1/hygiene.csv?days=&unreachableRepeat= the whole list as CSV.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { hygieneList, readDeliverability, readHygiene } from '@tally/counters';
import { CHANNELS, FAILURE_CLASSES, PROVIDERS } from '@tally/events';
import { AppError, tenantOf } from '@tally/http';
import type { QueryApiDeps } from '../deps.ts';
import { dayRange, deliverabilityReport, hygieneCsv } from '../deliverability.ts';
import { heavy } from '../heavy-reads.ts';
import { whole } from '../read-guard.ts';
import { errorSchema } from '../schemas.ts';
import { tenantAuth } from '../tenant-auth.ts';

const rate = z.number().nullable();
const byClass = z.record(z.string(), z.number().int()).describe('failed messages by failure class');
const outcome = {
  sent: z.number().int(),
  delivered: z.number().int(),
  failed: z.number().int(),
  deliveryRate: rate.describe('delivered / sent'),
  failureRate: rate.describe('failed / sent'),
  byClass,
};
const groupSchema = z.object({
  value: z.string().describe("'unknown' when not reported"),
  name: z.string().nullable().describe("a carrier's operator (mcc-mnc-list); null otherwise"),
  ...outcome,
});
const worstSchema = z.object({
  value: z.string(),
  name: z.string().nullable(),
  sent: z.number().int().describe('the sample size'),
  failed: z.number().int(),
  failureRate: rate,
  interval: z
    .object({ lower: z.number(), upper: z.number() })
    .nullable()
    .describe('Wilson 95 % of failureRate'),
  topClass: z.string().nullable(),
});

export const deliverabilityResponseSchema = z.object({
  from: z.string().describe('first UTC day (YYYY-MM-DD)'),
  to: z.string(),
  days: z.number().int(),
  channel: z.string().nullable(),
  provider: z.string().nullable(),
  totals: z.object({
    ...outcome,
    permanentFailures: z.number().int(),
    permanentShare: rate.describe('permanent failures / failures: list quality'),
  }),
  byClass: z.array(
    z.object({
      failureClass: z.enum(FAILURE_CLASSES),
      failed: z.number().int(),
      permanent: z.number().int(),
      share: rate.describe('of all failures'),
    }),
  ),
  byCarrier: z.array(groupSchema).describe('by MCC-MNC (Vonage and Infobip report it)'),
  byCountry: z.array(groupSchema),
  byProvider: z.array(groupSchema),
  trend: z.array(z.object({ date: z.string(), ...outcome })).describe('one entry per UTC day'),
  worst: z.object({
    minSent: z.number().int(),
    carriers: z.array(worstSchema),
    countries: z.array(worstSchema),
  }),
  asOf: z.string(),
});

export const hygieneRowSchema = z.object({
  recipientId: z.string().describe("Tally's pseudonym of the recipient"),
  failureClass: z.string().describe('the reason: a failure class, or opted_out'),
  permanent: z.boolean(),
  messageId: z.string().nullable().describe("the provider's id of the message that listed it"),
  provider: z.string().nullable(),
  at: z.string(),
  unreachable: z.number().int().describe('unreachable failures since the last opt-in'),
});

const MAX_DAYS = 90;

const hygieneQuery = {
  days: z.coerce.number().int().min(1).max(MAX_DAYS).default(30),
  unreachableRepeat: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(3)
    .describe('unreachable failures that list a recipient'),
};

async function hygieneRows(deps: QueryApiDeps, tenant: string, days: number, repeat: number, now: number) {
  const entries = await whole(() => readHygiene(deps.redis, deps.keys, tenant, dayRange(days, now)));
  return hygieneList(entries, repeat);
}

export function deliverabilityRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/deliverability',
    {
      onRequest: tenantAuth(deps),
      schema: {
        summary: 'Why delivery is low: failures by class, carrier, country and provider, across campaigns',
        security: [{ apiKey: [] }],
        querystring: z.object({
          days: z.coerce.number().int().min(1).max(MAX_DAYS).default(7),
          channel: z.enum(CHANNELS).optional(),
          provider: z.enum(PROVIDERS).optional(),
          minSent: z.coerce
            .number()
            .int()
            .min(1)
            .max(1_000_000)
            .default(100)
            .describe('smallest sample for the worst carriers / countries'),
        }),
        response: {
          200: deliverabilityResponseSchema,
          ...Object.fromEntries([400, 401, 429, 503].map((s) => [s, errorSchema])),
        },
      },
    },
    heavy(deps, async (request) => {
      const tenant = tenantOf(request);
      const { days, channel, provider, minSent } = request.query;
      const now = Date.now();
      const cells = await whole(() =>
        readDeliverability(deps.redis, deps.keys, tenant.id, dayRange(days, now)),
      );
      return {
        ...deliverabilityReport(cells, { days, now, channel, provider, minSent }),
        channel: channel ?? null,
        provider: provider ?? null,
        asOf: new Date(now).toISOString(),
      };
    }),
  );

  r.get(
    '/v1/hygiene',
    {
      onRequest: tenantAuth(deps),
      schema: {
        summary: 'The list-hygiene feed: recipients to stop sending to, paged or as CSV',
        security: [{ apiKey: [] }],
        querystring: z.object({
          ...hygieneQuery,
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          cursor: z
            .string()
            .regex(/^\d{1,9}$/, 'must be the nextCursor of a previous page')
            .optional(),
        }),
        response: {
          200: z.object({
            rows: z.array(hygieneRowSchema),
            total: z.number().int(),
            nextCursor: z.string().nullable(),
            asOf: z.string(),
          }),
          ...Object.fromEntries([400, 401, 429, 503].map((s) => [s, errorSchema])),
        },
      },
    },
    heavy(deps, async (request) => {
      const tenant = tenantOf(request);
      const { days, unreachableRepeat, limit, cursor } = request.query;
      const now = Date.now();
      const rows = await hygieneRows(deps, tenant.id, days, unreachableRepeat, now);
      const start = cursor === undefined ? 0 : Number(cursor);
      if (start > rows.length) throw new AppError('invalid_request', 'cursor is past the end of the list');
      const page = rows.slice(start, start + limit);
      return {
        rows: page,
        total: rows.length,
        nextCursor: start + limit < rows.length ? String(start + limit) : null,
        asOf: new Date(now).toISOString(),
      };
    }),
  );

  r.get(
    '/v1/hygiene.csv',
    {
      onRequest: tenantAuth(deps),
      schema: {
        summary: 'The whole list-hygiene feed as CSV (RFC 4180)',
        security: [{ apiKey: [] }],
        querystring: z.object(hygieneQuery),
        response: {
          200: z
            .string()
            .describe('text/csv: recipientId,failureClass,permanent,messageId,provider,at,unreachable'),
          ...Object.fromEntries([400, 401, 429, 503].map((s) => [s, errorSchema])),
        },
      },
    },
    heavy(deps, async (request, reply) => {
      const tenant = tenantOf(request);
      const { days, unreachableRepeat } = request.query;
      const rows = await hygieneRows(deps, tenant.id, days, unreachableRepeat, Date.now());
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="tally-hygiene.csv"')
        .send(hygieneCsv(rows));
    }),
  );
}
