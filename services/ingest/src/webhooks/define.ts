/**
 * Declarative webhooks (issue 20): each provider is one `defineWebhook({ verify, parse, normalize })`
 * and one pipeline runs them all, in one order, with one way out — every step answers `ok` with
 * what the next step needs, or `reject` with why (the model is PostHog's ingestion steps):
 *
 *   credentials (404 unknown tenant, 401 none) → verify (401, counted) → parse (400 / 415)
 *   → normalize (pure; 400 naming the problem) → finalize + validate once (400) → publish (503)
 *
 * A definition never throws for bad input and never touches Kafka, Postgres or the reply; the
 * pipeline (`runWebhook`) does the I/O and turns a rejection into its HTTP answer.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '@tally/http';
import type { IngestDeps } from '../deps.ts';
import type { ProviderCredentials, ProviderName } from '../credentials/types.ts';
import { PayloadError, type Normalized } from '../providers/types.ts';
import { mediaType, publishNormalized, rawBody, tenantCredentials } from './pipeline.ts';

export type RejectReason = 'invalid_signature' | 'invalid_request' | 'unsupported_media_type';
export type Step<T> = { ok: true; value: T } | { ok: false; reason: RejectReason; message: string };

export const ok = <T>(value: T): Step<T> => ({ ok: true, value });
export const reject = (reason: RejectReason, message: string): Step<never> => ({
  ok: false,
  reason,
  message,
});

/** What every step may read of the request: the raw bytes and what came with them. */
export interface WebhookInput {
  tenant: string;
  method: string;
  raw: Buffer;
  mediaType: string;
  /** The path and query as received. */
  url: string;
  /** PUBLIC_BASE_URL + url: what a provider signed. */
  publicUrl: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  receivedAt: Date;
}

export interface WebhookDefinition<P extends ProviderName, V, B> {
  provider: P;
  /** Checks the request against the tenant's accepted credentials (current, and previous within grace). */
  verify(input: WebhookInput, credentials: ProviderCredentials[P][]): Step<V>;
  /** Reads the verified request into the payload the normalizer takes. */
  parse(input: WebhookInput, verified: V): Step<B>;
  /** Pure: payload → draft events and skips; throws PayloadError for a payload it cannot read. */
  normalize(body: B, input: WebhookInput, credentials: ProviderCredentials[P][]): Normalized;
  /** The 200 answer (default: an empty text/plain body). */
  answer?(body: B): { type: string; body: string };
}

export function defineWebhook<P extends ProviderName, V, B>(
  d: WebhookDefinition<P, V, B>,
): WebhookDefinition<P, V, B> {
  return d;
}

function inputOf(deps: IngestDeps, request: FastifyRequest, tenant: string): WebhookInput {
  return {
    tenant,
    method: request.method,
    raw: rawBody(request),
    mediaType: mediaType(request),
    url: request.url,
    publicUrl: deps.config.PUBLIC_BASE_URL + request.url,
    query: new URL(request.url, 'http://x').searchParams,
    headers: request.headers,
    receivedAt: deps.now(),
  };
}

function refuse(
  deps: IngestDeps,
  provider: ProviderName,
  step: { reason: RejectReason; message: string },
): never {
  if (step.reason === 'invalid_signature') deps.metrics.webhookRejected.inc({ provider });
  throw new AppError(step.reason, step.message);
}

/** Runs one definition over one request; resolves with the 200 answer, or throws its AppError. */
export async function runWebhook<P extends ProviderName, V, B>(
  deps: IngestDeps,
  def: WebhookDefinition<P, V, B>,
  request: FastifyRequest,
  tenant: string,
): Promise<{ type: string; body: string }> {
  const credentials = await tenantCredentials(deps, tenant, def.provider);
  const input = inputOf(deps, request, tenant);
  const verified = def.verify(input, credentials);
  if (!verified.ok) refuse(deps, def.provider, verified);
  const parsed = def.parse(input, verified.value);
  if (!parsed.ok) refuse(deps, def.provider, parsed);
  let normalized: Normalized;
  try {
    normalized = def.normalize(parsed.value, input, credentials);
  } catch (err) {
    if (err instanceof PayloadError)
      refuse(deps, def.provider, {
        reason: 'invalid_request',
        message: `invalid ${def.provider} payload: ${err.message}`,
      });
    throw err;
  }
  await publishNormalized(deps, request, tenant, def.provider, normalized);
  return def.answer?.(parsed.value) ?? { type: 'text/plain', body: '' };
}

/** The raw body as JSON, or why not. */
export function jsonBody(raw: Buffer): Step<unknown> {
  if (raw.length === 0) return reject('invalid_request', 'empty body: expected JSON');
  try {
    return ok(JSON.parse(raw.toString('utf8')) as unknown);
  } catch (err) {
    return reject('invalid_request', `malformed JSON body: ${(err as Error).message}`);
  }
}

/** A header's first value. */
export function header(input: WebhookInput, name: string): string | undefined {
  const v = input.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
