/**
 * The last step of every route that publishes, webhooks and `POST /v1/events` alike: tenant set,
 * the raw recipient normalized (address.ts), its country derived and then pseudonymized — the raw
 * address goes no further —, every wamid in messageId and eventId pseudonymized, and the result
 * validated against the canonical schema, with the receipt-time rule (not more than 24 h ahead).
 * Pure: the issues name the event's fields; the caller decides how they become a 400.
 */
import {
  canonicalEventSchema,
  describeIssues,
  isStorableText,
  isTooFarInFuture,
  LIMITS,
  type CanonicalEvent,
  type FieldIssue,
} from '@tally/events';
import type { Pseudonymizer } from './pseudonymize.ts';
import { RECIPIENT_TOKEN } from './providers/types.ts';

/** An event before ingest finishes it: no tenant yet, and the recipient's raw address. */
export type Draft = Omit<CanonicalEvent, 'tenantId' | 'recipientId'> & {
  /** Raw address of the person; never leaves ingest. */
  recipient?: string | undefined;
};

export type Finalized = { ok: true; event: CanonicalEvent } | { ok: false; issues: FieldIssue[] };

function recipientIssue(raw: string): FieldIssue | undefined {
  if (raw.length <= LIMITS.rawRecipient && isStorableText(raw)) return undefined;
  return {
    path: 'recipientId',
    message: `must be at most ${LIMITS.rawRecipient} characters, without control characters or unpaired surrogates`,
  };
}

export function finalizeEvent(tenantId: string, draft: Draft, p: Pseudonymizer, receivedAt: Date): Finalized {
  const { recipient, ...rest } = draft;
  if (recipient !== undefined) {
    const bad = recipientIssue(recipient);
    if (bad) return { ok: false, issues: [bad] };
  }
  const who = recipient === undefined ? undefined : p.recipient(tenantId, recipient, rest.channel);
  if (recipient !== undefined && !who) {
    return { ok: false, issues: [{ path: 'recipientId', message: 'must not be blank' }] };
  }
  const country = rest.country ?? who?.country;
  const candidate = {
    ...rest,
    // A provider that names no id for the update keys its eventId on the (pseudonymized) person.
    eventId: p.ids(tenantId, rest.eventId.replace(RECIPIENT_TOKEN, who?.recipientId ?? 'anonymous')),
    ...(rest.messageId === undefined ? {} : { messageId: p.ids(tenantId, rest.messageId) }),
    tenantId,
    ...(who ? { recipientId: who.recipientId } : {}),
    ...(country ? { country } : {}),
    // Every failure has a class (issue 20): one a provider's table could not name, or a sender
    // posted without one, is `other` (its raw code kept).
    ...(rest.type === 'failed'
      ? { failureClass: rest.failureClass ?? 'other', permanent: rest.permanent ?? false }
      : {}),
  };
  const parsed = canonicalEventSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, issues: describeIssues(parsed.error) };
  if (isTooFarInFuture(parsed.data.occurredAt, receivedAt)) {
    return {
      ok: false,
      issues: [
        {
          path: 'occurredAt',
          message: `must not be more than 24 h after the receipt time (${receivedAt.toISOString()})`,
        },
      ],
    };
  }
  return { ok: true, event: parsed.data };
}
