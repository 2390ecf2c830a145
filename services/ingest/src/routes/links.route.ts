/**
 * POST /v1/links (tenant API key) mints a tracked short link; GET /c/:code (and HEAD) redirects
 * (302) to its target and publishes a `clicked` event with the link's campaign and message and
 * the request's class: `human`, or `bot` for a link preview, crawler or scanner, a HEAD, a
 * prefetch or a request without a user agent (links/classify.ts). A bot still gets its redirect
 * (the preview must work); its reason is counted in `ingest_link_requests_total` and logged at
 * debug, never put in the event. An unknown code is a 404 — never a redirect, so the endpoint
 * cannot be used as an open redirector: an HTML page for people, SPEC §6's JSON error for a
 * client whose Accept asks for JSON and not HTML.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  canonicalEventSchema,
  channelSchema,
  idSchema,
  LIMITS,
  storableText,
  type CanonicalEvent,
} from '@tally/events';
import { AppError, bearerAuth, tenantOf } from '@tally/http';
import type { IngestDeps } from '../deps.ts';
import { classifyClick } from '../links/classify.ts';
import { clickEventId, CODE_PATTERN, newLinkCode } from '../links/codes.ts';
import { locationOf, targetUrlSchema } from '../links/target.ts';
import { errorSchema } from '../webhooks/schemas.ts';

const NOT_FOUND_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Link not found</title></head>' +
  '<body><h1>Link not found</h1><p>This link is unknown or has expired.</p></body></html>';

export const linkBodySchema = z.strictObject({
  campaignId: idSchema,
  messageId: idSchema.optional(),
  /** Raw address, normalized for the channel (address.ts) and stored pseudonymized. */
  recipientId: storableText(LIMITS.rawRecipient).optional(),
  channel: channelSchema.default('sms'),
  url: targetUrlSchema,
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
        messageId: b.messageId === undefined ? undefined : linkMessageId(deps, tenant.id, b.messageId),
        recipientId: b.recipientId === undefined ? undefined : linkRecipient(deps, tenant.id, b),
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
        summary: 'Follow a tracked link (302) and record the click, a person’s or a bot’s',
        params: z.object({ code: z.string().max(100) }),
        response: { 404: z.union([z.string().describe('HTML page'), errorSchema]) },
      },
    },
    async (request, reply) => {
      const { code } = request.params;
      const link = CODE_PATTERN.test(code) ? await deps.links.find(code) : undefined;
      // A target that cannot be a Location header (a link minted before targets were normalized)
      // is answered like an unknown link: never a 500, never a broken redirect.
      const target = link ? locationOf(link.url) : undefined;
      if (!link || !target) {
        if (prefersJson(request.headers.accept)) throw new AppError('not_found', 'unknown or expired link');
        return reply.status(404).type('text/html; charset=utf-8').send(NOT_FOUND_PAGE);
      }
      const now = deps.now();
      const verdict = classifyClick(request);
      deps.metrics.linkRequests.inc({
        class: verdict.clickClass,
        reason: verdict.clickClass === 'bot' ? verdict.reason : '',
      });
      if (verdict.clickClass === 'bot')
        request.log.debug({ code, reason: verdict.reason }, 'link_bot_request');
      const event: CanonicalEvent = {
        eventId: clickEventId(code, now),
        tenantId: link.tenantId,
        type: 'clicked',
        occurredAt: now.toISOString(),
        channel: link.channel,
        campaignId: link.campaignId,
        url: target,
        clickClass: verdict.clickClass,
        ...(link.messageId ? { messageId: link.messageId } : {}),
        ...(link.recipientId ? { recipientId: link.recipientId } : {}),
      };
      try {
        // validated here, once (ingest's producer trusts ingest's events); a failure is a lost click
        await deps.publisher.publish([canonicalEventSchema.parse(event)]);
        deps.metrics.eventsPublished.inc({ source: 'click' });
      } catch (err) {
        // The person clicking still gets where they were going; the lost click is logged and counted.
        deps.metrics.clicksLost.inc();
        request.log.warn({ err, code }, 'click_not_recorded');
      }
      return reply.header('cache-control', 'no-store').redirect(target, 302);
    },
  );
}

/** An API client that asks for JSON (and not HTML) gets the SPEC §6 error body; a browser, the page. */
function prefersJson(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('application/json') && !accept.includes('text/html');
}

function invalid(path: string, message: string): AppError {
  return new AppError('invalid_request', `invalid body: ${path}`, [{ path, message }]);
}

/** The link's message id with any wamid pseudonymized, as the click event will carry it. */
function linkMessageId(deps: IngestDeps, tenantId: string, messageId: string): string {
  const id = deps.pseudonymizer.ids(tenantId, messageId);
  if (!idSchema.safeParse(id).success) throw invalid('body.messageId', 'is too long once pseudonymized');
  return id;
}

function linkRecipient(
  deps: IngestDeps,
  tenantId: string,
  b: { recipientId?: string | undefined; channel: CanonicalEvent['channel'] },
): string {
  const who =
    b.recipientId === undefined
      ? undefined
      : deps.pseudonymizer.recipient(tenantId, b.recipientId, b.channel);
  if (!who) throw invalid('body.recipientId', 'must not be blank');
  return who.recipientId;
}
