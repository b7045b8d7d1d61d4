#!/usr/bin/env bash
# PostgreSQL: the machine's server on 127.0.0.1:5432 is used as it is. This script installs
# and starts it only when it is missing or stopped, and stops it on `stop` only if it started it.
# It also creates Sawmill's databases (sawmill for the stack, sawmill_test for the tests).
COMPONENT=postgres
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

PG_HOST=127.0.0.1
PG_PORT="${PG_PORT:-5432}"
STARTED_MARKER="$RUN_DIR/postgres.started-by-sawmill"
DATABASES=(sawmill sawmill_test)

psql_admin() { psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

ready() { pg_isready -h "$PG_HOST" -p "$PG_PORT" -q; }

cluster_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -1; }

install() {
  command -v pg_ctlcluster >/dev/null && [[ -n "$(cluster_version)" ]] && return 0
  apt_install postgresql
}

create_databases() {
  for db in "${DATABASES[@]}"; do
    if [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]]; then
      say "creating database $db"
      psql_admin -c "CREATE DATABASE \"$db\""
    fi
  done
}

start() {
  if ! ready; then
    local version
    version="$(cluster_version)"
    [[ -n "$version" ]] || die "no PostgreSQL cluster found under /etc/postgresql; run install"
    say "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    touch "$STARTED_MARKER"
    wait_until 60 "PostgreSQL on $PG_PORT" ready || die "PostgreSQL did not become ready; see /var/log/postgresql"
  fi
  create_databases
}

stop() {
  [[ -f "$STARTED_MARKER" ]] || return 0
  say "stopping PostgreSQL (it was started by the stack)"
  pg_ctlcluster --skip-systemctl-redirect "$(cluster_version)" main stop || true
  rm -f "$STARTED_MARKER"
}

status() {
  if ready && [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'sawmill'" 2>/dev/null)" == 1 ]]; then
    status_line postgres healthy "127.0.0.1:$PG_PORT"
  else
    status_line postgres unhealthy "127.0.0.1:$PG_PORT not ready or database sawmill missing"
    return 1
  fi
}

run_subcommand "$@"
