/**
 * GET /v1/alert-rules — the tenant's rules, or the defaults (isDefault: true) when it set none.
 * PUT /v1/alert-rules — replace them; omitted fields take the defaults.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { tenantOf } from '@tally/http';
import { tenantAuth } from '../tenant-auth.ts';
import { rulesResponseSchema } from '../alerts/api-schemas.ts';
import { alertRulesSchema } from '../alerts/rules-schema.ts';
import { getAlertRules, putAlertRules } from '../alerts/rules-store.ts';
import type { QueryApiDeps } from '../deps.ts';
import { errorSchema } from '../schemas.ts';

export function alertRulesRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const auth = tenantAuth(deps);
  const common = { security: [{ apiKey: [] }], tags: ['alerts'] };

  r.get(
    '/v1/alert-rules',
    {
      onRequest: auth,
      schema: {
        ...common,
        summary: "The tenant's alert rules",
        response: { 200: rulesResponseSchema, 401: errorSchema },
      },
    },
    (request) => getAlertRules(deps.pool, tenantOf(request).id),
  );

  r.put(
    '/v1/alert-rules',
    {
      onRequest: auth,
      schema: {
        ...common,
        summary: "Replace the tenant's alert rules (omitted fields take the defaults)",
        body: alertRulesSchema,
        response: { 200: rulesResponseSchema, 400: errorSchema, 401: errorSchema },
      },
    },
    (request) => putAlertRules(deps.pool, tenantOf(request).id, request.body),
  );
}
