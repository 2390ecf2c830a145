-- Issue 22: history a tenant brings through ingest's import route (docs/api.md "Imports").
--
-- The backfill window B: an imported event is late only when it arrived more than B after it
-- happened (a live one: the horizon H). Default 90 days; never below the horizon (the aggregator
-- takes max(H, B)). While a tenant has an open import, the aggregator keeps its state for B instead
-- of H (docs/operations.md "Imports": what that costs in Redis).
ALTER TABLE tenant_attribution ADD COLUMN backfill_s integer NOT NULL DEFAULT 7776000
  CHECK (backfill_s BETWEEN 3600 AND 34560000);

-- One row per import: open until the sender closes it (then its parts are refused); the counts are
-- ingest's (accepted and rejected lines, events published to Kafka); what the aggregator did with
-- them is in Redis (P:t:{T}:imp:<id>, packages/counters/src/keys.ts).
CREATE TABLE imports (
  tenant_id  text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  import_id  text NOT NULL,
  state      text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
  parts      integer NOT NULL DEFAULT 0,
  accepted   bigint NOT NULL DEFAULT 0,
  rejected   bigint NOT NULL DEFAULT 0,
  published  bigint NOT NULL DEFAULT 0,
  opened_at  timestamptz NOT NULL DEFAULT now(),
  closed_at  timestamptz,
  PRIMARY KEY (tenant_id, import_id)
);
CREATE INDEX imports_open ON imports (tenant_id) WHERE state = 'open';

-- Each part once: a retried upload of a recorded part is answered from here and publishes nothing;
-- `digest` (sha256 of the body) tells a retry from a different body under a recorded number (409).
CREATE TABLE import_parts (
  tenant_id    text NOT NULL,
  import_id    text NOT NULL,
  part         integer NOT NULL CHECK (part >= 0),
  accepted     integer NOT NULL,
  rejected     integer NOT NULL,
  published    integer NOT NULL,
  issues       jsonb NOT NULL DEFAULT '[]',
  digest       text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, import_id, part),
  FOREIGN KEY (tenant_id, import_id) REFERENCES imports (tenant_id, import_id) ON DELETE CASCADE
);
