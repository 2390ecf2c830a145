/** A tenant's alert rules in Postgres; the defaults when it configured none. */
import type { Pool } from '@tally/db';
import { DEFAULT_ALERT_RULES, type AlertRules } from '@tally/kpi';
import { alertRulesSchema } from './rules-schema.ts';

export interface StoredRules {
  rules: AlertRules;
  isDefault: boolean;
  updatedAt: string | null;
}

export async function getAlertRules(pool: Pool, tenantId: string): Promise<StoredRules> {
  const { rows } = await pool.query<{ rules: unknown; updated_at: Date }>(
    'SELECT rules, updated_at FROM alert_rules WHERE tenant_id = $1',
    [tenantId],
  );
  const row = rows[0];
  if (!row) return { rules: DEFAULT_ALERT_RULES, isDefault: true, updatedAt: null };
  // Parsing again fills fields added to the defaults after the rules were stored.
  return {
    rules: alertRulesSchema.parse(row.rules),
    isDefault: false,
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function putAlertRules(pool: Pool, tenantId: string, rules: AlertRules): Promise<StoredRules> {
  const { rows } = await pool.query<{ updated_at: Date }>(
    `INSERT INTO alert_rules(tenant_id, rules, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (tenant_id) DO UPDATE SET rules = EXCLUDED.rules, updated_at = EXCLUDED.updated_at
     RETURNING updated_at`,
    [tenantId, JSON.stringify(rules)],
  );
  return { rules, isDefault: false, updatedAt: rows[0]?.updated_at.toISOString() ?? null };
}
