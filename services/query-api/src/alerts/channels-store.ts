/**
 * Notification channels in Postgres. Secrets (webhook signing secrets, PagerDuty routing keys)
 * are stored but never read back by the API; a webhook's generated secret is returned once, by
 * the create call. A Slack webhook URL is itself a credential, so only its origin is shown.
 */
import { randomBytes } from 'node:crypto';
import type { Pool } from '@tally/db';
import type { ChannelKind } from './render.ts';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export interface ChannelView {
  id: string;
  kind: ChannelKind;
  name: string;
  url: string;
  hasSecret: boolean;
  createdAt: string;
}

interface ChannelRow {
  id: string;
  kind: ChannelKind;
  name: string;
  url: string;
  secret: string | null;
  created_at: Date;
}

export function displayUrl(kind: ChannelKind, raw: string): string {
  const u = new URL(raw);
  return kind === 'slack' ? `${u.origin}/…` : `${u.origin}${u.pathname}`;
}

function view(r: ChannelRow): ChannelView {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    url: displayUrl(r.kind, r.url),
    hasSecret: r.secret !== null,
    createdAt: r.created_at.toISOString(),
  };
}

export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export async function createChannel(
  pool: Pool,
  tenantId: string,
  c: { kind: ChannelKind; name: string; url: string; secret: string | null },
): Promise<ChannelView> {
  const { rows } = await pool.query<ChannelRow>(
    `INSERT INTO notification_channels(tenant_id, kind, name, url, secret) VALUES ($1, $2, $3, $4, $5)
     RETURNING id, kind, name, url, secret, created_at`,
    [tenantId, c.kind, c.name, c.url, c.secret],
  );
  const row = rows[0];
  if (!row) throw new Error('insert returned no row');
  return view(row);
}

export async function listChannels(pool: Pool, tenantId: string): Promise<ChannelView[]> {
  const { rows } = await pool.query<ChannelRow>(
    'SELECT id, kind, name, url, secret, created_at FROM notification_channels WHERE tenant_id = $1 ORDER BY created_at',
    [tenantId],
  );
  return rows.map(view);
}

/** True when the tenant had such a channel. Its pending deliveries go with it. */
export async function deleteChannel(pool: Pool, tenantId: string, id: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    'DELETE FROM notification_channels WHERE tenant_id = $1 AND id = $2',
    [tenantId, id],
  );
  return (rowCount ?? 0) > 0;
}
