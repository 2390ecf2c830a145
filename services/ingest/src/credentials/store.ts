/**
 * Provider credentials in Postgres (table provider_credentials, migration 0002), sealed with
 * AES-256-GCM. Writing rotates: the current credentials become the previous ones, valid for the
 * grace period. Reading answers whether the tenant exists at all, so routes can tell 404 from 401.
 */
import type { Pool } from '@tally/db';
import { seal, unseal } from '@tally/secrets';
import type { StoredCredentials } from './rotation.ts';
import { credentialSchemas, type ProviderCredentials, type ProviderName } from './types.ts';

const aad = (tenantId: string, provider: ProviderName) => `${tenantId}/${provider}`;

export interface CredentialLookup<P extends ProviderName> {
  tenantExists: boolean;
  stored?: StoredCredentials<ProviderCredentials[P]> | undefined;
}

interface Row {
  tenant_id: string;
  current_secret: string | null;
  previous_secret: string | null;
  previous_valid_until: Date | null;
}

export async function loadCredentials<P extends ProviderName>(
  pool: Pool,
  key: Buffer,
  tenantId: string,
  provider: P,
): Promise<CredentialLookup<P>> {
  const { rows } = await pool.query<Row>(
    `SELECT t.id AS tenant_id, c.current_secret, c.previous_secret, c.previous_valid_until
       FROM tenants t LEFT JOIN provider_credentials c ON c.tenant_id = t.id AND c.provider = $2
      WHERE t.id = $1`,
    [tenantId, provider],
  );
  const row = rows[0];
  if (!row) return { tenantExists: false };
  if (!row.current_secret) return { tenantExists: true };
  const schema = credentialSchemas[provider];
  const open = (sealed: string) =>
    schema.parse(JSON.parse(unseal(key, sealed, aad(tenantId, provider)))) as ProviderCredentials[P];
  return {
    tenantExists: true,
    stored: {
      current: open(row.current_secret),
      previous:
        row.previous_secret && row.previous_valid_until
          ? { value: open(row.previous_secret), validUntil: row.previous_valid_until }
          : undefined,
    },
  };
}

/**
 * Sets a tenant's credentials for one provider. Fields not given keep their current value; the
 * credentials replaced stay accepted for `graceMs` (0 = revoked at once).
 */
export async function setCredentials<P extends ProviderName>(
  pool: Pool,
  key: Buffer,
  tenantId: string,
  provider: P,
  fields: Record<string, unknown>,
  graceMs: number,
): Promise<ProviderCredentials[P]> {
  const existing = await loadCredentials(pool, key, tenantId, provider);
  if (!existing.tenantExists) throw new Error(`no tenant ${tenantId}`);
  const result = credentialSchemas[provider].safeParse({ ...(existing.stored?.current ?? {}), ...fields });
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(fields)'}: ${i.message}`);
    throw new Error(`invalid ${provider} credentials: ${problems.join('; ')}`);
  }
  const merged = result.data as ProviderCredentials[P];
  const sealed = seal(key, JSON.stringify(merged), aad(tenantId, provider));
  await pool.query(
    `INSERT INTO provider_credentials(tenant_id, provider, current_secret)
     VALUES ($1, $2, $3)
     ON CONFLICT (tenant_id, provider) DO UPDATE SET
       previous_secret = provider_credentials.current_secret,
       previous_valid_until = now() + make_interval(secs => $4::double precision / 1000),
       current_secret = EXCLUDED.current_secret,
       updated_at = now()`,
    [tenantId, provider, sealed, graceMs],
  );
  return merged;
}
