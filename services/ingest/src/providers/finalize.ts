/**
 * Turns drafts into canonical events: tenant from the URL, recipient normalized, its country
 * derived and then pseudonymized — the raw address goes no further — and each event validated
 * against the canonical schema. A draft that fails validation is a payload problem (400).
 */
import { canonicalEventSchema, describeIssues, type CanonicalEvent } from '@tally/events';
import { normalizeRecipient } from './recipient.ts';
import { PayloadError, RECIPIENT_TOKEN, type DraftEvent } from './types.ts';

export function finalizeEvents(
  tenantId: string,
  drafts: DraftEvent[],
  pseudonymize: (tenantId: string, address: string) => string,
): CanonicalEvent[] {
  return drafts.map((d, i) => {
    const { recipient, ...rest } = d;
    const r = recipient === undefined ? undefined : normalizeRecipient(recipient);
    const recipientId = r ? pseudonymize(tenantId, r.address) : undefined;
    const candidate = {
      ...rest,
      // A provider that names no id for the update keys its eventId on the (pseudonymized) person.
      eventId: rest.eventId.replace(RECIPIENT_TOKEN, recipientId ?? 'anonymous'),
      tenantId,
      ...(recipientId ? { recipientId } : {}),
      ...(r?.country ? { country: r.country } : {}),
    };
    const parsed = canonicalEventSchema.safeParse(candidate);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error)
        .map((x) => `${x.path}: ${x.message}`)
        .join('; ');
      throw new PayloadError(`update ${i} cannot become an event (${issues})`);
    }
    return parsed.data;
  });
}
