/**
 * POST /webhooks/infobip/:tenant — SMS and WhatsApp delivery reports and seen reports (batches).
 * Infobip's signing is unconfirmed, so the tenant's secret protects the endpoint (bearer, basic
 * auth or `?secret=`, per tenant). `?channel=whatsapp` tells a WhatsApp notify URL apart.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { IngestDeps } from '../deps.ts';
import { verifyInfobip } from '../providers/infobip/auth.ts';
import { normalizeInfobip } from '../providers/infobip/normalize.ts';
import { defineWebhook, header, jsonBody, ok, reject, runWebhook } from './define.ts';
import { tenantParams, webhookErrors } from './schemas.ts';

export const infobipWebhook = defineWebhook({
  provider: 'infobip',
  verify(input, credentials) {
    if (!verifyInfobip(credentials, header(input, 'authorization'), input.query))
      return reject(
        'invalid_signature',
        'missing or wrong Infobip webhook secret (Authorization header or secret query parameter)',
      );
    return ok(undefined);
  },
  parse(input) {
    if (input.mediaType !== 'application/json')
      return reject('unsupported_media_type', 'Infobip reports must be application/json');
    return jsonBody(input.raw);
  },
  normalize(body, input) {
    // the route's schema admits only sms | whatsapp here
    const channel = input.query.get('channel') as 'sms' | 'whatsapp' | null;
    return normalizeInfobip(body, channel ?? undefined);
  },
});

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
      const answer = await runWebhook(deps, infobipWebhook, request, request.params.tenant);
      return reply.status(200).type(answer.type).send(answer.body);
    },
  );
}
