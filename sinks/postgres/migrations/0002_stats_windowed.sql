-- Per-window counts and latency quantiles (projection of stats.windowed), upserted by window key.
-- emitted_at (not in the topic's key) orders re-emissions of one window: an older emission
-- delivered again (replay) never overwrites a newer one.
CREATE TABLE stats_windowed (
  service        text NOT NULL,
  level          text NOT NULL,
  window_size_ms bigint NOT NULL,
  window_start   timestamptz NOT NULL,
  window_end     timestamptz NOT NULL,
  count          bigint NOT NULL,
  latency_count  bigint NOT NULL,
  latency_sum_ms double precision NOT NULL,
  latency_max_ms double precision NULL,
  latency_p50_ms double precision NULL,
  latency_p95_ms double precision NULL,
  latency_p99_ms double precision NULL,
  latency_sketch bytea NULL,
  emitted_at     timestamptz NOT NULL,
  PRIMARY KEY (service, level, window_size_ms, window_start)
);

-- Dashboard queries: all services over a time range for one window size.
CREATE INDEX stats_windowed_start_idx ON stats_windowed (window_size_ms, window_start);
