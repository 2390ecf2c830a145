-- Alerts under faults (issue 12): leadership by a lease that expires, fencing tokens on what the
-- leader writes, delivery ids unique everywhere, and outbox claims a stale sender cannot settle.

-- One row per leadership (today only 'alert_evaluator'). The holder renews `expires_at` well
-- within the TTL; any replica may take the row once `expires_at` has passed (Postgres's clock,
-- so the replicas' clocks never matter), and every acquisition adds one to `token`. A write made
-- under the lease reads the row FOR SHARE in its own transaction and is refused when the token is
-- no longer its own, so a leader that was stalled past its lease cannot write after its successor.
CREATE TABLE leader_leases (
  name         text PRIMARY KEY,
  holder       text NOT NULL,
  token        bigint NOT NULL CHECK (token > 0),
  expires_at   timestamptz NOT NULL,
  acquired_at  timestamptz NOT NULL,
  renewed_at   timestamptz NOT NULL
);

-- The fencing token of the leader that recorded the transition (null: before the lease).
ALTER TABLE alert_transitions ADD COLUMN leader_token bigint;

-- delivery_key: the X-Tally-Delivery id, a random UUID fixed when the delivery is created (the
--   same on every retry, different across databases and rebuilds). Existing rows get one each.
-- claim_token: +1 on every claim; a sender settles only the claim it made, so one whose claim
--   lapsed while it was stalled cannot overwrite the outcome of the replica that claimed it next.
-- local_refusals / last_local_refusal: claims given back because this replica could not reach the
--   channel for a local reason (DNS, connection refused, the SSRF guard); they are not attempts.
ALTER TABLE notification_deliveries
  ADD COLUMN delivery_key uuid NOT NULL DEFAULT gen_random_uuid(),
  ADD COLUMN claim_token bigint NOT NULL DEFAULT 0,
  ADD COLUMN local_refusals integer NOT NULL DEFAULT 0,
  ADD COLUMN last_local_refusal text;
ALTER TABLE notification_deliveries
  ADD CONSTRAINT notification_deliveries_delivery_key UNIQUE (delivery_key);
