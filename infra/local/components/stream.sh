#!/usr/bin/env bash
# The stream processor (`sawmill stream`): the log pipeline topology reading logs.raw and writing
# logs.enriched, stats.windowed, alerts and logs.dlq, with the alert-rules table. Needs kafka,
# topics and the registry. `start` first registers the topic value schemas (`sawmill schemas
# register`, BACKWARD per subject, idempotent), so an incompatible schema change stops the start
# with the reason instead of failing inside the topology. Metrics and health on :9401.
COMPONENT=stream
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

STREAM_METRICS_PORT="${STREAM_METRICS_PORT:-9401}"
REGISTRY_URL="${REGISTRY_URL:-http://127.0.0.1:${REGISTRY_PORT:-8081}}"

ready() { curl -fs -m 2 "http://127.0.0.1:$STREAM_METRICS_PORT/readyz" >/dev/null; }

install() { [[ -f "$REPO_ROOT/dist/bin/sawmill.js" ]] || ensure_built; }

start() {
  running_pid stream >/dev/null && ready && return 0
  sawmill_cli schemas register --registry "$REGISTRY_URL" >"$LOG_DIR/schemas-register.log" 2>&1 || {
    cat "$LOG_DIR/schemas-register.log" >&2
    die "schema registration failed; see $LOG_DIR/schemas-register.log"
  }
  SAWMILL_STREAM__KAFKA__BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}" \
    SAWMILL_STREAM__REGISTRY_URL="$REGISTRY_URL" \
    SAWMILL_STREAM__METRICS_PORT="$STREAM_METRICS_PORT" \
    spawn stream node "$REPO_ROOT/dist/bin/sawmill.js" stream
  # Joining the group and restoring state stores can take a while after a crash.
  wait_until 120 "the stream processor's /readyz" ready || {
    tail -n 20 "$LOG_DIR/stream.log" >&2
    die "the stream processor did not become ready; see $LOG_DIR/stream.log"
  }
}

# The topology commits its open transaction and leaves the group on SIGTERM (25 s hook limit).
stop() { stop_pid stream 40; }

status() {
  local pid
  if pid="$(running_pid stream)" && ready; then
    status_line stream healthy "pid $pid, metrics :$STREAM_METRICS_PORT"
  else
    status_line stream unhealthy "not running or http://127.0.0.1:$STREAM_METRICS_PORT/readyz not answering"
    return 1
  fi
}

run_subcommand "$@"
