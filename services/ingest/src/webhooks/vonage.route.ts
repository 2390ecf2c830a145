/**
 * /webhooks/vonage/:tenant — POST (form or JSON) and GET (query), as the Vonage account is set.
 * SMS API receipts and inbound SMS are signed with `sig` (the tenant's method and secret); Messages
 * API callbacks (JSON with message_uuid) with an HS256 JWT whose payload_hash covers the body.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '@tally/http';
import type { IngestDeps } from '../deps.ts';
import { isMessagesApi, normalizeVonageMessages, normalizeVonageSms } from '../providers/vonage/normalize.ts';
import { verifyVonageJwt, verifyVonageSig } from '../providers/vonage/signature.ts';
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

export function vonageRoute(app: FastifyInstance, deps: IngestDeps): void {
  const handler = async (request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
    const { tenant } = request.params;
    const creds = await tenantCredentials(deps, tenant, 'vonage');
    const raw = rawBody(request);
    const receivedAt = deps.now().toISOString();
    const type = mediaType(request);
    let params: Record<string, string>;
    if (request.method === 'GET' || raw.length === 0) {
      params = firstValues(new URL(request.url, 'http://x').searchParams.entries());
    } else if (type === 'application/x-www-form-urlencoded') {
      params = firstValues(parseForm(raw));
    } else {
      const body = parseJson(raw);
      if (!isRecord(body))
        throw new AppError('invalid_request', 'invalid vonage payload: JSON body must be an object');
      if (isMessagesApi(body) || request.headers.authorization) {
        if (
          !verifyVonageJwt(
            request.headers.authorization,
            raw,
            creds.map((c) => c.signatureSecret),
          )
        ) {
          rejectSignature(
            deps,
            'vonage',
            'missing or invalid Authorization: Bearer JWT (HS256, payload_hash of the body)',
          );
        }
        const normalized = normalizeOr400('vonage', () => normalizeVonageMessages(body, receivedAt));
        await publishNormalized(deps, request, tenant, 'vonage', normalized);
        return reply.status(200).type('text/plain').send('');
      }
      params = stringFields(body);
    }
    if (!params.sig) rejectSignature(deps, 'vonage', 'missing sig parameter (Vonage signed webhooks)');
    if (
      !verifyVonageSig(
        params,
        creds.map((c) => ({ secret: c.signatureSecret, method: c.signatureMethod })),
      )
    ) {
      rejectSignature(deps, 'vonage', 'sig does not match the parameters');
    }
    const currency = creds[0]?.accountCurrency ?? 'EUR';
    const normalized = normalizeOr400('vonage', () => normalizeVonageSms(params, currency, receivedAt));
    await publishNormalized(deps, request, tenant, 'vonage', normalized);
    return reply.status(200).type('text/plain').send('');
  };
  const schema = {
    summary: 'Vonage SMS API receipts / inbound SMS (sig) and Messages API callbacks (JWT)',
    params: tenantParams,
    querystring: z.record(z.string(), z.unknown()),
    response: webhookErrors,
  };
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.post('/webhooks/vonage/:tenant', { schema }, handler);
  typed.get('/webhooks/vonage/:tenant', { schema }, handler);
}
