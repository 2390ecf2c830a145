/**
 * GET /webhooks/whatsapp/:tenant — Meta's verification handshake (200 + raw challenge, or 403).
 * POST — notifications signed with X-Hub-Signature-256 over the raw body; every status, inbound
 * message and preference becomes an event, the whole POST one Kafka produce.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '@tally/http';
import type { IngestDeps } from '../deps.ts';
import { normalizeWhatsapp } from '../providers/whatsapp/normalize.ts';
import { verifyHandshake, verifyWhatsapp } from '../providers/whatsapp/signature.ts';
import { defineWebhook, header, jsonBody, ok, reject, runWebhook } from './define.ts';
import { tenantCredentials } from './pipeline.ts';
import { errorSchema, tenantParams, webhookErrors } from './schemas.ts';

export const whatsappWebhook = defineWebhook({
  provider: 'whatsapp',
  verify(input, credentials) {
    const signature = header(input, 'x-hub-signature-256');
    if (!signature) return reject('invalid_signature', 'missing X-Hub-Signature-256 header');
    const secrets = credentials.map((c) => c.appSecret);
    if (!verifyWhatsapp(input.raw, signature, secrets))
      return reject('invalid_signature', 'X-Hub-Signature-256 does not match the body');
    return ok(undefined);
  },
  parse(input) {
    if (input.mediaType !== 'application/json')
      return reject('unsupported_media_type', 'WhatsApp notifications must be application/json');
    return jsonBody(input.raw);
  },
  normalize: (body) => normalizeWhatsapp(body),
});

export function whatsappRoute(app: FastifyInstance, deps: IngestDeps): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/webhooks/whatsapp/:tenant',
    {
      schema: {
        summary: 'WhatsApp webhook verification handshake',
        params: tenantParams,
        querystring: z.looseObject({
          'hub.mode': z.string().optional(),
          'hub.verify_token': z.string().optional(),
          'hub.challenge': z.string().max(1000).optional(),
        }),
        response: { 200: z.string().describe('the raw hub.challenge'), 403: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const tokens = (await tenantCredentials(deps, request.params.tenant, 'whatsapp')).map(
        (c) => c.verifyToken,
      );
      const q = request.query;
      const challenge = verifyHandshake(
        { mode: q['hub.mode'], token: q['hub.verify_token'], challenge: q['hub.challenge'] },
        tokens,
      );
      if (challenge === undefined)
        throw new AppError('forbidden', 'hub.mode must be subscribe and hub.verify_token must match');
      return reply.status(200).type('text/plain').send(challenge);
    },
  );
  typed.post(
    '/webhooks/whatsapp/:tenant',
    {
      schema: {
        summary: 'WhatsApp Cloud API notifications',
        description:
          'JSON body signed with X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the App Secret).',
        params: tenantParams,
        headers: z.looseObject({ 'x-hub-signature-256': z.string().optional() }),
        response: webhookErrors,
      },
    },
    async (request, reply) => {
      const answer = await runWebhook(deps, whatsappWebhook, request, request.params.tenant);
      return reply.status(200).type(answer.type).send(answer.body);
    },
  );
}
