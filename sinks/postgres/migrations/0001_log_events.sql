-- Metadata of every enriched log event (projection of logs.enriched; the full text lives in OpenSearch).
-- Partitioned by UTC day of ts: the sink creates daily partitions ahead of time and on demand, and
-- retention drops whole partitions. The primary key includes ts because a unique key on a
-- partitioned table must contain the partition key; an event id always comes with the same ts.
CREATE TABLE log_events (
  event_id   text NOT NULL,
  ts         timestamptz NOT NULL,
  host       text NOT NULL,
  service    text NOT NULL,
  level      text NOT NULL,
  pattern_id text NOT NULL,
  trace_id   text NULL,
  latency_ms double precision NULL,
  index_name text NOT NULL,
  ingest_ts  timestamptz NOT NULL,
  PRIMARY KEY (event_id, ts)
) PARTITION BY RANGE (ts);

-- Time-range scans (volume charts, retention checks): BRIN is tiny and rows arrive roughly in time order.
CREATE INDEX log_events_ts_brin ON log_events USING brin (ts);
-- The API's main filter: one service, one level, a time range, newest first.
CREATE INDEX log_events_service_level_ts_idx ON log_events (service, level, ts);
-- "All lines of this trace" and "all lines of this pattern".
CREATE INDEX log_events_trace_id_idx ON log_events (trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX log_events_pattern_id_ts_idx ON log_events (pattern_id, ts);

-- Safety net for rows whose day has no partition (far past or far future timestamps): never lose a row.
CREATE TABLE log_events_default PARTITION OF log_events DEFAULT;
