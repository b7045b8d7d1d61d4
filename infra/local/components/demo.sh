#!/usr/bin/env bash
# The demo log source (`sawmill demo`): realistic logs of several services in common formats,
# with an occasional incident, written under .local/data/demo-logs, rotated so the disk stays
# bounded. The agent (components/agent.sh) tails them and ships them to logs.raw.
# When the API's admin password exists (components/api.sh), the demo also creates its alert rules
# (bin/commands/demo-alert-rules.ts) through the API as that admin, by fixed id and only when
# missing, so its incidents raise alerts and emails; DEMO_ALERT_RULES=off skips that.
COMPONENT=demo
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

DEMO_RATE="${DEMO_RATE:-200}"
DEMO_DIR="$DATA_DIR/demo-logs"
DEMO_METRICS_PORT="${DEMO_METRICS_PORT:-9406}"
DEMO_ALERT_RULES="${DEMO_ALERT_RULES:-on}"
API_PASSWORD_FILE="$DATA_DIR/api/admin-password"
API_URL="http://127.0.0.1:${API_PORT:-8080}"

ready() { curl -fs -m 2 "http://127.0.0.1:$DEMO_METRICS_PORT/readyz" >/dev/null; }

install() { [[ -f "$REPO_ROOT/dist/bin/sawmill.js" ]] || ensure_built; }

start() {
  running_pid demo >/dev/null && return 0
  mkdir -p "$DEMO_DIR"
  if wants_alert_rules; then
    export SAWMILL_DEMO__ALERT_RULES__API_URL="$API_URL"
    export SAWMILL_DEMO__ALERT_RULES__PASSWORD_FILE="$API_PASSWORD_FILE"
  fi
  SAWMILL_DEMO__RATE="$DEMO_RATE" \
    SAWMILL_DEMO__SEED="${DEMO_SEED:-$RANDOM}" \
    SAWMILL_DEMO__DIR="$DEMO_DIR" \
    SAWMILL_DEMO__ROTATE_BYTES=$((20 * 1024 * 1024)) \
    SAWMILL_DEMO__METRICS_PORT="$DEMO_METRICS_PORT" \
    spawn demo node "$REPO_ROOT/dist/bin/sawmill.js" demo
  # Started once the first lines reached a file: the process did not die on its config.
  wait_until 30 "the first demo log lines" has_output || {
    tail -n 20 "$LOG_DIR/demo.log" >&2
    die "the demo source did not start; see $LOG_DIR/demo.log"
  }
  # The rules are a convenience: without them the demo still runs, so this warns instead of failing.
  if ! wants_alert_rules; then
    return 0
  elif ! curl -fs -m 2 "$API_URL/readyz" >/dev/null; then
    say "the API is not up: the demo creates its alert rules once it is (up to 10 minutes)"
  elif wait_until 60 "the demo alert rules" alert_rules_in_place; then
    say "demo alert rules in place (dashboard alerts at $API_URL/)"
  else
    say "warning: the demo alert rules are not in place yet; see $LOG_DIR/demo.log"
  fi
}

wants_alert_rules() { [[ "$DEMO_ALERT_RULES" != off && -f "$API_PASSWORD_FILE" ]]; }

# The demo counts the rules the API has not confirmed yet (created now or already there).
alert_rules_in_place() {
  local metrics
  metrics="$(curl -fs -m 2 "http://127.0.0.1:$DEMO_METRICS_PORT/metrics")" &&
    grep -Eq '^sawmill_demo_alert_rules_pending(\{[^}]*\})? 0$' <<<"$metrics"
}

has_output() { ready && [[ -n "$(find "$DEMO_DIR" -name '*.log' -size +0 -print -quit)" ]]; }

stop() { stop_pid demo 20; }

status() {
  local pid
  if pid="$(running_pid demo)" && ready; then
    status_line demo healthy "pid $pid, $DEMO_RATE lines/s to $DEMO_DIR, metrics :$DEMO_METRICS_PORT"
  else
    status_line demo unhealthy "not running or http://127.0.0.1:$DEMO_METRICS_PORT/readyz not answering"
    return 1
  fi
}

run_subcommand "$@"
