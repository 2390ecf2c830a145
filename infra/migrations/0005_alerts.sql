-- Alerts (SPEC §7): per-tenant rules, alerts and their transitions, silences, notification
-- channels, and the delivery outbox (one row per transition × channel).

CREATE TABLE alert_rules (
  tenant_id   text PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  rules       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alerts (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id         text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  rule_type         text NOT NULL CHECK (rule_type IN ('optOutSpike', 'deliveryDrop', 'failureSpike')),
  scope_kind        text NOT NULL CHECK (scope_kind IN ('campaign', 'sender')),
  scope_id          text NOT NULL,
  state             text NOT NULL CHECK (state IN ('firing', 'resolved')),
  fired_at          timestamptz NOT NULL,
  resolved_at       timestamptz,
  last_notified_at  timestamptz NOT NULL,
  -- While firing: since when the condition has been clear (null while it breaches).
  clear_since       timestamptz,
  -- The numbers that made it fire, and the latest ones.
  numbers           jsonb NOT NULL,
  last_numbers      jsonb NOT NULL,
  -- Stable per alert: PagerDuty's dedup_key, the same on trigger and resolve.
  dedup_key         text NOT NULL UNIQUE
);
-- At most one firing alert per (tenant, rule, scope): a second evaluator's INSERT loses.
CREATE UNIQUE INDEX alerts_one_firing ON alerts(tenant_id, rule_type, scope_kind, scope_id)
  WHERE state = 'firing';
CREATE INDEX alerts_tenant_fired ON alerts(tenant_id, fired_at DESC);

-- Each recorded transition, once: fire, resolve, or a re-notification while firing.
CREATE TABLE alert_transitions (
  id           bigserial PRIMARY KEY,
  alert_id     uuid NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
  tenant_id    text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('fire', 'resolve', 'renotify')),
  at           timestamptz NOT NULL,
  numbers      jsonb NOT NULL,
  silence_id   uuid
);
CREATE INDEX alert_transitions_alert ON alert_transitions(alert_id);

CREATE TABLE silences (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  scope_kind  text NOT NULL CHECK (scope_kind IN ('campaign', 'sender')),
  scope_id    text NOT NULL,
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL CHECK (ends_at > starts_at),
  reason      text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX silences_scope ON silences(tenant_id, scope_kind, scope_id, ends_at);

-- Secrets (webhook signing secret, PagerDuty routing key) are never returned by the API.
CREATE TABLE notification_channels (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('webhook', 'slack', 'pagerduty', 'pause_webhook')),
  name        text NOT NULL,
  url         text NOT NULL,
  secret      text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_channels_tenant ON notification_channels(tenant_id);

-- The outbox. A sender claims due rows (FOR UPDATE SKIP LOCKED), marks them 'sending' with a
-- lease in next_attempt_at, and ends each as delivered, pending (retry later) or failed.
CREATE TABLE notification_deliveries (
  id               bigserial PRIMARY KEY,
  transition_id    bigint NOT NULL REFERENCES alert_transitions(id) ON DELETE CASCADE,
  channel_id       uuid NOT NULL REFERENCES notification_channels(id) ON DELETE CASCADE,
  tenant_id        text NOT NULL,
  status           text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (transition_id, channel_id)
);
CREATE INDEX notification_deliveries_due ON notification_deliveries(next_attempt_at)
  WHERE status IN ('pending', 'sending');
