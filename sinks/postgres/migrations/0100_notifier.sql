-- Notifier state (0100-0199 belong to the notifier). Times are timestamptz except the episode
-- start, kept as the event's epoch milliseconds because it is part of the alert's identity.

-- Silences: the API creates and edits these rows; the notifier only reads them.
CREATE TABLE IF NOT EXISTS silences (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- [{"label": "service", "value": "checkout", "isRegex": false}, ...]; all must match.
  matchers jsonb NOT NULL CHECK (jsonb_typeof(matchers) = 'array' AND jsonb_array_length(matchers) BETWEEN 1 AND 32),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  created_by text NOT NULL,
  comment text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at)
);
CREATE INDEX IF NOT EXISTS silences_active ON silences (ends_at, starts_at);

-- Every alert event the notifier accepted, once (alert_id is stable across reprocessing).
CREATE TABLE IF NOT EXISTS notifier_events (
  alert_id text PRIMARY KEY,
  fingerprint text NOT NULL,
  state text NOT NULL CHECK (state IN ('FIRING', 'RESOLVED')),
  episode_started_at_ms bigint NOT NULL,
  rule_id text NOT NULL,
  service text NOT NULL,
  event jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS notifier_events_fingerprint ON notifier_events (fingerprint, episode_started_at_ms);

-- The state machine: the current state of each fingerprint (latest episode wins).
CREATE TABLE IF NOT EXISTS notifier_alert_state (
  fingerprint text PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('FIRING', 'RESOLVED')),
  episode_started_at_ms bigint NOT NULL,
  rule_id text NOT NULL,
  service text NOT NULL,
  last_alert_id text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The delivery ledger: one row per notification of an alert on one channel. repeat_no 0 is the
-- first notice of the transition; the repeat interval adds 1, 2, ... for long-firing alerts.
CREATE TABLE IF NOT EXISTS notification_ledger (
  fingerprint text NOT NULL,
  episode_started_at_ms bigint NOT NULL,
  state text NOT NULL CHECK (state IN ('FIRING', 'RESOLVED')),
  channel text NOT NULL,
  repeat_no integer NOT NULL DEFAULT 0,
  alert_id text NOT NULL REFERENCES notifier_events (alert_id),
  group_key text NOT NULL,
  -- pending: waiting for its group (or a retry); sending: handed to the channel, outcome not yet
  -- recorded; sent; failed (gave up); silenced; superseded (a newer episode arrived first).
  status text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'silenced', 'superseded')),
  due_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  silence_id uuid,
  message_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  PRIMARY KEY (fingerprint, episode_started_at_ms, state, channel, repeat_no)
);
CREATE INDEX IF NOT EXISTS notification_ledger_due ON notification_ledger (due_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS notification_ledger_group ON notification_ledger (channel, group_key, state) WHERE status IN ('pending', 'sending');
