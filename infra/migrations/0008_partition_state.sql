-- Issue 11: the aggregator's state is kept per partition of the events topic (its recipients,
-- messages and loose events, each partition a consistent cut with its next offset and outbox) and
-- per scope (campaign, sender, tenant aggregates, each with its per-partition fences). A rebuild
-- restores both; see packages/counters/src/partition/applier.ts for why that is exact.

-- Per-tenant late-data horizon (docs/semantics.md §0): receipts may come days late. Memory cost:
-- a message's state is kept for max(windows) + horizon after its newest event. Up to 400 days (a
-- tenant importing its history sets it for the import).
ALTER TABLE tenant_attribution ADD COLUMN horizon_s integer NOT NULL DEFAULT 604800
  CHECK (horizon_s BETWEEN 3600 AND 34560000);

CREATE TABLE partition_cuts (
  state_prefix  text NOT NULL,
  topic         text NOT NULL,
  partition     integer NOT NULL,
  next_offset   bigint NOT NULL,
  stream_ms     bigint NOT NULL,
  outbox        text NOT NULL,
  snapshot_id   bigint NOT NULL REFERENCES snapshots(id),
  PRIMARY KEY (state_prefix, topic, partition)
);

-- One row per record of a partition's hashes (kind r, m, e, x); the field is "<tenant> <id>".
CREATE TABLE partition_records (
  state_prefix  text NOT NULL,
  topic         text NOT NULL,
  partition     integer NOT NULL,
  kind          char(1) NOT NULL,
  field         text NOT NULL,
  value         text NOT NULL,
  PRIMARY KEY (state_prefix, topic, partition, kind, field)
);

-- A scope's keys as DUMPs. Keys are bytea: whatever Redis holds, Postgres can store.
CREATE TABLE scope_keys (
  state_prefix  text NOT NULL,
  key           bytea NOT NULL,
  value         bytea NOT NULL,
  expire_at     timestamptz,
  snapshot_id   bigint NOT NULL REFERENCES snapshots(id),
  PRIMARY KEY (state_prefix, key)
);

DROP TABLE redis_state;
