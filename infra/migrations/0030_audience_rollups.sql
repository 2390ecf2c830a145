-- Issue 22: audience answers from state kept as events arrive, not rescanned per request.
--
-- recipient_state gets typed columns beside its JSON (the silent list pages by index in order of
-- last engagement) and `rolled`: whether the row's contribution is in the rollups below. Rows
-- written before this migration are not; the snapshotter rolls them in, a page per snapshot
-- (services/aggregator/src/audience-rollups.ts), and counts them until none is left.
ALTER TABLE recipient_state
  ADD COLUMN last_engaged_at bigint  NOT NULL DEFAULT -1,  -- epoch ms of the latest open/click/reply, -1 never
  ADD COLUMN subscribed      boolean NOT NULL DEFAULT true,
  ADD COLUMN last_reach_day  integer NOT NULL DEFAULT -1,  -- latest UTC day (days since epoch) with a reach
  ADD COLUMN rolled          boolean NOT NULL DEFAULT false,
  -- the first 32 bits of the recipient's global-control hash (@tally/kpi global-control.ts) once
  -- its tenant has a salt and the row is in control_rollup; NULL before
  ADD COLUMN control_position bigint;

-- the silent list: per last reach day of the period, in order of last engagement (a page never
-- reads recipients last reached before the period — the tenant's history)
CREATE INDEX recipient_state_silent
  ON recipient_state (tenant_id, last_reach_day, last_engaged_at, recipient_id)
  WHERE subscribed;
CREATE INDEX recipient_state_unrolled ON recipient_state (tenant_id, recipient_id) WHERE NOT rolled;
-- the part of a control bucket a share cuts, and the rows still to roll in (NULL)
CREATE INDEX recipient_state_control ON recipient_state (tenant_id, control_position);

-- Per tenant, period (days, one of @tally/kpi AUDIENCE_PERIODS), scope (a channel or 'all') and
-- change day: how many recipients entered (+) or left (−) the tuple (reaches in the period,
-- flags) that day. The sum over days ≤ t is the tuple histogram of the period ending on day t
-- (@tally/kpi audience-rollup.ts explains why).
CREATE TABLE audience_rollup (
  tenant_id text     NOT NULL,
  period    smallint NOT NULL,
  scope     text     NOT NULL,
  day       integer  NOT NULL,
  reaches   integer  NOT NULL,
  flags     smallint NOT NULL,
  n         bigint   NOT NULL,
  PRIMARY KEY (tenant_id, period, scope, day, reaches, flags)
);

-- Per tenant and scope: recipients reached, converting, converting twice or more, and revenue
-- per currency (metric 'revenue:<CUR>', ten-thousandths): the value (CLV) figures.
CREATE TABLE value_rollup (
  tenant_id text   NOT NULL,
  scope     text   NOT NULL,
  metric    text   NOT NULL,
  n         bigint NOT NULL,
  PRIMARY KEY (tenant_id, scope, metric)
);

-- A partition's recipients whose recipient_state rows were still to be computed when its cut was
-- stored (the `a <recipient>` marks of the dirty hash): a restore marks them due again, so a
-- recipient changed just before a snapshot keeps its row when Redis loses its data.
CREATE TABLE audience_due (
  state_prefix text    NOT NULL,
  topic        text    NOT NULL,
  partition    integer NOT NULL,
  field        text    NOT NULL,
  PRIMARY KEY (state_prefix, topic, partition, field)
);

-- Per tenant, scope and control position bucket (position >> 22): targeted recipients, converting
-- recipients, conversions, and per currency revenue (`rev:<CUR>`) and the sum of each recipient's
-- revenue squared (`sq:<CUR>`), ten-thousandths — the global control group's sides (issue 21).
CREATE TABLE control_rollup (
  tenant_id text     NOT NULL,
  scope     text     NOT NULL,
  bucket    smallint NOT NULL,
  metric    text     NOT NULL,
  n         numeric  NOT NULL,
  PRIMARY KEY (tenant_id, scope, bucket, metric)
);
