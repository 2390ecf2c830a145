/**
 * `credentials set` with the values already stored is a no-op, not a rotation: re-running a seed
 * (./tally up) must not turn the current credentials into "previous" ones over and over. Pure.
 */
import { credentialSchemas, type ProviderName } from '@tally/ingest';

/** True when setting `fields` over `current` (the stored credentials, if any) changes nothing. */
export function isUnchanged(
  provider: ProviderName,
  current: unknown,
  fields: Record<string, string>,
): boolean {
  if (current === undefined) return false;
  const merged = credentialSchemas[provider].safeParse({
    ...(current as Record<string, unknown>),
    ...fields,
  });
  if (!merged.success) return false;
  const a = merged.data as Record<string, unknown>;
  const b = current as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}
