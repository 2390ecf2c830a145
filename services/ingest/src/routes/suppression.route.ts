/**
 * POST /v1/suppression/check — before a send, which of up to 1,000 addresses Tally would suppress
 * (issue 20): per address, in order, the reason from the list-hygiene feed (an invalid number, a
 * block or opt-out, a channel it cannot take, a permanent or repeated unreachable failure, an
 * opt-out Tally received), or none. Each address is normalized and pseudonymized exactly as ingest
 * does for events (address.ts, pseudonymize.ts), so only ingest can answer; the raw addresses are
 * neither stored nor logged, and an error names the entry's position, never its value. More than
 * 1,000 addresses is a 413; an address ingest would refuse is an error of its own entry only.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { dayRange, hygieneList, readHygiene, RebuildingError, type HygieneRow } from '@tally/counters';
import { channelSchema, isStorableText, LIMITS } from '@tally/events';
import { AppError, bearerAuth, errorResponseSchema as errorSchema, tenantOf } from '@tally/http';
import type { IngestDeps } from '../deps.ts';

export const MAX_SUPPRESSION_ADDRESSES = 1000;

const resultSchema = z.union([
  z.object({
    suppressed: z.boolean(),
    failureClass: z.string().nullable().describe('the reason: a failure class, or opted_out'),
    permanent: z.boolean().nullable(),
    messageId: z.string().nullable().describe("the provider's id of the message that listed it"),
    provider: z.string().nullable(),
    at: z.string().nullable(),
  }),
  z.object({ error: z.object({ code: z.literal('invalid_address'), message: z.string() }) }),
]);

function addressIssue(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return 'must be a string';
  if (raw.length > LIMITS.rawRecipient) return `must be at most ${LIMITS.rawRecipient} characters`;
  if (!isStorableText(raw)) return 'must not contain control characters or unpaired surrogates';
  if (raw.trim() === '') return 'must not be blank';
  return undefined;
}

export function suppressionRoute(app: FastifyInstance, deps: IngestDeps): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/suppression/check',
    {
      onRequest: bearerAuth(deps.apiKeys),
      schema: {
        summary: 'Which addresses to suppress before a send (list hygiene and opt-outs)',
        security: [{ apiKey: [] }],
        body: z.strictObject({
          channel: channelSchema,
          addresses: z
            .array(z.unknown())
            .min(1)
            .describe(`at most ${MAX_SUPPRESSION_ADDRESSES}; more is a 413`),
          days: z.number().int().min(1).max(90).default(90).describe('how far back failures count'),
          unreachableRepeat: z.number().int().min(1).max(100).default(3),
        }),
        response: {
          200: z.object({
            results: z.array(resultSchema).describe('per address, in order'),
            suppressed: z.number().int(),
          }),
          400: errorSchema,
          401: errorSchema,
          413: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const { channel, addresses, days, unreachableRepeat } = request.body;
      if (addresses.length > MAX_SUPPRESSION_ADDRESSES)
        throw new AppError(
          'payload_too_large',
          `at most ${MAX_SUPPRESSION_ADDRESSES} addresses per check (got ${addresses.length})`,
        );
      const redis = deps.redis;
      if (!redis)
        throw new AppError(
          'not_ready',
          'the suppression check needs REDIS_URL (the aggregator’s Redis) on ingest',
        );
      const entries = await readHygiene(
        redis,
        deps.keys,
        tenant.id,
        dayRange(days, deps.now().getTime()),
      ).catch((err: unknown) => {
        if (err instanceof RebuildingError)
          throw new AppError('rebuilding', 'the figures are being rebuilt; retry shortly');
        throw err;
      });
      const listed = new Map<string, HygieneRow>(
        hygieneList(entries, unreachableRepeat).map((r) => [r.recipientId, r]),
      );
      const results = addresses.map((raw, i) => {
        const issue = addressIssue(raw);
        const who =
          issue === undefined ? deps.pseudonymizer.recipient(tenant.id, raw as string, channel) : undefined;
        if (!who)
          return {
            error: {
              code: 'invalid_address' as const,
              message: `addresses.${i} ${issue ?? 'must not be blank'}`,
            },
          };
        const row = listed.get(who.recipientId);
        return {
          suppressed: row !== undefined,
          failureClass: row?.failureClass ?? null,
          permanent: row?.permanent ?? null,
          messageId: row?.messageId ?? null,
          provider: row?.provider ?? null,
          at: row?.at ?? null,
        };
      });
      return { results, suppressed: results.filter((r) => 'suppressed' in r && r.suppressed).length };
    },
  );
}
