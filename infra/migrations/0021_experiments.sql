-- Issue 21: a tenant's experiment settings. `level`: the confidence level of always-valid
-- comparisons when a request names none. `global_control_share`: the share of recipients held out
-- of every campaign (the global control group); membership is a stable hash of the recipient
-- pseudonym with `global_control_salt` (@tally/kpi global-control.ts), so raising the share only
-- adds members and the salt never changes once made.
CREATE TABLE tenant_experiment_settings (
  tenant_id            text PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  level                double precision NOT NULL DEFAULT 0.95 CHECK (level > 0.5 AND level < 0.999),
  global_control_share double precision NOT NULL DEFAULT 0
                       CHECK (global_control_share >= 0 AND global_control_share <= 0.5),
  global_control_salt  text NOT NULL,
  updated_at           timestamptz NOT NULL DEFAULT now()
);
