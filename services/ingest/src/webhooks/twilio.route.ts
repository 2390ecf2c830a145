/**
 * POST /webhooks/twilio/:tenant — status callbacks and inbound messages (SMS and WhatsApp via
 * Twilio). Form bodies are signed with their parameters; JSON bodies with `bodySHA256` in the URL.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { IngestDeps } from '../deps.ts';
import { isTwilioInbound, normalizeTwilio } from '../providers/twilio/normalize.ts';
import { verifyTwilio } from '../providers/twilio/signature.ts';
import { isRecord } from '../providers/types.ts';
import { defineWebhook, header, jsonBody, ok, reject, runWebhook } from './define.ts';
import { firstValues, parseForm, stringFields } from './pipeline.ts';
import { tenantParams, webhookErrors } from './schemas.ts';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export const twilioWebhook = defineWebhook({
  provider: 'twilio',
  verify(input, credentials) {
    const form = input.mediaType === 'application/x-www-form-urlencoded' ? parseForm(input.raw) : undefined;
    const signature = header(input, 'x-twilio-signature');
    if (!signature) return reject('invalid_signature', 'missing X-Twilio-Signature header');
    const tokens = credentials.map((c) => c.authToken);
    if (!verifyTwilio({ url: input.publicUrl, signature, form, rawBody: input.raw }, tokens))
      return reject(
        'invalid_signature',
        `X-Twilio-Signature does not match ${input.publicUrl.split('?')[0] ?? ''} and the body`,
      );
    return ok(form);
  },
  parse(input, form) {
    if (form) return ok(firstValues(form));
    const body = jsonBody(input.raw);
    if (!body.ok) return body;
    if (!isRecord(body.value))
      return reject('invalid_request', 'invalid twilio payload: JSON body must be an object');
    return ok(stringFields(body.value));
  },
  normalize: (params, input) =>
    normalizeTwilio(params, new URL(input.publicUrl).searchParams, input.receivedAt.toISOString()),
  answer: (params) =>
    isTwilioInbound(params) ? { type: 'text/xml', body: EMPTY_TWIML } : { type: 'text/plain', body: '' },
});

export function twilioRoute(app: FastifyInstance, deps: IngestDeps): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/webhooks/twilio/:tenant',
    {
      schema: {
        summary: 'Twilio status callback or inbound message',
        description:
          'Form-encoded (or JSON with bodySHA256) body, signed with X-Twilio-Signature over PUBLIC_BASE_URL + path + query. ' +
          'Status-callback URL query: campaign, segment, variant.',
        params: tenantParams,
        querystring: z.record(z.string(), z.unknown()),
        headers: z.looseObject({ 'x-twilio-signature': z.string().optional() }),
        response: webhookErrors,
      },
    },
    async (request, reply) => {
      const answer = await runWebhook(deps, twilioWebhook, request, request.params.tenant);
      return reply.status(200).type(answer.type).send(answer.body);
    },
  );
}
