/**
 * Managing tenants' API keys: list, revoke (now or at a time to come), rotate (a new key, the old
 * ones revoked after a grace period), every change audited in `admin_audit` (who, when, which key
 * by id and prefix — never the key nor its hash) in the transaction that makes it. A revocation
 * is announced on API_KEY_REVOKED_CHANNEL with the key's hash: every listening resolver
 * (api-key-cache.ts) forgets that key at once.
 */
import type pg from 'pg';
import { withTransaction } from './pool.ts';
import { insertApiKey } from './tenants.ts';

/** Postgres NOTIFY channel on which a revoked key's hash is announced. */
export const API_KEY_REVOKED_CHANNEL = 'tally_api_keys_revoked';

export interface ApiKeyInfo {
  id: string;
  /** The key's first 8 characters (`tly_` + 4), to tell keys apart; not a secret. */
  prefix: string;
  label: string | null;
  createdAt: Date;
  /** When it stops (or stopped) working; null while it has no end. */
  revokedAt: Date | null;
}

export interface TenantInfo {
  id: string;
  name: string;
  createdAt: Date;
  activeKeys: number;
}

export interface AuditEntry {
  actor: string;
  action: string;
  tenantId: string | null;
  keyId: string | null;
  detail: Record<string, unknown>;
}

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export async function audit(db: Queryable, e: AuditEntry): Promise<void> {
  await db.query(
    'INSERT INTO admin_audit(actor, action, tenant_id, key_id, detail) VALUES ($1, $2, $3, $4, $5)',
    [e.actor, e.action, e.tenantId, e.keyId, JSON.stringify(e.detail)],
  );
}

export async function listTenants(pool: pg.Pool): Promise<TenantInfo[]> {
  const { rows } = await pool.query<{ id: string; name: string; created_at: Date; active: string }>(
    `SELECT t.id, t.name, t.created_at,
            count(k.id) FILTER (WHERE k.revoked_at IS NULL OR k.revoked_at > now()) AS active
       FROM tenants t LEFT JOIN api_keys k ON k.tenant_id = t.id
      GROUP BY t.id ORDER BY t.id`,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, activeKeys: Number(r.active) }));
}

export async function listApiKeys(pool: pg.Pool, tenantId: string): Promise<ApiKeyInfo[]> {
  const { rows } = await pool.query<{
    id: string;
    key_prefix: string;
    label: string | null;
    created_at: Date;
    revoked_at: Date | null;
  }>(
    `SELECT id::text, key_prefix, label, created_at, revoked_at FROM api_keys
      WHERE tenant_id = $1 ORDER BY id`,
    [tenantId],
  );
  return rows.map((r) => ({
    id: r.id,
    prefix: r.key_prefix,
    label: r.label,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  }));
}

/**
 * Revokes the tenant's keys `ids` (all of its live keys when `ids` is 'all'), `afterMs` from now
 * (0: at once); returns the ids revoked. Keys already revoked by then are left as they are.
 */
export async function revokeApiKeys(
  pool: pg.Pool,
  tenantId: string,
  ids: string[] | 'all',
  opts: { actor: string; afterMs?: number; action?: string },
): Promise<string[]> {
  return withTransaction(pool, (client) => revokeIn(client, tenantId, ids, opts));
}

async function revokeIn(
  client: pg.PoolClient,
  tenantId: string,
  ids: string[] | 'all',
  opts: { actor: string; afterMs?: number; action?: string },
): Promise<string[]> {
  const afterMs = opts.afterMs ?? 0;
  const { rows } = await client.query<{ id: string; key_prefix: string }>(
    `WITH revoked AS (
       UPDATE api_keys SET revoked_at = now() + ($3::bigint * interval '1 millisecond')
        WHERE tenant_id = $1 AND ($2::bigint[] IS NULL OR id = ANY($2::bigint[]))
          AND (revoked_at IS NULL OR revoked_at > now() + ($3::bigint * interval '1 millisecond'))
        RETURNING id, key_prefix, key_hash)
     SELECT id::text, key_prefix, pg_notify('${API_KEY_REVOKED_CHANNEL}', key_hash) FROM revoked ORDER BY id`,
    [tenantId, ids === 'all' ? null : ids, afterMs],
  );
  for (const r of rows)
    await audit(client, {
      actor: opts.actor,
      action: opts.action ?? 'key.revoke',
      tenantId,
      keyId: r.id,
      detail: { prefix: r.key_prefix, afterMs },
    });
  return rows.map((r) => r.id);
}

/**
 * A new key for the tenant (returned, shown once), and its old keys (`ids`, or all live ones)
 * revoked `graceMs` from now, so clients can move to the new key meanwhile.
 */
export async function rotateApiKeys(
  pool: pg.Pool,
  tenantId: string,
  ids: string[] | 'all',
  opts: { actor: string; graceMs: number; label?: string },
): Promise<{ key: string; id: string; revoked: string[] }> {
  return withTransaction(pool, async (client) => {
    const revoked = await revokeIn(client, tenantId, ids, {
      actor: opts.actor,
      afterMs: opts.graceMs,
      action: 'key.rotate_out',
    });
    const { key, id = '' } = await insertApiKey(client, tenantId, { label: opts.label ?? 'rotated' });
    await audit(client, {
      actor: opts.actor,
      action: 'key.rotate_in',
      tenantId,
      keyId: id,
      detail: { prefix: key.slice(0, 8), replaces: revoked, graceMs: opts.graceMs },
    });
    return { key, id, revoked };
  });
}
