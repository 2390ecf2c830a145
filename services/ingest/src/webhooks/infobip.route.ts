/**
 * POST /webhooks/infobip/:tenant — SMS and WhatsApp delivery reports and seen reports (batches).
 * Infobip's signing is unconfirmed, so the tenant's secret protects the endpoint (bearer, basic
 * auth or `?secret=`, per tenant). `?channel=whatsapp` tells a WhatsApp notify URL apart.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '@tally/http';
import type { IngestDeps } from '../deps.ts';
import { verifyInfobip } from '../providers/infobip/auth.ts';
import { normalizeInfobip } from '../providers/infobip/normalize.ts';
import {
  mediaType,
  normalizeOr400,
  parseJson,
  publishNormalized,
  rawBody,
  rejectSignature,
  tenantCredentials,
} from './pipeline.ts';
import { tenantParams, webhookErrors } from './schemas.ts';

export function infobipRoute(app: FastifyInstance, deps: IngestDeps): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/webhooks/infobip/:tenant',
    {
      schema: {
        summary: 'Infobip delivery and seen reports',
        description:
          'JSON { results: [...] }, authenticated with the tenant secret (Authorization or ?secret=).',
        params: tenantParams,
        querystring: z.looseObject({
          channel: z.enum(['sms', 'whatsapp']).optional(),
          secret: z.string().optional(),
        }),
        response: webhookErrors,
      },
    },
    async (request, reply) => {
      const { tenant } = request.params;
      const creds = await tenantCredentials(deps, tenant, 'infobip');
      const query = new URL(request.url, 'http://x').searchParams;
      if (!verifyInfobip(creds, request.headers.authorization, query)) {
        rejectSignature(
          deps,
          'infobip',
          'missing or wrong Infobip webhook secret (Authorization header or secret query parameter)',
        );
      }
      if (mediaType(request) !== 'application/json') {
        throw new AppError('unsupported_media_type', 'Infobip reports must be application/json');
      }
      const raw = rawBody(request);
      const normalized = normalizeOr400('infobip', () =>
        normalizeInfobip(parseJson(raw), request.query.channel),
      );
      await publishNormalized(deps, request, tenant, 'infobip', normalized);
      return reply.status(200).type('text/plain').send('');
    },
  );
}
