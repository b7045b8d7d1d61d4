#!/usr/bin/env bash
# The PostgreSQL sink (`sawmill sink postgres`): projects logs.enriched into log_events (daily
# partitions), stats.windowed into stats_windowed and alerts into alert_events + alert_state,
# each stream its own consumer group (sawmill-sink-postgres-logs, -stats, -alerts). `start`
# applies the migrations first (`sawmill migrate`), so a bad migration stops the start with the
# reason. Needs kafka, topics, the registry and postgres. Metrics and health on :9403.
COMPONENT=sink-postgres
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

SINK_POSTGRES_METRICS_PORT="${SINK_POSTGRES_METRICS_PORT:-9403}"
REGISTRY_URL="${REGISTRY_URL:-http://127.0.0.1:${REGISTRY_PORT:-8081}}"
SAWMILL_PG_URL="${SAWMILL_PG_URL:-postgres://postgres@127.0.0.1:${POSTGRES_PORT:-5432}/sawmill}"

ready() { curl -fs -m 2 "http://127.0.0.1:$SINK_POSTGRES_METRICS_PORT/readyz" >/dev/null; }

install() { [[ -f "$REPO_ROOT/dist/bin/sawmill.js" ]] || ensure_built; }

start() {
  running_pid sink-postgres >/dev/null && ready && return 0
  SAWMILL_MIGRATE__POSTGRES_URL="$SAWMILL_PG_URL" sawmill_cli migrate >"$LOG_DIR/migrate.log" 2>&1 || {
    cat "$LOG_DIR/migrate.log" >&2
    die "migrations failed; see $LOG_DIR/migrate.log"
  }
  SAWMILL_SINK_POSTGRES__KAFKA__BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}" \
    SAWMILL_SINK_POSTGRES__REGISTRY__URL="$REGISTRY_URL" \
    SAWMILL_SINK_POSTGRES__POSTGRES__URL="$SAWMILL_PG_URL" \
    SAWMILL_SINK_POSTGRES__HEALTH__PORT="$SINK_POSTGRES_METRICS_PORT" \
    spawn sink-postgres node "$REPO_ROOT/dist/bin/sawmill.js" sink postgres
  wait_until 90 "the postgres sink's /readyz" ready || {
    tail -n 20 "$LOG_DIR/sink-postgres.log" >&2
    die "the postgres sink did not become ready; see $LOG_DIR/sink-postgres.log"
  }
}

# SIGTERM: the batch in flight is written and committed, then the groups are left (15 s hook limit).
stop() { stop_pid sink-postgres 25; }

status() {
  local pid
  if pid="$(running_pid sink-postgres)" && ready; then
    status_line sink-postgres healthy "pid $pid, metrics :$SINK_POSTGRES_METRICS_PORT"
  else
    status_line sink-postgres unhealthy "not running or http://127.0.0.1:$SINK_POSTGRES_METRICS_PORT/readyz not answering"
    return 1
  fi
}

run_subcommand "$@"
