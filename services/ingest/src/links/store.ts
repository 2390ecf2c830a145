/**
 * Tracked links in Postgres (table tracked_links, migration 0002). The recipient is stored
 * pseudonymized, never raw. Lookups are cached briefly: a link never changes once minted.
 */
import type { Pool } from '@tally/db';
import type { Channel } from '@tally/events';

export interface TrackedLink {
  code: string;
  tenantId: string;
  campaignId: string;
  messageId?: string | undefined;
  recipientId?: string | undefined;
  channel: Channel;
  url: string;
}

export interface LinkStore {
  insert(link: TrackedLink): Promise<void>;
  find(code: string): Promise<TrackedLink | undefined>;
}

interface Row {
  code: string;
  tenant_id: string;
  campaign_id: string;
  message_id: string | null;
  recipient_id: string | null;
  channel: Channel;
  url: string;
}

export function createLinkStore(pool: Pool, opts: { cacheEntries?: number } = {}): LinkStore {
  const max = opts.cacheEntries ?? 10_000;
  const cache = new Map<string, TrackedLink>();
  return {
    async insert(l) {
      await pool.query(
        `INSERT INTO tracked_links(code, tenant_id, campaign_id, message_id, recipient_id, channel, url)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [l.code, l.tenantId, l.campaignId, l.messageId ?? null, l.recipientId ?? null, l.channel, l.url],
      );
    },
    async find(code) {
      const hit = cache.get(code);
      if (hit) return hit;
      const { rows } = await pool.query<Row>(
        'SELECT code, tenant_id, campaign_id, message_id, recipient_id, channel, url FROM tracked_links WHERE code = $1',
        [code],
      );
      const r = rows[0];
      if (!r) return undefined;
      const link: TrackedLink = {
        code: r.code,
        tenantId: r.tenant_id,
        campaignId: r.campaign_id,
        messageId: r.message_id ?? undefined,
        recipientId: r.recipient_id ?? undefined,
        channel: r.channel,
        url: r.url,
      };
      if (cache.size >= max) cache.clear();
      cache.set(code, link);
      return link;
    },
  };
}
