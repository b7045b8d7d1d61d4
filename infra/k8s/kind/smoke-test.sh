#!/usr/bin/env bash
# Smoke test of a Sawmill deployment on Kind (after deploy.sh): the API answers on the host port
# Kind maps, and demo logs travel the whole way (demo -> agent -> Kafka -> stream -> both sinks)
# into OpenSearch and PostgreSQL. Polls each condition with a deadline; exits non-zero on the first
# that is not met, printing what it saw.
set -euo pipefail

NS=sawmill
DEADLINE_SECONDS="${DEADLINE_SECONDS:-300}"

say() { echo "[smoke] $*" >&2; }

# Runs "$@" until it succeeds or DEADLINE_SECONDS have passed.
wait_for() {
  local what="$1"
  shift
  local deadline=$((SECONDS + DEADLINE_SECONDS))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      say "FAILED: $what within ${DEADLINE_SECONDS}s"
      return 1
    fi
    sleep 5
  done
  say "ok: $what"
}

api_ready() { curl -fsS -o /dev/null http://127.0.0.1:8080/readyz; }

opensearch_count() {
  kubectl -n "$NS" exec statefulset/opensearch -- \
    curl -fsS 'http://127.0.0.1:9200/sawmill-logs-*/_count' 2>/dev/null | sed -n 's/.*"count":\([0-9]*\).*/\1/p'
}
postgres_count() {
  kubectl -n "$NS" exec statefulset/postgres -- \
    psql -U sawmill -d sawmill -tAc 'SELECT count(*) FROM log_events' 2>/dev/null | tr -d '[:space:]'
}
has_documents() { local n; n="$(opensearch_count)"; [[ -n "$n" && "$n" -gt 0 ]]; }
has_rows() { local n; n="$(postgres_count)"; [[ -n "$n" && "$n" -gt 0 ]]; }
all_pods_ready() { kubectl -n "$NS" wait pod -l app.kubernetes.io/part-of=sawmill,job-name!=topics-reconcile --for=condition=Ready --timeout=5s >/dev/null 2>&1; }

wait_for "every Sawmill pod ready" all_pods_ready
wait_for "the API answers /readyz on 127.0.0.1:8080" api_ready
wait_for "log documents in OpenSearch (sawmill-logs-*)" has_documents
wait_for "log rows in PostgreSQL (log_events)" has_rows
say "passed: OpenSearch $(opensearch_count) documents, PostgreSQL $(postgres_count) rows"
