/**
 * Notification channel URLs (a Slack webhook URL is itself a credential; others may carry tokens)
 * and secrets (signing secrets, PagerDuty routing keys) are sealed at rest under CREDENTIALS_KEY,
 * bound to their tenant, channel and field. Values stored before sealing existed are read as
 * they are.
 */
import { isSealed, parseCredentialsKey, seal, unseal } from '@tally/secrets';

export type ChannelField = 'url' | 'secret';

export interface ChannelSealer {
  seal(tenant: string, channelId: string, field: ChannelField, value: string): string;
  open(tenant: string, channelId: string, field: ChannelField, stored: string): string;
}

export function channelSealer(credentialsKey: string): ChannelSealer {
  const key = parseCredentialsKey(credentialsKey);
  const aad = (tenant: string, id: string, field: ChannelField) => `${tenant}/channel/${id}/${field}`;
  return {
    seal: (tenant, id, field, value) => seal(key, value, aad(tenant, id, field)),
    open: (tenant, id, field, stored) =>
      isSealed(stored) ? unseal(key, stored, aad(tenant, id, field)) : stored,
  };
}
