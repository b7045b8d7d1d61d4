#!/usr/bin/env bash
# Runs the Kafka Streams side of the topology benchmark on an input topic written by load-input.ts:
# builds bench/kafka-streams if needed, then runs each topology under each guarantee, one after the
# other, and prints each run's JSON result line on stdout (the app's logs go to .local/logs/).
#
# Usage: bench/topology/run-kafka-streams.sh INPUT_TOPIC
# Environment:
#   KAFKA_BROKERS        bootstrap (default 127.0.0.1:9092)
#   TOPOLOGIES           default "stateless windowed"
#   GUARANTEES           default "at_least_once" (also: exactly_once)
#   RECORDS              input records to wait for (default: all records in the topic)
#   GRACE_MS             windowed grace (default 600000: covers the default 10-minute event-time span,
#                        so no record is late after the repartition and counts can be checked exactly)
#   COMMIT_INTERVAL_MS   default 1000
#   OUTPUT_SUFFIX        output topics are INPUT_TOPIC-ks-<topology>-<guarantee><suffix> (default empty)
#   KS_JAVA_OPTS         JVM options (default -Xms512m -Xmx1g)
#   KS_EXTRA_ARGS        extra app options, e.g. "--store rocksdb --cache-bytes 0 --threads 2"
set -euo pipefail

INPUT="${1:?usage: run-kafka-streams.sh INPUT_TOPIC}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
APP_DIR="$REPO_ROOT/bench/kafka-streams"
LOG_DIR="$REPO_ROOT/.local/logs"
STATE_DIR="$REPO_ROOT/.local/bench/kafka-streams-state"
mkdir -p "$LOG_DIR" "$STATE_DIR"

# Build when never built or when a source is newer than the last build. The first build resolves
# jars from Maven Central into ~/.m2; later builds work offline.
stamp="$APP_DIR/target/classes/io/sawmill/bench/TopologyBench.class"
if [[ ! -f "$stamp" || ! -d "$APP_DIR/target/lib" || -n "$(find "$APP_DIR/src" "$APP_DIR/pom.xml" -newer "$stamp" -print -quit)" ]]; then
  echo "[bench] building bench/kafka-streams" >&2
  (cd "$APP_DIR" && { mvn -q -B -o package || mvn -q -B package; }) >&2
fi

for topology in ${TOPOLOGIES:-stateless windowed}; do
  for guarantee in ${GUARANTEES:-at_least_once}; do
    app_id="sawmill-bench-ks-$topology-${guarantee//_/-}-$(date +%s%N)"
    log="$LOG_DIR/bench-$app_id.log"
    echo "[bench] kafka-streams $topology $guarantee on $INPUT (log: $log)" >&2
    args=(--bootstrap "${KAFKA_BROKERS:-127.0.0.1:9092}" --topology "$topology" --guarantee "$guarantee"
      --input "$INPUT" --output "$INPUT-ks-$topology-$guarantee${OUTPUT_SUFFIX:-}"
      --application-id "$app_id" --state-dir "$STATE_DIR"
      --grace-ms "${GRACE_MS:-600000}" --commit-interval-ms "${COMMIT_INTERVAL_MS:-1000}")
    [[ -n "${RECORDS:-}" ]] && args+=(--records "$RECORDS")
    # shellcheck disable=SC2206 # word splitting of the extra options is wanted
    [[ -n "${KS_EXTRA_ARGS:-}" ]] && args+=(${KS_EXTRA_ARGS})
    # shellcheck disable=SC2086
    if ! java ${KS_JAVA_OPTS:--Xms512m -Xmx1g} -cp "$APP_DIR/target/classes:$APP_DIR/target/lib/*" \
      io.sawmill.bench.TopologyBench "${args[@]}" 2>"$log"; then
      echo "[bench] kafka-streams $topology $guarantee failed; last lines of $log:" >&2
      tail -n 5 "$log" >&2
      exit 1
    fi
  done
done
