-- Alert history (every FIRING/RESOLVED transition, projection of the alerts topic) and the
-- current state per fingerprint. alert_state only moves forward: an event applies when its
-- (episode_started_at, event_time, RESOLVED after FIRING) is later than what the row holds.
CREATE TABLE alert_events (
  alert_id           text PRIMARY KEY,
  fingerprint        text NOT NULL,
  state              text NOT NULL CHECK (state IN ('FIRING', 'RESOLVED')),
  rule_id            text NOT NULL,
  rule_name          text NOT NULL,
  kind               text NOT NULL,
  severity           text NOT NULL,
  service            text NOT NULL,
  episode_started_at timestamptz NOT NULL,
  event_time         timestamptz NOT NULL,
  summary            text NOT NULL,
  evidence           jsonb NOT NULL,
  labels             jsonb NOT NULL
);
CREATE INDEX alert_events_fingerprint_time_idx ON alert_events (fingerprint, event_time);
CREATE INDEX alert_events_time_idx ON alert_events (event_time);

CREATE TABLE alert_state (
  fingerprint        text PRIMARY KEY,
  state              text NOT NULL CHECK (state IN ('FIRING', 'RESOLVED')),
  rule_id            text NOT NULL,
  rule_name          text NOT NULL,
  kind               text NOT NULL,
  severity           text NOT NULL,
  service            text NOT NULL,
  episode_started_at timestamptz NOT NULL,
  last_event_time    timestamptz NOT NULL,
  last_alert_id      text NOT NULL,
  summary            text NOT NULL,
  evidence           jsonb NOT NULL,
  labels             jsonb NOT NULL,
  acknowledged_by    text NULL,
  acknowledged_at    timestamptz NULL
);
CREATE INDEX alert_state_state_idx ON alert_state (state, service);
