/**
 * The I/O steps the webhook pipeline (define.ts runWebhook) runs around each provider's
 * definition: the tenant's credentials (404 for an unknown tenant, 401 for none), the raw body,
 * and finalize + publish — pseudonymize and validate each event once, publish the whole request as
 * one Kafka produce (503 when Kafka does not acknowledge), count and log what was skipped.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '@tally/http';
import { shapeOf } from '@tally/logging';
import { TENANT_ID_PATTERN } from '@tally/db';
import type { IngestDeps } from '../deps.ts';
import { acceptedCredentials } from '../credentials/rotation.ts';
import type { ProviderCredentials, ProviderName } from '../credentials/types.ts';
import { finalizeEvent } from '../finalize.ts';
import { publishOr503 } from '../publish/publish-or-503.ts';
import { str, type Normalized } from '../providers/types.ts';

/** Current (and, within the rotation grace, previous) credentials of the URL's tenant. */
export async function tenantCredentials<P extends ProviderName>(
  deps: IngestDeps,
  tenantId: string,
  provider: P,
): Promise<ProviderCredentials[P][]> {
  if (!TENANT_ID_PATTERN.test(tenantId))
    throw new AppError('not_found', `unknown tenant ${tenantId.slice(0, 64)}`);
  const found = await deps.credentials.get(tenantId, provider);
  if (!found.tenantExists) throw new AppError('not_found', `unknown tenant ${tenantId}`);
  if (!found.stored) {
    deps.metrics.webhookRejected.inc({ provider });
    throw new AppError('invalid_signature', `no ${provider} credentials are configured for this tenant`);
  }
  return acceptedCredentials(found.stored, deps.now());
}

/** The raw body kept by the webhook content-type parsers (empty when there was none). */
export function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

export function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function parseForm(raw: Buffer): [string, string][] {
  return [...new URLSearchParams(raw.toString('utf8')).entries()];
}

/** First value per name, for reading fields (signatures use every value). */
export function firstValues(entries: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) if (!(k in out)) out[k] = v;
  return out;
}

/** The string (and boolean, as text) fields of a JSON object, for providers that sign or read them flat. */
export function stringFields(o: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    const s = str(v) ?? (typeof v === 'boolean' ? String(v) : undefined);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

export async function publishNormalized(
  deps: IngestDeps,
  request: FastifyRequest,
  tenantId: string,
  provider: ProviderName,
  normalized: Normalized,
): Promise<number> {
  const receivedAt = deps.now();
  const events = normalized.events.map((draft, i) => {
    // `held_out` is the sender's statement that it did *not* message someone (issue 21): it comes
    // only through POST /v1/events, never from a provider.
    if (draft.type === 'held_out')
      throw new AppError(
        'invalid_request',
        `invalid ${provider} payload: a provider cannot hold a recipient out`,
      );
    const r = finalizeEvent(tenantId, draft, deps.pseudonymizer, receivedAt);
    if (r.ok) return r.event;
    const issues = r.issues.map((x) => `${x.path}: ${x.message}`).join('; ');
    throw new AppError(
      'invalid_request',
      `invalid ${provider} payload: update ${i} cannot become an event (${issues})`,
    );
  });
  for (const s of normalized.skipped) {
    deps.metrics.webhookSkips.inc({ provider, reason: s.reason });
    if (s.reason === 'unknown_status') {
      // the status is the provider's (or whoever posts to the webhook): its shape, never its value
      request.log.warn({ provider, status: shapeOf(s.status) }, 'webhook_unknown_status');
    }
  }
  await publishOr503(deps, events, provider);
  request.log.debug(
    { provider, events: events.length, skipped: normalized.skipped.length },
    'webhook_published',
  );
  return events.length;
}
