/**
 * POST /v1/events — a sender's batch of canonical events (without tenantId). The batch is
 * validated whole: one bad event and nothing is published, with every bad index and field named.
 * Each event is finished exactly as a webhook's are (finalize.ts: the same address normalization
 * and pseudonyms, country from the same parse when the event gives none, wamids pseudonymized,
 * at most 24 h ahead of the receipt), then the batch goes out whole in one Kafka produce —
 * group-committed with concurrent requests (publish/coalescing-publisher.ts); 202 only after
 * Kafka acked it.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { inboundEventSchema, type CanonicalEvent, type FieldIssue, type InboundEvent } from '@tally/events';
import { AppError, bearerAuth, errorResponseSchema as errorSchema, tenantOf } from '@tally/http';
import type { IngestDeps } from '../deps.ts';
import { finalizeEvent } from '../finalize.ts';
import { publishOr503 } from '../publish/publish-or-503.ts';

/** The batch as canonical events, or every issue named `body.events.<i>.<field>`. */
export function finalizeBatch(
  deps: IngestDeps,
  tenantId: string,
  inbound: InboundEvent[],
  receivedAt: Date,
): CanonicalEvent[] {
  const events: CanonicalEvent[] = [];
  const issues: FieldIssue[] = [];
  inbound.forEach((e, i) => {
    const { recipientId, ...rest } = e;
    const draft = { ...rest, recipient: recipientId, provider: e.provider ?? ('api' as const) };
    const r = finalizeEvent(tenantId, draft, deps.pseudonymizer, receivedAt);
    if (r.ok) events.push(r.event);
    else issues.push(...r.issues.map((x) => ({ ...x, path: `body.events.${i}.${x.path}` })));
  });
  if (issues.length > 0) {
    const paths = issues.map((x) => x.path).join(', ');
    throw new AppError('invalid_request', `invalid body: ${paths}`, issues);
  }
  return events;
}

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
        description:
          'Limits per field: see @tally/events LIMITS (docs/providers.md, "Input limits"). An event more than 24 h ' +
          'ahead of its receipt is refused (400 naming occurredAt).',
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
      const events = finalizeBatch(deps, tenant.id, request.body.events, deps.now());
      await publishOr503(deps, events, 'api');
      return reply.status(202).send({ accepted: events.length });
    },
  );
}
