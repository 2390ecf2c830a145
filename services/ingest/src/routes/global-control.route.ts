/**
 * POST /v1/global-control/check — which of up to 1,000 addresses are in the tenant's global
 * control group (issue 21): recipients to hold out of every campaign. Membership is a hash of the
 * recipient's pseudonym (@tally/kpi global-control.ts), and only ingest can pseudonymize an
 * address, so the check lives here; the raw addresses are neither stored nor logged. A sender
 * posts a `held_out` for each member it kept out of a campaign, so GET /v1/value can measure
 * messaging against the group.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { getExperimentSettings } from '@tally/db';
import { channelSchema, LIMITS, storableText } from '@tally/events';
import { bearerAuth, errorResponseSchema as errorSchema, tenantOf } from '@tally/http';
import { inGlobalControl } from '@tally/kpi';
import type { IngestDeps } from '../deps.ts';

export const MAX_CHECK_ADDRESSES = 1000;

export function globalControlRoute(app: FastifyInstance, deps: IngestDeps): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/global-control/check',
    {
      onRequest: bearerAuth(deps.apiKeys),
      schema: {
        summary: 'Which addresses are in the global control group (hold them out of every campaign)',
        security: [{ apiKey: [] }],
        body: z.strictObject({
          channel: channelSchema,
          addresses: z.array(storableText(LIMITS.rawRecipient)).min(1).max(MAX_CHECK_ADDRESSES),
        }),
        response: {
          200: z.object({
            share: z.number().describe('the share of recipients in the group (0: there is none)'),
            members: z.array(z.boolean()).describe('per address, in order: in the group'),
          }),
          400: errorSchema,
          401: errorSchema,
        },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const { share, salt } = (await getExperimentSettings(deps.pool, tenant.id)).globalControl;
      const { channel, addresses } = request.body;
      const members = addresses.map((raw) => {
        const r = deps.pseudonymizer.recipient(tenant.id, raw, channel);
        return r !== undefined && inGlobalControl(r.recipientId, salt, share);
      });
      return { share, members };
    },
  );
}
