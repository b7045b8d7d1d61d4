#!/usr/bin/env bash
# The canary (`sawmill canary`): every 30 s appends a unique line to .local/data/canary/canary.log,
# which the agent tails (components/agent.sh has a source for it), and measures how long the line
# takes to become searchable in OpenSearch; metrics on :9407 (job sawmill-canary).
COMPONENT=canary
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

CANARY_METRICS_PORT="${CANARY_METRICS_PORT:-9407}"
CANARY_DIR="$DATA_DIR/canary"

ready() { curl -fs -m 2 "http://127.0.0.1:$CANARY_METRICS_PORT/healthz" >/dev/null; }

install() { [[ -f "$REPO_ROOT/dist/bin/sawmill.js" ]] || ensure_built; }

start() {
  running_pid canary >/dev/null && ready && return 0
  mkdir -p "$CANARY_DIR"
  SAWMILL_CANARY__WRITE__MODE=file \
    SAWMILL_CANARY__WRITE__PATH="$CANARY_DIR/canary.log" \
    SAWMILL_CANARY__METRICS_PORT="$CANARY_METRICS_PORT" \
    spawn canary node "$REPO_ROOT/dist/bin/sawmill.js" canary
  wait_until 30 "the canary's /healthz" ready || {
    tail -n 20 "$LOG_DIR/canary.log" >&2
    die "the canary did not start; see $LOG_DIR/canary.log"
  }
}

stop() { stop_pid canary 30; }

status() {
  local pid
  if pid="$(running_pid canary)" && ready; then
    status_line canary healthy "pid $pid, writing $CANARY_DIR/canary.log, metrics :$CANARY_METRICS_PORT"
  else
    status_line canary unhealthy "not running or http://127.0.0.1:$CANARY_METRICS_PORT/healthz not answering"
    return 1
  fi
}

run_subcommand "$@"
