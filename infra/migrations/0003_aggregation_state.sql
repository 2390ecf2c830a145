-- Issue 4: per-tenant attribution windows, the aggregator's Redis state as consistent snapshots,
-- and readable copies of minute rollups and recipient state for later analyses.

-- Attribution windows (SPEC §4); a tenant without a row uses the defaults.
CREATE TABLE tenant_attribution (
  tenant_id          text PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  reply_window_s     integer NOT NULL DEFAULT 259200 CHECK (reply_window_s > 0),
  click_window_s     integer NOT NULL DEFAULT 432000 CHECK (click_window_s > 0),
  delivered_window_s integer NOT NULL DEFAULT 86400 CHECK (delivered_window_s > 0),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Every Redis key of the aggregator's state as of the last snapshot (DUMP format), with its
-- absolute expiry. The union of committed snapshots is the state at the last cut, whose offsets are
-- the `<prefix>:offsets` row (and consumer_offsets). A rebuild RESTOREs the unexpired rows.
CREATE TABLE redis_state (
  key          text PRIMARY KEY,
  value        bytea NOT NULL,
  expire_at    timestamptz,
  snapshot_id  bigint NOT NULL REFERENCES snapshots(id)
);

-- First-occurrences per event-time minute and metric (counts, money units, stats); hours are a view.
CREATE TABLE campaign_minute_counts (
  tenant_id    text NOT NULL,
  campaign_id  text NOT NULL,
  minute       timestamptz NOT NULL,
  metric       text NOT NULL,
  value        bigint NOT NULL,
  PRIMARY KEY (tenant_id, campaign_id, minute, metric)
);

CREATE VIEW campaign_hour_counts AS
  SELECT tenant_id, campaign_id, date_trunc('hour', minute) AS hour, metric, sum(value)::bigint AS value
    FROM campaign_minute_counts
   GROUP BY tenant_id, campaign_id, date_trunc('hour', minute), metric;

-- Per-recipient state (reaches, last delivery/click, last engagement, subscription, messages
-- received), as the aggregator last snapshotted it.
CREATE TABLE recipient_state (
  tenant_id     text NOT NULL,
  recipient_id  text NOT NULL,
  state         jsonb NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, recipient_id)
);
