-- Alert rules as the API stores them; `rule` is the AlertRule value published to alert-rules.
CREATE TABLE IF NOT EXISTS alert_rules (
  id text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL,
  enabled boolean NOT NULL,
  service text,
  rule jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
