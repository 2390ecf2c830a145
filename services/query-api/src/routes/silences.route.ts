/**
 * GET/POST/DELETE /v1/silences — mute notifications for one campaign or sender for a while.
 * Alerts keep changing state under a silence; only their notifications are suppressed.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError, tenantOf } from '@tally/http';
import { tenantAuth } from '../tenant-auth.ts';
import { createSilenceSchema, silenceSchema } from '../alerts/api-schemas.ts';
import { createSilence, deleteSilence, listSilences } from '../alerts/silences-store.ts';
import type { QueryApiDeps } from '../deps.ts';
import { errorSchema } from '../schemas.ts';
import { withTextLimits } from '../text-limits.ts';

const silenceBody = withTextLimits(createSilenceSchema, { 'scope.id': 200, reason: 500 });

export function silencesRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const auth = tenantAuth(deps);
  const common = { security: [{ apiKey: [] }], tags: ['alerts'] };

  r.get(
    '/v1/silences',
    {
      onRequest: auth,
      schema: {
        ...common,
        summary: 'Silences that have not ended',
        response: { 200: z.object({ silences: z.array(silenceSchema) }), 401: errorSchema },
      },
    },
    async (request) => ({ silences: await listSilences(deps.pool, tenantOf(request).id, new Date()) }),
  );

  r.post(
    '/v1/silences',
    {
      onRequest: auth,
      schema: {
        ...common,
        summary: 'Silence a campaign or sender until endsAt',
        body: silenceBody,
        response: { 201: z.object({ silence: silenceSchema }), 400: errorSchema, 401: errorSchema },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const silence = await createSilence(deps.pool, tenantOf(request).id, {
        kind: b.scope.kind,
        id: b.scope.id,
        startsAt: b.startsAt ? new Date(b.startsAt) : new Date(),
        endsAt: new Date(b.endsAt),
        reason: b.reason ?? null,
      });
      return reply.status(201).send({ silence });
    },
  );

  r.delete(
    '/v1/silences/:id',
    {
      onRequest: auth,
      schema: {
        ...common,
        summary: 'End a silence now',
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null(), 400: errorSchema, 401: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      if (!(await deleteSilence(deps.pool, tenantOf(request).id, request.params.id))) {
        throw new AppError('not_found', `no silence ${request.params.id}`);
      }
      return reply.status(204).send(null);
    },
  );
}
