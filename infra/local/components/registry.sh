#!/usr/bin/env bash
# The schema registry: Sawmill's own implementation of the Confluent Schema Registry API
# (`sawmill registry`), storing schemas in the PostgreSQL database `sawmill`. Needs postgres.
COMPONENT=registry
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

REGISTRY_PORT="${REGISTRY_PORT:-8081}"
URL="http://127.0.0.1:$REGISTRY_PORT"

ready() { curl -fs -m 2 "$URL/readyz" >/dev/null; }

# The compiled CLI is built by `stack install` / `run-tests` (ensure_built); nothing else to fetch.
install() { [[ -f "$REPO_ROOT/dist/bin/sawmill.js" ]] || ensure_built; }

start() {
  ready && return 0
  if port_open "$REGISTRY_PORT" && ! running_pid registry >/dev/null; then
    die "port $REGISTRY_PORT is taken by another process; stop it or set REGISTRY_PORT"
  fi
  SAWMILL_REGISTRY__PORT="$REGISTRY_PORT" spawn registry node "$REPO_ROOT/dist/bin/sawmill.js" registry
  wait_until 60 "schema registry on $REGISTRY_PORT" ready || {
    tail -n 20 "$LOG_DIR/registry.log" >&2
    die "schema registry did not become ready; see $LOG_DIR/registry.log"
  }
}

stop() { stop_pid registry 15; }

status() {
  if ready; then status_line registry healthy "$URL"; else
    status_line registry unhealthy "$URL/readyz does not answer 200"
    return 1
  fi
}

run_subcommand "$@"
