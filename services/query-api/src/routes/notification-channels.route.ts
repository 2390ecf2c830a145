/**
 * GET/POST/DELETE /v1/notification-channels. Secrets are never returned, except a webhook's
 * generated signing secret, once, in the create answer. URLs that resolve to internal addresses
 * are refused (400 url_not_allowed) unless ALERTS_ALLOW_PRIVATE_URLS.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError, tenantOf } from '@tally/http';
import { tenantAuth } from '../tenant-auth.ts';
import { channelSchema, createChannelSchema } from '../alerts/api-schemas.ts';
import { channelSealer } from '../alerts/channel-secrets.ts';
import {
  createChannel,
  deleteChannel,
  listChannels,
  newSigningSecret,
  PAGERDUTY_EVENTS_URL,
} from '../alerts/channels-store.ts';
import { assertPublicUrl, UrlNotAllowedError } from '../alerts/url-guard.ts';
import type { QueryApiDeps } from '../deps.ts';
import { errorSchema } from '../schemas.ts';
import { withTextLimits } from '../text-limits.ts';

const channelBody = withTextLimits(createChannelSchema, {
  name: 200,
  url: 2048,
  secret: 200,
  routingKey: 200,
});

export function notificationChannelsRoutes(app: FastifyInstance, deps: QueryApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const auth = tenantAuth(deps);
  const sealer = channelSealer(deps.config.CREDENTIALS_KEY);
  const common = { security: [{ apiKey: [] }], tags: ['alerts'] };

  r.get(
    '/v1/notification-channels',
    {
      onRequest: auth,
      schema: {
        ...common,
        summary: "The tenant's notification channels (no secrets)",
        response: { 200: z.object({ channels: z.array(channelSchema) }), 401: errorSchema },
      },
    },
    async (request) => ({ channels: await listChannels(deps.pool, sealer, tenantOf(request).id) }),
  );

  r.post(
    '/v1/notification-channels',
    {
      onRequest: auth,
      schema: {
        ...common,
        summary: 'Add a webhook, Slack, PagerDuty or pause-webhook channel',
        body: channelBody,
        response: {
          201: z.object({ channel: channelSchema, signingSecret: z.string().optional() }),
          400: errorSchema,
          401: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request);
      const b = request.body;
      const url = b.kind === 'pagerduty' ? (b.url ?? PAGERDUTY_EVENTS_URL) : b.url;
      try {
        await assertPublicUrl(url, deps.config.ALERTS_ALLOW_PRIVATE_URLS);
      } catch (err) {
        if (err instanceof UrlNotAllowedError) throw new AppError('url_not_allowed', err.message);
        throw err;
      }
      const generated =
        (b.kind === 'webhook' || b.kind === 'pause_webhook') && !b.secret ? newSigningSecret() : undefined;
      const secret =
        b.kind === 'pagerduty' ? b.routingKey : b.kind === 'slack' ? null : (b.secret ?? generated ?? null);
      const channel = await createChannel(deps.pool, sealer, tenant.id, {
        kind: b.kind,
        name: b.name,
        url,
        secret,
      });
      return reply.status(201).send(generated ? { channel, signingSecret: generated } : { channel });
    },
  );

  r.delete(
    '/v1/notification-channels/:id',
    {
      onRequest: auth,
      schema: {
        ...common,
        summary: 'Remove a channel (its pending deliveries go with it)',
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null(), 400: errorSchema, 401: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      if (!(await deleteChannel(deps.pool, tenantOf(request).id, request.params.id))) {
        throw new AppError('not_found', `no channel ${request.params.id}`);
      }
      return reply.status(204).send(null);
    },
  );
}
