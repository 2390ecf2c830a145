-- Tenants, their API keys (hashed), campaigns, and counter snapshots with the consumer offsets
-- they reflect.

CREATE TABLE tenants (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- API keys are 256-bit random tokens; only their SHA-256 is stored (a slow password hash buys
-- nothing against a key that cannot be guessed, and lookups happen on every request).
CREATE TABLE api_keys (
  id          bigserial PRIMARY KEY,
  tenant_id   text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  key_hash    text NOT NULL UNIQUE,
  key_prefix  text NOT NULL,
  label       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
CREATE INDEX api_keys_tenant ON api_keys(tenant_id);

CREATE TABLE campaigns (
  tenant_id       text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  campaign_id     text NOT NULL,
  channel         text,
  first_event_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, campaign_id)
);

-- One row per snapshot taken by an aggregator instance.
CREATE TABLE snapshots (
  id              bigserial PRIMARY KEY,
  consumer_group  text NOT NULL,
  taken_at        timestamptz NOT NULL DEFAULT now(),
  campaigns       integer NOT NULL
);

-- The latest snapshot of each campaign's lifetime counters (counts, and money in integer
-- ten-thousandths per currency).
CREATE TABLE campaign_counters (
  tenant_id    text NOT NULL,
  campaign_id  text NOT NULL,
  counts       jsonb NOT NULL,
  money        jsonb NOT NULL,
  snapshot_id  bigint NOT NULL REFERENCES snapshots(id),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, campaign_id)
);

-- The offsets (next offset to read) that the counters above include, per partition.
CREATE TABLE consumer_offsets (
  consumer_group  text NOT NULL,
  topic           text NOT NULL,
  partition       integer NOT NULL,
  next_offset     bigint NOT NULL,
  snapshot_id     bigint NOT NULL REFERENCES snapshots(id),
  PRIMARY KEY (consumer_group, topic, partition)
);
