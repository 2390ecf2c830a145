-- Per-tenant provider credentials (issue 3) and tracked short links.
--
-- Credentials are stored encrypted (AES-256-GCM, key from the ingest/CLI config CREDENTIALS_KEY):
-- `current_secret` and `previous_secret` are `v1.<iv>.<tag>.<ciphertext>` (base64url parts) of the
-- provider's credential fields as JSON. Setting new credentials moves the current ones to
-- `previous_secret`, which verification still accepts until `previous_valid_until` (rotation grace).
CREATE TABLE provider_credentials (
  tenant_id             text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  provider              text NOT NULL CHECK (provider IN ('twilio', 'whatsapp', 'vonage', 'infobip')),
  current_secret        text NOT NULL,
  previous_secret       text,
  previous_valid_until  timestamptz,
  updated_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, provider)
);

-- Tracked short links: GET /c/<code> redirects to `url` and emits a `clicked` event.
-- `code` carries at least 64 random bits (base64url), so codes cannot be enumerated.
CREATE TABLE tracked_links (
  code          text PRIMARY KEY,
  tenant_id     text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  campaign_id   text NOT NULL,
  message_id    text,
  recipient_id  text,
  channel       text NOT NULL,
  url           text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tracked_links_tenant_campaign ON tracked_links(tenant_id, campaign_id);
