#!/usr/bin/env bash
# The OpenSearch sink (`sawmill sink opensearch`): projects logs.enriched into the daily indices
# sawmill-logs-YYYY.MM.DD (bulk create, _id = event id) under the consumer group
# sawmill-sink-opensearch. Needs kafka, topics, the registry and opensearch. Metrics and health
# on :9402.
COMPONENT=sink-opensearch
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

SINK_OPENSEARCH_METRICS_PORT="${SINK_OPENSEARCH_METRICS_PORT:-9402}"
REGISTRY_URL="${REGISTRY_URL:-http://127.0.0.1:${REGISTRY_PORT:-8081}}"
OPENSEARCH_URL="${OPENSEARCH_URL:-http://127.0.0.1:${OPENSEARCH_PORT:-9200}}"

ready() { curl -fs -m 2 "http://127.0.0.1:$SINK_OPENSEARCH_METRICS_PORT/readyz" >/dev/null; }

install() { [[ -f "$REPO_ROOT/dist/bin/sawmill.js" ]] || ensure_built; }

start() {
  running_pid sink-opensearch >/dev/null && ready && return 0
  SAWMILL_SINK_OPENSEARCH__KAFKA__BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}" \
    SAWMILL_SINK_OPENSEARCH__REGISTRY__URL="$REGISTRY_URL" \
    SAWMILL_SINK_OPENSEARCH__OPENSEARCH__URL="$OPENSEARCH_URL" \
    SAWMILL_SINK_OPENSEARCH__HEALTH__PORT="$SINK_OPENSEARCH_METRICS_PORT" \
    spawn sink-opensearch node "$REPO_ROOT/dist/bin/sawmill.js" sink opensearch
  wait_until 90 "the opensearch sink's /readyz" ready || {
    tail -n 20 "$LOG_DIR/sink-opensearch.log" >&2
    die "the opensearch sink did not become ready; see $LOG_DIR/sink-opensearch.log"
  }
}

# SIGTERM: the bulk request in flight finishes and is committed, then the group is left.
stop() { stop_pid sink-opensearch 25; }

status() {
  local pid
  if pid="$(running_pid sink-opensearch)" && ready; then
    status_line sink-opensearch healthy "pid $pid, metrics :$SINK_OPENSEARCH_METRICS_PORT"
  else
    status_line sink-opensearch unhealthy "not running or http://127.0.0.1:$SINK_OPENSEARCH_METRICS_PORT/readyz not answering"
    return 1
  fi
}

run_subcommand "$@"
