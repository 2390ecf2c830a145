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
import {
  firstValues,
  mediaType,
  normalizeOr400,
  parseForm,
  parseJson,
  publishNormalized,
  rawBody,
  rejectSignature,
  stringFields,
  tenantCredentials,
} from './pipeline.ts';
import { tenantParams, webhookErrors } from './schemas.ts';
import { AppError } from '@tally/http';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

function jsonParams(body: unknown): Record<string, string> {
  if (!isRecord(body))
    throw new AppError('invalid_request', 'invalid twilio payload: JSON body must be an object');
  return stringFields(body);
}

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
      const { tenant } = request.params;
      const tokens = (await tenantCredentials(deps, tenant, 'twilio')).map((c) => c.authToken);
      const raw = rawBody(request);
      const url = deps.config.PUBLIC_BASE_URL + request.url;
      const isForm = mediaType(request) === 'application/x-www-form-urlencoded';
      const form = isForm ? parseForm(raw) : undefined;
      const signature = request.headers['x-twilio-signature'];
      if (!signature) rejectSignature(deps, 'twilio', 'missing X-Twilio-Signature header');
      if (!verifyTwilio({ url, signature, form, rawBody: raw }, tokens)) {
        rejectSignature(
          deps,
          'twilio',
          `X-Twilio-Signature does not match ${deps.config.PUBLIC_BASE_URL}${request.url.split('?')[0] ?? ''} and the body`,
        );
      }
      const params = form ? firstValues(form) : jsonParams(parseJson(raw));
      const normalized = normalizeOr400('twilio', () =>
        normalizeTwilio(params, new URL(url).searchParams, deps.now().toISOString()),
      );
      await publishNormalized(deps, request, tenant, 'twilio', normalized);
      if (isTwilioInbound(params)) return reply.status(200).type('text/xml').send(EMPTY_TWIML);
      return reply.status(200).type('text/plain').send('');
    },
  );
}
