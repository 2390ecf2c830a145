/**
 * Notification channels in Postgres. URLs and secrets (webhook signing secrets, PagerDuty routing
 * keys) are sealed at rest (channel-secrets.ts); secrets are never read back by the API, and a
 * webhook's generated secret is returned once, by the create call. A Slack webhook URL is itself a
 * credential, so only its origin is shown.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from '@tally/db';
import type { ChannelSealer } from './channel-secrets.ts';
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
  tenant_id: string;
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

function view(r: ChannelRow, url: string): ChannelView {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    url: displayUrl(r.kind, url),
    hasSecret: r.secret !== null,
    createdAt: r.created_at.toISOString(),
  };
}

export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export async function createChannel(
  pool: Pool,
  sealer: ChannelSealer,
  tenantId: string,
  c: { kind: ChannelKind; name: string; url: string; secret: string | null },
): Promise<ChannelView> {
  const id = randomUUID();
  const { rows } = await pool.query<ChannelRow>(
    `INSERT INTO notification_channels(id, tenant_id, kind, name, url, secret) VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING id, tenant_id, kind, name, url, secret, created_at`,
    [
      id,
      tenantId,
      c.kind,
      c.name,
      sealer.seal(tenantId, id, 'url', c.url),
      c.secret === null ? null : sealer.seal(tenantId, id, 'secret', c.secret),
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('insert returned no row');
  return view(row, c.url);
}

export async function listChannels(
  pool: Pool,
  sealer: ChannelSealer,
  tenantId: string,
): Promise<ChannelView[]> {
  const { rows } = await pool.query<ChannelRow>(
    `SELECT id, tenant_id, kind, name, url, secret, created_at FROM notification_channels
      WHERE tenant_id = $1 ORDER BY created_at`,
    [tenantId],
  );
  return rows.map((r) => view(r, sealer.open(r.tenant_id, r.id, 'url', r.url)));
}

/** True when the tenant had such a channel. Its pending deliveries go with it. */
export async function deleteChannel(pool: Pool, tenantId: string, id: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    'DELETE FROM notification_channels WHERE tenant_id = $1 AND id = $2',
    [tenantId, id],
  );
  return (rowCount ?? 0) > 0;
}
