/**
 * POST /v1/links (tenant API key) mints a tracked short link; GET /c/:code redirects (302) to its
 * target and publishes a `clicked` event with the link's campaign and message. An unknown code is
 * a 404 HTML page — never a redirect, so the endpoint cannot be used as an open redirector.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { channelSchema, idSchema, type CanonicalEvent } from '@tally/events';
import { bearerAuth, tenantOf } from '@tally/http';
import type { IngestDeps } from '../deps.ts';
import { clickEventId, CODE_PATTERN, newLinkCode } from '../links/codes.ts';
import { errorSchema } from '../webhooks/schemas.ts';

const NOT_FOUND_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Link not found</title></head>' +
  '<body><h1>Link not found</h1><p>This link is unknown or has expired.</p></body></html>';

export const linkBodySchema = z.strictObject({
  campaignId: idSchema,
  messageId: idSchema.optional(),
  /** Raw address; stored pseudonymized. */
  recipientId: z.string().min(1).max(320).optional(),
  channel: channelSchema.default('sms'),
  url: z.url({ protocol: /^https?$/, hostname: z.regexes.hostname }).max(2048),
});

export function linksRoute(app: FastifyInstance, deps: IngestDeps): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.post(
    '/v1/links',
    {
      onRequest: bearerAuth(deps.apiKeys),
      schema: {
        summary: 'Mint a tracked short link',
        security: [{ apiKey: [] }],
        body: linkBodySchema,
        response: {
          201: z.object({ code: z.string(), shortUrl: z.string(), url: z.string() }),
          400: errorSchema,
          401: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request);
      const b = request.body;
      const code = newLinkCode();
      await deps.links.insert({
        code,
        tenantId: tenant.id,
        campaignId: b.campaignId,
        messageId: b.messageId,
        recipientId: b.recipientId === undefined ? undefined : deps.pseudonymize(tenant.id, b.recipientId),
        channel: b.channel,
        url: b.url,
      });
      return reply
        .status(201)
        .send({ code, shortUrl: `${deps.config.PUBLIC_BASE_URL}/c/${code}`, url: b.url });
    },
  );

  typed.get(
    '/c/:code',
    {
      schema: {
        summary: 'Follow a tracked link (302) and record the click',
        params: z.object({ code: z.string().max(100) }),
        response: { 404: z.string().describe('HTML page') },
      },
    },
    async (request, reply) => {
      const { code } = request.params;
      const link = CODE_PATTERN.test(code) ? await deps.links.find(code) : undefined;
      if (!link) return reply.status(404).type('text/html; charset=utf-8').send(NOT_FOUND_PAGE);
      const now = deps.now();
      const event: CanonicalEvent = {
        eventId: clickEventId(code, now),
        tenantId: link.tenantId,
        type: 'clicked',
        occurredAt: now.toISOString(),
        channel: link.channel,
        campaignId: link.campaignId,
        url: link.url,
        ...(link.messageId ? { messageId: link.messageId } : {}),
        ...(link.recipientId ? { recipientId: link.recipientId } : {}),
      };
      try {
        await deps.publisher.publish([event]);
        deps.metrics.eventsPublished.inc({ source: 'click' });
      } catch (err) {
        // The person clicking still gets where they were going; the lost click is logged and counted.
        deps.metrics.clicksLost.inc();
        request.log.warn({ err, code }, 'click_not_recorded');
      }
      return reply.header('cache-control', 'no-store').redirect(link.url, 302);
    },
  );
}
