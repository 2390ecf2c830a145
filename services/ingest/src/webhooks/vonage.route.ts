/**
 * /webhooks/vonage/:tenant — POST (form or JSON) and GET (query), as the Vonage account is set.
 * SMS API receipts and inbound SMS are signed with `sig` (the tenant's method and secret); Messages
 * API callbacks (JSON with message_uuid) with an HS256 JWT whose payload_hash covers the body.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { IngestDeps } from '../deps.ts';
import { isMessagesApi, normalizeVonageMessages, normalizeVonageSms } from '../providers/vonage/normalize.ts';
import { verifyVonageJwt, verifyVonageSig } from '../providers/vonage/signature.ts';
import { isRecord } from '../providers/types.ts';
import type { ProviderCredentials } from '../credentials/types.ts';
import {
  defineWebhook,
  header,
  jsonBody,
  ok,
  reject,
  runWebhook,
  type Step,
  type WebhookInput,
} from './define.ts';
import { firstValues, parseForm, stringFields } from './pipeline.ts';
import { tenantParams, webhookErrors } from './schemas.ts';

type VonageBody =
  { api: 'sms'; params: Record<string, string> } | { api: 'messages'; body: Record<string, unknown> };

/**
 * Vonage signs parameters, not bytes (SMS API `sig`), or the body's hash in a JWT (Messages API):
 * verify reads the parameters it checks, and hands them on.
 */
function vonageVerify(input: WebhookInput, credentials: ProviderCredentials['vonage'][]): Step<VonageBody> {
  let params: Record<string, string>;
  if (input.method === 'GET' || input.raw.length === 0) {
    params = firstValues(input.query.entries());
  } else if (input.mediaType === 'application/x-www-form-urlencoded') {
    params = firstValues(parseForm(input.raw));
  } else {
    const json = jsonBody(input.raw);
    if (!json.ok) return json;
    const body = json.value;
    if (!isRecord(body))
      return reject('invalid_request', 'invalid vonage payload: JSON body must be an object');
    const authorization = header(input, 'authorization');
    if (isMessagesApi(body) || authorization) {
      if (
        !verifyVonageJwt(
          authorization,
          input.raw,
          credentials.map((c) => c.signatureSecret),
        )
      )
        return reject(
          'invalid_signature',
          'missing or invalid Authorization: Bearer JWT (HS256, payload_hash of the body)',
        );
      return ok({ api: 'messages', body });
    }
    params = stringFields(body);
  }
  if (!params.sig) return reject('invalid_signature', 'missing sig parameter (Vonage signed webhooks)');
  const keys = credentials.map((c) => ({ secret: c.signatureSecret, method: c.signatureMethod }));
  if (!verifyVonageSig(params, keys)) return reject('invalid_signature', 'sig does not match the parameters');
  return ok({ api: 'sms', params });
}

export const vonageWebhook = defineWebhook({
  provider: 'vonage',
  verify: vonageVerify,
  parse: (_input, verified) => ok(verified),
  normalize(v, input, credentials) {
    const receivedAt = input.receivedAt.toISOString();
    if (v.api === 'messages') return normalizeVonageMessages(v.body, receivedAt);
    return normalizeVonageSms(v.params, credentials[0]?.accountCurrency ?? 'EUR', receivedAt);
  },
});

export function vonageRoute(app: FastifyInstance, deps: IngestDeps): void {
  const handler = async (request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
    const answer = await runWebhook(deps, vonageWebhook, request, request.params.tenant);
    return reply.status(200).type(answer.type).send(answer.body);
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
