/**
 * POST /v1/events — a sender's batch of canonical events (without tenantId). The batch is
 * validated whole: one bad event and nothing is published, with every bad index and field named.
 * Recipients are pseudonymized, then the batch goes out whole in one Kafka produce — group-committed
 * with concurrent requests (publish/coalescing-publisher.ts); 202 only after Kafka acked it.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { inboundEventSchema, type CanonicalEvent } from '@tally/events';
import { bearerAuth, errorResponseSchema as errorSchema, tenantOf } from '@tally/http';
import type { IngestDeps } from '../deps.ts';
import { publishOr503 } from '../publish/publish-or-503.ts';

export function eventsRoute(app: FastifyInstance, deps: IngestDeps): void {
  const body = z.strictObject({
    events: z.array(inboundEventSchema).min(1).max(deps.config.MAX_BATCH_EVENTS),
  });
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/events',
    {
      onRequest: bearerAuth(deps.apiKeys),
      schema: {
        summary: 'Publish a batch of canonical events',
        security: [{ apiKey: [] }],
        body,
        response: {
          202: z.object({ accepted: z.number().int() }),
          400: errorSchema,
          401: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request);
      const events: CanonicalEvent[] = request.body.events.map((e) => ({
        ...e,
        tenantId: tenant.id,
        ...(e.recipientId === undefined ? {} : { recipientId: deps.pseudonymize(tenant.id, e.recipientId) }),
        provider: e.provider ?? 'api',
      }));
      await publishOr503(deps, events, 'api');
      return reply.status(202).send({ accepted: events.length });
    },
  );
}
