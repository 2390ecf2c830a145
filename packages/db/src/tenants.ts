/**
 * Tenants and their API keys. A key is `tly_` + 43 URL-safe characters (256 random bits); only its
 * SHA-256 is stored. The key is shown once, when it is made.
 */
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';

export interface Tenant {
  id: string;
  name: string;
}

export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function newApiKey(): string {
  return `tly_${randomBytes(32).toString('base64url')}`;
}

export async function createTenant(pool: pg.Pool, id: string, name = id): Promise<Tenant> {
  if (!TENANT_ID_PATTERN.test(id)) throw new Error(`tenant id must match ${TENANT_ID_PATTERN.source}`);
  await pool.query('INSERT INTO tenants(id, name) VALUES ($1, $2)', [id, name]);
  return { id, name };
}

export async function findTenant(pool: pg.Pool, id: string): Promise<Tenant | undefined> {
  const { rows } = await pool.query<Tenant>('SELECT id, name FROM tenants WHERE id = $1', [id]);
  return rows[0];
}

/**
 * Postgres NOTIFY channel on which a new key's hash is announced, so every resolver listening
 * (api-key-cache.ts) drops a cached "unknown" for it at once, in whichever process made it.
 */
export const API_KEYS_CHANNEL = 'tally_api_keys';

/** Stores a key for the tenant; pass `key` to install a known one (the demo seed), else one is made. */
export async function addApiKey(
  db: Pick<pg.Pool, 'query'> | pg.PoolClient,
  tenantId: string,
  opts: { key?: string; label?: string } = {},
): Promise<string> {
  return (await insertApiKey(db, tenantId, opts)).key;
}

/** addApiKey, with the new row's id (undefined when that key was stored already). */
export async function insertApiKey(
  db: Pick<pg.Pool, 'query'> | pg.PoolClient,
  tenantId: string,
  opts: { key?: string; label?: string } = {},
): Promise<{ key: string; id: string | undefined }> {
  const key = opts.key ?? newApiKey();
  const { rows } = await db.query<{ id: string }>(
    `WITH added AS (
       INSERT INTO api_keys(tenant_id, key_hash, key_prefix, label) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key_hash) DO NOTHING RETURNING id, key_hash)
     SELECT id::text, pg_notify('${API_KEYS_CHANNEL}', key_hash) FROM added`,
    [tenantId, hashApiKey(key), key.slice(0, 8), opts.label ?? null],
  );
  return { key, id: rows[0]?.id };
}

export async function tenantForKeyHash(pool: pg.Pool, keyHash: string): Promise<Tenant | undefined> {
  return (await keyForHash(pool, keyHash))?.tenant;
}

/** The live key's tenant, and when the key stops working (null: no end set). */
export async function keyForHash(
  pool: pg.Pool,
  keyHash: string,
): Promise<{ tenant: Tenant; revokesAt: number | null } | undefined> {
  const { rows } = await pool.query<{ id: string; name: string; revokes_ms: string | null }>(
    `SELECT t.id, t.name, (extract(epoch FROM k.revoked_at) * 1000)::bigint::text AS revokes_ms
       FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
      WHERE k.key_hash = $1 AND (k.revoked_at IS NULL OR k.revoked_at > now())`,
    [keyHash],
  );
  const r = rows[0];
  return (
    r && {
      tenant: { id: r.id, name: r.name },
      revokesAt: r.revokes_ms === null ? null : Number(r.revokes_ms),
    }
  );
}

export function tenantForApiKey(pool: pg.Pool, key: string): Promise<Tenant | undefined> {
  return tenantForKeyHash(pool, hashApiKey(key));
}
