-- Issue 24: who did what to tenants and API keys, and when. A row names the key by its id (and
-- the 8-character prefix operators see in `tally key list`), never the key nor its hash.
CREATE TABLE admin_audit (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor      text NOT NULL,
  action     text NOT NULL,
  tenant_id  text,
  key_id     bigint,
  detail     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX admin_audit_tenant ON admin_audit(tenant_id, at);

-- A revocation may be scheduled (a rotation's grace period): the key works until revoked_at.
CREATE INDEX api_keys_revoked ON api_keys(revoked_at) WHERE revoked_at IS NOT NULL;
