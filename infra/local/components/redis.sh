#!/usr/bin/env bash
# Redis: the machine's server on 127.0.0.1:6379 is used as it is. When none answers, this
# script starts one of its own (no persistence: Sawmill keeps only rate-limit counters and
# caches there) and stops it again on `stop`.
COMPONENT=redis
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

REDIS_PORT="${REDIS_PORT:-6379}"

ready() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

install() { command -v redis-server >/dev/null && command -v redis-cli >/dev/null || apt_install redis-server redis-tools; }

start() {
  ready && return 0
  say "starting redis-server on 127.0.0.1:$REDIS_PORT"
  mkdir -p "$DATA_DIR/redis"
  spawn redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$DATA_DIR/redis" --daemonize no
  wait_until 30 "redis on $REDIS_PORT" ready || die "redis did not start; see $LOG_DIR/redis.log"
}

# Only a server this script spawned is stopped; the machine's own keeps running.
stop() { stop_pid redis 10; }

status() {
  if ready; then status_line redis healthy "127.0.0.1:$REDIS_PORT"; else
    status_line redis unhealthy "127.0.0.1:$REDIS_PORT does not answer PING"
    return 1
  fi
}

run_subcommand "$@"
