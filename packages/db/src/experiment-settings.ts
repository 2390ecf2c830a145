/**
 * A tenant's experiment settings (issue 21, migration 0021): the default confidence level of
 * always-valid comparisons and the global control group (share and salt). A tenant that set none
 * reads the defaults (level 0.95, no global control); the salt is made once, at the first write,
 * and never changes, so membership (@tally/kpi global-control.ts) stays stable.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';

export interface ExperimentSettings {
  level: number;
  globalControl: { share: number; salt: string };
  /** False while the tenant has never written its settings (these are the defaults). */
  stored: boolean;
}

export const DEFAULT_EXPERIMENT_LEVEL = 0.95;

interface Row {
  level: number;
  global_control_share: number;
  global_control_salt: string;
}

export async function getExperimentSettings(pool: pg.Pool, tenantId: string): Promise<ExperimentSettings> {
  const { rows } = await pool.query<Row>(
    `SELECT level, global_control_share, global_control_salt
       FROM tenant_experiment_settings WHERE tenant_id = $1`,
    [tenantId],
  );
  const r = rows[0];
  if (!r) return { level: DEFAULT_EXPERIMENT_LEVEL, globalControl: { share: 0, salt: '' }, stored: false };
  return {
    level: r.level,
    globalControl: { share: r.global_control_share, salt: r.global_control_salt },
    stored: true,
  };
}

/** Sets what is given (the rest keeps its value, or its default); returns the settings after. */
export async function putExperimentSettings(
  pool: pg.Pool,
  tenantId: string,
  patch: { level?: number | undefined; globalControlShare?: number | undefined },
): Promise<ExperimentSettings> {
  await pool.query(
    `INSERT INTO tenant_experiment_settings (tenant_id, level, global_control_share, global_control_salt)
     VALUES ($1, COALESCE($2::float8, ${DEFAULT_EXPERIMENT_LEVEL}), COALESCE($3::float8, 0), $4)
     ON CONFLICT (tenant_id) DO UPDATE SET
       level = COALESCE($2::float8, tenant_experiment_settings.level),
       global_control_share = COALESCE($3::float8, tenant_experiment_settings.global_control_share),
       updated_at = now()`,
    [tenantId, patch.level ?? null, patch.globalControlShare ?? null, randomBytes(16).toString('base64url')],
  );
  return getExperimentSettings(pool, tenantId);
}
