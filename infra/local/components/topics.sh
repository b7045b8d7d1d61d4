#!/usr/bin/env bash
# Topics: not a process but a step. `start` reconciles the declared topic list
# (lib/kafka/topics.ts) with the running cluster: missing topics are created, partition counts
# raised, configs aligned. It runs on every `make up`, so a changed declaration takes effect.
COMPONENT=topics
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

BROKERS_LIST="${KAFKA_BROKERS:-127.0.0.1:9092}"

install() { [[ -f "$REPO_ROOT/dist/bin/sawmill.js" ]] || ensure_built; }

start() {
  SAWMILL_TOPICS__BROKERS="$BROKERS_LIST" sawmill_cli topics reconcile >"$LOG_DIR/topics.log" 2>&1 || {
    tail -n 20 "$LOG_DIR/topics.log" >&2
    die "topic reconciliation failed; see $LOG_DIR/topics.log"
  }
}

stop() { :; }

# Healthy when every declared topic exists with at least its declared partition count.
status() {
  local missing
  missing="$(
    SAWMILL_TOPICS__BROKERS="$BROKERS_LIST" sawmill_cli topics list | while read -r name partitions _; do
      want="${partitions#partitions=}"
      have="$(kcat -b "${BROKERS_LIST%%,*}" -L -t "$name" -m 5 2>/dev/null | grep -c '^    partition ' || true)"
      ((have >= want)) || echo "$name($have/$want)"
    done
  )"
  if [[ -z "$missing" ]]; then status_line topics healthy "all declared topics present"; else
    status_line topics unhealthy "missing or short: $missing"
    return 1
  fi
}

run_subcommand "$@"
